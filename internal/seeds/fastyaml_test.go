package seeds

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// parseFastDocument parses all of s into one tree, as yaml.Unmarshal into a
// yaml.Node does (for tests).
func parseFastDocument(s string) (doc *yaml.Node, ok bool) {
	var top *yaml.Node
	ok = parseFast(s, false, func(key, value *yaml.Node) func(*yaml.Node) {
		if top == nil {
			top = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: key.Line, Column: key.Column}
		}
		top.Content = append(top.Content, key, value)
		if value.Kind != yaml.SequenceNode || value.Style&yaml.FlowStyle != 0 {
			return nil // it came whole
		}
		// The parser uses an item's nodes again for the next item.
		return func(item *yaml.Node) { value.Content = append(value.Content, deepCopy(item)) }
	})
	if !ok {
		return nil, false
	}
	return &yaml.Node{Kind: yaml.DocumentNode, Line: top.Line, Column: top.Column, Content: []*yaml.Node{top}}, true
}

func deepCopy(n *yaml.Node) *yaml.Node {
	c := *n
	c.Content = nil
	for _, child := range n.Content {
		c.Content = append(c.Content, deepCopy(child))
	}
	return &c
}

// sameTree reports the first difference between two yaml.Node trees in what
// the seeds code reads of them (comments aside).
func sameTree(a, b *yaml.Node, path string) error {
	if a.Kind != b.Kind || a.Tag != b.Tag || a.Style != b.Style || a.Value != b.Value || a.Line != b.Line || a.Column != b.Column ||
		a.Anchor != b.Anchor || a.Alias != nil || b.Alias != nil || len(a.Content) != len(b.Content) {
		return fmt.Errorf("%s: fast {kind %v tag %q style %v value %q at %d:%d, %d children} != yaml.v3 {kind %v tag %q style %v value %q at %d:%d, %d children}",
			path, a.Kind, a.Tag, a.Style, a.Value, a.Line, a.Column, len(a.Content), b.Kind, b.Tag, b.Style, b.Value, b.Line, b.Column, len(b.Content))
	}
	for i := range a.Content {
		if err := sameTree(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", path, i)); err != nil {
			return err
		}
	}
	return nil
}

// checkFast checks that whatever the fast parser accepts, yaml.v3 reads
// into the same tree.
func checkFast(t *testing.T, body string) (accepted bool) {
	t.Helper()
	fast, ok := parseFastDocument(body)
	if !ok {
		return false
	}
	var want yaml.Node
	if err := yaml.Unmarshal([]byte(body), &want); err != nil {
		t.Fatalf("fast parser accepted what yaml.v3 rejects (%v):\n%s", err, body)
	}
	if len(want.Content) != 1 {
		t.Fatalf("fast parser accepted a document yaml.v3 reads as %d nodes:\n%s", len(want.Content), body)
	}
	if err := sameTree(fast.Content[0], want.Content[0], ""); err != nil {
		t.Fatalf("%v\ninput:\n%s", err, body)
	}
	checkDecode(t, &want, body)
	return true
}

// checkDecode checks that whatever item decodeFast takes, checkKeys passes
// and yaml.v3 decodes to the same value.
func checkDecode(t *testing.T, doc *yaml.Node, body string) {
	t.Helper()
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return
	}
	top := doc.Content[0]
	for i := 0; i+1 < len(top.Content); i += 2 {
		key, list := top.Content[i].Value, top.Content[i+1]
		typ, known := itemTypes[key]
		if !known || list.Kind != yaml.SequenceNode {
			continue
		}
		for _, n := range list.Content {
			got, ok := decodeFast(key, n)
			if !ok {
				continue
			}
			c := &fileCtx{file: "f"}
			if !checkKeys(c, n, typ, key) || len(c.problems) > 0 {
				t.Fatalf("decodeFast took an item checkKeys refuses (%v):\n%s", c.problems, body)
			}
			want := reflect.New(typ)
			if err := n.Decode(want.Interface()); err != nil {
				t.Fatalf("decodeFast took an item yaml.v3 cannot decode (%v):\n%s", err, body)
			}
			if !reflect.DeepEqual(got, want.Interface()) {
				t.Fatalf("decodeFast = %#v\nyaml.v3    = %#v\ninput:\n%s", got, want.Interface(), body)
			}
		}
	}
}

