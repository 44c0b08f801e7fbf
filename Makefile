# armsgraph: "make help" lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

GO    ?= go
NEO4J := bash scripts/neo4j
BIN   := bin/armsgraph
FUZZTIME ?= 15s

.PHONY: help run test test-containers images compose-smoke bench soak neo4j-start neo4j-stop neo4j-status generate clean

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

# The test helper (internal/neo4jtest) starts the test instance itself when
# it needs it; starting it here first only makes the time it takes visible.
test: ## go vet, generated code up to date, every test (integration tests against a real Neo4j), bounded fuzzing
	$(GO) vet ./...
	@echo "== generated code is up to date"
	$(GO) generate ./...
	@git diff --exit-code --stat -- graph schema || { echo "make: go generate changed graph/: commit the regenerated files" >&2; exit 1; }
	@if [ -z "$${NEO4J_URI:-}" ] && { [ "$${ARMSGRAPH_TEST_NO_DOCKER:-}" = 1 ] || ! docker info >/dev/null 2>&1; }; then \
		$(NEO4J) start --instance test || echo "make: the test Neo4j did not start (see above); tests that need it will skip, or fail with CI=true" >&2; \
	fi
	$(GO) test -count=1 ./...
	@echo "== bounded fuzzing (FUZZTIME=$(FUZZTIME) each)"
	$(GO) test -run '^$$' -fuzz '^FuzzValidate$$' -fuzztime $(FUZZTIME) ./internal/seeds
	$(GO) test -run '^$$' -fuzz '^FuzzFastYAML$$' -fuzztime $(FUZZTIME) ./internal/seeds
	$(GO) test -run '^$$' -fuzz '^FuzzParsePartialDate$$' -fuzztime $(FUZZTIME) ./internal/kg

# Every package whose tests import neo4jtest (or its storetest), run once
# more with ARMSGRAPH_TEST_NEO4J=container: testcontainers only, no fallback.
test-containers: ## the integration suites against a testcontainers Neo4j (needs Docker and scripts/images)
	@pkgs=$$($(GO) list -f '{{.ImportPath}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... | \
		awk '$$1 ~ /\/internal\/neo4jtest$$/ || / armsgraph\/internal\/neo4jtest/ { print $$1 }' | tr '\n' ' '); \
	echo "ARMSGRAPH_TEST_NEO4J=container go test -count=1 $$pkgs"; \
	ARMSGRAPH_TEST_NEO4J=container $(GO) test -count=1 $$pkgs

images: ## container images: pulled, else built from package mirrors (scripts/images --help)
	bash scripts/images build

compose-smoke: ## docker-compose.yml up, healthy, a lineage query on 127.0.0.1, down with volumes
	bash scripts/compose-smoke

bench: ## benchmarks against a real Neo4j (see docs/benchmarks.md)
	$(GO) run ./cmd/armsgraph bench

soak: ## long fault, load and fuzz runs (see README, Reliability tests)
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

clean: ## remove build output (Neo4j data stays: scripts/neo4j wipe)
	rm -rf bin
