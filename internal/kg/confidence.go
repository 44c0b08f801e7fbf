package kg

import "fmt"

// Confidence is how firmly the sources state a claim.
type Confidence string

// The confidence levels, strongest first.
const (
	Confirmed Confidence = "CONFIRMED"
	Reported  Confidence = "REPORTED"
	Alleged   Confidence = "ALLEGED"
	Disputed  Confidence = "DISPUTED"
)

// Confidences lists the levels, strongest first.
var Confidences = []Confidence{Confirmed, Reported, Alleged, Disputed}

// Rank orders confidence levels: CONFIRMED 4, REPORTED 3, ALLEGED 2, DISPUTED 1, unknown 0.
func (c Confidence) Rank() int {
	switch c {
	case Confirmed:
		return 4
	case Reported:
		return 3
	case Alleged:
		return 2
	case Disputed:
		return 1
	}
	return 0
}

// AtLeast lists the levels at least as strong as c (all levels when c is empty).
func (c Confidence) AtLeast() []string {
	var out []string
	for _, l := range Confidences {
		if c == "" || l.Rank() >= c.Rank() {
			out = append(out, string(l))
		}
	}
	return out
}

// ParseConfidence checks a confidence value.
func ParseConfidence(s string) (Confidence, error) {
	c := Confidence(s)
	if c.Rank() == 0 {
		return "", fmt.Errorf("unknown confidence %q (want CONFIRMED, REPORTED, ALLEGED or DISPUTED)", s)
	}
	return c, nil
}
