package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"armsgraph/cmd/wiring"
	"armsgraph/graph"
)

// wholeGraphEvents is every event of the seed graph with its country, its
// participants (people with their positions) and its citations with their
// sources: about 350 objects, which the hand-set cost of before refused
// ("complexity 12751, which exceeds the limit of 10000").
const wholeGraphEvents = `{ events { id name date status location confidence country { id name }
  participants { id name ... on Person { positions { title } } }
  citations { locator source { id title } } } }`

// TestCostFromStatistics serves the seed graph with the statistics the
// store reads from it: the whole-graph events list is answered; with a
// small object budget the same request is stopped while its answer is
// built, with one error that gives the size reached, the budget and the
// fix; a request whose estimate is far over the budget is refused up front.
func TestCostFromStatistics(t *testing.T) {
	store := seededStore(t)
	st, err := store.Stats(context.Background())
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	t.Logf("statistics: %d entities, %d events", st.Entities(), st.Count("Event"))

	t.Run("whole-graph events answered", func(t *testing.T) {
		h := newServer(t, wiring.Config{}, store)
		r := postQuery(t, h, wholeGraphEvents, nil)
		if len(r.Errors) > 0 {
			t.Fatalf("whole-graph events: %s", r.Body)
		}
		events, _ := r.Data["events"].([]any)
		if int64(len(events)) != st.Count("Event") {
			t.Errorf("events: %d, want every one of the %d", len(events), st.Count("Event"))
		}
		if size := objectsIn(r.Data) - 1; size <= 100 {
			t.Errorf("the answer holds %d objects; the seeds have more (is the query still the whole graph's?)", size)
		}
	})

	t.Run("over the object budget", func(t *testing.T) {
		h := newServer(t, wiring.Config{MaxObjects: 100, MaxComplexity: 1_000_000}, store)
		r := postQuery(t, h, wholeGraphEvents, nil)
		if len(r.Errors) != 1 {
			t.Fatalf("whole-graph events over a budget of 100: %s, want one error", r.Body)
		}
		e := r.Errors[0]
		if e.Extensions["code"] != "BAD_USER_INPUT" || e.Extensions["reason"] != "LIMIT_EXCEEDED" || e.Extensions["limit"] != "objects" {
			t.Errorf("extensions %v, want BAD_USER_INPUT LIMIT_EXCEEDED objects", e.Extensions)
		}
		if size, _ := e.Extensions["size"].(float64); size <= 100 {
			t.Errorf("size reached %v, want over the budget of 100", e.Extensions["size"])
		}
		for _, want := range []string{"events:", "budget of 100", "--max-objects", "filter it (participant, from, to, match)"} {
			if !strings.Contains(e.Message, want) {
				t.Errorf("message %q does not say %q", e.Message, want)
			}
		}
		if r.Data["events"] != nil {
			t.Errorf("events = %v, want null", r.Data["events"])
		}
	})

	// A root field whose compiled statement follows a relationship list
	// longer than the budget: Neo4j stops the list at budget+1 entries
	// (neo4jstore's TestObjectBudgetCutsFanout profiles that), and the
	// answer is refused with the error of the reference path, which reads
	// the whole list, but for the size reached: what was read, still over
	// the budget.
	t.Run("over the object budget, a compiled list stops one past it", func(t *testing.T) {
		const q = `{ country(name: "China") { name weaponsOriginated { id name origin { id } } } }`
		whole := postQuery(t, newServer(t, wiring.Config{}, store), q, nil)
		country, _ := whole.Data["country"].(map[string]any)
		weapons, _ := country["weaponsOriginated"].([]any)
		if len(whole.Errors) > 0 || len(weapons) < 6 {
			t.Fatalf("China's weapons: %s; want at least 6 in the seeds to cut the list at half", whole.Body)
		}
		budget := len(weapons) / 2
		served := newServer(t, wiring.Config{MaxObjects: budget, MaxComplexity: 1_000_000}, store)
		reference := graph.NewHandler(uncompiled{store}, graph.HandlerConfig{MaxObjects: budget, MaxComplexity: 1_000_000, NoDirect: true}, nil)
		got, want := postQuery(t, served, q, nil), postQuery(t, reference, q, nil)
		if len(got.Errors) != 1 || len(want.Errors) != 1 {
			t.Fatalf("a list of %d over a budget of %d: served %s, reference %s; want one error each", len(weapons), budget, got.Body, want.Body)
		}
		if got.Data["country"] != nil {
			t.Errorf("country = %v, want null", got.Data["country"])
		}
		// bare is the error without its size, the one part that may differ.
		bare := func(e gqlError) string {
			size, _ := e.Extensions["size"].(float64)
			ext := map[string]any{}
			for k, v := range e.Extensions {
				if k != "size" {
					ext[k] = v
				}
			}
			return fmt.Sprint(strings.Replace(e.Message, fmt.Sprintf("reached %d objects", int(size)), "reached N objects", 1), ext)
		}
		if bare(got.Errors[0]) != bare(want.Errors[0]) {
			t.Errorf("served error %s\nreference error %s\nwant the same but for the size", got.Body, want.Body)
		}
		gotSize, _ := got.Errors[0].Extensions["size"].(float64)
		wantSize, _ := want.Errors[0].Extensions["size"].(float64)
		t.Logf("a list of %d over a budget of %d: refused at %v objects read (the reference path, reading it whole: %v)", len(weapons), budget, gotSize, wantSize)
		if int(gotSize) <= budget || int(gotSize) > budget+2 {
			t.Errorf("served size reached %v, want the country and budget+1 weapons: %d (the list cut in Neo4j)", gotSize, budget+2)
		}
	})

	t.Run("surely too large refused up front", func(t *testing.T) {
		// The answer holds about 350 objects and is estimated at about as
		// many: over ten times a budget of 10.
		h := newServer(t, wiring.Config{MaxObjects: 10}, store)
		r := postQuery(t, h, wholeGraphEvents, nil)
		if len(r.Errors) != 1 || r.Errors[0].Extensions["limit"] != "complexity" || !strings.Contains(r.Errors[0].Message, "estimated at") {
			t.Fatalf("whole-graph events over 10 × a budget of 10: %s, want a complexity refusal", r.Body)
		}
		t.Logf("refusal: %s", r.Errors[0].Message)
	})
}

// objectsIn counts the JSON objects in v, itself included.
func objectsIn(v any) int {
	switch v := v.(type) {
	case map[string]any:
		n := 1
		for _, x := range v {
			n += objectsIn(x)
		}
		return n
	case []any:
		n := 0
		for _, x := range v {
			n += objectsIn(x)
		}
		return n
	}
	return 0
}
