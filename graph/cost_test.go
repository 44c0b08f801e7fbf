package graph_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"armsgraph/internal/kg"
)

// TestCostLimit tries the cost limit as a client would: an ordinary page
// with its derivations and citations passes, a costly request is refused
// with a message that says the largest page that fits, and that page fits.
func TestCostLimit(t *testing.T) {
	store := newFakeStore()
	store.addNode(weaponNode("weapon/c-802", "C-802"))
	store.addNode(kg.Node{ID: "source/a", Props: map[string]any{"document": "a.txt", "title": "A"}})
	h := newServer(store, nil)
	page := func(first int) string {
		return fmt.Sprintf(`{ weapons(first: %d) { edges { node { id name
		  derivedFrom { kind confidence parent { id name } citations { locator source { id title } } }
		  citations { locator source { id title } } } } } }`, first)
	}
	if r := post(t, h, page(50), nil); len(r.Errors) > 0 {
		t.Fatalf("a page of 50 weapons with derivations and citations was refused: %s", r)
	}
	r := post(t, h, page(200), nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["limit"] != "complexity" {
		t.Fatalf("a page of 200 with nested lists: %s, want a complexity refusal", r)
	}
	m := regexp.MustCompile(`ask weapons for at most first: (\d+)`).FindStringSubmatch(r.Errors[0].Message)
	if m == nil {
		t.Fatalf("the refusal does not say how to fit: %q", r.Errors[0].Message)
	}
	t.Logf("refusal: %s", r.Errors[0].Message)
	fit, _ := strconv.Atoi(m[1])
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
	// The lists of schema/time.graphqls count their fan-outs too: holders
	// and a total's parts are hub lists, so hub lists inside them are refused.
	for _, q := range []string{
		`{ holders(at: "2010") { person { country { people { agreements { parties { people { name } } } } } } } }`,
		`{ transferTotals { parts { transfer { recipient { people { events { participants { id } } } } } } } }`,
	} {
		r = post(t, h, q, nil)
		if len(r.Errors) != 1 || r.Errors[0].Extensions["limit"] != "complexity" {
			t.Errorf("%s: %s, want a complexity refusal", q, r)
		}
	}
}
