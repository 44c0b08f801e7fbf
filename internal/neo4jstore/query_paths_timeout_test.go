package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jtest"
)

// TestPathsTimeoutLeavesNothingRunning checks that a paths request that
// runs out of time leaves no search running inside Neo4j.
//
// The graph has the shape that made the former search (SHORTEST 5
// (a)-[]-{1,6}(b)) slow on the synthetic data: three hub countries, each the
// origin of 15,000 weapons and the nationality of 1,500 people, joined by
// 3,000 transfers (about 50k nodes and 58k relationships, built in a few
// seconds). There that search took 6-8 s for a weapon and a person, all of
// it in work Neo4j 5 never interrupts: after a 500 ms timeout and a 4 s
// request deadline it still ran, marked Terminated, 2-7 s after the caller
// had given up. The store's search answers the same requests in
// milliseconds.
//
// Each request gets a deadline shorter than that former search, as the API
// gives every request one, and a store timeout shorter still. It must come
// back by its deadline, with its answer or ErrTimeout, and within a few
// seconds after that no transaction of the store's paths queries may remain
// in Neo4j (the server checks transaction timeouts every two seconds).
func TestPathsTimeoutLeavesNothingRunning(t *testing.T) {
	inst := neo4jtest.Get(t)
	ctx := context.Background()
	s := openWithSchema(t, inst, 500*time.Millisecond)
	start := time.Now()
	buildHubGraph(t, inst, 3, 15000, 1500, 3000)
	t.Logf("hub graph built in %s", time.Since(start))

	// Warm the connection pool and the plan cache with a request whose
	// answer is known: hundreds of transfers join countries 0 and 1, so a
	// weapon of one and a person of the other are four steps apart by many
	// paths.
	warm, _, err := s.Paths(ctx, kg.PathQuery{From: "tw/0/1", To: "tp/1/1", MaxHops: 6, Limit: 5})
	if err != nil && !errors.Is(err, kg.ErrTimeout) {
		t.Fatalf("warm-up Paths: %v", err)
	}
	for _, p := range warm {
		if len(p.Rels) != 4 {
			t.Errorf("warm-up Paths: a path of length %d, want 4", len(p.Rels))
		}
	}

	for _, q := range []kg.PathQuery{
		// a weapon and a person of different hubs: many shortest paths
		{From: "tw/0/1", To: "tp/1/1", MaxHops: 6, Limit: 5},
		// a weapon and a person of one hub: one path, then a search for
		// the paths one step longer (there are none)
		{From: "tw/0/1", To: "tp/0/1", MaxHops: 6, Limit: 5},
	} {
		const deadline = time.Second
		rctx, cancel := context.WithTimeout(ctx, deadline)
		start := time.Now()
		got, _, err := s.Paths(rctx, q)
		took := time.Since(start)
		cancel()
		switch {
		case err == nil:
			t.Logf("Paths(%s, %s): %d paths in %s", q.From, q.To, len(got), took)
		case errors.Is(err, kg.ErrTimeout):
			t.Logf("Paths(%s, %s): timed out after %s: %v", q.From, q.To, took, err)
		default:
			t.Fatalf("Paths(%s, %s): %v", q.From, q.To, err)
		}
		if left := pathsStillRunning(t, inst, 3*time.Second); left != "" {
			t.Errorf("Paths(%s, %s): 3 s after it came back Neo4j still runs %s", q.From, q.To, left)
			// Let it end before the next request, so that each is judged alone.
			pathsStillRunning(t, inst, time.Minute)
		}
	}
}

