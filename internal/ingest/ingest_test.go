package ingest_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/internal/ingest"
	"armsgraph/internal/neo4jstore"
	"armsgraph/internal/neo4jtest"
	"armsgraph/internal/neo4jtest/storetest"
	"armsgraph/internal/seeds"
)

func openStore(t *testing.T) (*neo4jstore.Store, *neo4jtest.Instance) {
	t.Helper()
	return storetest.Empty(t)
}

func projectSeeds(t *testing.T) *seeds.Folder {
	t.Helper()
	return storetest.ProjectSeeds(t)
}

func mapFolder(t *testing.T, files map[string]string) *seeds.Folder {
	t.Helper()
	return storetest.MapFolder(t, files)
}

func run(t *testing.T, store *neo4jstore.Store, f *seeds.Folder, opts ingest.Options) ingest.Summary {
	t.Helper()
	return storetest.Load(t, store, f, opts)
}

// snapshot renders every node and relationship with all their properties, in a stable order.
func snapshot(t *testing.T, inst *neo4jtest.Instance) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	for _, q := range []string{
		"MATCH (n) WHERE n:Entity OR n:Source RETURN n.id AS k, labels(n) AS l, properties(n) AS p ORDER BY k",
		"MATCH (a)-[r]->(b) RETURN type(r) + '|' + r.key AS k, a.id + '>' + b.id AS l, properties(r) AS p ORDER BY k",
	} {
		res, err := neo4j.ExecuteQuery(ctx, inst.Driver, q, nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res.Records {
			fmt.Fprintln(&b, r.Values...)
		}
	}
	return b.String()
}

func count(t *testing.T, inst *neo4jtest.Instance, cypher string, params map[string]any) int64 {
	t.Helper()
	res, err := neo4j.ExecuteQuery(context.Background(), inst.Driver, cypher, params, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database))
	if err != nil {
		t.Fatalf("%s: %v", cypher, err)
	}
	return res.Records[0].Values[0].(int64)
}

func TestIngestTwiceLeavesTheGraphIdentical(t *testing.T) {
	store, inst := openStore(t)
	folder := projectSeeds(t)
	first := run(t, store, folder, ingest.Options{})
	nodes, rels := first.Totals()
	if nodes.Created == 0 || nodes.Created != nodes.Seen || rels.Created != rels.Seen {
		t.Fatalf("first ingest: nodes %+v rels %+v, want everything created", nodes, rels)
	}
	for name, c := range first.Nodes {
		if len(c.Changed) != 0 {
			t.Errorf("first ingest names changes of %s (%v); a first load lists none", name, c.Changed)
		}
	}
	before := snapshot(t, inst)
	second := run(t, store, folder, ingest.Options{})
	n2, r2 := second.Totals()
	if n2.Created+n2.Updated+n2.Removed+r2.Created+r2.Updated+r2.Removed != 0 || n2.Unchanged != nodes.Seen || r2.Unchanged != rels.Seen {
		t.Errorf("second ingest: nodes %+v rels %+v, want everything unchanged", n2, r2)
	}
	if after := snapshot(t, inst); after != before {
		t.Errorf("graph differs after a second ingest:\n--- before\n%.2000s\n--- after\n%.2000s", before, after)
	}
	if got := count(t, inst, "MATCH (n:Entity) RETURN count(n)", nil); got != int64(nodes.Seen-first.Nodes["Source"].Seen) {
		t.Errorf("entity nodes = %d, want %d", got, nodes.Seen-first.Nodes["Source"].Seen)
	}
	if got := count(t, inst, "MATCH ()-[r]->() RETURN count(r)", nil); got != int64(rels.Seen) {
		t.Errorf("relationships = %d, want %d", got, rels.Seen)
	}
}

const fixtureSources = "sources:\n  - {id: source/doc, document: doc.txt, title: Doc}\n"
const fixtureCountries = "countries:\n  - {id: country/china, name: China, citations: [{source: source/doc, at: line 1}]}\n  - {id: country/iran, name: Iran, citations: [{source: source/doc, at: line 1}]}\n"

