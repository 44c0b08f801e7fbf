package neo4jstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jtest"
)

// TestQueryTimeoutStopsTheQuery checks that a read query over its time is
// stopped inside Neo4j by the transaction timeout, and reported as
// ErrTimeout, rather than left running.
func TestQueryTimeoutStopsTheQuery(t *testing.T) {
	inst := neo4jtest.Get(t)
	ctx := context.Background()
	s := openWithQueryTimeout(t, inst, 500*time.Millisecond)
	const marker = "armsgraph-slow-query-marker"
	// The context has no deadline: only Neo4j's transaction timeout can
	// end this query (2e9 rows), so ErrTimeout is that timeout at work.
	_, err := s.query(ctx, "slow", "UNWIND range(1, 2000000000) AS x WITH x WHERE x % 7 = 3 AND $m <> '' RETURN count(*) AS n", map[string]any{"m": marker})
	if !errors.Is(err, kg.ErrTimeout) {
		t.Fatalf("slow query: error %v, want ErrTimeout", err)
	}
	// Nothing of it runs in Neo4j any more.
	if left := stillRunning(t, inst, "parameters.m = $marker", map[string]any{"marker": marker}, 5*time.Second); left != "" {
		t.Fatalf("the slow query still runs in Neo4j 5s after its timeout: %s", left)
	}
}
