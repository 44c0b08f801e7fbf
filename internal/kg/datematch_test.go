package kg

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"armsgraph/internal/proptest"
)

func TestSpanMatches(t *testing.T) {
	// The mid-1990s question of issue 20: a 1993-1997 sale is within
	// 1993-1997; a 1980-1999 one only overlaps it.
	const from, to = "1993-01-01", "1997-12-31"
	for _, tc := range []struct {
		name             string
		spanFrom, spanTo string
		from, to         string
		overlaps, within bool
	}{
		{"same period", "1993-01-01", "1997-12-31", from, to, true, true},
		{"inside", "1995-03-01", "1995-03-31", from, to, true, true},
		{"wider on both sides", "1980-01-01", "1999-12-31", from, to, true, false},
		{"starts before", "1990-01-01", "1995-12-31", from, to, true, false},
		{"ends after", "1996-01-01", "2002-12-31", from, to, true, false},
		{"touches the start", "1985-01-01", "1993-01-01", from, to, true, false},
		{"before", "1985-01-01", "1992-12-31", from, to, false, false},
		{"after", "1998-01-01", "1999-12-31", from, to, false, false},
		{"open end", "1995-01-01", OpenEnd, from, to, true, false},
		{"open start", OpenStart, "1994-12-31", from, to, true, false},
		{"open end, filter open there too", "1995-01-01", OpenEnd, from, "", true, true},
		{"open start, filter open there too", OpenStart, "1994-12-31", "", to, true, true},
		{"undated, bounded filter", "", "", from, to, false, false},
		{"undated, no bound", "", "", "", "", true, true},
		{"dated, no bound", "1980-01-01", "1999-12-31", "", "", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := MatchOverlaps.SpanMatches(tc.spanFrom, tc.spanTo, tc.from, tc.to); got != tc.overlaps {
				t.Errorf("OVERLAPS = %v, want %v", got, tc.overlaps)
			}
			if got := MatchWithin.SpanMatches(tc.spanFrom, tc.spanTo, tc.from, tc.to); got != tc.within {
				t.Errorf("WITHIN = %v, want %v", got, tc.within)
			}
			if got := DateMatch("").SpanMatches(tc.spanFrom, tc.spanTo, tc.from, tc.to); got != tc.overlaps {
				t.Errorf("the default = %v, want OVERLAPS's %v", got, tc.overlaps)
			}
		})
	}
}

func TestDateRangeMatches(t *testing.T) {
	r := DateRange{From: pd(t, "1993"), To: pd(t, "1997"), Match: MatchWithin}
	if !r.Matches("1993-01-01", "1997-12-31") || r.Matches("1980-01-01", "1999-12-31") {
		t.Error("WITHIN 1993-1997 must take a 1993-1997 span and leave out a 1980-1999 one")
	}
	r.Match = ""
	if !r.Matches("1980-01-01", "1999-12-31") {
		t.Error("the default (overlap) must take a 1980-1999 span for 1993-1997")
	}
}

// dateMatchCase is one generated or recorded input of the property tests.
type dateMatchCase struct{ spanFrom, spanTo, from, to string }

func (c dateMatchCase) String() string {
	q := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	return strings.Join([]string{q(c.spanFrom), q(c.spanTo), q(c.from), q(c.to)}, " ")
}

// The window the generated dates fall in; the reference clamps open ends
// to one day outside it, which no generated bound reaches.
var (
	windowFirst = time.Date(1989, 12, 31, 0, 0, 0, 0, time.UTC)
	windowLast  = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// referenceMatch decides a case by walking the days of the span one by
// one: overlap when some day lies in [from, to], within when every day
// does. It shares no comparison with SpanMatches.
func referenceMatch(c dateMatchCase) (overlaps, within bool) {
	if c.from == "" && c.to == "" {
		return true, true
	}
	if c.spanFrom == "" {
		return false, false
	}
	day := func(s string, open time.Time) time.Time {
		if s == "" || s == OpenStart || s == OpenEnd {
			return open
		}
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			panic(err)
		}
		return d
	}
	lo, hi := day(c.from, windowFirst.AddDate(0, 0, -1)), day(c.to, windowLast.AddDate(0, 0, 1))
	within = true
	for d := day(c.spanFrom, windowFirst); !d.After(day(c.spanTo, windowLast)); d = d.AddDate(0, 0, 1) {
		in := !d.Before(lo) && !d.After(hi)
		overlaps = overlaps || in
		within = within && in
	}
	return overlaps, within
}

// genDateMatchCase draws a span from a partial-date period (years 1990-1999,
// sometimes to the month or day, sometimes open or undated) and a filter
// whose bounds are partial dates too, sometimes open.
func genDateMatchCase(r *rand.Rand) dateMatchCase {
	date := func() PartialDate {
		d := PartialDate{Year: 1990 + r.IntN(10)}
		if r.IntN(3) == 0 {
			d.Month = 1 + r.IntN(12)
			if r.IntN(2) == 0 {
				d.Day = 1 + r.IntN(daysIn(d.Year, d.Month))
			}
		}
		return d
	}
	maybe := func(open int) PartialDate {
		if r.IntN(open) == 0 {
			return PartialDate{}
		}
		return date()
	}
	var c dateMatchCase
	p := Period{maybe(5), maybe(5)}
	if p.Check() != nil {
		p.From, p.To = p.To, p.From
	}
	c.spanFrom, c.spanTo, _ = p.Span()
	from, to := maybe(4), maybe(4)
	if !from.IsZero() && !to.IsZero() && from.First() > to.Last() {
		from, to = to, from
	}
	c.from, c.to = from.First(), to.Last()
	return c
}

// checkDateMatch holds SpanMatches to the day-walking reference, and WITHIN
// to being a part of OVERLAPS for any span with a day in it.
func checkDateMatch(c dateMatchCase) error {
	over, within := MatchOverlaps.SpanMatches(c.spanFrom, c.spanTo, c.from, c.to), MatchWithin.SpanMatches(c.spanFrom, c.spanTo, c.from, c.to)
	if within && !over {
		return fmt.Errorf("WITHIN matches but OVERLAPS does not")
	}
	if wantOver, wantWithin := referenceMatch(c); over != wantOver || within != wantWithin {
		return fmt.Errorf("OVERLAPS %v WITHIN %v, the day-by-day reference says %v %v", over, within, wantOver, wantWithin)
	}
	return nil
}

// TestWithinIsPartOfOverlaps checks the date-filter rule on generated
// spans and filters: the recorded corpus first, then a fixed seed, then a
// fresh one (logged; ARMSGRAPH_PROP_SEED=N replays it).
func TestWithinIsPartOfOverlaps(t *testing.T) {
	t.Run("corpus", func(t *testing.T) {
		f, err := os.Open("testdata/datematch/regressions.txt")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			fs := strings.Fields(line)
			if len(fs) != 4 {
				t.Fatalf("corpus line %q: want spanFrom spanTo from to (- for empty)", line)
			}
			for i := range fs {
				if fs[i] == "-" {
					fs[i] = ""
				}
			}
			c := dateMatchCase{fs[0], fs[1], fs[2], fs[3]}
			if err := checkDateMatch(c); err != nil {
				t.Errorf("%s: %v", c, err)
			}
		}
	})
	proptest.Run(t, 20, func(t *testing.T, r *rand.Rand) {
		for range 500 {
			c := genDateMatchCase(r)
			if err := checkDateMatch(c); err != nil {
				t.Fatalf("%s: %v\nadd the line %q to testdata/datematch/regressions.txt", c, err, c.String())
			}
		}
	})
}
