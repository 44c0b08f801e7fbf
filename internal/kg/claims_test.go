package kg

import (
	"reflect"
	"testing"
)

func TestClaimsKeepTheirItems(t *testing.T) {
	in := []Claim{
		ListClaim("areas", "defence", "training; exchanges", "intelligence"), // an item holding the separator stays one item
		ListClaim("to", "2011"),
	}
	stored := EncodeClaims(in)
	if want := `[["areas","defence","training; exchanges","intelligence"],["to","2011"]]`; stored != want {
		t.Errorf("EncodeClaims = %s, want %s", stored, want)
	}
	out := DecodeClaims(stored)
	if !reflect.DeepEqual(out, in) {
		t.Errorf("DecodeClaims(EncodeClaims(x)) = %#v, want %#v", out, in)
	}
	if out[0].Value != "defence; training; exchanges; intelligence" || len(out[0].Values) != 3 {
		t.Errorf("areas = %q %q: want the items joined in Value and kept apart in Values", out[0].Value, out[0].Values)
	}
	// Claims stored before items were kept (one joined value) still read, as one item.
	if old := DecodeClaims(`[["areas","a; b"]]`); len(old) != 1 || old[0].Value != "a; b" || !reflect.DeepEqual(old[0].Values, []string{"a; b"}) {
		t.Errorf("an old pair reads as %#v", old)
	}
	for _, bad := range []string{`[["areas"]]`, `{"areas": 1}`, `not json`} {
		if got := DecodeClaims(bad); got != nil {
			t.Errorf("DecodeClaims(%s) = %#v, want none", bad, got)
		}
	}
	if EncodeClaims(nil) != "" || DecodeClaims("") != nil {
		t.Error("no claims must store as \"\" and read back as none")
	}
}
