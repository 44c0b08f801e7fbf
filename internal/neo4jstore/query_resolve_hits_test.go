package neo4jstore_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jstore"
)

// resolveBefore is Resolve's statement before exact matches were tried
// first (commit e06a31d): the full-text index on every lookup.
const resolveBefore = `
CALL () {
  MATCH (n:Entity {id: $id})
  RETURN n AS node, 0 AS how, 1.0e9 AS score
  UNION ALL
  CALL db.index.fulltext.queryNodes('entity_keys', $lucene) YIELD node, score
  WITH node, score, split(coalesce(node.keys, ''), ' ') AS keys
  RETURN node,
         CASE WHEN node.nameKey = $key THEN 1 WHEN $key IN keys THEN 2 ELSE 3 END AS how,
         score
}
WITH node, how, score
WHERE node.kind IN $kinds AND (how < 3 OR $prefix)
RETURN node, min(how) AS how, max(score) AS score
ORDER BY how, score DESC, node.name, node.id
LIMIT $limit`

// TestResolveDBHits profiles name resolution on the seeds: an exact name
// is answered by the id constraint and the nameKey range index alone, an
// alias or a partial name falls back to the full-text index. It logs the
// database hits of both paths, and of the statement before the change.
func TestResolveDBHits(t *testing.T) {
	ctx := context.Background()
	inst, store := seededStore(t)
	cases := []struct {
		name, ref string
		kind      kg.Kind
		prefix    bool
		limit     int
		want      string
		fallback  bool
	}{
		{"exact name", "C-802", kg.Weapon, false, 1, "weapon/c-802", false},
		{"exact name, other spelling", "c802", kg.Weapon, false, 1, "weapon/c-802", false},
		{"id", "weapon/noor", kg.Weapon, false, 1, "weapon/noor", false},
		{"alias", "Silkworm", kg.Weapon, false, 1, "weapon/c-802", true},
		{"partial name (resolve)", "C80", "", true, 10, "", true},
	}
	profile := func(cypher string, params map[string]any) (hits int64, procedure bool) {
		res, err := neo4j.ExecuteQuery(ctx, inst.Driver, "PROFILE "+cypher, params, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database))
		if err != nil {
			t.Fatalf("PROFILE: %v", err)
		}
		var walk func(p neo4j.ProfiledPlan)
		walk = func(p neo4j.ProfiledPlan) {
			hits += p.DbHits()
			// The fallback ran when its UNWIND produced a row.
			if strings.HasPrefix(p.Operator(), "Unwind") && slices.Contains(p.Identifiers(), "fallback") && p.Records() > 0 {
				procedure = true
			}
			for _, c := range p.Children() {
				walk(c)
			}
		}
		walk(res.Summary.Profile())
		return hits, procedure
	}
	for _, c := range cases {
		var kinds []kg.Kind
		if c.kind != "" {
			kinds = []kg.Kind{c.kind}
		}
		got, _, err := store.Resolve(ctx, c.ref, kinds, c.prefix, c.limit)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if c.want != "" && (len(got) == 0 || got[0].Node.ID != c.want) {
			t.Errorf("%s: Resolve(%q) = %v, want %s first", c.name, c.ref, got, c.want)
		}
		var cypher string
		var params map[string]any
		cctx := neo4jstore.CaptureQuery(ctx, func(_, q string, p map[string]any) { cypher, params = q, p })
		_, _, _ = store.Resolve(cctx, c.ref, kinds, c.prefix, c.limit)
		after, usedFullText := profile(cypher, params)
		before, _ := profile(resolveBefore, params)
		// Lucene's work is not counted in db hits: time both statements too
		// (a bounded loop; the figures are printed, never asserted).
		timeIt := func(q string) time.Duration {
			const n = 100
			start := time.Now()
			for range n {
				if _, err := neo4j.ExecuteQuery(ctx, inst.Driver, q, params, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database)); err != nil {
					t.Fatal(err)
				}
			}
			return time.Since(start) / n
		}
		timeIt(cypher) // warm
		tAfter, tBefore := timeIt(cypher), timeIt(resolveBefore)
		if usedFullText != c.fallback {
			t.Errorf("%s: full-text index used = %v, want %v", c.name, usedFullText, c.fallback)
		}
		t.Logf("%-28s %-14q db hits %4d (before %4d), mean %v (before %v), full-text fallback: %v",
			c.name, c.ref, after, before, tAfter.Round(time.Microsecond), tBefore.Round(time.Microsecond), usedFullText)
	}
}
