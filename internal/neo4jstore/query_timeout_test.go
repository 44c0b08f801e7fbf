package neo4jstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jtest"
)

// TestQueryTimeoutStopsTheQuery checks that a read query over its time is
// stopped inside Neo4j by the transaction timeout, and reported as
// ErrTimeout, rather than left running.
func TestQueryTimeoutStopsTheQuery(t *testing.T) {
	inst := neo4jtest.Get(t)
	ctx := context.Background()
	s, err := Open(ctx, Config{URI: inst.URI, User: inst.User, Password: inst.Password, Database: inst.Database, QueryTimeout: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	const marker = "armsgraph-slow-query-marker"
	start := time.Now()
	_, err = s.query(ctx, "slow", "UNWIND range(1, 2000000000) AS x WITH x WHERE x % 7 = 3 AND $m <> '' RETURN count(*) AS n", map[string]any{"m": marker})
	if !errors.Is(err, kg.ErrTimeout) {
		t.Fatalf("slow query: error %v, want ErrTimeout", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("slow query stopped after %s, want about 500ms", took)
	}
	// Nothing of it runs in Neo4j any more.
	deadline := time.Now().Add(5 * time.Second)
	for {
		res, err := neo4j.ExecuteQuery(ctx, inst.Driver,
			"SHOW TRANSACTIONS YIELD parameters WHERE parameters.m = $marker RETURN count(*) AS n",
			map[string]any{"marker": marker}, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database))
		if err != nil {
			t.Fatalf("SHOW TRANSACTIONS: %v", err)
		}
		if n, _ := res.Records[0].Values[0].(int64); n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the slow query still runs in Neo4j 5s after its timeout")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
