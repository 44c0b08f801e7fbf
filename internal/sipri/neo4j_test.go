package sipri

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/internal/ingest"
	"armsgraph/internal/neo4jstore"
	"armsgraph/internal/neo4jtest"
	"armsgraph/internal/neo4jtest/storetest"
	"armsgraph/internal/seeds"
)

// importInto converts a register against the project's seeds/ as the base,
// writes it to dir (replacing a previous import) and ingests it as the
// sipri dataset. It returns the diff the import predicted and the summary
// of the ingest.
func importInto(t *testing.T, store *neo4jstore.Store, base *Base, file, release, dir string) ([]Change, ingest.Summary) {
	t.Helper()
	ctx := context.Background()
	res := convertFile(t, file, release, base)
	changes, err := res.Diff(ctx, dir, base.IDs())
	if err != nil {
		t.Fatal(err)
	}
	root, _ := neo4jtest.RepoRoot()
	if err := res.WriteFolder(dir, filepath.Join(root, "seeds")); err != nil {
		t.Fatal(err)
	}
	folder, err := seeds.Open(os.DirFS(dir), seeds.Options{Known: base.IDs()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := folder.Validate(ctx, nil); err != nil {
		t.Fatalf("the imported folder does not validate: %v", err)
	}
	return changes, storetest.Load(t, store, folder, ingest.Options{Dataset: "sipri"})
}

func projectBase(t *testing.T) (*seeds.Folder, *Base) {
	t.Helper()
	folder := storetest.ProjectSeeds(t)
	b, err := LoadBase(context.Background(), folder)
	if err != nil {
		t.Fatal(err)
	}
	return folder, b
}

func query(t *testing.T, inst *neo4jtest.Instance, cypher string, params map[string]any) []*neo4j.Record {
	t.Helper()
	res, err := neo4j.ExecuteQuery(context.Background(), inst.Driver, cypher, params, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database))
	if err != nil {
		t.Fatalf("%s: %v", cypher, err)
	}
	return res.Records
}

// The register's C-802 sale to Iran lands on the C-802 the base already
// holds, next to the weapons derived from it, and the base's nodes stay the
// base's.
func TestImportedSaleJoinsTheLineage(t *testing.T) {
	store, inst := storetest.Empty(t)
	seedsFolder, base := projectBase(t)
	storetest.Load(t, store, seedsFolder, ingest.Options{})
	before := query(t, inst, "MATCH (n {dataset: 'seeds'}) RETURN count(n)", nil)[0].Values[0]

	importInto(t, store, base, "testdata/register-2024.csv", "2024", filepath.Join(t.TempDir(), "sipri"))

	recs := query(t, inst, `
MATCH (t:Transfer {id: 'transfer/sipri-china-iran-c-802-css-n-8-1992'})-[:ITEM]->(w:Weapon)
MATCH (t)-[:RECIPIENT]->(r:Country), (t)-[:SUPPLIER]->(s:Country)
OPTIONAL MATCH (child:Weapon)-[:DERIVED_FROM]->(w)
RETURN w.id, w.dataset, r.id, s.id, t.dataset, t.tivUnit, t.tivOrder, t.estimated, t.citeSource, t.citeLocator, t.confidence,
       collect(DISTINCT child.id) AS children`, nil)
	if len(recs) != 1 {
		t.Fatalf("the imported C-802 sale has %d ITEM rows, want 1", len(recs))
	}
	v := recs[0].AsMap()
	want := map[string]any{"w.id": "weapon/c-802", "w.dataset": "seeds", "r.id": "country/iran", "s.id": "country/china",
		"t.dataset": "sipri", "t.tivUnit": 0.12, "t.tivOrder": 18.0, "t.confidence": "REPORTED"}
	for k, w := range want {
		if v[k] != w {
			t.Errorf("%s = %v, want %v", k, v[k], w)
		}
	}
	if src, loc := v["t.citeSource"].([]any), v["t.citeLocator"].([]any); len(src) != 1 || src[0] != "source/sipri-atd" || loc[0] != "line 6" {
		t.Errorf("citation = %v %v, want source/sipri-atd at line 6", src, loc)
	}
	if est := v["t.estimated"].([]any); !slices.Contains(est, any("quantity_ordered")) || !slices.Contains(est, any("ordered")) {
		t.Errorf("estimated = %v, want the bracketed order year and the flagged number ordered among them", est)
	}
	if children := v["children"].([]any); !slices.Contains(children, any("weapon/noor")) {
		t.Errorf("weapons derived from the C-802 the sale lands on = %v, want weapon/noor among them", children)
	}
	// The USSR's sale is the Soviet Union's, not Russia's.
	if got := query(t, inst, "MATCH (t:Transfer {id: 'transfer/sipri-ussr-iran-mig29-1990'})-[:SUPPLIER]->(c) RETURN c.id", nil); len(got) != 1 || got[0].Values[0] != "country/soviet-union" {
		t.Errorf("the USSR row's supplier = %v, want country/soviet-union", got)
	}
	// A licensed-production deal naming its local product records the derivation.
	if got := query(t, inst, "MATCH (:Weapon {id: 'weapon/nasr-1'})-[d:DERIVED_FROM]->(p) RETURN p.id, d.kind, d.dataset", nil); len(got) != 1 ||
		got[0].Values[0] != "weapon/c-704" || got[0].Values[1] != "licensed-production" || got[0].Values[2] != "sipri" {
		t.Errorf("Nasr-1's derivation = %v, want weapon/c-704, licensed-production, owned by sipri", got)
	}
	after := query(t, inst, "MATCH (n {dataset: 'seeds'}) RETURN count(n)", nil)[0].Values[0]
	if after != before {
		t.Errorf("the base owns %v nodes after the import, %v before; an import must not touch them", after, before)
	}
}

// Importing the next release into the same folder and ingesting it again
// updates, adds and prunes exactly what the dry run predicted.
func TestNextReleaseUpdatesAndPrunes(t *testing.T) {
	store, inst := storetest.Empty(t)
	seedsFolder, base := projectBase(t)
	storetest.Load(t, store, seedsFolder, ingest.Options{})
	dir := filepath.Join(t.TempDir(), "sipri")
	importInto(t, store, base, "testdata/register-2024.csv", "2024", dir)
	changes, sum := importInto(t, store, base, "testdata/register-2025.csv", "2025", dir)

	predicted := map[string]*ingest.Counts{}
	for _, c := range changes {
		label := labelOf(c.What)
		if predicted[label] == nil {
			predicted[label] = &ingest.Counts{}
		}
		switch c.Op {
		case "add":
			predicted[label].Created++
		case "update":
			predicted[label].Updated++
		case "remove":
			predicted[label].Removed++
		}
	}
	for label, p := range predicted {
		got := sum.Nodes[label]
		if got == nil {
			got = sum.Rels[label]
		}
		if got == nil || got.Created != p.Created || got.Updated != p.Updated || got.Removed != p.Removed {
			t.Errorf("%s: ingest created/updated/removed %+v, the dry run predicted %+v", label, got, p)
		}
	}
	if p := predicted["Transfer"]; p == nil || p.Created != 1 || p.Removed != 1 {
		t.Errorf("predicted transfer changes %+v, want one added and one removed", p)
	}
	if n := query(t, inst, "MATCH (t:Transfer {id: 'transfer/sipri-china-pakistan-f-22p-2005-2'}) RETURN count(t)", nil)[0].Values[0]; n != int64(0) {
		t.Errorf("the dropped row's transfer is still in the graph")
	}
	got := query(t, inst, "MATCH (t:Transfer {id: 'transfer/sipri-china-iran-c-802-css-n-8-1992'}) RETURN t.quantityOrdered", nil)
	if len(got) != 1 || got[0].Values[0] != int64(160) {
		t.Errorf("revised C-802 deal's quantity ordered = %v, want 160", got)
	}
	if n := query(t, inst, "MATCH (t:Transfer {dataset: 'sipri'}) RETURN count(t)", nil)[0].Values[0]; n != int64(11) {
		t.Errorf("the sipri dataset holds %v transfers after the second release, want 11", n)
	}
}

// labelOf is the node label or relationship type a diff line is about.
func labelOf(what string) string {
	for i, ch := range what {
		switch ch {
		case '|':
			return what[:i]
		case '/':
			kind := what[:i]
			return map[string]string{"transfer": "Transfer", "weapon": "Weapon", "country": "Country", "source": "Source"}[kind]
		}
	}
	return what
}
