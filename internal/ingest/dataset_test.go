package ingest_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/internal/ingest"
	"armsgraph/internal/neo4jstore"
	"armsgraph/internal/neo4jtest"
	"armsgraph/internal/neo4jtest/storetest"
	"armsgraph/internal/seeds"
)

// datasetFolder is the fixture folder with every id renamed by suffix, so
// that two datasets hold disjoint graphs; without Noor when noNoor.
func datasetFolder(t *testing.T, suffix string, noNoor bool) *seeds.Folder {
	t.Helper()
	weapons := fixtureWeapons
	if noNoor {
		weapons = weapons[:strings.Index(weapons, "  - id: weapon/noor")]
	}
	rename := strings.NewReplacer(
		"source/doc", "source/doc-"+suffix,
		"country/china", "country/china-"+suffix, "country/iran", "country/iran-"+suffix,
		"weapon/c-802", "weapon/c-802-"+suffix, "weapon/noor", "weapon/noor-"+suffix,
		"YJ-82", "YJ-82 "+suffix)
	return mapFolder(t, map[string]string{"s.yaml": rename.Replace(fixtureSources), "c.yaml": rename.Replace(fixtureCountries), "w.yaml": rename.Replace(weapons)})
}

// ownedBy renders the nodes and relationships whose dataset is ds (nil:
// those with no dataset at all), with every property, in a stable order.
func ownedBy(t *testing.T, inst *neo4jtest.Instance, ds any) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		"MATCH (n) WHERE (n:Entity OR n:Source) AND coalesce(n.dataset, '') = coalesce($ds, '') RETURN n.id AS k, labels(n) AS l, properties(n) AS p ORDER BY k",
		"MATCH (a)-[r]->(b) WHERE coalesce(r.dataset, '') = coalesce($ds, '') RETURN type(r) + '|' + coalesce(r.key, '') AS k, a.id + '>' + b.id AS l, properties(r) AS p ORDER BY k, l",
	} {
		res, err := neo4j.ExecuteQuery(context.Background(), inst.Driver, q, map[string]any{"ds": ds}, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res.Records {
			fmt.Fprintln(&b, r.Values...)
		}
	}
	return b.String()
}

// TestDatasetsLeaveEachOtherAlone: two datasets loaded at the same time
// (two --dataset loads side by side), and data no dataset owns, survive
// each other's ingest and pruning: reloading one dataset without a weapon
// removes that weapon and its derivation only, and emptying the other
// leaves the first and the untagged data exactly as they were.
func TestDatasetsLeaveEachOtherAlone(t *testing.T) {
	// Configured as armsgraph ingest configures its store: the two loads'
	// schema statements can deadlock each other in Neo4j, a transient error
	// the driver retries for ingest.RetryTime (1 s, the default, ran out on
	// a loaded CI machine).
	store, inst := storetest.Empty(t, func(c *neo4jstore.Config) { c.RetryTime = ingest.RetryTime })
	ctx := context.Background()
	// Untagged: written by hand, no dataset property.
	if _, err := neo4j.ExecuteQuery(ctx, inst.Driver, `CREATE (:Entity:Weapon {id: 'weapon/hand-made', name: 'Hand-made'})-[:DERIVED_FROM {key: 'hand-made'}]->(:Entity:Weapon {id: 'weapon/hand-made-parent', name: 'Parent'})`,
		nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database)); err != nil {
		t.Fatal(err)
	}
	untagged := ownedBy(t, inst, nil)

	// Both loads at once, each with its own dataset tag. The store has
	// connected once already (the driver, v5.28.4, sets its dial function
	// on the first Connect without a lock: two first connections at once
	// are a data race inside the driver, connector.go:55, which go test
	// -race reports; serve and ingest always connect once first).
	if err := store.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	// Both loads at once, each with its own dataset tag.
	folders := map[string]*seeds.Folder{"alpha": datasetFolder(t, "a", false), "beta": datasetFolder(t, "b", false)}
	var wg sync.WaitGroup
	errs := map[string]error{}
	var mu sync.Mutex
	for ds, f := range folders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := ingest.Run(ctx, store, f, ingest.Options{Dataset: ds, BatchSize: 2})
			mu.Lock()
			errs[ds] = err
			mu.Unlock()
		}()
	}
	wg.Wait()
	for ds, err := range errs {
		if err != nil {
			t.Fatalf("loading dataset %s beside the other: %v", ds, err)
		}
	}
	alpha, beta := ownedBy(t, inst, "alpha"), ownedBy(t, inst, "beta")
	for ds, owned := range map[string]string{"alpha": alpha, "beta": beta} {
		if !strings.Contains(owned, "weapon/noor-"+ds[:1]) || !strings.Contains(owned, "DERIVED_FROM") {
			t.Fatalf("dataset %s after the side-by-side loads lacks its Noor or its derivation:\n%s", ds, owned)
		}
	}
	if got := ownedBy(t, inst, nil); got != untagged {
		t.Fatalf("the untagged data changed when the datasets were loaded:\n--- before\n%s--- after\n%s", untagged, got)
	}

	// Alpha again, without Noor: only alpha's Noor and its derivation go.
	sum := run(t, store, datasetFolder(t, "a", true), ingest.Options{Dataset: "alpha"})
	if w, d := sum.Nodes["Weapon"], sum.Rels["DERIVED_FROM"]; w == nil || w.Removed != 1 || d == nil || d.Removed != 1 {
		t.Errorf("reloading alpha without Noor: Weapon %+v, DERIVED_FROM %+v; want 1 of each removed", w, d)
	}
	if got := ownedBy(t, inst, "alpha"); strings.Contains(got, "weapon/noor-a") || !strings.Contains(got, "weapon/c-802-a") {
		t.Errorf("alpha after its reload without Noor:\n%s", got)
	}
	if got := ownedBy(t, inst, "beta"); got != beta {
		t.Errorf("alpha's pruning changed beta:\n--- before\n%s--- after\n%s", beta, got)
	}
	if got := ownedBy(t, inst, nil); got != untagged {
		t.Errorf("alpha's pruning changed the untagged data:\n--- before\n%s--- after\n%s", untagged, got)
	}

	// Beta emptied: all of beta goes, alpha and the untagged data stay.
	alpha = ownedBy(t, inst, "alpha")
	run(t, store, mapFolder(t, map[string]string{"s.yaml": strings.ReplaceAll(fixtureSources, "source/doc", "source/doc-b")}), ingest.Options{Dataset: "beta"})
	if got := ownedBy(t, inst, "beta"); strings.Count(got, "\n") != 1 || !strings.Contains(got, "source/doc-b") {
		t.Errorf("beta reloaded with its source only still owns:\n%s", got)
	}
	if got := ownedBy(t, inst, "alpha"); got != alpha {
		t.Errorf("beta's pruning changed alpha:\n--- before\n%s--- after\n%s", alpha, got)
	}
	if got := ownedBy(t, inst, nil); got != untagged {
		t.Errorf("beta's pruning changed the untagged data:\n--- before\n%s--- after\n%s", untagged, got)
	}
}
