# armsgraph: "make help" lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

GO    ?= go
NEO4J := bash scripts/neo4j
BIN   := bin/armsgraph
FUZZTIME ?= 15s

.PHONY: help run test fuzz test-race test-restart test-subtests-alone test-containers test-armsgraphtc images compose-smoke http-audit bench soak neo4j-start neo4j-stop neo4j-status generate web web-check clean

help: ## list the targets
	@echo "usage: make TARGET"
	@awk 'BEGIN { FS = ":.*## " } /^[a-z0-9-]+:.*## / { printf "  %-13s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

run: ## start the dev Neo4j (unless NEO4J_URI is set), build, ingest seeds/, serve GraphQL
	@set -euo pipefail; \
	if [ -z "$${NEO4J_URI:-}" ]; then \
		$(NEO4J) start --instance dev; \
		eval "$$($(NEO4J) env --instance dev)"; \
	fi; \
	echo "Neo4j: $$NEO4J_URI"; \
	$(GO) build -o $(BIN) ./cmd/armsgraph; \
	$(BIN) ingest --seeds seeds; \
	exec $(BIN) serve

# The packages whose code or tests run goroutines (the server's resolvers,
# the ingester's writers, the load and fault runs, the bench, the serve
# command, the test helpers' watchers) or drive the driver from several at
# once: go test -race covers them. web/ (Chromium drives it; nothing of ours
# runs concurrently there), deploy/ and the pure packages stay plain.
# Measured on 2 cores: these packages spend their time waiting on Neo4j, so
# -race adds little wall time (the Go side's CPU grows 3-10x, from well under
# a second to a few seconds per package); all of RACE_PKGS passes under -race.
RACE_PKGS := ./cmd/... ./graph/... ./internal/bench ./internal/ingest ./internal/neo4jstore ./internal/neo4jtest/... \
	./internal/reliability ./internal/seeds ./internal/server
# RACE=1 (what .ci/run uses): make test runs RACE_PKGS with -race and the
# rest plain, so that every package still runs once.
RACE ?= 0
# SHARDS=2 (what .ci/run uses, where a Docker engine answers): internal/server
# and the other packages run at once, each group on a testcontainers Neo4j
# of its own (scripts/go-test --help).
SHARDS ?= 1

# The test helper (internal/neo4jtest) starts the test instance itself when
# it needs it; starting it here first only makes the time it takes visible.
test: ## go vet, generated code up to date, every test (integration tests against a real Neo4j), bounded fuzzing
	$(GO) vet ./...
	@echo "== generated code is up to date"
	$(GO) generate ./...
	@git diff --exit-code --stat -- graph schema || { echo "make: go generate changed graph/: commit the regenerated files" >&2; exit 1; }
	@$(MAKE) --no-print-directory web-check
	@if [ -z "$${NEO4J_URI:-}" ] && { [ "$${ARMSGRAPH_TEST_NO_DOCKER:-}" = 1 ] || ! docker info >/dev/null 2>&1; }; then \
		$(NEO4J) start --instance test || echo "make: the test Neo4j did not start (see above); tests that need it will skip, or fail with CI=true" >&2; \
	fi
	@# TestGeneratedQueries (internal/server) plans a new statement per generated
	@# operation: on a busy 2-core machine the package takes longer than go test's 10 min.
	@echo "== go test$(if $(filter 1,$(RACE)), -race over RACE_PKGS and the other packages plain,)$(if $(filter 2,$(SHARDS)), in two groups at once (scripts/go-test),)"
	@RACE=$(RACE) RACE_PKGS="$(RACE_PKGS)" SHARDS=$(SHARDS) GO=$(GO) \
		THEN="$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZTIME)" bash scripts/go-test

fuzz: ## bounded fuzzing of every fuzz target, FUZZTIME each (part of make test)
	@echo "== bounded fuzzing (FUZZTIME=$(FUZZTIME) each)"
	$(GO) test -run '^$$' -fuzz '^FuzzValidate$$' -fuzztime $(FUZZTIME) ./internal/seeds
	$(GO) test -run '^$$' -fuzz '^FuzzFastYAML$$' -fuzztime $(FUZZTIME) ./internal/seeds
	$(GO) test -run '^$$' -fuzz '^FuzzParsePartialDate$$' -fuzztime $(FUZZTIME) ./internal/kg
	$(GO) test -run '^$$' -fuzz '^FuzzEstimate$$' -fuzztime $(FUZZTIME) ./graph
	$(GO) test -run '^$$' -fuzz '^FuzzRead$$' -fuzztime $(FUZZTIME) ./internal/sipri
	$(GO) test -run '^$$' -fuzz '^FuzzGenerate$$' -fuzztime $(FUZZTIME) ./internal/querygen

test-race: ## go test -race over the packages that run goroutines (RACE_PKGS)
	$(GO) test -count=1 -race $(RACE_PKGS)

# The tests that stop and restart a real Neo4j (a private instance on
# ARMSGRAPH_FAULT_PORT, default 7691), without the long load runs of make
# soak; fewer clients (ARMSGRAPH_FAULT_CONCURRENCY) than the soak's 16. The
# phases end on events (the ingest frozen while Neo4j stops, the load until
# every client saw each phase), so a small synthetic folder does
# (ARMSGRAPH_FAULT_SOAK_WEAPONS, 300; make soak loads 2000).
test-restart: ## stop and restart a real Neo4j under an ingest and under load
	ARMSGRAPH_FAULT_CONCURRENCY=$${ARMSGRAPH_FAULT_CONCURRENCY:-8} \
		$(GO) test -tags soak -count=1 -v -timeout 15m -run '^TestFaultStopNeo4j' ./internal/reliability/

