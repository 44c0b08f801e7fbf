package graph_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"armsgraph/graph"
	"armsgraph/internal/kg"
)

// hubStats are the statistics of a graph larger than the seeds: a
// thousand weapons with one and a half parents and children each, two
// hundred countries with twenty-five nationals and forty-five agreements
// each, every entity and derivation with two citations.
func hubStats() *kg.GraphStats {
	deg := func(avg float64, max int64) kg.Degree { return kg.Degree{Avg: avg, Max: max} }
	return &kg.GraphStats{
		Nodes: map[string]int64{"Weapon": 1000, "Country": 200, "Person": 5000, "Agreement": 3000, "Source": 100},
		Rels:  map[kg.RelType]int64{kg.DerivedFrom: 1500, kg.NationalOf: 5000, kg.PartyTo: 9000, kg.Signed: 15000},
		Degrees: map[kg.DegreeKey]kg.Degree{
			{Label: "Weapon", Type: kg.DerivedFrom}:                 deg(1.5, 4),
			{Label: "Weapon", Type: kg.DerivedFrom, Incoming: true}: deg(1.5, 30),
			{Label: "Country", Type: kg.NationalOf, Incoming: true}: deg(25, 400),
			{Label: "Country", Type: kg.PartyTo}:                    deg(45, 900),
			{Label: "Agreement", Type: kg.PartyTo, Incoming: true}:  deg(3, 40),
			{Label: "Person", Type: kg.NationalOf}:                  deg(1, 1),
			{Label: "Person", Type: kg.Signed}:                      deg(3, 50),
			{Label: "Agreement", Type: kg.Signed, Incoming: true}:   deg(5, 60),
		},
		Citations:    map[string]kg.Degree{"Weapon": deg(2, 6), "Country": deg(2, 6), "Person": deg(2, 6), "Agreement": deg(2, 6)},
		RelCitations: map[kg.RelType]kg.Degree{kg.DerivedFrom: deg(2, 5)},
	}
}

