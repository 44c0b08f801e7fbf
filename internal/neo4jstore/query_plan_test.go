package neo4jstore

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/internal/kg"
)

type capturedQuery struct {
	name, cypher string
	params       map[string]any
}

// operators lists the operators of a profiled plan, depth first. (PROFILE,
// not EXPLAIN: the driver's Plan.Children repeats the last child.)
func operators(p neo4j.ProfiledPlan) []string {
	out := []string{p.Operator()}
	for _, c := range p.Children() {
		out = append(out, operators(c)...)
	}
	return out
}

// TestQueryPlans runs every read query against an empty database with the
// schema, and checks with PROFILE that each is anchored on an index (the id
// constraint, a range index or a full-text index), never on a scan of all
// nodes. On the empty database PROFILE costs nothing and shows the plan.
func TestQueryPlans(t *testing.T) {
	ctx := context.Background()
	inst, s := testStore(t)
	if err := s.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	var captured []capturedQuery
	captureQuery = func(name, cypher string, params map[string]any) {
		captured = append(captured, capturedQuery{name, cypher, params})
	}
	defer func() { captureQuery = nil }()

	d := func(s string) kg.PartialDate { v, _ := kg.ParsePartialDate(s); return v }
	ids := []string{"weapon/a", "weapon/b"}
	calls := []func() error{
		func() error { _, _, err := s.Nodes(ctx, []string{"weapon/a", "source/a"}); return err },
		func() error {
			_, err := s.Edges(ctx, ids, kg.EdgeSpec{Type: kg.DerivedFrom, Label: "Weapon"})
			return err
		},
		func() error {
			_, err := s.Edges(ctx, ids, kg.EdgeSpec{Type: kg.PartyTo, Incoming: true, Label: "Country"})
			return err
		},
		func() error { _, err := s.OrganizationCountries(ctx, ids); return err },
		func() error { _, _, err := s.Resolve(ctx, "C-802", nil, true, 10); return err },
		func() error { _, _, err := s.Search(ctx, "anti-ship", nil, 10); return err },
		func() error { _, _, err := s.LineageOf(ctx, "C-802", kg.Both, 10, ""); return err },
		func() error { _, err := s.Lineages(ctx, ids, kg.Both, 10, kg.Reported); return err },
		func() error {
			_, _, err := s.Paths(ctx, kg.PathQuery{From: "person/a", To: "person/b", MaxHops: 6, Limit: 5, Types: []string{"MET", "SIGNED"}, Via: []kg.Kind{kg.Agreement}})
			return err
		},
		func() error {
			_, _, err := s.Neighborhood(ctx, kg.NeighborhoodQuery{ID: "person/a", Depth: 2, Limit: 100})
			return err
		},
		func() error { _, _, _, err := s.NeighborGroups(ctx, "country/iran", 8); return err },
		func() error {
			_, _, _, err := s.NeighborGroupPage(ctx, kg.NeighborGroupQuery{ID: "country/iran", Type: "ORIGINATES_FROM", Incoming: true, Kind: kg.Weapon, Text: "c8", First: 25})
			return err
		},
		func() error { _, err := s.Summary(ctx); return err },
		func() error {
			_, _, err := s.Agreements(ctx, kg.AgreementFilter{Parties: []string{"country/iran", "country/china"}, Dates: kg.DateRange{From: d("2014"), To: d("2016")}})
			return err
		},
		func() error {
			_, _, err := s.Agreements(ctx, kg.AgreementFilter{Dates: kg.DateRange{From: d("2014"), To: d("2016")}})
			return err
		},
		func() error {
			_, _, err := s.Transfers(ctx, kg.TransferFilter{Supplier: "country/china", Weapon: "weapon/c-802"})
			return err
		},
		func() error { _, _, err := s.Events(ctx, kg.EventFilter{Participant: "person/a"}); return err },
		func() error { _, _, err := s.Resolutions(ctx, kg.DateRange{To: d("2010")}); return err },
		func() error {
			_, _, err := s.Weapons(ctx, "anti-ship-missile", "", kg.PageQuery{First: 10, After: "weapon/a", Count: true})
			return err
		},
		func() error {
			_, _, err := s.People(ctx, "country/iran", kg.PageQuery{First: 10, Count: true})
			return err
		},
		func() error {
			_, _, err := s.Weapons(ctx, "", "", kg.PageQuery{First: 10, After: "weapon/a"})
			return err
		},
		func() error { _, _, err := s.People(ctx, "", kg.PageQuery{First: 10}); return err },
		func() error {
			_, _, err := s.Holders(ctx, kg.HolderQuery{From: "2010-01-01", To: "2010-12-31", Country: "country/iran"})
			return err
		},
		func() error {
			// With the selection of a nested holders request compiled in.
			pre := &kg.Prefetch{RelCountries: true, RelSources: true, Plan: &kg.Expand{
				Edges:      []kg.EdgeExpand{{From: kg.Person, Spec: kg.EdgeSpec{Type: kg.NationalOf, Label: "Country"}}},
				OrgCountry: &kg.Expand{},
			}}
			_, _, err := s.Holders(ctx, kg.HolderQuery{From: "2010-01-01", To: "2010-12-31", TitleWords: []string{"minister"}}, pre)
			return err
		},
		func() error {
			_, _, err := s.TransferParts(ctx, kg.TotalsQuery{Supplier: "country/china", Recipient: "country/iran", From: "1993-01-01", To: "2012-12-31"})
			return err
		},
		func() error {
			// With covers and the parties compiled in.
			pre := &kg.Prefetch{Plan: &kg.Expand{
				Edges:  []kg.EdgeExpand{{From: kg.Transfer, Spec: kg.EdgeSpec{Type: kg.Supplier, Label: "Country"}}},
				Covers: &kg.Expand{Edges: []kg.EdgeExpand{{From: kg.Transfer, Spec: kg.EdgeSpec{Type: kg.Item, Label: "Weapon"}}}},
			}}
			_, _, err := s.TransferParts(ctx, kg.TotalsQuery{Supplier: "country/china"}, pre)
			return err
		},
	}
	for i, call := range calls {
		// On the empty database, paths and neighborhood find no end: that
		// is their only error here.
		if err := call(); err != nil && !errors.Is(err, kg.ErrNotFound) {
			t.Fatalf("call %d: %v", i, err)
		}
	}

	// What each query must use: an index seek of some kind.
	seeks := []string{"NodeUniqueIndexSeek", "NodeIndexSeek", "NodeIndexSeekByRange", "ProcedureCall", "NodeIndexScan", "NodeUniqueIndexSeekByRange", "DirectedRelationshipIndexSeekByRange"}
	for _, q := range captured {
		res, err := neo4j.ExecuteQuery(ctx, inst.Driver, "PROFILE "+q.cypher, q.params, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database))
		if err != nil {
			t.Errorf("PROFILE %s: %v", q.name, err)
			continue
		}
		ops := operators(res.Summary.Profile())
		var clean []string
		for _, op := range ops {
			clean = append(clean, strings.SplitN(op, "@", 2)[0])
		}
		if slices.Contains(clean, "AllNodesScan") {
			t.Errorf("%s scans all nodes: %v", q.name, clean)
		}
		if !slices.ContainsFunc(clean, func(op string) bool { return slices.Contains(seeks, op) }) {
			t.Errorf("%s uses no index: %v", q.name, clean)
		}
		sorted := slices.Clone(clean)
		sort.Strings(sorted)
		t.Logf("%s: %v", q.name, slices.Compact(sorted))
	}
	if len(captured) != len(calls) {
		t.Errorf("captured %d queries for %d calls", len(captured), len(calls))
	}
}