const fixtureWeapons = `weapons:
  - id: weapon/c-802
    name: C-802
    aliases: [YJ-82]
    category: anti-ship-missile
    origin: country/china
    range_km: 120
    citations: [{source: source/doc, at: line 2}]
  - id: weapon/noor
    name: Noor
    category: anti-ship-missile
    origin: country/iran
    citations: [{source: source/doc, at: line 3}]
    derived_from:
      - {parent: weapon/c-802, kind: copy, confidence: REPORTED, citations: [{source: source/doc, at: line 3}]}
`

func TestRemovedFactsDisappearAndChangesAreApplied(t *testing.T) {
	store, inst := openStore(t)
	// Data the ingester does not own must survive every load.
	if _, err := neo4j.ExecuteQuery(context.Background(), inst.Driver, "CREATE (:Entity:Weapon {id: 'weapon/user-owned', name: 'Mine', dataset: 'other'})", nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database)); err != nil {
		t.Fatal(err)
	}
	run(t, store, mapFolder(t, map[string]string{"s.yaml": fixtureSources, "c.yaml": fixtureCountries, "w.yaml": fixtureWeapons}), ingest.Options{})
	if got := count(t, inst, "MATCH (:Weapon {id: 'weapon/noor'})-[r:DERIVED_FROM]->(:Weapon {id: 'weapon/c-802'}) RETURN count(r)", nil); got != 1 {
		t.Fatalf("DERIVED_FROM noor → c-802 = %d, want 1", got)
	}

	// Drop Noor (and with it its derivation), change C-802's range, drop its aliases.
	changed := strings.Replace(fixtureWeapons[:strings.Index(fixtureWeapons, "  - id: weapon/noor")], "range_km: 120", "range_km: 180", 1)
	changed = strings.Replace(changed, "    aliases: [YJ-82]\n", "", 1)
	sum := run(t, store, mapFolder(t, map[string]string{"s.yaml": fixtureSources, "c.yaml": fixtureCountries, "w.yaml": changed}), ingest.Options{})

	if w := sum.Nodes["Weapon"]; w == nil || w.Removed != 1 || w.Updated != 1 {
		t.Errorf("summary for Weapon = %+v, want 1 removed, 1 updated", w)
	}
	if d := sum.Rels["DERIVED_FROM"]; d == nil || d.Removed != 1 {
		t.Errorf("summary for DERIVED_FROM = %+v, want 1 removed", d)
	}
	// The summary names what changed, so a re-ingest after a correction shows which facts it touched.
	if w := sum.Nodes["Weapon"]; w == nil || !slices.Equal(w.Changed, []string{"~ weapon/c-802", "- weapon/noor"}) {
		t.Errorf("changed weapons = %v, want c-802 updated and noor removed", w)
	}
	var out strings.Builder
	sum.Write(&out)
	if !strings.Contains(out.String(), "Weapon                   ~ weapon/c-802\n") {
		t.Errorf("the printed summary does not name the updated weapon:\n%s", out.String())
	}
	if got := count(t, inst, "MATCH (n:Entity {id: 'weapon/noor'}) RETURN count(n)", nil); got != 0 {
		t.Errorf("weapon/noor still in the graph after its removal from the seeds")
	}
	if got := count(t, inst, "MATCH ()-[r:DERIVED_FROM]->() RETURN count(r)", nil); got != 0 {
		t.Errorf("%d DERIVED_FROM left, want 0", got)
	}
	if got := count(t, inst, "MATCH (n:Weapon {id: 'weapon/c-802'}) WHERE n.rangeKm = 180.0 AND n.aliases = [] RETURN count(n)", nil); got != 1 {
		t.Errorf("weapon/c-802 does not carry the new range and empty aliases")
	}
	if got := count(t, inst, "MATCH (n:Entity {id: 'weapon/user-owned'}) RETURN count(n)", nil); got != 1 {
		t.Errorf("a node owned by another dataset was removed")
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	store, inst := openStore(t)
	sum := run(t, store, mapFolder(t, map[string]string{"s.yaml": fixtureSources, "c.yaml": fixtureCountries, "w.yaml": fixtureWeapons}), ingest.Options{DryRun: true})
	nodes, rels := sum.Totals()
	if nodes.Created != 5 || rels.Created != 3 {
		t.Errorf("dry run summary: nodes %+v rels %+v, want 5 nodes and 3 relationships to create", nodes, rels)
	}
	if got := count(t, inst, "MATCH (n) WHERE n:Entity OR n:Source RETURN count(n)", nil); got != 0 {
		t.Errorf("dry run wrote %d nodes", got)
	}
}

