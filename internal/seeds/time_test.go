package seeds

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"armsgraph/internal/kg"
)

// Periods, per-citation confidence and claims: what the converter makes of
// them, and every mistake reported at its file and line.

const periodTransfers = `transfers:
  - id: transfer/agg
    name: Aggregate
    supplier: country/china
    recipient: country/iran
    item: weapons
    aggregate: true
    covers: [transfer/item]
    value_usd: 400000000
    value_estimated: true
    from: "1993"
    to: "1996"
    status: delivered
    citations:
      - {source: source/doc, at: "line 1", confidence: REPORTED}
      - {source: source/doc, at: "line 2", confidence: CONFIRMED, claims: {to: "1997", areas: [a, b]}}
  - id: transfer/item
    name: Item
    supplier: country/china
    recipient: country/iran
    weapon: weapon/c-802
    delivered: "1995"
    from: "1994"
    status: delivered
    confidence: REPORTED
    citations: [{source: source/doc, at: "line 3"}]
  - id: transfer/open
    name: Open-ended
    supplier: country/china
    recipient: country/iran
    item: spares
    from: "2005"
    status: delivered
    confidence: ALLEGED
    citations: [{source: source/doc, at: "line 3"}]
`

func TestPeriodsClaimsAndCitationConfidence(t *testing.T) {
	f := folder(t, map[string]string{"sources.yaml": goodSources, "weapons.yaml": goodWeapons, "countries.yaml": goodCountries, "t.yaml": periodTransfers})
	if _, err := f.Validate(context.Background(), nil); err != nil {
		t.Fatalf("Validate = %v", err)
	}
	nodes := map[string]kg.Node{}
	err := f.Each(context.Background(), func(c Chunk) error {
		for _, n := range c.Nodes {
			nodes[n.ID] = n
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	agg := nodes["transfer/agg"]
	for k, want := range map[string]any{
		"spanFrom": "1993-01-01", "spanTo": "1996-12-31", "from": "1993", "to": "1996",
		"aggregate": true, "valueEstimated": true, "confidence": "CONFIRMED", // strongest uncontested
	} {
		if agg.Props[k] != want {
			t.Errorf("agg.%s = %v, want %v", k, agg.Props[k], want)
		}
	}
	if c := agg.Citations; len(c) != 2 || c[0].Confidence != kg.Reported || c[1].Confidence != kg.Confirmed ||
		!reflect.DeepEqual(c[1].Claims, []kg.Claim{kg.ListClaim("to", "1997"), kg.ListClaim("areas", "a", "b")}) {
		t.Errorf("agg citations = %+v", c)
	}
	if item := nodes["transfer/item"]; item.Props["spanFrom"] != "1994-01-01" || item.Props["spanTo"] != "1995-12-31" {
		t.Errorf("item span %v–%v, want 1994-01-01–1995-12-31", item.Props["spanFrom"], item.Props["spanTo"])
	}
	if open := nodes["transfer/open"]; open.Props["spanFrom"] != "2005-01-01" || open.Props["spanTo"] != kg.OpenEnd {
		t.Errorf("open span %v–%v, want 2005-01-01–%s", open.Props["spanFrom"], open.Props["spanTo"], kg.OpenEnd)
	}
}

func TestPeriodProblemsHaveFileAndLine(t *testing.T) {
	tr := func(extra string) string {
		return "transfers:\n  - id: transfer/x\n    name: X\n    supplier: country/china\n    recipient: country/iran\n    item: arms\n    status: delivered\n" + extra
	}
	cite := "    citations: [{source: source/doc, at: line 1}]\n"
	tests := []struct{ name, body, want string }{
		{"period backwards", tr("    confidence: REPORTED\n    from: \"1996\"\n    to: \"1993\"\n" + cite), "bad.yaml:2: transfer/x: to 1993 is before from 1996"},
		{"covers without aggregate", tr("    confidence: REPORTED\n    covers: [transfer/x2]\n" + cite), "bad.yaml:2: transfer/x: covers is for aggregate records"},
		{"covers unknown", tr("    confidence: REPORTED\n    aggregate: true\n    covers: [transfer/nope]\n" + cite), `bad.yaml:2: transfer/x.covers: unknown transfer "transfer/nope"`},
		{"estimate without value", tr("    confidence: REPORTED\n    value_estimated: true\n" + cite), "bad.yaml:2: transfer/x: value_estimated without value_usd"},
		{"citation confidence unknown", tr("    citations: [{source: source/doc, at: line 1, confidence: LIKELY}]\n"), `bad.yaml:8: transfer/x.citations.confidence: unknown confidence "LIKELY"`},
		{"fact disagrees with citations", tr("    confidence: ALLEGED\n    citations:\n      - {source: source/doc, at: line 1, confidence: CONFIRMED}\n"), "bad.yaml:2: transfer/x.confidence is ALLEGED but its citations give CONFIRMED"},
		{"disputed wins", tr("    confidence: CONFIRMED\n    citations:\n      - {source: source/doc, at: line 1, confidence: CONFIRMED}\n      - {source: source/doc, at: line 2, confidence: DISPUTED}\n"), "transfer/x.confidence is CONFIRMED but its citations give DISPUTED"},
		{"unknown claim field", tr("    confidence: REPORTED\n    citations:\n      - source: source/doc\n        at: line 1\n        claims: {quantiy_ordered: 4}\n"), `bad.yaml:12: transfer/x.claims: unknown field "quantiy_ordered" (did you mean "quantity_ordered"?)`},
		{"bad claim date", tr("    confidence: REPORTED\n    citations:\n      - source: source/doc\n        at: line 1\n        claims: {to: \"1996-13\"}\n"), "bad.yaml:12: transfer/x.claims.to: date \"1996-13\": month 13 is not 01-12"},
		{"bad claim number", tr("    confidence: REPORTED\n    citations: [{source: source/doc, at: line 1, claims: {quantity_ordered: many}}]\n"), `bad.yaml:9: transfer/x.claims.quantity_ordered: "many" is not a whole number`},
		{"claims not a mapping", tr("    confidence: REPORTED\n    citations: [{source: source/doc, at: line 1, claims: [to]}]\n"), "bad.yaml:2: transfers item: claims: want a mapping"},
		{"resolution in force backwards", "resolutions:\n  - id: resolution/r\n    name: R\n    date: \"2010\"\n    from: \"2010\"\n    to: \"2008\"\n    citations: [{source: source/doc, at: line 1}]\n", "bad.yaml:2: resolution/r: to 2008 is before from 2010"},
		{"range minimum without range", "weapons:\n  - id: weapon/w\n    name: W\n    category: mine\n    range_km_min: 12\n    citations: [{source: source/doc, at: line 1}]\n", "bad.yaml:2: weapon/w.range_km_min: give range_km too"},
		{"range minimum above range", "weapons:\n  - id: weapon/w\n    name: W\n    category: mine\n    range_km_min: 40\n    range_km: 32\n    citations: [{source: source/doc, at: line 1}]\n", "bad.yaml:2: weapon/w.range_km_min: 40 must be at least 0 and below range_km (32)"},
		{"position backwards", "people:\n  - id: person/p\n    name: P\n    citations: [{source: source/doc, at: line 1}]\n    positions:\n      - {title: Minister, country: country/iran, from: \"2013\", to: \"2009\"}\n", "bad.yaml:6: person/p.positions[0]: to 2009 is before from 2013"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := folder(t, map[string]string{"sources.yaml": goodSources, "weapons.yaml": goodWeapons, "countries.yaml": goodCountries, "bad.yaml": tt.body})
			_, err := f.Validate(context.Background(), nil)
			var problems Problems
			if !errors.As(err, &problems) {
				t.Fatalf("Validate = %v, want Problems", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate problems:\n%s\nwant one containing %q", err, tt.want)
			}
		})
	}
}
