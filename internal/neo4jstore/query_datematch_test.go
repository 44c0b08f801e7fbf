package neo4jstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"armsgraph/internal/kg"
	"armsgraph/internal/proptest"
)

// TestDateFiltersFollowTheRule is a differential test of the store's date
// filters against kg.DateMatch.SpanMatches: events with generated periods
// (years 1990-1999 to the year, month or day; ends open; some undated) are
// written to Neo4j, and for generated windows in both match modes the
// events the store lists must be exactly those the rule takes (seeds:
// package proptest).
func TestDateFiltersFollowTheRule(t *testing.T) {
	proptest.Run(t, 20, checkDateFilters)
}

func checkDateFilters(t *testing.T, r *rand.Rand) {
	ctx := context.Background()
	pdate := func() kg.PartialDate {
		d := kg.PartialDate{Year: 1990 + r.IntN(10)}
		if r.IntN(3) == 0 {
			d.Month = 1 + r.IntN(12)
			if r.IntN(2) == 0 {
				d.Day = 1 + r.IntN(28)
			}
		}
		return d
	}
	maybe := func(open int) kg.PartialDate {
		if r.IntN(open) == 0 {
			return kg.PartialDate{}
		}
		return pdate()
	}
	type spanned struct{ from, to string }
	spans := map[string]spanned{}
	var nodes []kg.Node
	for i := range 60 {
		p := kg.Period{From: maybe(5), To: maybe(5)}
		if p.Check() != nil {
			p.From, p.To = p.To, p.From
		}
		id := fmt.Sprintf("event/e%02d", i)
		props := map[string]any{"type": "test", "confidence": "CONFIRMED"}
		var sp spanned
		if from, to, ok := p.Span(); ok {
			props["spanFrom"], props["spanTo"] = from, to
			sp = spanned{from, to}
		}
		spans[id] = sp
		nodes = append(nodes, entity(kg.Event, id, "Event "+p.String(), nil, props))
	}
	s := openStore(t)
	load(t, s, nodes, nil)
	for range 25 {
		dates := kg.DateRange{From: maybe(4), To: maybe(4)}
		if !dates.From.IsZero() && !dates.To.IsZero() && dates.From.First() > dates.To.Last() {
			dates.From, dates.To = dates.To, dates.From
		}
		for _, m := range kg.DateMatches {
			dates.Match = m
			got, _, err := s.Events(ctx, kg.EventFilter{Dates: dates})
			if err != nil {
				t.Fatalf("Events(%v %s–%s): %v", m, dates.From, dates.To, err)
			}
			var want []string
			for id, sp := range spans {
				if dates.Matches(sp.from, sp.to) {
					want = append(want, id)
				}
			}
			slices.Sort(want)
			gotIDs := ids(got)
			slices.Sort(gotIDs)
			if !slices.Equal(gotIDs, want) {
				t.Fatalf("%s %s–%s: the store lists %v\nthe rule takes %v", m, dates.From, dates.To, gotIDs, want)
			}
		}
	}
}
