package graph_test

import (
	"context"
	"testing"

	"armsgraph/graph"
	"armsgraph/internal/kg"
)

// planCapture is the fake store that keeps the plan Resolve was given.
type planCapture struct {
	*fakeStore
	plan *kg.Prefetch
}

func (p *planCapture) Resolve(ctx context.Context, name string, kinds []kg.Kind, prefix bool, limit int, pre ...*kg.Prefetch) ([]kg.Match, *kg.Fetched, error) {
	if len(pre) > 0 {
		p.plan = pre[0]
	}
	return p.fakeStore.Resolve(ctx, name, kinds, prefix, limit)
}

// TestPlanCarriesBudget checks what the store is told to cut: the plan
// carries the root field's object budget, a list field's relationships
// may be cut to it, and a single object's (the list's first entry) and
// Resolution.losses' (its resolver skips entries) may not.
func TestPlanCarriesBudget(t *testing.T) {
	store := &planCapture{fakeStore: newFakeStore()}
	store.addNode(kg.Node{ID: "country/china", Kind: kg.Country, Name: "China"})
	h := graph.NewHandler(store, graph.HandlerConfig{MaxObjects: 123}, nil)
	r := post(t, h, `{ country(name: "China") { weaponsOriginated { origin { id } } } }`, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("country: %s", r)
	}
	pre := store.plan
	if pre == nil || pre.Plan == nil || len(pre.Plan.Edges) != 1 {
		t.Fatalf("plan %+v, want one relationship list from the country", pre)
	}
	if pre.MaxObjects != 123 {
		t.Errorf("plan's budget %d, want the handler's 123", pre.MaxObjects)
	}
	weapons := pre.Plan.Edges[0]
	if weapons.Uncut || weapons.Node == nil || len(weapons.Node.Edges) != 1 {
		t.Fatalf("weaponsOriginated: %+v, want a list the store may cut, with each weapon's origin", weapons)
	}
	if origin := weapons.Node.Edges[0]; !origin.Uncut {
		t.Errorf("Weapon.origin (a single object) %+v, want Uncut", origin)
	}

	r = post(t, h, `{ resolve(name: "China") { ... on Resolution { losses { valueUsd } } } }`, nil)
	if pre := store.plan; pre == nil || pre.Plan == nil || len(pre.Plan.Edges) != 1 || !pre.Plan.Edges[0].Uncut {
		t.Errorf("Resolution.losses: plan %+v (%s), want one Uncut list", pre, r)
	}
}
