package kg

import (
	"errors"
	"slices"
	"testing"
)

func TestParsePartialDate(t *testing.T) {
	tests := []struct {
		in, str, first, last string
		wantErr              bool
	}{
		{in: "2016", str: "2016", first: "2016-01-01", last: "2016-12-31"},
		{in: "2016-02", str: "2016-02", first: "2016-02-01", last: "2016-02-29"},
		{in: "2015-02", str: "2015-02", first: "2015-02-01", last: "2015-02-28"},
		{in: "2016-11-14", str: "2016-11-14", first: "2016-11-14", last: "2016-11-14"},
		{in: "2016-13", wantErr: true},
		{in: "2016-02-30", wantErr: true},
		{in: "16", wantErr: true},
		{in: "2016-1-4", wantErr: true},
		{in: "2016/11", wantErr: true},
		{in: "", wantErr: true},
		{in: "0000", wantErr: true},
		{in: "2016-11-14-01", wantErr: true},
		{in: "abcd", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := ParsePartialDate(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParsePartialDate(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if d.String() != tt.str || d.First() != tt.first || d.Last() != tt.last {
				t.Errorf("ParsePartialDate(%q) = %s [%s, %s], want %s [%s, %s]", tt.in, d, d.First(), d.Last(), tt.str, tt.first, tt.last)
			}
		})
	}
}

func TestNameKey(t *testing.T) {
	same := []string{"C-802", "c802", "C 802", " c.802 ", "C‐802"}
	for _, s := range same {
		if got := NameKey(s); got != "c802" {
			t.Errorf("NameKey(%q) = %q, want c802", s, got)
		}
	}
	if got := NameKey("Hossein Dehghān"); got != "hosseindehghan" {
		t.Errorf("NameKey(accented) = %q, want hosseindehghan", got)
	}
	if got := NameKeys("C-802", []string{"YJ-82", "c 802", ""}); len(got) != 2 || got[0] != "c802" || got[1] != "yj82" {
		t.Errorf("NameKeys = %v, want [c802 yj82]", got)
	}
}

func TestCheckID(t *testing.T) {
	good := []string{"weapon/c-802", "person/hossein-dehghan", "resolution/unsc-1929", "weapon/s-300pmu.2"}
	for _, id := range good {
		if err := CheckID(id, "weapon"); err != nil && id[:6] == "weapon" {
			t.Errorf("CheckID(%q) = %v, want nil", id, err)
		}
	}
	bad := map[string]string{
		"c-802":         "weapon",
		"org/x":         "organization",
		"weapon/C-802":  "weapon",
		"weapon/c--802": "weapon",
		"weapon/-c802":  "weapon",
		"weapon/":       "weapon",
		"weapon/c 802":  "weapon",
	}
	for id, prefix := range bad {
		if err := CheckID(id, prefix); err == nil {
			t.Errorf("CheckID(%q, %q) = nil, want an error", id, prefix)
		}
	}
}

func TestConfidence(t *testing.T) {
	if _, err := ParseConfidence("PROBABLE"); err == nil {
		t.Error("ParseConfidence(PROBABLE) = nil error, want one")
	}
	if got := Reported.AtLeast(); len(got) != 2 || got[0] != "CONFIRMED" || got[1] != "REPORTED" {
		t.Errorf("Reported.AtLeast() = %v, want [CONFIRMED REPORTED]", got)
	}
	if got := Confidence("").AtLeast(); len(got) != 4 {
		t.Errorf("empty AtLeast() = %v, want all four", got)
	}
}

func TestRelTypeAllowList(t *testing.T) {
	if _, err := ParseRelType("DERIVED_FROM"); err != nil {
		t.Errorf("ParseRelType(DERIVED_FROM) = %v", err)
	}
	for _, s := range []string{"derived_from", "KNOWS]->() DETACH DELETE n //", ""} {
		if _, err := ParseRelType(s); err == nil {
			t.Errorf("ParseRelType(%q) = nil error, want rejection", s)
		}
	}
	err := Invalid("maxDepth", "must be 0 or more")
	if !errors.Is(err, ErrInvalid) || err.Error() != "maxDepth: must be 0 or more" {
		t.Errorf("Invalid() = %v", err)
	}
}

func TestRelEnds(t *testing.T) {
	anyKind := map[RelType]bool{AlliedWith: true, Succeeded: true, CooperatesWith: true}
	for _, typ := range RelTypes {
		if _, ok := RelEnds[typ]; ok == anyKind[typ] {
			t.Errorf("RelEnds[%s] present = %v, want %v (only the generic types join any kinds)", typ, ok, !anyKind[typ])
		}
	}
	for _, c := range []struct {
		typ      RelType
		near     Kind
		incoming bool
		far      []Kind
		ok       bool
	}{
		{OriginatesFrom, Country, true, []Kind{Weapon}, true},
		{OriginatesFrom, Country, false, []Kind{Weapon}, false},
		{PartyTo, Agreement, true, []Kind{Country, Organization}, true},
		{HoldsPosition, Person, false, []Kind{Organization, Country}, true},
		{AlliedWith, Weapon, false, nil, true},
	} {
		far, ok := FarKinds(c.typ, c.near, c.incoming)
		if ok != c.ok || (ok && !slices.Equal(far, c.far)) {
			t.Errorf("FarKinds(%s, %s, %v) = %v, %v; want %v, %v", c.typ, c.near, c.incoming, far, ok, c.far, c.ok)
		}
	}
}
