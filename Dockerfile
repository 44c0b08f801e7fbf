# armsgraph server image: "docker compose up" runs it beside Neo4j.
#
# Both base images are build arguments, so that the image builds where no
# registry answers: scripts/images passes its debootstrapped Debian for both
# and a build context holding prebuilt/armsgraph, compiled on the host with
# the flags below (nothing inside a build has network there).
ARG GO_IMAGE=golang:1.26
ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12:nonroot

FROM ${GO_IMAGE} AS build
WORKDIR /src
COPY . .
# prebuilt/armsgraph (the offline build of scripts/images) is taken as is;
# else the modules come from the Go module proxy and the binary is built here.
RUN mkdir -p /out && if [ -x prebuilt/armsgraph ]; then cp prebuilt/armsgraph /out/armsgraph; else \
    go mod download && CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/armsgraph ./cmd/armsgraph; fi

FROM ${RUNTIME_IMAGE}
WORKDIR /app
COPY --from=build /out/armsgraph /app/armsgraph
COPY seeds /app/seeds
# Inside the container the server listens on every interface; compose
# publishes it on 127.0.0.1 only.
ENV ARMSGRAPH_ADDR=0.0.0.0:8080
EXPOSE 8080
# Not root: 65532 is distroless' "nonroot" user; it needs no passwd entry.
USER 65532:65532
# The binary asks its own /readyz: no shell or HTTP client needed.
HEALTHCHECK --interval=5s --timeout=10s --start-period=20s --retries=60 CMD ["/app/armsgraph", "health"]
ENTRYPOINT ["/app/armsgraph"]
CMD ["serve", "--ingest", "seeds"]
