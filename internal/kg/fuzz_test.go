package kg

import "testing"

// FuzzParsePartialDate checks that any accepted date round-trips through its
// string form and covers a non-empty span of days.
func FuzzParsePartialDate(f *testing.F) {
	for _, s := range []string{"2016", "2016-11", "2016-11-14", "2016-02-29", "2015-02-29", "0000", "-1", "2016-1", "99999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParsePartialDate(s)
		if err != nil {
			return
		}
		if d.String() != s {
			t.Fatalf("ParsePartialDate(%q).String() = %q, want the input back", s, d.String())
		}
		if d.First() > d.Last() {
			t.Fatalf("ParsePartialDate(%q) covers [%s, %s], want First <= Last", s, d.First(), d.Last())
		}
		again, err := ParsePartialDate(d.First())
		if err != nil || again.First() != d.First() {
			t.Fatalf("First() of %q = %q does not parse back: %v", s, d.First(), err)
		}
	})
}
