package neo4jstore

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/internal/kg"
)

// TestObjectBudgetCutsFanout checks the object budget's pushdown: a
// relationship list of a compiled plan is read only to budget+1 entries
// when it holds more (the answer is refused whatever they are), which the
// profile shows as database hits of about the budget's entries, not the
// fan-out's (the list is a COLLECT subquery inside a projection, whose
// rows the profile does not break out; its hits are the projection's);
// below the budget the list is whole and in the order Store.Edges gives.
// The graph is the group tests' generated hub, small: a country 600
// weapons originate from.
func TestObjectBudgetCutsFanout(t *testing.T) {
	ctx := context.Background()
	inst, s := testStore(t)
	const fanout, budget = 600, 40
	cite := []kg.Citation{{Source: "source/a", Locator: "line 1"}}
	w := groupWorld{nodes: []kg.Node{
		{ID: "source/a", Name: "A source", Props: map[string]any{}},
		{ID: "country/hub", Kind: kg.Country, Name: "Hubland", Props: map[string]any{}, Citations: cite},
	}}
	for i := range fanout {
		id := fmt.Sprintf("weapon/w-%04d", i)
		w.nodes = append(w.nodes, kg.Node{ID: id, Kind: kg.Weapon, Name: fmt.Sprintf("W %04d", fanout-i), Props: map[string]any{}, Citations: cite})
		w.rels = append(w.rels, kg.Rel{Type: kg.OriginatesFrom, From: id, To: "country/hub", Confidence: kg.Confirmed, Citations: cite})
	}
	w.reload(t, inst, s)
	spec := kg.EdgeSpec{Type: kg.OriginatesFrom, Incoming: true, Label: kg.Weapon.Label()}
	// The weapons' sources are fetched with each: nested work a cut list
	// must not do for the entries it leaves out.
	plan := func(maxObjects int, uncut bool) *kg.Prefetch {
		return &kg.Prefetch{MaxObjects: maxObjects, Plan: &kg.Expand{Edges: []kg.EdgeExpand{
			{From: kg.Country, Spec: spec, Node: &kg.Expand{Sources: true}, Uncut: uncut},
		}}}
	}
	whole, err := s.Edges(ctx, []string{"country/hub"}, spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(whole["country/hub"]) != fanout {
		t.Fatalf("the hub has %d weapons, want %d", len(whole["country/hub"]), fanout)
	}
	// read runs the plan through Store.Nodes and profiles its statement:
	// the hub's list as fetched, and the database hits of the statement.
	read := func(t *testing.T, pre *kg.Prefetch) (list []kg.Edge, hits int64, plan string) {
		t.Helper()
		var cypher string
		var params map[string]any
		captureQuery = func(_, c string, p map[string]any) { cypher, params = c, p }
		_, got, err := s.Nodes(ctx, []string{"country/hub"}, pre)
		captureQuery = nil
		if err != nil {
			t.Fatal(err)
		}
		if got == nil {
			t.Fatal("the store did not run the plan")
		}
		for _, el := range got.Edges {
			if el.ID == "country/hub" && el.Spec == spec {
				list = el.Edges
			}
		}
		plan = profile(t, inst, cypher, params, func(p neo4j.ProfiledPlan) { hits += p.DbHits() })
		return list, hits, plan
	}
	keys := func(es []kg.Edge) []string {
		out := make([]string, len(es))
		for i, e := range es {
			out[i] = e.Node.ID + " " + e.Rel.Key
		}
		return out
	}
	t.Run("below the budget the list is whole", func(t *testing.T) {
		list, _, _ := read(t, plan(fanout, false))
		if !slices.Equal(keys(list), keys(whole["country/hub"])) {
			t.Errorf("a list of %d under a budget of %d: got %d entries, want the whole list in Store.Edges order", fanout, fanout, len(list))
		}
	})
	// The whole list's hits, read as an Uncut list is, over the budget.
	wholeList, wholeHits, wholePlan := read(t, plan(budget, true))
	if !slices.Equal(keys(wholeList), keys(whole["country/hub"])) {
		t.Errorf("an Uncut list over the budget: got %d entries, want the whole list of %d", len(wholeList), fanout)
	}
	t.Run("over the budget the list stops one entry past it", func(t *testing.T) {
		list, hits, profile := read(t, plan(budget, false))
		t.Logf("a list of %d under a budget of %d: %d entries fetched in %d database hits; read whole: %d hits", fanout, budget, len(list), hits, wholeHits)
		if len(list) != budget+1 {
			t.Errorf("got %d entries, want %d (one more than the budget proves the answer over it)", len(list), budget+1)
		}
		// About the budget's share of the whole list's hits (budget+1 of
		// fanout entries, twice over for the statement's fixed part).
		if hits*int64(fanout) > 2*wholeHits*int64(budget+1)+int64(fanout)*100 {
			t.Errorf("the cut list took %d database hits, the whole list %d: want about %d/%d of them, not the whole fan-out.\ncut:\n%s\nwhole:\n%s", hits, wholeHits, budget+1, fanout, profile, wholePlan)
		}
	})
}
