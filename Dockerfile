# syntax=docker/dockerfile:1
# armsgraph server image: "docker compose up" runs it beside Neo4j.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/armsgraph ./cmd/armsgraph

FROM gcr.io/distroless/static-debian12:nonroot
WORKDIR /app
COPY --from=build /out/armsgraph /app/armsgraph
COPY seeds /app/seeds
# Inside the container the server listens on every interface; compose
# publishes it on 127.0.0.1 only.
ENV ARMSGRAPH_ADDR=0.0.0.0:8080
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/app/armsgraph"]
CMD ["serve", "--ingest", "seeds"]
