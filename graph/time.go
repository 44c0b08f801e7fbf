package graph

import (
	"context"
	"fmt"
	"strings"

	"armsgraph/graph/model"
	"armsgraph/internal/kg"
)

// TimeStore is what the time and totals fields (schema/time.graphqls) need
// beyond Store; *neo4jstore.Store implements it. Each method is one Cypher
// query.
type TimeStore interface {
	Holders(ctx context.Context, q kg.HolderQuery) ([]kg.Tenure, error)
	TransferParts(ctx context.Context, q kg.TotalsQuery) ([]kg.Node, error)
}

func (r *Resolver) timeStore() (TimeStore, error) {
	ts, ok := r.store.(TimeStore)
	if !ok {
		return nil, fmt.Errorf("time and totals queries: %w", kg.ErrUnavailable)
	}
	return ts, nil
}

func claimsOf(cs []kg.Claim) []*model.SourceClaim {
	out := make([]*model.SourceClaim, len(cs))
	for i, c := range cs {
		out[i] = &model.SourceClaim{Field: c.Field, Value: c.Value}
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
