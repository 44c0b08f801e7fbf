package kg

import (
	"encoding/json"
	"strings"
)

// Claim is a value that one source gives for a field of a fact, when the
// sources differ on it or only some of them give it: an agreement's areas,
// a quantity, a date, the end of a period. Field is the seeds field name
// (snake_case, e.g. "areas", "to"); Values are the items as the source
// gives them (one for a single value); Value is them joined with "; ".
type Claim struct {
	Field  string
	Value  string
	Values []string
}

// ListClaim is the claim of field with the items values (one for a single value).
func ListClaim(field string, values ...string) Claim {
	return Claim{Field: field, Value: strings.Join(values, ClaimValueSeparator), Values: values}
}

// ClaimValueSeparator joins a list claim's items into its Value.
const ClaimValueSeparator = "; "

// OverallConfidence is the confidence of a fact from what each of its
// sources says. The rule:
//
//   - a fact that any source denies or contradicts (a citation marked
//     DISPUTED) is DISPUTED, however firmly the other sources state it;
//   - otherwise the fact takes the strongest confidence any source gives
//     (one source stating a fact outright confirms it, even if another
//     only reports it).
//
// Unknown values are ignored; with none known the result is "".
func OverallConfidence(cs []Confidence) Confidence {
	var best Confidence
	for _, c := range cs {
		switch {
		case c == Disputed:
			return Disputed
		case c.Rank() > best.Rank():
			best = c
		}
	}
	return best
}

// CitationConfidences lists the confidences the citations carry (skipping
// citations that carry none).
func CitationConfidences(cs []Citation) []Confidence {
	out := make([]Confidence, 0, len(cs))
	for _, c := range cs {
		if c.Confidence != "" {
			out = append(out, c.Confidence)
		}
	}
	return out
}

// EncodeClaims is the stored form of a citation's claims: a JSON list of
// [field, item, item …] lists (a single value is one item), or "" when
// there are none.
func EncodeClaims(cs []Claim) string {
	if len(cs) == 0 {
		return ""
	}
	rows := make([][]string, len(cs))
	for i, c := range cs {
		items := c.Values
		if len(items) == 0 {
			items = []string{c.Value}
		}
		rows[i] = append([]string{c.Field}, items...)
	}
	b, err := json.Marshal(rows)
	if err != nil {
		panic(err) // strings always marshal
	}
	return string(b)
}

// DecodeClaims reads what EncodeClaims wrote; anything else gives none.
func DecodeClaims(s string) []Claim {
	if s == "" {
		return nil
	}
	var rows [][]string
	if json.Unmarshal([]byte(s), &rows) != nil {
		return nil
	}
	out := make([]Claim, 0, len(rows))
	for _, r := range rows {
		if len(r) < 2 {
			return nil
		}
		out = append(out, ListClaim(r[0], r[1:]...))
	}
	return out
}
