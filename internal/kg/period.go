package kg

import "fmt"

// Open ends of a span: a period with no known start covers every day
// before its end, one with no known end every day after its start.
const (
	OpenStart = "0001-01-01"
	OpenEnd   = "9999-12-31"
)

// Period is a stretch of time between two partial dates; either end may
// be unknown (open). The zero value is undated.
type Period struct {
	From, To PartialDate
}

// IsZero reports whether neither end is known.
func (p Period) IsZero() bool { return p.From.IsZero() && p.To.IsZero() }

// Check reports a period whose end lies before its start.
func (p Period) Check() error {
	if !p.From.IsZero() && !p.To.IsZero() && p.To.Last() < p.From.First() {
		return fmt.Errorf("to %s is before from %s", p.To, p.From)
	}
	return nil
}

// Span is the first and last day the period covers as ISO day strings,
// with OpenStart or OpenEnd for an open end; ok is false when undated.
func (p Period) Span() (from, to string, ok bool) {
	if p.IsZero() {
		return "", "", false
	}
	from, to = OpenStart, OpenEnd
	if !p.From.IsZero() {
		from = p.From.First()
	}
	if !p.To.IsZero() {
		to = p.To.Last()
	}
	return from, to, true
}

// Overlaps reports whether the span [from, to] (ISO days; "" is open)
// shares at least one day with the period. An undated period overlaps nothing.
func (p Period) Overlaps(from, to string) bool {
	pf, pt, ok := p.Span()
	return ok && MatchOverlaps.SpanMatches(pf, pt, from, to)
}

// DateMatch is how a date filter compares the days an item covers (its
// span) with the period asked for.
type DateMatch string

const (
	// MatchOverlaps: the span shares at least one day with the period
	// (the default: "what was going on in 1995" includes a 1980-1999 sale).
	MatchOverlaps DateMatch = "OVERLAPS"
	// MatchWithin: every day of the span lies in the period; an open end
	// of the span reaches past any bound, so it is within none on that side.
	MatchWithin DateMatch = "WITHIN"
)

// DateMatches are the match modes, the default first.
var DateMatches = []DateMatch{MatchOverlaps, MatchWithin}

// Or returns m, or def when m is empty.
func (m DateMatch) Or(def DateMatch) DateMatch {
	if m == "" {
		return def
	}
	return m
}

// SpanMatches is the date-filter rule: whether the span [spanFrom, spanTo]
// (ISO days, open ends as OpenStart/OpenEnd, both "" when undated) matches
// the period [from, to] ("" is an open bound) under m ("" is MatchOverlaps).
// With both bounds open every item matches, undated ones included; with a
// bound an undated item never does. The store's Cypher implements the same
// comparisons (neo4jstore.spanConds).
func (m DateMatch) SpanMatches(spanFrom, spanTo, from, to string) bool {
	if from == "" && to == "" {
		return true
	}
	if spanFrom == "" || spanTo == "" {
		return false
	}
	if m.Or(MatchOverlaps) == MatchWithin {
		return (from == "" || spanFrom >= from) && (to == "" || spanTo <= to)
	}
	return (to == "" || spanFrom <= to) && (from == "" || spanTo >= from)
}

// String is "2009–2013", "2009–" or "–2013" ("" when undated).
func (p Period) String() string {
	if p.IsZero() {
		return ""
	}
	return p.From.String() + "–" + p.To.String()
}

// HolderQuery asks who held a post during [From, To] (ISO days).
type HolderQuery struct {
	From, To     string
	Match        DateMatch // how a tenure's span meets [From, To]; "" is MatchOverlaps
	TitleWords   []string  // lower-case words the title must all contain
	Organization string    // an organization id: posts in it or in one part of it
	Country      string    // a country id: posts of or in that country
	Limit        int
}

// Tenure is a position as a holders query returns it: the person, the
// HOLDS_POSITION relationship and what it points at.
type Tenure struct {
	Person Node
	Rel    Rel
	Target Node
}

// TotalsQuery selects the transfer records a total sums.
type TotalsQuery struct {
	Supplier, Recipient string    // country ids; "" for any
	From, To            string    // ISO days; "" for open
	Match               DateMatch // how a record's span meets [From, To]; "" is MatchOverlaps
	MinConfidence       Confidence
	Limit               int
}
