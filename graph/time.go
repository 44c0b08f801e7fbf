package graph

import (
	"slices"
	"strings"

	"armsgraph/graph/model"
	"armsgraph/internal/kg"
)

func claimsOf(cs []kg.Claim) []*model.SourceClaim {
	out := make([]*model.SourceClaim, len(cs))
	for i, c := range cs {
		values := c.Values
		if values == nil {
			values = []string{c.Value}
		}
		out[i] = &model.SourceClaim{Field: c.Field, Value: c.Value, Values: values}
	}
	return out
}

// titleWords splits a title filter into lower-case words.
func titleWords(s string) []string {
	return strings.Fields(strings.ToLower(s))
}

// totalPartOf reads what a total needs from a transfer node.
func totalPartOf(n kg.Node) kg.TotalPart {
	p := kg.TotalPart{
		ID: n.ID, Name: n.Name,
		Aggregate:      propBool(n.Props, kg.PropAggregate),
		Covers:         propStrings(n.Props, kg.PropCovers),
		ValueUSD:       propFloat(n.Props, kg.PropValueUSD),
		ValueEstimated: propBool(n.Props, kg.PropValueEstimated),
		QuantityUnit:   propString(n.Props, kg.PropQuantityUnit),
		Confidence:     kg.Confidence(propString(n.Props, kg.PropConfidence)),
		SpanFrom:       propString(n.Props, kg.PropSpanFrom),
		SpanTo:         propString(n.Props, kg.PropSpanTo),
		TIVOrder:       propFloat(n.Props, kg.PropTIVOrder),
		TIVDelivered:   propFloat(n.Props, kg.PropTIVDelivered),
		TIVEstimated:   slices.ContainsFunc(propStrings(n.Props, kg.PropEstimated), func(f string) bool { return f == "tiv_order" || f == "tiv_delivered" }),
	}
	if q := propInt(n.Props, kg.PropQuantityOrdered); q != nil {
		v := int64(*q)
		p.QuantityOrdered = &v
	}
	if q := propInt(n.Props, kg.PropQuantityDelivered); q != nil {
		v := int64(*q)
		p.QuantityDelivered = &v
	}
	return p
}

// tenureNodes lists the people and posts of a holders answer, each once.
func tenureNodes(ts []kg.Tenure) []kg.Node {
	seen := make(map[string]bool, 2*len(ts))
	out := make([]kg.Node, 0, 2*len(ts))
	for _, t := range ts {
		for _, n := range []kg.Node{t.Person, t.Target} {
			if !seen[n.ID] {
				seen[n.ID] = true
				out = append(out, n)
			}
		}
	}
	return out
}

// tenureRels lists the relationships of a holders answer.
func tenureRels(ts []kg.Tenure) []kg.Rel {
	out := make([]kg.Rel, len(ts))
	for i, t := range ts {
		out[i] = t.Rel
	}
	return out
}
