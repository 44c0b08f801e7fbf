package neo4jstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jtest/storetest"
)

// TestRelEndsHoldForSeeds checks kg.RelEnds, on which the grouped
// neighbourhood's counts rely, against the project's seeds as ingested:
// no relationship joins kinds the table does not allow.
func TestRelEndsHoldForSeeds(t *testing.T) {
	_, inst := storetest.Seeded(t)
	ctx := context.Background()
	labels := func(ks []kg.Kind) []string {
		out := make([]string, len(ks))
		for i, k := range ks {
			out[i] = k.Label()
		}
		return out
	}
	for typ, ends := range kg.RelEnds {
		// typ comes from the kg allow-list.
		q := fmt.Sprintf("MATCH (a)-[r:%s]->(b) WHERE none(l IN labels(a) WHERE l IN $from) OR none(l IN labels(b) WHERE l IN $to) RETURN count(r) AS bad, collect(a.id + ' → ' + b.id)[..3] AS examples", typ)
		res, err := neo4j.ExecuteQuery(ctx, inst.Driver, q, map[string]any{"from": labels(ends.From), "to": labels(ends.To)},
			neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database))
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		if bad, _ := res.Records[0].Get("bad"); bad.(int64) != 0 {
			ex, _ := res.Records[0].Get("examples")
			t.Errorf("%d %s relationships join kinds kg.RelEnds does not allow (%v → %v), e.g. %v", bad, typ, ends.From, ends.To, ex)
		}
	}
}
