package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"armsgraph/cmd/wiring"
	"armsgraph/graph"
)

// TestDirectPath checks that the served handler writes the root fields
// the compiled statement answers straight from its result (graph/direct.go)
// and that every answer is byte for byte gqlgen's executor's over the same
// statements: selections with aliases, fragments on the Entity interface,
// __typename, @skip/@include with variables, nulls, the object budget, and
// a selection the statement does not cover (handed back to the executor).
func TestDirectPath(t *testing.T) {
	store := seededStore(t)
	cases := []struct {
		name     string
		query    string
		vars     map[string]any
		direct   int64 // root fields the direct path must write
		executor int64 // root fields it must hand back to gqlgen's executor
		budget   int   // the object budget (0: the default)
	}{
		{name: "lookup", query: `{ weapon(name: "C-802") { id name category origin { name } } }`, direct: 1},
		{name: "derivatives", query: `{ weapon(name: "C-802") { derivatives { kind child { name origin { name } } citations { locator source { title } } } } }`, direct: 1},
		{name: "lineage", query: `{ lineage(weapon: "C-802", direction: DESCENDANTS, maxDepth: 10) { direction nodes { depth weapon { id name introduced rangeKm } } } }`, direct: 1},
		{name: "page", query: `{ weapons(first: 50) { edges { cursor node { id name origin { name } derivedFrom { kind parent { name } } } } pageInfo { hasNextPage endCursor } } }`, direct: 1},
		{name: "page-citations", query: `{ weapons(first: 50) { edges { node { id name origin { name } derivedFrom { kind parent { name } citations { locator source { title } } } } } } }`, direct: 1},
		{name: "neighborhood", query: `{ neighborhood(id: "weapon/c-802", depth: 2, limit: 200) { truncated nodes { __typename id name kind ... on Weapon { category } } relationships { type from { id } to { id } } } }`, direct: 1},
		{name: "aliases-variables-directives", query: `query Q($n: String!, $skip: Boolean!, $inc: Boolean!) {
			a: weapon(name: $n) { __typename theName: name aliases description @include(if: $inc) confidence @skip(if: $skip) ...W }
			b: weapon(name: "no such weapon") { id }
			e: entity(id: "country/iran") { __typename id ... on Country { people { name } } ... on Weapon { category } }
		}
		fragment W on Weapon { rangeKm rangeKmMin introduced citations { locator confidence } }`,
			vars: map[string]any{"n": "C-802", "skip": true, "inc": false}, direct: 3},
		{name: "over-budget", query: `{ weapons(first: 50) { edges { node { id origin { name } } } } }`, budget: 5, executor: 1},
		// A lineage nested in a lineage is loaded by the loaders' batch,
		// not by the root statement: the executor answers it.
		{name: "lineage-in-lineage", query: `{ lineage(weapon: "C-802", direction: DESCENDANTS, maxDepth: 1) { nodes { weapon { name lineage(maxDepth: 1) { nodes { weapon { name } } } } } } }`, executor: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			// The cost limit lifted: the budget stops the answer as it grows.
			served := newServer(t, wiring.Config{Registry: reg, MaxObjects: c.budget, MaxComplexity: liftedComplexity}, store)
			executor := graph.NewHandler(store, graph.HandlerConfig{MaxObjects: c.budget, MaxComplexity: liftedComplexity, NoDirect: true}, nil)
			op := map[string]any{"query": c.query, "variables": c.vars}
			want, _ := post(t, executor, op, context.Background())
			got, code := post(t, served, op, context.Background())
			if !json.Valid(got) || bytes.Contains(got, []byte("armsgraph-data-")) {
				t.Fatalf("served answer is not the data written once (graph/overhttp.go): %.300s", got)
			}
			if code != http.StatusOK || !bytes.Equal(got, want) {
				t.Fatalf("served answer differs from the executor's:\n got %d %s\nwant %s", code, got, want)
			}
			if direct, executor := rootFieldPaths(t, reg); direct != c.direct || executor != c.executor {
				t.Errorf("%d root fields written directly and %d by the executor, want %d and %d (answer %.300s)", direct, executor, c.direct, c.executor, got)
			}
		})
	}
}

// rootFieldPaths reads armsgraph_graphql_root_fields_total from reg: the
// root fields the direct path wrote and those gqlgen's executor answered.
func rootFieldPaths(t testing.TB, reg *prometheus.Registry) (direct, executor int64) {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "armsgraph_graphql_root_fields_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() != "path" {
					continue
				}
				switch l.GetValue() {
				case "direct":
					direct = int64(m.GetCounter().GetValue())
				case "executor":
					executor = int64(m.GetCounter().GetValue())
				}
			}
		}
	}
	return direct, executor
}
