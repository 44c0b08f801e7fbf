package kg

import (
	"slices"
	"sort"
)

// TotalPart is one transfer record as a total sees it: the fields a sum
// needs, and what the sum decided about it.
type TotalPart struct {
	ID, Name          string
	Aggregate         bool     // the record sums several sales (a period's value)
	Covers            []string // records whose value and quantity this one already includes
	ValueUSD          *float64
	ValueEstimated    bool
	QuantityOrdered   *int64
	QuantityDelivered *int64
	QuantityUnit      string
	Confidence        Confidence
	SpanFrom, SpanTo  string // ISO days; "" when undated
	// SIPRI trend-indicator values (a volume measure, summed apart from US$).
	TIVOrder, TIVDelivered *float64
	TIVEstimated           bool

	// Set by SumTransfers.
	CoveredBy string // a record in the same total that already counts this one ("" when counted)
	Partial   bool   // the record's span reaches outside the period asked for
}

// QuantityTotal sums quantities given in one unit.
type QuantityTotal struct {
	Unit               string
	Ordered, Delivered int64
}

// Totals is what SumTransfers returns.
type Totals struct {
	ValueUSD       float64 // sum of the values counted
	ValueEstimated bool    // at least one counted value is an estimate
	Valued         int     // how many records' values were counted
	TIVOrder       float64 // sums of the SIPRI trend-indicator values counted
	TIVDelivered   float64
	TIVCounted     int  // how many records' TIV were counted
	TIVEstimated   bool // at least one counted TIV is an estimate
	Quantities     []QuantityTotal
	Parts          []TotalPart // every record considered, counted or not, in id order
}

// SumTransfers adds up the values and quantities of transfer records
// without counting anything twice. The rule: a record listed in the
// `covers` of another record of the same total (directly, or through a
// chain of covers) is already included in that record's figure, so it adds
// nothing itself; it is still listed, with CoveredBy naming the record
// that counts it. Aggregate records (a period's sales) cover the
// itemised sales and narrower aggregates they include, so an aggregate
// and its items never both count. Records that do not cover each other
// are independent and both count. from and to ("" when open) mark parts
// whose span reaches outside the period as Partial: their whole value is
// counted, since the sources give no split by year.
func SumTransfers(parts []TotalPart, from, to string) Totals {
	byID := make(map[string]int, len(parts))
	for i, p := range parts {
		byID[p.ID] = i
	}
	// coveredBy[i] is the first record (in id order) whose covers reach i.
	sorted := slices.Clone(parts)
	sort.Slice(sorted, func(a, b int) bool { return sorted[a].ID < sorted[b].ID })
	covered := map[string]string{}
	for _, p := range sorted {
		seen := map[string]bool{p.ID: true}
		stack := slices.Clone(p.Covers)
		for len(stack) > 0 {
			id := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[id] {
				continue
			}
			seen[id] = true
			if _, in := byID[id]; in {
				if _, done := covered[id]; !done {
					covered[id] = p.ID
				}
				stack = append(stack, parts[byID[id]].Covers...)
			}
		}
	}
	var t Totals
	units := map[string]*QuantityTotal{}
	for _, p := range sorted {
		// CoveredBy names the record that counts it: the top of the chain.
		// Covers must not form a cycle (the seeds validator rejects one);
		// should one reach here, the record counts, so nothing is lost.
		c, hops := covered[p.ID], 0
		for c != "" && covered[c] != "" && hops < len(parts) {
			c, hops = covered[c], hops+1
		}
		if c == p.ID || hops == len(parts) {
			c = ""
		}
		p.CoveredBy = c
		p.Partial = p.SpanFrom != "" && ((from != "" && p.SpanFrom < from) || (to != "" && p.SpanTo > to))
		if p.CoveredBy == "" {
			if p.ValueUSD != nil {
				t.ValueUSD += *p.ValueUSD
				t.Valued++
				t.ValueEstimated = t.ValueEstimated || p.ValueEstimated
			}
			if p.TIVOrder != nil || p.TIVDelivered != nil {
				if p.TIVOrder != nil {
					t.TIVOrder += *p.TIVOrder
				}
				if p.TIVDelivered != nil {
					t.TIVDelivered += *p.TIVDelivered
				}
				t.TIVCounted++
				t.TIVEstimated = t.TIVEstimated || p.TIVEstimated
			}
			if p.QuantityOrdered != nil || p.QuantityDelivered != nil {
				q := units[p.QuantityUnit]
				if q == nil {
					q = &QuantityTotal{Unit: p.QuantityUnit}
					units[p.QuantityUnit] = q
				}
				if p.QuantityOrdered != nil {
					q.Ordered += *p.QuantityOrdered
				}
				if p.QuantityDelivered != nil {
					q.Delivered += *p.QuantityDelivered
				}
			}
		}
		t.Parts = append(t.Parts, p)
	}
	for _, q := range units {
		t.Quantities = append(t.Quantities, *q)
	}
	sort.Slice(t.Quantities, func(a, b int) bool { return t.Quantities[a].Unit < t.Quantities[b].Unit })
	return t
}
