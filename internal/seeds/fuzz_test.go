package seeds

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzValidate feeds arbitrary bytes to the parser as a seed file: it must
// never panic, and every problem it reports must name the file and a line.
func FuzzValidate(f *testing.F) {
	f.Add(goodWeapons)
	f.Add(goodCountries)
	f.Add("weapons:\n  - id: weapon/a\n    derived_from: [{parent: weapon/a}]\n")
	f.Add("events:\n  - {id: event/x, name: X, type: visit, date: \"2016-02-30\", participants: [country/china, {id: 3}]}\n")
	f.Add("relations:\n  - {type: MET, from: a, to: a}\n")
	f.Add("people:\n  - id: person/x\n    positions: [{title: t}, 7, [1]]\n")
	f.Add("sources: {}\n")
	f.Add("- a\n- b\n")
	f.Add("transfers:\n  - id: transfer/t\n    quantity_ordered: -1\n    value_usd: x\n")
	f.Add(periodTransfers)
	f.Add("transfers:\n  - id: transfer/t\n    aggregate: true\n    covers: [transfer/t, transfer/t]\n    from: \"2000\"\n    to: \"1999\"\n    citations: [{source: source/doc, at: line 1, confidence: X, claims: {to: [1, 2], from: ~, quantity_ordered: x}}]\n")
	f.Add("resolutions:\n  - id: resolution/r\n    losses: [{country: country/x, value_usd: -1}, 3]\n    advocates: [country/x]\n")
	f.Fuzz(func(t *testing.T, body string) {
		fsys := fstest.MapFS{
			"sources.yaml": {Data: []byte(goodSources)},
			"fuzz.yaml":    {Data: []byte(body)},
		}
		folder, err := Open(fsys, Options{Documents: fstest.MapFS{"doc.txt": {Data: []byte("a\nb\nc\n")}}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = folder.Validate(context.Background(), nil)
		var problems Problems
		if err != nil && !errors.As(err, &problems) {
			t.Fatalf("Validate returned %v, want nil or Problems", err)
		}
		for _, p := range problems {
			if p.File == "" || p.Line < 1 || strings.TrimSpace(p.Msg) == "" {
				t.Fatalf("problem without a place or message: %+v", p)
			}
		}
		if err == nil {
			if err := folder.Each(context.Background(), func(Chunk) error { return nil }); err != nil {
				t.Fatalf("Each after a clean Validate = %v", err)
			}
		}
	})
}
