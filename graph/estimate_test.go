package graph

import (
	"math"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"armsgraph/internal/kg"
	"armsgraph/internal/querygen"
)

// seedLikeStats are statistics shaped like the seed graph's.
func seedLikeStats() *kg.GraphStats {
	return &kg.GraphStats{
		Nodes: map[string]int64{"Event": 40, "Person": 60, "Country": 30, "Weapon": 50, "Organization": 70},
		Rels:  map[kg.RelType]int64{kg.LocatedIn: 20, kg.ParticipatedIn: 160, kg.DerivedFrom: 40},
		Degrees: map[kg.DegreeKey]kg.Degree{
			{Label: "Event", Type: kg.LocatedIn}:                      {Avg: 0.5, Max: 1},
			{Label: "Event", Type: kg.ParticipatedIn, Incoming: true}: {Avg: 4, Max: 12},
			{Label: "Person", Type: kg.HoldsPosition}:                 {Avg: 2, Max: 6},
			{Label: "Person", Type: kg.ParticipatedIn}:                {Avg: 1, Max: 9},
			{Label: "Weapon", Type: kg.DerivedFrom}:                   {Avg: 0.8, Max: 3},
			{Label: "Weapon", Type: kg.DerivedFrom, Incoming: true}:   {Avg: 0.8, Max: 7},
		},
		Citations: map[string]kg.Degree{"Event": {Avg: 2, Max: 4}},
	}
}

func estimateOf(t *testing.T, st *kg.GraphStats, query string) float64 {
	t.Helper()
	doc, err := gqlparser.LoadQuery(parsedSchema, query)
	if err != nil {
		t.Fatalf("parse %s: %v", query, err)
	}
	e := &estimator{stats: st, limits: DefaultLimits()}
	var total float64
	for _, r := range e.operation(doc.Operations[0]) {
		total += r.cost
	}
	return total
}

// TestEstimate checks the estimate against figures worked out by hand
// from the statistics.
func TestEstimate(t *testing.T) {
	st := seedLikeStats()
	tests := []struct {
		name, query string
		want        float64
	}{
		// 40 events × (itself + 0.5 countries + 4 participants + 2 citations with their sources).
		{"events list", `{ events { id name country { id } participants { id } citations { locator source { id } } } }`, 40 * (1 + 0.5 + 4 + 2*2)},
		// Only the persons among the 250 entities have positions: 60/250 of the participants.
		{"fragment on a kind", `{ events { participants { id ... on Person { positions { title } } } } }`, 40 * (1 + 4*(1+60.0/250*2))},
		{"scalars cost nothing", `{ events { id name date status } }`, 40},
		// A lineage of depth 2 both ways: 1 + (0.8 + 0.64) × 2 weapons.
		{"lineage", `{ lineage(weapon: "x", maxDepth: 2) { nodes { weapon { id } } } }`, 1 + (1+2*(0.8+0.64))*2},
		// A page asks at most what the label holds.
		{"page capped by the label", `{ weapons(first: 200) { edges { node { id } } } }`, 1 + 50*2},
		// An anchored list counts at most the anchor's largest degree.
		{"anchored list", `{ events(participant: "person/x") { id } }`, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := estimateOf(t, st, tt.query); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("estimate(%s) = %v, want %v", tt.query, got, tt.want)
			}
		})
	}
}

// TestEveryListIsPriced: every list of objects in the schema has a rule
// that prices it from the statistics (a field added to the schema without
// one is priced at a guess, and this test names it).
func TestEveryListIsPriced(t *testing.T) {
	scoped := map[string]bool{}
	e := &estimator{limits: DefaultLimits()}
	for _, scope := range scopes {
		for k := range scope(e, map[string]any{}) {
			scoped[k] = true
		}
	}
	for _, def := range parsedSchema.Types {
		if def.Kind != ast.Object || def.BuiltIn {
			continue
		}
		for _, f := range def.Fields {
			if f.Type.Elem == nil || !compositeTypes[f.Type.Name()] || len(f.Name) > 1 && f.Name[:2] == "__" {
				continue
			}
			key := def.Name + "." + f.Name
			fi, ok := fieldOf(def.Name, f.Name)
			if !scoped[key] && (!ok || fi.price == nil && fi.spec.Type == "") {
				t.Errorf("%s is a list of %s with no price from the graph's statistics: add it to the catalogue (graph/catalogue.go) or, if its parent's arguments size it, to scopes (graph/cost.go)", key, f.Type.Name())
			}
		}
	}
}

// TestSizeArgs: every size argument of the schema (an Int named first,
// limit, depth, maxDepth or maxHops) is in sizeArgs with the schema's
// default, so that the resolvers, the planner and the estimate read one
// definition of it.
func TestSizeArgs(t *testing.T) {
	sizeNames := map[string]bool{"first": true, "limit": true, "depth": true, "maxDepth": true, "maxHops": true}
	found := map[string]bool{}
	for _, def := range parsedSchema.Types {
		if def.BuiltIn {
			continue
		}
		for _, f := range def.Fields {
			for _, a := range f.Arguments {
				if a.Type.Name() != "Int" || !sizeNames[a.Name] {
					continue
				}
				key := def.Name + "." + f.Name + "." + a.Name
				found[key] = true
				if _, ok := sizeArgs[key]; !ok {
					t.Errorf("%s sizes an answer but is not in sizeArgs (graph/catalogue.go)", key)
					continue
				}
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Errorf("%s: %v", key, r)
						}
					}()
					schemaDefault(def.Name, f.Name, a.Name)
				}()
			}
		}
	}
	for key := range sizeArgs {
		if !found[key] {
			t.Errorf("sizeArgs names %s, which the schema does not have", key)
		}
	}
}

// FuzzEstimate drives the query generator (internal/querygen) from the
// fuzzer's bytes and checks that every valid operation gets a finite,
// non-negative estimate, with statistics and without.
func FuzzEstimate(f *testing.F) {
	gen := querygen.New(parsedSchema, querygen.Pool{
		IDs:     []string{"weapon/c-802", "country/iran"},
		Names:   []string{"C-802", "Iran"},
		Words:   []string{"missile"},
		Scalars: map[string][]string{"PartialDate": {"2016", "2016-11"}},
	}, querygen.Config{})
	for _, seed := range []string{"", "a", "lineage", "neighborhood of a hub"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		op := gen.Generate(querygen.FromBytes(data))
		doc, errs := gqlparser.LoadQuery(parsedSchema, op.Query)
		if len(errs) > 0 {
			t.Fatalf("the generator made an invalid operation (a bug of internal/querygen): %v\n%s", errs, op.Query)
		}
		for _, st := range []*kg.GraphStats{nil, seedLikeStats()} {
			e := &estimator{stats: st, limits: DefaultLimits(), vars: op.Variables}
			for _, r := range e.operation(doc.Operations[0]) {
				if math.IsNaN(r.cost) || r.cost < 0 || math.IsInf(r.cost, 0) {
					t.Fatalf("estimate of %s = %v\n%s", r.field.Name, r.cost, op.Query)
				}
			}
		}
	})
}
