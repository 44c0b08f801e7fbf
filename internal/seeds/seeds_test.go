package seeds

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

const goodSources = `sources:
  - id: source/doc
    document: doc.txt
    title: A document
`

const goodWeapons = `weapons:
  - id: weapon/c-802
    name: C-802
    aliases: [YJ-82]
    category: anti-ship-missile
    origin: country/china
    citations:
      - {source: source/doc, at: "line 2"}
  - id: weapon/noor
    name: Noor
    category: anti-ship-missile
    origin: country/iran
    citations: [{source: source/doc, at: "lines 2-3"}]
    derived_from:
      - parent: weapon/c-802
        kind: copy
        confidence: REPORTED
        citations: [{source: source/doc, at: "line 3", note: a copy}]
`

const goodCountries = `countries:
  - {id: country/china, name: China, citations: [{source: source/doc, at: "line 1"}]}
  - {id: country/iran, name: Iran, citations: [{source: source/doc, at: "line 1"}]}
`

func folder(t *testing.T, files map[string]string) *Folder {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, body := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(body)}
	}
	docs := fstest.MapFS{"doc.txt": {Data: []byte("one\ntwo\nthree\n")}}
	f, err := Open(fsys, Options{Documents: docs})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return f
}

func TestValidateGoodFolder(t *testing.T) {
	f := folder(t, map[string]string{"sources.yaml": goodSources, "weapons.yaml": goodWeapons, "countries.yaml": goodCountries})
	stats, err := f.Validate(context.Background(), nil)
	if err != nil {
		t.Fatalf("Validate = %v, want nil", err)
	}
	if stats.Nodes["Weapon"] != 2 || stats.Nodes["Country"] != 2 || stats.Nodes["Source"] != 1 {
		t.Errorf("node counts = %v, want 2 weapons, 2 countries, 1 source", stats.Nodes)
	}
	if stats.Rels["DERIVED_FROM"] != 1 || stats.Rels["ORIGINATES_FROM"] != 2 {
		t.Errorf("rel counts = %v, want 1 DERIVED_FROM, 2 ORIGINATES_FROM", stats.Rels)
	}
	var rels int
	err = f.Each(context.Background(), func(c Chunk) error {
		for _, r := range c.Rels {
			if r.Type == "DERIVED_FROM" {
				rels++
				if r.From != "weapon/noor" || r.To != "weapon/c-802" || r.Confidence != "REPORTED" || r.Props["kind"] != "copy" || len(r.Citations) != 1 || r.Citations[0].Note != "a copy" {
					t.Errorf("derivation = %+v", r)
				}
			}
		}
		return nil
	})
	if err != nil || rels != 1 {
		t.Errorf("Each: err %v, %d derivations", err, rels)
	}
}

