package neo4jstore_test

import (
	"context"
	"sync"
	"testing"

	"armsgraph/internal/neo4jtest/storetest"
)

// TestEnsureSchemaSideBySide ensures the schema from several stores at once
// on a database without it, as ingests started side by side do: IF NOT
// EXISTS does not stop two creations of the same index racing, and the
// loser must take the index the winner created as its own.
func TestEnsureSchemaSideBySide(t *testing.T) {
	first, inst := storetest.Empty(t)
	stores := []interface{ EnsureSchema(context.Context) error }{first}
	for range 7 {
		stores = append(stores, storetest.Open(t, storetest.Config(inst)))
	}
	errs := make([]error, len(stores))
	var wg sync.WaitGroup
	for i, s := range stores {
		wg.Go(func() { errs[i] = s.EnsureSchema(context.Background()) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("EnsureSchema of store %d of %d, side by side: %v", i+1, len(stores), err)
		}
	}
}