# Each subtest must pass alone (-run '^TestX$$/^sub$$'), owning its state.
# This bounded form runs every leaf test of the packages that need no Neo4j
# alone, and from the Neo4j packages a sample drawn from the manifest the
# full check writes (SUBTEST_SAMPLE by a fixed seed, as many by a fresh
# seed it prints; only leaves that took at most 5 s there). The full check,
# before a release: scripts/run-subtests-alone.
SUBTEST_SAMPLE ?= 3
test-subtests-alone: ## each subtest passes run alone: all without Neo4j, a seeded sample of the Neo4j ones
	@# The local test Neo4j, as make test in CI: not a container per run.
	ARMSGRAPH_TEST_NO_DOCKER=$${ARMSGRAPH_TEST_NO_DOCKER:-1} bash scripts/run-subtests-alone -ci -sample $(SUBTEST_SAMPLE)

# Every package whose tests import neo4jtest (or its storetest), run once
# more with ARMSGRAPH_TEST_NEO4J=container: testcontainers only, no fallback.
# The generated-operation corpora (CONTAINER_SKIP) test the query compiler,
# which does not depend on where Neo4j runs: they run once, in make test.
CONTAINER_SKIP := TestGeneratedQueries/(fixed|fresh)-seed|TestGeneratedCosts
test-containers: ## the integration suites against a testcontainers Neo4j, then test-armsgraphtc (needs Docker and scripts/images)
	@pkgs=$$($(GO) list -f '{{.ImportPath}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... | \
		awk '$$1 ~ /\/internal\/neo4jtest$$/ || / armsgraph\/internal\/neo4jtest/ { print $$1 }' | tr '\n' ' '); \
	echo "ARMSGRAPH_TEST_NEO4J=container go test -count=1 -timeout 60m -skip '$(CONTAINER_SKIP)' $$pkgs"; \
	ARMSGRAPH_TEST_NEO4J=container $(GO) test -count=1 -timeout 60m -skip '$(CONTAINER_SKIP)' $$pkgs
	@$(MAKE) --no-print-directory test-armsgraphtc

# The package's own tests, run from a module outside the repository (what a
# consumer compiles); -v shows the startup time the test prints.
test-armsgraphtc: ## pkg/armsgraphtc's tests against real containers, from a throwaway module (needs Docker and scripts/images)
	@echo "== pkg/armsgraphtc, the test module for other teams' tests, from a throwaway module"
	bash scripts/armsgraphtc-consumer -timeout 30m

images: ## container images: pulled, else built from package mirrors (scripts/images --help)
	bash scripts/images build

compose-smoke: ## docker-compose.yml up, healthy, a lineage query on 127.0.0.1, down with volumes
	bash scripts/compose-smoke

http-audit: ## graphql-http's GraphQL-over-HTTP audit of armsgraph serve (npm ci in scripts/http-audit; a real Neo4j)
	cd scripts/http-audit && npm ci --prefer-offline --no-audit --no-fund --ignore-scripts
	$(GO) test -count=1 -v -run '^TestGraphQLOverHTTPAudit$$' ./cmd/armsgraph

# --peer adds the side-by-side table against @neo4j/graphql (bench/peer;
# needs Node.js 20+ and npm, and installs the pinned packages once).
BENCH_FLAGS ?= --peer
bench: ## benchmarks against a real Neo4j, with the @neo4j/graphql peer (see docs/benchmarks.md)
	$(GO) run ./cmd/armsgraph bench $(BENCH_FLAGS)

soak: ## long fault, load and fuzz runs (see README, Reliability tests)
	ARMSGRAPH_FAULT_SOAK_WEAPONS=$${ARMSGRAPH_FAULT_SOAK_WEAPONS:-2000} \
		$(GO) test -tags soak -count=1 -v -timeout 60m -run 'Soak|Fault|Load' ./internal/reliability/
	$(GO) test -run '^$$' -fuzz '^FuzzUnmarshalPartialDate$$' -fuzztime $${SOAK_FUZZTIME:-2m} ./internal/reliability/

neo4j-start: ## start the dev Neo4j (bolt://127.0.0.1:7687)
	$(NEO4J) start --instance dev

neo4j-stop: ## stop both local Neo4j instances (dev and test)
	$(NEO4J) stop --instance dev
	$(NEO4J) stop --instance test

neo4j-status: ## show whether the local Neo4j instances run
	@$(NEO4J) status --instance dev || true
	@$(NEO4J) status --instance test || true

generate: ## go generate ./...
	$(GO) generate ./...

# The explorer's build (web/dist) is committed, so go build needs no npm;
# web-check rebuilds it from web/src and the lock file and fails when the
# result differs. Without npm it says so and skips, except under CI=true.
web: ## rebuild the explorer and GraphiQL into web/dist (npm ci, then esbuild)
	cd web && npm ci --no-audit --no-fund && npm run build

web-check: ## check that the committed web/dist equals a fresh build of web/src
	@echo "== explorer build (web/dist) matches web/src"
	@if ! command -v npm >/dev/null 2>&1; then \
		if [ "$$($(GO) run ./internal/ci/inci)" = true ]; then echo "make: npm is missing (CI is set): install Node.js 20+ to check web/dist" >&2; exit 1; fi; \
		echo "make: npm is missing: skipping the web/dist check (install Node.js 20+ to run it)" >&2; exit 0; \
	fi; \
	$(MAKE) --no-print-directory web >/dev/null && \
	{ git diff --exit-code --stat -- web/dist && [ -z "$$(git status --porcelain --untracked-files=all -- web/dist)" ]; } || \
	{ echo "make: web/dist differs from a fresh build of web/src: run make web and commit web/dist" >&2; exit 1; }

clean: ## remove build output (Neo4j data stays: scripts/neo4j wipe)
	rm -rf bin