// Each bad input must be reported at its file and line, with a message naming the problem.
func TestValidateReportsEveryProblemWithFileAndLine(t *testing.T) {
	tests := []struct {
		name string
		file string
		body string
		want []string // "file:line: substring"
	}{
		{"invalid yaml", "bad.yaml", "countries:\n  - id: country/x\n\tname: X\n", []string{"bad.yaml:2: invalid YAML: found a tab character"}},
		{"unknown kind", "bad.yaml", "weapon:\n  - id: weapon/x\n", []string{`bad.yaml:1: unknown kind "weapon" (did you mean "weapons"?)`}},
		{"unknown field", "bad.yaml", "countries:\n  - id: country/x\n    name: X\n    aliasses: [Y]\n    citations: [{source: source/doc, at: line 1}]\n", []string{`bad.yaml:4: countries: unknown field "aliasses" (did you mean "aliases"?)`}},
		{"duplicate id", "zz.yaml", "countries:\n  - {id: country/china, name: China, citations: [{source: source/doc, at: line 1}]}\n", []string{"zz.yaml:2: duplicate id country/china (first defined at countries.yaml:2)"}},
		{"bad date", "bad.yaml", "events:\n  - id: event/e\n    name: E\n    type: visit\n    date: \"2016-13-01\"\n    confidence: CONFIRMED\n    citations: [{source: source/doc, at: line 1}]\n", []string{"bad.yaml:2: event/e.date: date \"2016-13-01\": month 13 is not 01-12"}},
		{"unknown confidence", "bad.yaml", "events:\n  - id: event/e\n    name: E\n    type: visit\n    confidence: PROBABLE\n    citations: [{source: source/doc, at: line 1}]\n", []string{`bad.yaml:2: event/e.confidence: unknown confidence "PROBABLE"`}},
		{"missing confidence", "bad.yaml", "events:\n  - id: event/e\n    name: E\n    type: visit\n    citations: [{source: source/doc, at: line 1}]\n", []string{"bad.yaml:2: event/e.confidence is required"}},
		{"unknown source", "bad.yaml", "countries:\n  - id: country/x\n    name: X\n    citations:\n      - {source: source/dco, at: line 1}\n", []string{`bad.yaml:5: country/x.source: unknown source "source/dco" (did you mean "source/doc"?)`}},
		{"no citation", "bad.yaml", "countries:\n  - {id: country/x, name: X}\n", []string{"bad.yaml:2: country/x: at least one citation is required"}},
		{"bad locator", "bad.yaml", "countries:\n  - id: country/x\n    name: X\n    citations: [{source: source/doc, at: para 4}]\n", []string{`bad.yaml:4: country/x: locator "para 4"`}},
		{"line past document end", "bad.yaml", "countries:\n  - id: country/x\n    name: X\n    citations: [{source: source/doc, at: lines 2-9}]\n", []string{"bad.yaml:4: country/x.source: line 9 is past the end of source/doc's document (3 lines)"}},
		{"unknown reference", "bad.yaml", "weapons:\n  - id: weapon/qader\n    name: Qader\n    category: anti-ship-missile\n    citations: [{source: source/doc, at: line 1}]\n    derived_from:\n      - {parent: weapon/c-082, kind: variant, confidence: REPORTED, citations: [{source: source/doc, at: line 1}]}\n", []string{`bad.yaml:7: weapon/qader.derived_from: unknown weapon "weapon/c-082" (did you mean "weapon/c-802"?)`}},
		{"wrong kind", "bad.yaml", "weapons:\n  - id: weapon/qader\n    name: Qader\n    category: anti-ship-missile\n    origin: weapon/c-802\n    citations: [{source: source/doc, at: line 1}]\n", []string{"bad.yaml:2: weapon/qader.origin: weapon/c-802 is a weapon, want a country"}},
		{"derivation cycle", "bad.yaml", "weapons:\n  - id: weapon/a\n    name: A\n    category: mine\n    citations: [{source: source/doc, at: line 1}]\n    derived_from: [{parent: weapon/b, kind: copy, confidence: REPORTED, citations: [{source: source/doc, at: line 1}]}]\n  - id: weapon/b\n    name: B\n    category: mine\n    citations: [{source: source/doc, at: line 1}]\n    derived_from: [{parent: weapon/a, kind: copy, confidence: REPORTED, citations: [{source: source/doc, at: line 1}]}]\n", []string{"bad.yaml:7: derivation cycle: weapon/a → weapon/b → weapon/a"}},
		{"bad derivation kind", "bad.yaml", "weapons:\n  - id: weapon/a\n    name: A\n    category: mine\n    citations: [{source: source/doc, at: line 1}]\n    derived_from: [{parent: weapon/c-802, kind: clone, confidence: REPORTED, citations: [{source: source/doc, at: line 1}]}]\n", []string{`bad.yaml:6: weapon/a.derived_from: kind "clone" is not one of`}},
		{"wrong id prefix", "bad.yaml", "organizations:\n  - {id: org/navy, name: Navy, citations: [{source: source/doc, at: line 1}]}\n", []string{`bad.yaml:2: id "org/navy" has prefix "org", want "organization"`}},
		{"unknown relation type", "bad.yaml", "relations:\n  - {type: KNOWS, from: country/china, to: country/iran, confidence: CONFIRMED, citations: [{source: source/doc, at: line 1}]}\n", []string{`bad.yaml:2: relations: type "KNOWS" is not one of`}},
		{"wrong type", "bad.yaml", "weapons:\n  - id: weapon/a\n    name: A\n    category: mine\n    range_km: far\n    citations: [{source: source/doc, at: line 1}]\n", []string{"bad.yaml:2: weapons item:", "cannot unmarshal"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := folder(t, map[string]string{"sources.yaml": goodSources, "weapons.yaml": goodWeapons, "countries.yaml": goodCountries, tt.file: tt.body})
			_, err := f.Validate(context.Background(), nil)
			var problems Problems
			if !errors.As(err, &problems) {
				t.Fatalf("Validate = %v, want Problems", err)
			}
			text := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("Validate problems:\n%s\nwant one containing %q", text, w)
				}
			}
		})
	}
}

// All problems of a folder are reported at once, not just the first.
func TestValidateReportsAllProblemsAtOnce(t *testing.T) {
	bad := "countries:\n  - {id: country/x, name: X}\n  - {id: country/y, name: Y, citations: [{source: source/nope, at: line 1}]}\n"
	f := folder(t, map[string]string{"sources.yaml": goodSources, "bad.yaml": bad})
	_, err := f.Validate(context.Background(), nil)
	var problems Problems
	if !errors.As(err, &problems) || len(problems) != 2 {
		t.Fatalf("Validate = %v, want 2 problems", err)
	}
}

func TestValidateRejectsDuplicateRelations(t *testing.T) {
	rel := "  - {type: ALLIED_WITH, from: country/china, to: country/iran, date: \"2016\", confidence: CONFIRMED, citations: [{source: source/doc, at: line 1}]}\n"
	f := folder(t, map[string]string{"sources.yaml": goodSources, "countries.yaml": goodCountries, "r.yaml": "relations:\n" + rel + rel})
	_, err := f.Validate(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "r.yaml:3: duplicate ALLIED_WITH relationship country/china → country/iran") {
		t.Fatalf("Validate = %v, want a duplicate relationship at r.yaml:3", err)
	}
}
