package server_test

import (
	"context"
	"sync"
	"testing"

	"armsgraph/graph"
	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jstore"
)

// planRecorder is the real store, recording whether each lineage and
// neighbourhood read was told it may leave the relationships out.
type planRecorder struct {
	*neo4jstore.Store
	mu     sync.Mutex
	noRels []bool
}

func (r *planRecorder) record(pre []*kg.Prefetch) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.noRels = append(r.noRels, len(pre) > 0 && pre[0] != nil && pre[0].NoRels)
}

func (r *planRecorder) LineageOf(ctx context.Context, ref string, dir kg.Direction, maxDepth int, minConf kg.Confidence, pre ...*kg.Prefetch) (*kg.Lineage, *kg.Fetched, error) {
	r.record(pre)
	return r.Store.LineageOf(ctx, ref, dir, maxDepth, minConf, pre...)
}

func (r *planRecorder) Neighborhood(ctx context.Context, q kg.NeighborhoodQuery, pre ...*kg.Prefetch) (kg.Subgraph, *kg.Fetched, error) {
	r.record(pre)
	return r.Store.Neighborhood(ctx, q, pre...)
}

// TestLeanPlan checks that the planner asks for the lean lineage and
// neighbourhood statements exactly when the selection names no
// derivations or relationships, through fragments and directives too
// (the answers themselves are checked by TestCompiledCorpus and
// TestCompiledEqualsLoaders; the database hits by TestLeanStatements).
func TestLeanPlan(t *testing.T) {
	rec := &planRecorder{Store: seededStore(t)}
	h := graph.NewHandler(rec, graph.HandlerConfig{}, nil)
	cases := []struct {
		name, query string
		lean        bool
	}{
		{"lineage nodes", `{ lineage(weapon: "C-802", direction: DESCENDANTS, maxDepth: 10) { nodes { weapon { id name } } } }`, true},
		{"lineage depths", `{ lineage(weapon: "C-802") { weapon { name } nodes { depth } } }`, true},
		{"lineage derivations", `{ lineage(weapon: "C-802") { nodes { depth } derivations { kind } } }`, false},
		{"lineage derivations in a fragment", `{ lineage(weapon: "C-802") { ...L } } fragment L on Lineage { derivations { child { id } } }`, false},
		{"lineage derivations skipped", `{ lineage(weapon: "C-802") { nodes { depth } derivations @skip(if: true) { kind } } }`, true},
		{"neighborhood nodes", `{ neighborhood(id: "weapon/c-802", depth: 2, limit: 200) { nodes { id name kind } } }`, true},
		{"neighborhood truncated", `{ neighborhood(id: "weapon/c-802") { truncated } }`, true},
		{"neighborhood relationships", `{ neighborhood(id: "weapon/c-802") { nodes { id } relationships { type } } }`, false},
		{"neighborhood relationships included", `{ neighborhood(id: "weapon/c-802") { ... on Subgraph { relationships @include(if: true) { from { id } } } } }`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec.mu.Lock()
			rec.noRels = nil
			rec.mu.Unlock()
			runCounted(t, h, c.query, nil)
			rec.mu.Lock()
			defer rec.mu.Unlock()
			if len(rec.noRels) != 1 || rec.noRels[0] != c.lean {
				t.Errorf("reads told to leave relationships out: %v, want [%v]", rec.noRels, c.lean)
			}
		})
	}
}
