package graph_test

import (
	"fmt"
	"testing"

	"armsgraph/internal/kg"
)

// TestNestedQueryCount checks that a nested request costs the same number
// of store queries whatever the number of results: every level is one
// batched query, never one per parent.
func TestNestedQueryCount(t *testing.T) {
	const query = `{
	  weapons(first: 150) {
	    edges { node {
	      name introduced
	      citations { locator source { title } }
	      derivedFrom { kind confidence parent { name origin { name } } citations { source { title } } }
	    } }
	  }
	}`
	counts := map[int]int64{}
	for _, n := range []int{3, 60} {
		store := newFakeStore()
		store.addNode(kg.Node{ID: "source/a", Name: "A", Props: map[string]any{"title": "A"}})
		store.addNode(kg.Node{ID: "country/china", Kind: kg.Country, Name: "China"})
		for i := range n {
			child, parent := weaponNode(fmt.Sprintf("weapon/w-%03d", i), fmt.Sprintf("W-%03d", i)), weaponNode(fmt.Sprintf("weapon/p-%03d", i), fmt.Sprintf("P-%03d", i))
			store.addNode(child)
			store.addNode(parent)
			store.addRel(kg.Rel{Type: kg.OriginatesFrom, From: parent.ID, To: "country/china", Confidence: kg.Confirmed})
			store.addRel(kg.Rel{Type: kg.DerivedFrom, From: child.ID, To: parent.ID, Confidence: kg.Reported,
				Citations: []kg.Citation{{Source: "source/a", Locator: "line 2"}}, Props: map[string]any{"kind": "copy"}})
		}
		resp := post(t, newServer(store, nil), query, nil)
		if len(resp.Errors) > 0 {
			t.Fatalf("n=%d: %s", n, resp)
		}
		edges := resp.Data["weapons"].(map[string]any)["edges"].([]any)
		if len(edges) != 2*n {
			t.Fatalf("n=%d: %d weapons, want %d", n, len(edges), 2*n)
		}
		// Spot-check one answer: the first child and its parent's origin.
		var child map[string]any
		for _, e := range edges {
			node := e.(map[string]any)["node"].(map[string]any)
			if node["name"] == "W-000" {
				child = node
			}
		}
		d := child["derivedFrom"].([]any)[0].(map[string]any)
		parent := d["parent"].(map[string]any)
		if parent["name"] != "P-000" || parent["origin"].(map[string]any)["name"] != "China" || d["kind"] != "copy" ||
			child["introduced"] != "1992" || d["citations"].([]any)[0].(map[string]any)["source"].(map[string]any)["title"] != "A" {
			t.Errorf("n=%d: W-000 = %v", n, child)
		}
		counts[n] = store.calls.Load()
	}
	// weapons, derivedFrom, origin, citation sources: four queries.
	if counts[3] != 4 || counts[60] != 4 {
		t.Errorf("store queries for 3 and 60 pairs = %d and %d, want 4 and 4", counts[3], counts[60])
	}
}
