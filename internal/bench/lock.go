package bench

import (
	"context"
	"errors"
	"fmt"
	"time"

	"armsgraph/internal/dblock"
)

// The benchmark shares the test instance with the integration tests
// (internal/neo4jtest), so it follows their rules: it holds the same
// per-database lock while it runs (internal/dblock), it leaves their marker
// node alone, and when it is done it leaves the marker in place, saying the
// database holds only throwaway data that the tests may empty.

// lockDatabase takes the database's lock, waiting up to timeout.
func (r *runner) lockDatabase(ctx context.Context, timeout time.Duration) (func(), error) {
	uri := r.cfg.Neo4j.URI
	unlock, err := dblock.Acquire(ctx, uri, timeout, func() {
		r.logf("waiting for %s: in use by tests or another benchmark (lock %s)", uri, dblock.Path(uri))
	})
	if errors.Is(err, dblock.ErrBusy) {
		return nil, fmt.Errorf("%w: in use by tests or another benchmark", err)
	}
	return unlock, err
}

// markThrowaway leaves the tests' marker node, so that they may empty what
// the benchmark loaded.
func (r *runner) markThrowaway(ctx context.Context) {
	_, err := r.collect(ctx, "MERGE (m:"+dblock.MarkerLabel+" {id: $id}) RETURN m.id", map[string]any{"id": dblock.MarkerID}, false)
	if err != nil {
		r.logf("could not leave the test marker: %v", err)
	}
}