// TestPathsReallyTimesOut runs a paths search that cannot finish by its
// deadline, on a graph made for it, and checks the timeout path itself:
// ErrTimeout, and no search left running in Neo4j afterwards.
//
// The graph is layers of weapons, each joined to every weapon of the next
// layer, between two ends: 40^4 shortest paths. A search through via (the
// SHORTEST k form, which enumerates walks) is measured there first, warm,
// and the request then gets a tenth of that as its deadline: however fast
// the machine, the search needs ten times its deadline.
func TestPathsReallyTimesOut(t *testing.T) {
	inst := neo4jtest.Get(t)
	ctx := context.Background()
	s := openWithSchema(t, inst, 2*time.Minute)
	buildLayeredGraph(t, inst, 4, 40)
	q := kg.PathQuery{From: "lw/start", To: "lw/end", MaxHops: 6, Limit: 5, Via: []kg.Kind{kg.Weapon}}

	var search time.Duration
	for range 2 { // the first run compiles the plan and warms the cache
		start := time.Now()
		got, _, err := s.Paths(ctx, q)
		search = time.Since(start)
		if err != nil || len(got) != q.Limit {
			t.Fatalf("Paths without a deadline: %d paths, %v; want %d", len(got), err, q.Limit)
		}
	}
	deadline := search / 10
	rctx, cancel := context.WithTimeout(ctx, deadline)
	got, _, err := s.Paths(rctx, q)
	cancel()
	if !errors.Is(err, kg.ErrTimeout) {
		t.Fatalf("Paths with a deadline of %s (a tenth of the %s the search takes): %d paths, error %v; want ErrTimeout", deadline, search, len(got), err)
	}
	t.Logf("the search takes %s; with a deadline of %s: %v", search, deadline, err)
	if left := pathsStillRunning(t, inst, 30*time.Second); left != "" {
		t.Errorf("30 s after the timed-out search came back Neo4j still runs %s", left)
	}
}

// buildLayeredGraph writes weapons lw/start and lw/end and layers of width
// weapons lw/<layer>/<i> between them, each DERIVED_FROM every weapon of the
// next layer (start to the first layer, the last layer to end).
func buildLayeredGraph(t *testing.T, inst *neo4jtest.Instance, layers, width int) {
	t.Helper()
	ctx := context.Background()
	params := map[string]any{"layers": layers, "width": width}
	for _, cypher := range []string{
		`CREATE (:Entity:Weapon {id: 'lw/start', kind: 'WEAPON', name: 'Start'}), (:Entity:Weapon {id: 'lw/end', kind: 'WEAPON', name: 'End'})
WITH 1 AS one
UNWIND range(1, $layers) AS l
UNWIND range(1, $width) AS i
CREATE (:Entity:Weapon {id: 'lw/' + l + '/' + i, kind: 'WEAPON', name: 'Layer ' + l + ' weapon ' + i, layer: l})`,
		`MATCH (a:Entity {id: 'lw/start'}), (n:Weapon {layer: 1})
CREATE (a)-[:DERIVED_FROM {key: 'lw/start>' + n.id}]->(n)`,
		`MATCH (b:Entity {id: 'lw/end'}), (n:Weapon {layer: $layers})
CREATE (n)-[:DERIVED_FROM {key: n.id + '>lw/end'}]->(b)`,
		`MATCH (x:Weapon), (y:Weapon) WHERE y.layer = x.layer + 1
CREATE (x)-[:DERIVED_FROM {key: x.id + '>' + y.id}]->(y)`,
	} {
		if _, err := neo4j.ExecuteQuery(ctx, inst.Driver, cypher, params, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database)); err != nil {
			t.Fatalf("build the layered graph: %v\n%s", err, cypher)
		}
	}
}

