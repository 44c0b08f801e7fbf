// Package storetest opens a store on the test's Neo4j (package neo4jtest)
// and loads the project's seeds into it: the few lines every integration
// test package needs, written once. Only tests import it.
//
//	store, inst := storetest.Seeded(t) // seeds/ loaded, for this test alone
//
// It is a package of its own, not part of neo4jtest, because neo4jstore's
// own tests import neo4jtest, and neo4jtest importing neo4jstore would make
// an import cycle.
package storetest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"armsgraph/internal/ingest"
	"armsgraph/internal/neo4jstore"
	"armsgraph/internal/neo4jtest"
	"armsgraph/internal/seeds"
)

// Config is the store configuration for the instance: its URI, user,
// password and database, the other fields at their defaults.
func Config(inst *neo4jtest.Instance) neo4jstore.Config {
	cfg := neo4jstore.DefaultConfig()
	cfg.URI, cfg.User, cfg.Password, cfg.Database = inst.URI, inst.User, inst.Password, inst.Database
	return cfg
}

// Open opens a store with cfg, closed when the test ends.
func Open(t testing.TB, cfg neo4jstore.Config) *neo4jstore.Store {
	t.Helper()
	store, err := neo4jstore.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open store on %s: %v", cfg.URI, err)
	}
	t.Cleanup(func() { _ = store.Close(context.Background()) })
	return store
}

// Empty gets the test's database (neo4jtest.Get: empty but for the marker)
// and opens a store on it; configure, if given, adjusts the configuration.
func Empty(t testing.TB, configure ...func(*neo4jstore.Config)) (*neo4jstore.Store, *neo4jtest.Instance) {
	t.Helper()
	inst := neo4jtest.Get(t)
	cfg := Config(inst)
	for _, f := range configure {
		f(&cfg)
	}
	return Open(t, cfg), inst
}

// Seeded is Empty with the project's seeds/ loaded by the ingester.
func Seeded(t testing.TB, configure ...func(*neo4jstore.Config)) (*neo4jstore.Store, *neo4jtest.Instance) {
	t.Helper()
	store, inst := Empty(t, configure...)
	Load(t, store, ProjectSeeds(t), ingest.Options{})
	return store, inst
}

// ProjectSeeds opens and validates the repository's seeds/ folder.
func ProjectSeeds(t testing.TB) *seeds.Folder {
	t.Helper()
	root, err := neo4jtest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	f, err := seeds.Open(os.DirFS(filepath.Join(root, "seeds")), seeds.Options{})
	if err != nil {
		t.Fatalf("open seeds/: %v", err)
	}
	if _, err := f.Validate(context.Background(), nil); err != nil {
		t.Fatalf("seeds/ does not validate: %v", err)
	}
	return f
}

// MapFolder opens and validates a seed folder of files given as name →
// YAML text.
func MapFolder(t testing.TB, files map[string]string) *seeds.Folder {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, body := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(body)}
	}
	f, err := seeds.Open(fsys, seeds.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Validate(context.Background(), nil); err != nil {
		t.Fatalf("fixture does not validate: %v", err)
	}
	return f
}

// Load ingests folder through w and fails the test on an error.
func Load(t testing.TB, w ingest.Writer, folder *seeds.Folder, opts ingest.Options) ingest.Summary {
	t.Helper()
	sum, err := ingest.Run(context.Background(), w, folder, opts)
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	return sum
}
