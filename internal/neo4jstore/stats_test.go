package neo4jstore_test

import (
	"context"
	"math"
	"testing"

	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jtest/storetest"
	"armsgraph/internal/seeds"
)

// TestStats checks the statistics the store reads against the same
// figures counted from the seed folder it was loaded from, and that they
// are read again only when the graph changed.
func TestStats(t *testing.T) {
	store, _ := storetest.Seeded(t)
	ctx := context.Background()
	st, err := store.Stats(ctx)
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}

	// The figures from the folder.
	folder := storetest.ProjectSeeds(t)
	label := map[string]string{}
	nodes := map[string]int64{}
	cites := map[string]int64{}
	degree := map[kg.DegreeKey]map[string]int64{}
	var rels []kg.Rel
	err = folder.Each(ctx, func(c seeds.Chunk) error {
		for _, n := range c.Nodes {
			l := "Source"
			if n.Kind != "" {
				l = n.Kind.Label()
			}
			label[n.ID] = l
			nodes[l]++
			if s, ok := n.Props[kg.PropCiteSource].([]string); ok {
				cites[l] += int64(len(s))
			}
		}
		rels = append(rels, c.Rels...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rels {
		key := string(r.Type) + " " + r.From + " " + r.To + " " + r.Key
		if seen[key] {
			continue // a relationship stated in two files is one relationship
		}
		seen[key] = true
		for _, end := range []struct {
			id       string
			incoming bool
		}{{r.From, false}, {r.To, true}} {
			k := kg.DegreeKey{Label: label[end.id], Type: r.Type, Incoming: end.incoming}
			if degree[k] == nil {
				degree[k] = map[string]int64{}
			}
			degree[k][end.id]++
		}
	}

	for l, n := range nodes {
		if st.Nodes[l] != n {
			t.Errorf("Nodes[%s] = %d, want %d", l, st.Nodes[l], n)
		}
	}
	for k, per := range degree {
		var total, most int64
		for _, d := range per {
			total += d
			most = max(most, d)
		}
		got := st.Degrees[k]
		if want := float64(total) / float64(nodes[k.Label]); math.Abs(got.Avg-want) > 1e-9 || got.Max != most {
			t.Errorf("Degrees[%v] = %+v, want avg %v max %d", k, got, want, most)
		}
	}
	if len(st.Degrees) != len(degree) {
		t.Errorf("%d degree figures, want %d", len(st.Degrees), len(degree))
	}
	for l, c := range cites {
		if want := float64(c) / float64(nodes[l]); math.Abs(st.Citations[l].Avg-want) > 1e-9 {
			t.Errorf("Citations[%s].Avg = %v, want %v", l, st.Citations[l].Avg, want)
		}
	}

	again, err := store.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again != st {
		t.Errorf("Stats read the figures again on an unchanged graph")
	}
	if store.CachedStats() != st {
		t.Errorf("CachedStats is not the last reading")
	}

	// A weapon more: the first call after the change keeps the figures (an
	// ingest may be under way), the next one, the totals unchanged since,
	// reads them again.
	w := kg.Node{ID: "weapon/stats-test", Kind: kg.Weapon, Props: map[string]any{"name": "Stats Test"}}
	if _, err := store.UpsertNodes(ctx, kg.Weapon.Label(), "stats-test", []kg.Node{w}, false); err != nil {
		t.Fatalf("UpsertNodes: %v", err)
	}
	if during, err := store.Stats(ctx); err != nil || during != st {
		t.Fatalf("Stats right after a change = %p, %v; want the last figures %p", during, err, st)
	}
	after, err := store.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after == st || after.Count("Weapon") != st.Count("Weapon")+1 {
		t.Errorf("Stats once the totals settled: %d weapons, want %d", after.Count("Weapon"), st.Count("Weapon")+1)
	}
}