// The facts the analysts ask about first must be in the graph, each cited.
func TestSeedFactsAreInTheGraphWithCitations(t *testing.T) {
	store, inst := openStore(t)
	run(t, store, projectSeeds(t), ingest.Options{})
	cited := "size(r.citeSource) > 0 AND size(r.citeSource) = size(r.citeLocator)"
	tests := []struct {
		name   string
		cypher string
	}{
		{"Tondar-69 → M-7 → HQ-2 → SA-75 chain", `MATCH (:Weapon {id: 'weapon/tondar-69'})-[r1:DERIVED_FROM]->(:Weapon {id: 'weapon/m-7'})-[r2:DERIVED_FROM]->(:Weapon {id: 'weapon/hq-2'})-[r3:DERIVED_FROM]->(:Weapon {id: 'weapon/sa-75-dvina'})
			WHERE all(r IN [r1, r2, r3] WHERE ` + cited + `) RETURN count(*)`},
		{"chain crosses Iran, China and the Soviet Union", `MATCH (:Weapon {id: 'weapon/tondar-69'})-[:ORIGINATES_FROM]->(:Country {id: 'country/iran'}),
			(:Weapon {id: 'weapon/m-7'})-[:ORIGINATES_FROM]->(:Country {id: 'country/china'}),
			(:Weapon {id: 'weapon/sa-75-dvina'})-[:ORIGINATES_FROM]->(:Country {id: 'country/soviet-union'}) RETURN count(*)`},
		{"C-802 → Noor", `MATCH (:Weapon {id: 'weapon/noor'})-[r:DERIVED_FROM]->(:Weapon {id: 'weapon/c-802'}) WHERE ` + cited + ` RETURN count(*)`},
		{"C-802 → Qader", `MATCH (:Weapon {id: 'weapon/qader'})-[r:DERIVED_FROM]->(:Weapon {id: 'weapon/c-802'}) WHERE ` + cited + ` RETURN count(*)`},
		{"2007 S-300 sale to Iran, cancelled", `MATCH (c:Country {id: 'country/russia'})<-[:SUPPLIER]-(t:Transfer {id: 'transfer/russia-iran-s-300-2007'})-[:RECIPIENT]->(:Country {id: 'country/iran'}),
			(t)-[:ITEM]->(w:Weapon) WHERE t.ordered = '2007' AND t.status = 'cancelled' AND w.id STARTS WITH 'weapon/s-300' AND size(t.citeSource) > 0 RETURN count(*)`},
		{"2016 agreement signed in Tehran by the two defence ministers", `MATCH (:Person {id: 'person/hossein-dehghan'})-[r1:SIGNED]->(a:Agreement {id: 'agreement/iran-china-military-cooperation-2016'})<-[r2:SIGNED]-(:Person {id: 'person/chang-wanquan'}),
			(a)-[:LOCATED_IN]->(:Country {id: 'country/iran'}), (:Country {id: 'country/china'})-[:PARTY_TO]->(a)<-[:PARTY_TO]-(:Country {id: 'country/iran'})
			WHERE a.date = '2016-11-14' AND a.location = 'Tehran' AND all(r IN [r1, r2] WHERE ` + cited + `) RETURN count(*)`},
		{"both ministers held the defence post", `MATCH (:Person {id: 'person/hossein-dehghan'})-[p1:HOLDS_POSITION]->(), (:Person {id: 'person/chang-wanquan'})-[p2:HOLDS_POSITION]->()
			WHERE toLower(p1.title) CONTAINS 'defen' AND toLower(p2.title) CONTAINS 'defen' RETURN count(*)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := count(t, inst, tt.cypher, nil); got < 1 {
				t.Errorf("%s: no match in the graph", tt.name)
			}
		})
	}
	// Every relationship the seeds produce carries a confidence and at least one citation.
	if got := count(t, inst, "MATCH ()-[r]->() WHERE r.confidence IS NULL OR size(r.citeSource) = 0 RETURN count(r)", nil); got != 0 {
		t.Errorf("%d relationships without confidence or citation", got)
	}
	if got := count(t, inst, "MATCH (n:Entity) WHERE size(n.citeSource) = 0 RETURN count(n)", nil); got != 0 {
		t.Errorf("%d entities without a citation", got)
	}
}
