package graph

import (
	"context"
	"sync/atomic"
	"testing"

	"armsgraph/internal/kg"
)

// countingStore counts the statements the loaders send; only the two
// batch reads the test calls are answered.
type countingStore struct {
	Store
	calls atomic.Int64
}

func (s *countingStore) Nodes(_ context.Context, ids []string, _ ...*kg.Prefetch) ([]kg.Node, *kg.Fetched, error) {
	s.calls.Add(1)
	out := make([]kg.Node, 0, len(ids))
	for _, id := range ids {
		out = append(out, kg.Node{ID: id, Kind: kg.Weapon, Name: id})
	}
	return out, nil, nil
}

func (s *countingStore) Edges(_ context.Context, ids []string, _ kg.EdgeSpec) (map[string][]kg.Edge, error) {
	s.calls.Add(1)
	return map[string][]kg.Edge{}, nil
}

// TestPrimedLoadClaimsNoGroup is the race of issue 17 made deterministic:
// root field A's statement primed weapon X's origin and citation source;
// root field B, which ran its plain statement (nothing nested asked),
// registered X and Y as siblings, and sources s1 and s2 as a group. When
// A's nested fields then read X's origin and source s1 from the cache,
// they must not fetch B's siblings: B asked for nothing nested, so that
// statement would be one more than one per root field.
func TestPrimedLoadClaimsNoGroup(t *testing.T) {
	ctx := context.Background()
	store := &countingStore{}
	l := newLoaders(store, DefaultLoaderWait)
	china := kg.Node{ID: "country/china", Kind: kg.Country, Name: "China"}
	l.roots([]kg.Node{{ID: "weapon/x", Kind: kg.Weapon}}, nil, &kg.Prefetch{Plan: &kg.Expand{Sources: true}}, &kg.Fetched{
		Edges: []kg.EdgeList{{Spec: specOrigin, ID: "weapon/x", Edges: []kg.Edge{{Node: china}}}},
		Nodes: []kg.Node{{ID: "source/s1"}},
	})
	cited := func(s string) []kg.Citation { return []kg.Citation{{Source: s}} }
	l.roots([]kg.Node{{ID: "weapon/x", Citations: cited("source/s1")}, {ID: "weapon/y", Citations: cited("source/s2")}}, nil, &kg.Prefetch{}, nil)

	if edges, err := l.edgesOf(ctx, specOrigin, "weapon/x"); err != nil || len(edges) != 1 || edges[0].Node.ID != china.ID {
		t.Fatalf("origin of weapon/x = %v, %v; want the primed China", edges, err)
	}
	if n, err := l.node(ctx, "source/s1"); err != nil || n == nil {
		t.Fatalf("source/s1 = %v, %v; want the primed source", n, err)
	}
	// Nothing queued B's siblings: priming them still finds no entry.
	if !l.edgeLoader(specOrigin).Loader.Prime("weapon/y", nil) {
		t.Errorf("reading weapon/x's origin from the cache queued weapon/y's, a sibling the other root field registered")
	}
	if !l.nodes.Loader.Prime("source/s2", nil) {
		t.Errorf("reading source/s1 from the cache queued source/s2, a sibling the other root field registered")
	}
	l.nodes.Clear("source/s2")
	if got := store.calls.Load(); got != 0 {
		t.Errorf("loads the cache answered sent %d statements, want 0", got)
	}
	// A load the cache cannot answer still takes its whole group along.
	if _, err := l.node(ctx, "source/s2"); err != nil {
		t.Fatal(err)
	}
	if got := store.calls.Load(); got != 1 {
		t.Errorf("after loading source/s2: %d statements, want 1", got)
	}
}
