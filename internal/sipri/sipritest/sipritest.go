// Package sipritest imports a trade register into a test's store as
// `armsgraph import sipri` and `armsgraph ingest --dataset sipri` do, on top
// of the project's seeds: the few lines the API and explorer tests share.
// Only tests import it (internal/sipri's own tests cannot: it imports sipri).
package sipritest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"armsgraph/internal/ingest"
	"armsgraph/internal/neo4jstore"
	"armsgraph/internal/neo4jtest"
	"armsgraph/internal/neo4jtest/storetest"
	"armsgraph/internal/sipri"
)

// Load converts the register file (a path relative to the repository's
// root, e.g. internal/sipri/testdata/register-2024.csv) as release, with the
// project's seeds as its base, validates the folder and ingests it into
// store as the sipri dataset. The seeds must already be in the store.
func Load(t testing.TB, store *neo4jstore.Store, file, release string) ingest.Summary {
	t.Helper()
	ctx := context.Background()
	base, err := sipri.LoadBase(ctx, storetest.ProjectSeeds(t))
	if err != nil {
		t.Fatal(err)
	}
	root, err := neo4jtest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(root, file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	reg, err := sipri.Read(f)
	if err != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	res, err := sipri.Convert(reg, sipri.Options{Release: release, Base: base})
	if err != nil {
		t.Fatalf("convert %s: %v", file, err)
	}
	folder, err := res.Folder(base.IDs())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := folder.Validate(ctx, nil); err != nil {
		t.Fatalf("the imported folder does not validate: %v", err)
	}
	return storetest.Load(t, store, folder, ingest.Options{Dataset: "sipri"})
}
