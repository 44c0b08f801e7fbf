package seeds

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestSymtab(t *testing.T) {
	st := newSymtab()
	const n = 5000 // several times the first table
	for i := range n {
		s := fmt.Sprintf("weapon/w-%d", i)
		sym, added := st.intern(s)
		if !added || sym != uint32(i) {
			t.Fatalf("intern(%q) = %d, %v; want %d, true", s, sym, added, i)
		}
	}
	if sym, added := st.intern(""); !added || sym != n {
		t.Fatalf("intern(\"\") = %d, %v", sym, added)
	}
	for i := range n {
		s := fmt.Sprintf("weapon/w-%d", i)
		if sym, added := st.intern(s); added || sym != uint32(i) {
			t.Fatalf("intern(%q) again = %d, %v", s, sym, added)
		}
		if sym, ok := st.lookup(s); !ok || sym != uint32(i) || st.str(sym) != s {
			t.Fatalf("lookup(%q) = %d, %v", s, sym, ok)
		}
	}
	if _, ok := st.lookup("weapon/w-5000"); ok {
		t.Fatal("lookup found a string never interned")
	}
	if st.compare(1, 2) >= 0 || st.compare(10, 2) >= 0 || st.compare(3, 3) != 0 {
		t.Fatal("compare does not order by string")
	}
}

// A reference problem found when its file is merged (the target came
// earlier) and one found at the end (the target comes later) keep, within
// one line, the order of the references.
func TestProblemsInOneLineKeepTheirOrder(t *testing.T) {
	early := "weapons:\n  - {id: weapon/early, name: E, category: mine, citations: [{source: source/doc, at: line 1}]}\n"
	late := "weapons:\n  - {id: weapon/late, name: L, category: mine, citations: [{source: source/doc, at: line 1}]}\n"
	mid := "agreements:\n  - {id: agreement/a, name: A, status: signed, confidence: CONFIRMED, parties: [weapon/late, weapon/early, country/nope], citations: [{source: source/doc, at: line 1}]}\n"
	f := folder(t, map[string]string{"0.yaml": early, "m.yaml": mid, "z.yaml": late, "sources.yaml": goodSources, "countries.yaml": goodCountries})
	_, err := f.Validate(context.Background(), nil)
	var problems Problems
	if !errors.As(err, &problems) {
		t.Fatalf("Validate = %v, want Problems", err)
	}
	want := []string{
		"m.yaml:2: agreement/a.parties: weapon/late is a weapon, want a country or organization",
		"m.yaml:2: agreement/a.parties: weapon/early is a weapon, want a country or organization",
		`m.yaml:2: agreement/a.parties: unknown country or organization "country/nope"`,
	}
	if len(problems) != len(want) {
		t.Fatalf("problems:\n%v\nwant %d", err, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(problems[i].String(), w) {
			t.Errorf("problem %d = %q, want %q", i, problems[i], w)
		}
	}
}

// An id repeated within one file is reported at the line of each copy.
func TestDuplicateIDWithinAFile(t *testing.T) {
	body := "countries:\n  - {id: country/x, name: X, citations: [{source: source/doc, at: line 1}]}\n  - {id: country/x, name: X2, citations: [{source: source/doc, at: line 1}]}\n"
	f := folder(t, map[string]string{"sources.yaml": goodSources, "c.yaml": body})
	_, err := f.Validate(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "c.yaml:3: duplicate id country/x (first defined at c.yaml:2)") {
		t.Fatalf("Validate = %v, want the copy at line 3 pointing at line 2", err)
	}
}

func TestDerivationCyclesAmongManyWeapons(t *testing.T) {
	var b strings.Builder
	b.WriteString("weapons:\n")
	item := func(id, parent string) {
		fmt.Fprintf(&b, "  - {id: weapon/%s, name: %s, category: mine, citations: [{source: source/doc, at: line 1}], derived_from: [{parent: weapon/%s, kind: copy, confidence: REPORTED, citations: [{source: source/doc, at: line 1}]}]}\n", id, id, parent)
	}
	// A long chain with no cycle, which the search leaves out, and a cycle
	// reached from outside it.
	for i := 1; i < 300; i++ {
		item(fmt.Sprintf("c%d", i), fmt.Sprintf("c%d", i-1))
	}
	item("c0", "root")
	item("root", "x")
	item("x", "y")
	item("y", "x")
	f := folder(t, map[string]string{"sources.yaml": goodSources, "w.yaml": b.String()})
	_, err := f.Validate(context.Background(), nil)
	var problems Problems
	if !errors.As(err, &problems) {
		t.Fatalf("Validate = %v", err)
	}
	var cycles []string
	for _, p := range problems {
		if strings.Contains(p.Msg, "cycle") {
			cycles = append(cycles, p.String())
		}
	}
	want := "w.yaml:304: derivation cycle: weapon/x → weapon/y → weapon/x"
	if len(cycles) != 1 || cycles[0] != want {
		t.Errorf("cycles = %q, want [%q]", cycles, want)
	}
}
