package graph

import (
	"encoding/base64"
	"fmt"
	"strings"

	"armsgraph/graph/model"
	"armsgraph/internal/kg"
)

// intArg reads an optional integer argument: def when absent, an ErrInvalid
// error below lo, an ErrLimit error above hi; both name the argument.
func intArg(name string, p *int, def, lo, hi int) (int, error) {
	v := def
	if p != nil {
		v = *p
	}
	switch {
	case v < lo:
		return 0, kg.Invalid(name, fmt.Sprintf("must be at least %d, got %d", lo, v))
	case v > hi:
		return 0, kg.OverLimit(name, fmt.Sprintf("must be at most %d, got %d", hi, v))
	}
	return v, nil
}

func kindsOf(ks []model.EntityKind) []kg.Kind {
	out := make([]kg.Kind, 0, len(ks))
	for _, k := range ks {
		out = append(out, kg.Kind(k))
	}
	return out
}

func confidenceArg(c *model.Confidence) kg.Confidence {
	if c == nil {
		return ""
	}
	return kg.Confidence(*c)
}

func directionArg(d *model.LineageDirection) kg.Direction {
	if d == nil {
		return kg.Both
	}
	return kg.Direction(*d)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// dateMatchArg reads a date filter's match mode; absent is the default (overlap).
func dateMatchArg(m *model.DateMatch) kg.DateMatch {
	if m == nil {
		return kg.MatchOverlaps
	}
	return kg.DateMatch(*m)
}

func dateRange(from, to *kg.PartialDate, match *model.DateMatch) (kg.DateRange, error) {
	r := kg.DateRange{Match: dateMatchArg(match)}
	if from != nil {
		r.From = *from
	}
	if to != nil {
		r.To = *to
	}
	if !r.From.IsZero() && !r.To.IsZero() && r.From.First() > r.To.Last() {
		return r, kg.Invalid("from", fmt.Sprintf("%s is after to (%s)", r.From, r.To))
	}
	return r, nil
}

// cursorPrefix marks armsgraph's cursors, so a cursor from elsewhere is
// recognised as malformed.
const cursorPrefix = "ag1:"

// encodeCursor makes the opaque cursor of a list position: the sort key (the
// id), base64-encoded.
func encodeCursor(id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + id))
}

// decodeCursor reads an `after` cursor of a list of kind; nil gives "".
func decodeCursor(after *string, kind kg.Kind) (string, error) {
	if after == nil || *after == "" {
		return "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*after)
	id, ok := strings.CutPrefix(string(raw), cursorPrefix)
	if err != nil || !ok || kg.CheckID(id, kind.Prefix()) != nil {
		return "", kg.Invalid("after", "malformed cursor: pass the endCursor or a cursor of a previous page of this list")
	}
	return id, nil
}