var fastSamples = []string{
	goodSources, goodWeapons, goodCountries,
	"# c\nweapons:\n- id: x\n  n: [a, \"b\"]\nb:\n  - {x: 1}\n",
	"a: 2016-01-01\nb: 'it''s'\nc: \"x y\"  # note\nd: [1, -2, .5, +3, 0x1F, true, no, ~, null]\n",
	"people:\n  - id: person/x\n    positions:\n      - {title: t, from: \"2001\"}\n      - title: u\n        country: country/y\n    aliases: []\n",
	"events:\n  - id: e\n    participants:\n      - country/a\n      - {id: country/b, confidence: REPORTED}\n\n  # comment\n  - id: f\n",
	"weapons: []\ncountries: {}\nsources: null\nx: y\n",
	"a:\n  b:\n    c: d\n  e: f\ng: h # trailing\n",
	"a: Soviet system; the HQ-2 is (a copy) of it, [really] {yes}\n",
	"a: {b: c, d: [e, f], g: {h: i}}\n",
	"a: b\n  c\n", "a: 'x\n  y'\n", "a: \"x\\ny\"\n", "a: |\n  x\n", "a: &x b\nc: *x\n", "a:\n- b\n-\n", "- a\n", "a: b\n---\nc: d\n",
	"weapons:\n  - {id: weapon/a, range_km: 12, aliases: [], derived_from: [{parent: weapon/b, citations: [{source: s, at: line 1}]}]}\n  - {id: weapon/b, range_km: 1.5, range_km_min: 0.5}\n  - {id: weapon/c, range_km: 012}\n  - {id: weapon/d, range_km: 1e3}\n  - {id: weapon/e, name: 7, aliases: [x, 1]}\n  - {id: weapon/f, id: weapon/g}\n  - {id: weapon/h, citations: [~]}\n",
	"transfers:\n  - {id: t, quantity_ordered: -0, quantity_delivered: 0x10, value_usd: -3.25, date_inferred: true}\n  - {id: u, quantity_ordered: 1.0, date_inferred: yes}\n",
	"events:\n  - {id: e, participants: [a, 3, true, ~, \"~\", {id: b, note: n}, [c]]}\n  - {id: f, participants: [a, {id: b, bogus: 1}]}\n",
	"people:\n  - {id: p, positions: [{title: t}, {title: u, citations: []}], confidence: ~}\n",
	"relations:\n  - {type: MET, from: a, to: b, date: \"2016\", citations: [{source: s, at: line 2, note: \"n\"}]}\n",
	"sources:\n  - {id: s, document: d.txt, title: T, published_inferred: false, author: 'A', note: n}\n",
	"a: {b: c,}\n", "a: [b, c\n  , d]\n", "a: x #y\n", "a: x#y\n", "a: b: c\n", "a: ! b\n", "a: é ü\nb: [ä, ö]\n",
}

func TestFastParserMatchesYAMLv3(t *testing.T) {
	for _, s := range append(fastSamples, strings.Repeat("k", 1100)+": v\n", "a: "+strings.Repeat("v", 1100)+"\n") {
		checkFast(t, s)
	}
	// Every file of the project's seeds and of a synthetic folder, when present.
	var files []string
	for _, glob := range []string{projectSeeds + "/*.yaml", os.Getenv("SEEDS_FAST_DIR") + "/*.yaml"} {
		m, _ := filepath.Glob(glob)
		files = append(files, m...)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !checkFast(t, string(data)) {
			t.Logf("%s: not in the fast subset", file)
		}
	}
}

// A typical synthetic file must take the fast path.
func TestFastParserTakesSeedFiles(t *testing.T) {
	for _, s := range []string{goodSources, goodWeapons, goodCountries, "# c\nweapons:\n  - {id: weapon/x, name: \"X\"}\n"} {
		if !checkFast(t, s) {
			t.Errorf("not in the fast subset:\n%s", s)
		}
	}
}

func FuzzFastYAML(f *testing.F) {
	for _, s := range fastSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if strings.Count(body, "\n") > 200 {
			return
		}
		checkFast(t, body)
	})
}

// fastCharsSlow is fastChars one byte at a time.
func fastCharsSlow(s string) (ascii, ok bool) {
	ascii = true
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\n') || c == 0x7f {
				return false, false
			}
			i++
			continue
		}
		ascii = false
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || r < 0xA0 || r == 0x2028 || r == 0x2029 || r == 0xFEFF || r == 0xFFFE || r == 0xFFFF {
			return false, false
		}
		i += n
	}
	return ascii, true
}

func TestFastChars(t *testing.T) {
	filler := "abc: de\nfghij ~ ZZ\n"
	for c := 0; c < 256; c++ {
		for pos := 0; pos < len(filler); pos++ {
			for _, s := range []string{filler[:pos] + string(rune(c)) + filler[pos:], filler[:pos] + string([]byte{byte(c)}) + filler[pos:]} {
				a1, ok1 := fastChars(s)
				a2, ok2 := fastCharsSlow(s)
				if a1 != a2 || ok1 != ok2 {
					t.Fatalf("fastChars(%q) = %v, %v, want %v, %v", s, a1, ok1, a2, ok2)
				}
			}
		}
	}
}
