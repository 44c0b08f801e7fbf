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
	if !ok {
		return false
	}
	return (to == "" || pf <= to) && (from == "" || pt >= from)
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
	TitleWords   []string // lower-case words the title must all contain
	Organization string   // an organization id: posts in it or in one part of it
	Country      string   // a country id: posts of or in that country
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
	Supplier, Recipient string // country ids; "" for any
	From, To            string // ISO days; "" for open
	MinConfidence       Confidence
	Limit               int
}