// stillRunning waits up to wait for Neo4j to hold no transaction that
// matches where (a condition on SHOW TRANSACTIONS' transactionId, status,
// elapsedTime, metaData and parameters), and describes one that is still
// there when the wait is over ("" if none).
func stillRunning(t *testing.T, inst *neo4jtest.Instance, where string, params map[string]any, wait time.Duration) string {
	t.Helper()
	end := time.Now().Add(wait)
	for {
		res, err := neo4j.ExecuteQuery(context.Background(), inst.Driver, `
SHOW TRANSACTIONS YIELD transactionId, status, elapsedTime, metaData, parameters
WHERE `+where+`
RETURN transactionId, status, elapsedTime, metaData.query AS query`,
			params, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database))
		if err != nil {
			t.Fatalf("SHOW TRANSACTIONS: %v", err)
		}
		if len(res.Records) == 0 {
			return ""
		}
		if time.Now().After(end) {
			r := res.Records[0]
			return fmt.Sprintf("%v (query %v, %v, running for %v)", r.Values[0], r.Values[3], r.Values[1], r.Values[2])
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// pathsStillRunning is stillRunning for the store's paths queries (their
// transaction metadata names them).
func pathsStillRunning(t *testing.T, inst *neo4jtest.Instance, wait time.Duration) string {
	t.Helper()
	return stillRunning(t, inst, "metaData.app = 'armsgraph' AND metaData.query STARTS WITH 'paths'", nil, wait)
}

// openWithQueryTimeout opens a store on the test instance whose reads time
// out after d.
func openWithQueryTimeout(t *testing.T, inst *neo4jtest.Instance, d time.Duration) *Store {
	t.Helper()
	s, err := Open(context.Background(), Config{URI: inst.URI, User: inst.User, Password: inst.Password, Database: inst.Database, QueryTimeout: d})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// openWithSchema is openWithQueryTimeout on a database with the store's schema.
func openWithSchema(t *testing.T, inst *neo4jtest.Instance, d time.Duration) *Store {
	t.Helper()
	s := openWithQueryTimeout(t, inst, d)
	if err := s.EnsureSchema(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// buildHubGraph writes hubs countries tc/i, each the origin of weapons
// weapons tw/i/j and the nationality of people people tp/i/j, and
// transfers tt/j, each from country j%hubs to another one (every pair in
// turn), with weapon tw/(j%hubs)/(j%weapons) as its item.
func buildHubGraph(t *testing.T, inst *neo4jtest.Instance, hubs, weapons, people, transfers int) {
	t.Helper()
	ctx := context.Background()
	sess := inst.Driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: inst.Database, AccessMode: neo4j.AccessModeWrite})
	defer sess.Close(ctx)
	params := map[string]any{"hubs": hubs, "weapons": weapons, "people": people, "transfers": transfers}
	for _, cypher := range []string{
		`UNWIND range(0, $hubs - 1) AS i
CREATE (:Entity:Country {id: 'tc/' + i, kind: 'COUNTRY', name: 'Country ' + i})`,
		// CALL … IN TRANSACTIONS runs only in an implicit transaction.
		`MATCH (c:Country) WHERE c.id STARTS WITH 'tc/'
CALL (c) {
  WITH c, substring(c.id, 3) AS i
  UNWIND range(0, $weapons - 1) AS j
  CREATE (:Entity:Weapon {id: 'tw/' + i + '/' + j, kind: 'WEAPON', name: 'Weapon ' + i + '/' + j})-[:ORIGINATES_FROM {key: 'o' + i + '/' + j}]->(c)
} IN TRANSACTIONS OF 1 ROWS`,
		`MATCH (c:Country) WHERE c.id STARTS WITH 'tc/'
CALL (c) {
  WITH c, substring(c.id, 3) AS i
  UNWIND range(0, $people - 1) AS j
  CREATE (:Entity:Person {id: 'tp/' + i + '/' + j, kind: 'PERSON', name: 'Person ' + i + '/' + j})-[:NATIONAL_OF {key: 'n' + i + '/' + j}]->(c)
} IN TRANSACTIONS OF 1 ROWS`,
		`UNWIND range(0, $transfers - 1) AS j
CALL (j) {
  WITH j, j % $hubs AS from, (j % $hubs + 1 + (j / $hubs) % ($hubs - 1)) % $hubs AS to
  MATCH (s:Entity {id: 'tc/' + from})
  MATCH (r:Entity {id: 'tc/' + to})
  MATCH (w:Entity {id: 'tw/' + from + '/' + (j % $weapons)})
  CREATE (s)<-[:SUPPLIER {key: 's' + j}]-(x:Entity:Transfer {id: 'tt/' + j, kind: 'TRANSFER', name: 'Transfer ' + j})-[:RECIPIENT {key: 'r' + j}]->(r),
         (x)-[:ITEM {key: 'i' + j}]->(w)
} IN TRANSACTIONS OF 5000 ROWS`,
	} {
		res, err := sess.Run(ctx, cypher, params)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err != nil {
			t.Fatalf("build the hub graph: %v\n%s", err, cypher)
		}
	}
}
