package bench

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/internal/dblock"
	"armsgraph/internal/neo4jstore"
	"armsgraph/internal/neo4jtest"
)

// The benchmark empties a database only when it is its own or a test
// database: on a database with the integration tests' marker it removes
// what the tests left (so `make bench` runs after `make test` on the test
// instance) and keeps the marker; without the marker it refuses to touch
// data it did not write.
func TestWipeClearsTestDatabaseOnly(t *testing.T) {
	inst := neo4jtest.Get(t)
	ctx := context.Background()
	r := &runner{driver: inst.Driver, cfg: Config{Neo4j: neo4jstore.Config{Database: inst.Database, QueryTimeout: 30 * time.Second}}}
	run := func(cypher string) int64 {
		t.Helper()
		res, err := neo4j.ExecuteQuery(ctx, inst.Driver, cypher, nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database))
		if err != nil {
			t.Fatalf("%s: %v", cypher, err)
		}
		if len(res.Records) == 0 {
			return 0
		}
		n, _ := res.Records[0].Values[0].(int64)
		return n
	}
	countOthers := `MATCH (n) WHERE NOT n:` + dblock.MarkerLabel + ` RETURN count(n)`

	// An empty test database (only the marker): nothing to remove.
	if err := r.wipe(ctx); err != nil {
		t.Fatalf("wipe on an empty test database: %v", err)
	}
	run(`CREATE (:Entity {id: 'country/left-by-tests', dataset: 'seeds'}), (:Entity {id: 'weapon/bench-1', dataset: 'bench-10k'})`)
	if err := r.wipe(ctx); err != nil {
		t.Fatalf("wipe on a test database: %v", err)
	}
	if n := run(countOthers); n != 0 {
		t.Errorf("%d nodes left after wiping a test database, want 0", n)
	}
	if n := run(`MATCH (m:` + dblock.MarkerLabel + `) RETURN count(m)`); n != 1 {
		t.Errorf("%d test markers after the wipe, want 1", n)
	}

	// Without the marker the same data is someone's: refused, untouched.
	t.Cleanup(func() {
		run(`MATCH (n) WHERE NOT n:` + dblock.MarkerLabel + ` DETACH DELETE n`)
		run(`MERGE (:` + dblock.MarkerLabel + ` {id: 'armsgraph-test-database'})`)
	})
	run(`MATCH (m:` + dblock.MarkerLabel + `) DELETE m`)
	run(`CREATE (:Entity {id: 'country/someones', dataset: 'production'})`)
	if err := r.wipe(ctx); !errors.Is(err, ErrForeignData) {
		t.Fatalf("wipe on a database without the marker = %v, want ErrForeignData", err)
	}
	if n := run(countOthers); n != 1 {
		t.Errorf("%d nodes after a refused wipe, want the 1 that was there", n)
	}
}
