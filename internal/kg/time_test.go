package kg

import (
	"testing"
)

func TestOverallConfidence(t *testing.T) {
	for _, tc := range []struct {
		in   []Confidence
		want Confidence
	}{
		{nil, ""},
		{[]Confidence{Reported}, Reported},
		{[]Confidence{Reported, Confirmed}, Confirmed},
		{[]Confidence{Alleged, Reported, Alleged}, Reported},
		{[]Confidence{Confirmed, Disputed}, Disputed},
		{[]Confidence{Disputed, Confirmed}, Disputed},
		{[]Confidence{"", "BOGUS", Alleged}, Alleged},
	} {
		if got := OverallConfidence(tc.in); got != tc.want {
			t.Errorf("OverallConfidence(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func pd(t *testing.T, s string) PartialDate {
	t.Helper()
	if s == "" {
		return PartialDate{}
	}
	d, err := ParsePartialDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestPeriod(t *testing.T) {
	for _, tc := range []struct {
		from, to         string
		spanFrom, spanTo string
		str              string
	}{
		{"1993", "1996", "1993-01-01", "1996-12-31", "1993–1996"},
		{"2009-08", "", "2009-08-01", OpenEnd, "2009-08–"},
		{"", "2013", OpenStart, "2013-12-31", "–2013"},
	} {
		p := Period{pd(t, tc.from), pd(t, tc.to)}
		f, to, ok := p.Span()
		if !ok || f != tc.spanFrom || to != tc.spanTo || p.String() != tc.str {
			t.Errorf("%v: span %q %q %v, string %q; want %q %q %q", p, f, to, ok, p.String(), tc.spanFrom, tc.spanTo, tc.str)
		}
	}
	if _, _, ok := (Period{}).Span(); ok {
		t.Error("an undated period has a span")
	}
	p := Period{pd(t, "1993"), pd(t, "1996")}
	for _, tc := range []struct {
		from, to string
		want     bool
	}{
		{"1995-06-01", "1995-06-30", true}, // inside
		{"1990-01-01", "1993-01-01", true}, // touches the start
		{"1997-01-01", "", false},          // after
		{"", "1992-12-31", false},          // before
		{"", "", true},                     // open both ways
	} {
		if got := p.Overlaps(tc.from, tc.to); got != tc.want {
			t.Errorf("Overlaps(%q, %q) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
	if err := (Period{pd(t, "2013"), pd(t, "2009")}).Check(); err == nil {
		t.Error("a period ending before it starts passes Check")
	}
}

func TestSumTransfers(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	n := func(v int64) *int64 { return &v }
	parts := []TotalPart{
		{ID: "transfer/agg-2005-2012", Aggregate: true, ValueUSD: f(470e6), ValueEstimated: true, Covers: []string{"transfer/agg-2005-2010", "transfer/agg-2011"}, SpanFrom: "2005-01-01", SpanTo: "2012-12-31"},
		{ID: "transfer/agg-2005-2010", Aggregate: true, ValueUSD: f(384e6), Covers: []string{"transfer/item-2006"}, SpanFrom: "2005-01-01", SpanTo: "2010-12-31"},
		{ID: "transfer/agg-2011", Aggregate: true, ValueUSD: f(79e6), SpanFrom: "2011-01-01", SpanTo: "2011-12-31"},
		{ID: "transfer/item-2006", ValueUSD: f(5e6), QuantityDelivered: n(10), QuantityUnit: "missiles", SpanFrom: "2006-01-01", SpanTo: "2006-12-31"},
		{ID: "transfer/item-2008", QuantityOrdered: n(4), QuantityDelivered: n(2), QuantityUnit: "boats", SpanFrom: "2008-01-01", SpanTo: "2008-12-31"},
		{ID: "transfer/item-2009", ValueUSD: f(1e6), QuantityDelivered: n(3), QuantityUnit: "boats", SpanFrom: "2009-01-01", SpanTo: "2009-12-31"},
	}
	got := SumTransfers(parts, "2006-01-01", "2011-12-31")
	if got.ValueUSD != 471e6 || got.Valued != 2 || !got.ValueEstimated {
		t.Errorf("value %v from %d records (estimated %v), want 471e6 from 2, estimated", got.ValueUSD, got.Valued, got.ValueEstimated)
	}
	want := map[string]string{
		"transfer/agg-2005-2010": "transfer/agg-2005-2012",
		"transfer/agg-2011":      "transfer/agg-2005-2012",
		"transfer/item-2006":     "transfer/agg-2005-2012", // through the chain of covers
	}
	for _, p := range got.Parts {
		if p.CoveredBy != want[p.ID] {
			t.Errorf("%s covered by %q, want %q", p.ID, p.CoveredBy, want[p.ID])
		}
	}
	if !got.Parts[0].Partial || got.Parts[3].Partial {
		t.Errorf("partial flags: %+v", got.Parts)
	}
	if len(got.Quantities) != 1 || got.Quantities[0] != (QuantityTotal{Unit: "boats", Ordered: 4, Delivered: 5}) {
		t.Errorf("quantities %+v, want boats 4 ordered 5 delivered (missiles covered)", got.Quantities)
	}
	// Without the big aggregate, the narrower ones count.
	got = SumTransfers(parts[1:], "", "")
	if got.ValueUSD != 384e6+79e6+1e6 || got.ValueEstimated {
		t.Errorf("value %v estimated %v, want 464e6 not estimated", got.ValueUSD, got.ValueEstimated)
	}
}

// TIV sums apart from US$, over the same records the values count: a
// covered record adds nothing, and an estimated TIV marks the sum.
func TestSumTransfersTIV(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	parts := []TotalPart{
		{ID: "transfer/a", TIVOrder: f(18), TIVDelivered: f(12), ValueUSD: f(5e6)},
		{ID: "transfer/b", TIVOrder: f(2.5), TIVEstimated: true},
		{ID: "transfer/c", TIVOrder: f(100), TIVDelivered: f(100)},
		{ID: "transfer/d", Aggregate: true, Covers: []string{"transfer/c"}, ValueUSD: f(1e9)},
		{ID: "transfer/e", ValueUSD: f(1)},
	}
	got := SumTransfers(parts, "", "")
	if got.TIVOrder != 20.5 || got.TIVDelivered != 12 || got.TIVCounted != 2 || !got.TIVEstimated {
		t.Errorf("TIV order %v, delivered %v from %d records (estimated %v), want 20.5, 12 from 2, estimated", got.TIVOrder, got.TIVDelivered, got.TIVCounted, got.TIVEstimated)
	}
	if got.ValueUSD != 5e6+1e9+1 {
		t.Errorf("value %v, want US$ summed apart from TIV (1005000001)", got.ValueUSD)
	}
}