// TestCostLimit tries the up-front refusal as a client would, on the
// statistics of a large graph: an ordinary page passes, a page estimated
// over the limit is refused with a message that says the largest page that
// fits, and that page fits.
func TestCostLimit(t *testing.T) {
	store := newFakeStore()
	store.addNode(weaponNode("weapon/c-802", "C-802"))
	store.addNode(kg.Node{ID: "source/a", Props: map[string]any{"document": "a.txt", "title": "A"}})
	h := graph.NewHandler(store, graph.HandlerConfig{MaxDepth: 8, MaxObjects: 200, MaxComplexity: 2000, Stats: hubStats}, nil)
	// Per weapon: its edge, itself, 1.5 derivations each with its parent
	// and two citations with their sources, two citations with their
	// sources: 15.
	page := func(first int) string {
		return fmt.Sprintf(`{ weapons(first: %d) { edges { node { id name
		  derivedFrom { kind confidence parent { id name } citations { locator source { id title } } }
		  citations { locator source { id title } } } } } }`, first)
	}
	if r := post(t, h, page(50), nil); len(r.Errors) > 0 {
		t.Fatalf("a page of 50 weapons with derivations and citations (estimated 751 objects) was refused: %s", r)
	}
	r := post(t, h, page(200), nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["limit"] != "complexity" {
		t.Fatalf("a page of 200 (estimated 3001 objects, limit 2000): %s, want a complexity refusal", r)
	}
	if msg := r.Errors[0].Message; !strings.Contains(msg, "estimated at 3001 objects") || !strings.Contains(msg, "budget of 200") {
		t.Errorf("the refusal does not give the estimate and the budget: %q", msg)
	}
	if ext := r.Errors[0].Extensions; ext["estimate"] != float64(3001) || ext["max"] != float64(2000) {
		t.Errorf("refusal extensions %v, want estimate 3001 and max 2000", ext)
	}
	m := regexp.MustCompile(`ask weapons for at most first: (\d+)`).FindStringSubmatch(r.Errors[0].Message)
	if m == nil {
		t.Fatalf("the refusal does not say how to fit: %q", r.Errors[0].Message)
	}
	fit, _ := strconv.Atoi(m[1])
	if fit != 133 {
		t.Errorf("suggested first: %d, want 133 (1 + 133 × 15 ≤ 2000)", fit)
	}
	if r := post(t, h, page(fit), nil); len(r.Errors) > 0 {
		t.Errorf("first: %d, which the refusal suggested, was refused: %s", fit, r)
	}
	if r := post(t, h, page(fit+1), nil); len(r.Errors) == 0 {
		t.Errorf("first: %d passes: the suggestion %d is not the largest", fit+1, fit)
	}
	// Hub lists inside hub lists stay refused, with no size to suggest.
	r = post(t, h, `{ country(name: "Iran") { people { agreements { parties { people { agreements { parties { name } } } } } } } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["limit"] != "complexity" || !strings.Contains(r.Errors[0].Message, "select fewer nested lists") {
		t.Errorf("nested hub lists: %s, want a complexity refusal that says to select fewer lists", r)
	}
}

// TestCostLimitWithoutStats: before the statistics are read, the estimate
// uses modest priors and refuses nothing ordinary; the object budget is
// what stops a large answer then.
func TestCostLimitWithoutStats(t *testing.T) {
	store := newFakeStore()
	store.addNode(weaponNode("weapon/c-802", "C-802"))
	h := graph.NewHandler(store, graph.HandlerConfig{MaxDepth: 8}, nil)
	if r := post(t, h, `{ weapons(first: 200) { edges { node { id derivedFrom { parent { id } } citations { locator } } } } }`, nil); len(r.Errors) > 0 {
		t.Fatalf("a page of 200 without statistics: %s, want an answer", r)
	}
}

// TestObjectBudget counts a real answer's objects: a budget equal to the
// answer's size passes it, one less stops the root field with one error
// that names the field, the size reached, the budget and the fix.
func TestObjectBudget(t *testing.T) {
	store := newFakeStore()
	for _, id := range []string{"a", "b", "c"} {
		store.addNode(weaponNode("weapon/"+id, strings.ToUpper(id)))
	}
	// The connection, three edges, three weapons: 7 objects.
	q := `{ weapons { edges { node { id name } } pageInfo { hasNextPage } } }`
	const size = 8 // and the pageInfo
	h := graph.NewHandler(store, graph.HandlerConfig{MaxDepth: 8, MaxObjects: size}, nil)
	if r := post(t, h, q, nil); len(r.Errors) > 0 {
		t.Fatalf("an answer of %d objects under a budget of %d: %s", size, size, r)
	}
	h = graph.NewHandler(store, graph.HandlerConfig{MaxDepth: 8, MaxObjects: size - 1}, nil)
	r := post(t, h, q, nil)
	if len(r.Errors) != 1 {
		t.Fatalf("an answer of %d objects over a budget of %d: %s, want one error", size, size-1, r)
	}
	e := r.Errors[0]
	if e.Extensions["code"] != graph.CodeBadUserInput || e.Extensions["reason"] != graph.ReasonLimitExceeded || e.Extensions["limit"] != "objects" ||
		e.Extensions["budget"] != float64(size-1) || e.Extensions["field"] != "weapons" {
		t.Errorf("over the budget: extensions %v, want BAD_USER_INPUT LIMIT_EXCEEDED objects, budget %d, field weapons", e.Extensions, size-1)
	}
	if reached, _ := e.Extensions["size"].(float64); reached < size {
		t.Errorf("size reached %v, want at least %d", e.Extensions["size"], size)
	}
	for _, want := range []string{"weapons:", "reached", "budget of 7", "--max-objects", "smaller first"} {
		if !strings.Contains(e.Message, want) {
			t.Errorf("message %q does not say %q", e.Message, want)
		}
	}
	if len(e.Path) != 1 || e.Path[0] != "weapons" {
		t.Errorf("error path %v, want [weapons]", e.Path)
	}
	if r.Data != nil {
		t.Errorf("data %v, want null (weapons is non-null)", r.Data)
	}
}
