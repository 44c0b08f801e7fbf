package kg

import "encoding/json"

// Claim is a value that one source gives for a field of a fact, when the
// sources differ on it or only some of them give it: an agreement's areas,
// a quantity, a date, the end of a period. Field is the seeds field name
// (snake_case, e.g. "areas", "to"); Value is the value as the source gives it,
// list items joined with "; ".
type Claim struct {
	Field string
	Value string
}

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
// [field, value] pairs, or "" when there are none.
func EncodeClaims(cs []Claim) string {
	if len(cs) == 0 {
		return ""
	}
	pairs := make([][2]string, len(cs))
	for i, c := range cs {
		pairs[i] = [2]string{c.Field, c.Value}
	}
	b, err := json.Marshal(pairs)
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
	var pairs [][2]string
	if json.Unmarshal([]byte(s), &pairs) != nil {
		return nil
	}
	out := make([]Claim, len(pairs))
	for i, p := range pairs {
		out[i] = Claim{Field: p[0], Value: p[1]}
	}
	return out
}
