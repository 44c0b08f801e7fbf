package neo4jtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/internal/dblock"
)

func TestWipeDecision(t *testing.T) {
	cases := []struct {
		name  string
		st    dbState
		allow bool
		ok    bool
	}{
		{"new empty database", dbState{}, false, true},
		{"marked test database with data", dbState{HasMarker: true, HasNodes: true, UserSchema: 3}, false, true},
		{"marked test database, empty", dbState{HasMarker: true}, false, true},
		{"foreign data", dbState{HasNodes: true}, false, false},
		{"foreign schema only", dbState{UserSchema: 1}, false, false},
		{"foreign data and schema", dbState{HasNodes: true, UserSchema: 2}, false, false},
		{"foreign data, wipe allowed", dbState{HasNodes: true, UserSchema: 2}, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := wipeDecision(c.st, c.allow)
			if c.ok && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !c.ok {
				if !errors.Is(err, errNotTestDatabase) {
					t.Fatalf("allowed (err %v), want a refusal", err)
				}
				for _, want := range []string{MarkerLabel, AllowWipeEnv, "NEO4J_URI"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("refusal does not mention %s: %v", want, err)
					}
				}
			}
		})
	}
}

func TestParseExports(t *testing.T) {
	got := parseExports("export NEO4J_URI=bolt://127.0.0.1:7688\nexport NEO4J_PASSWORD='a b'\nexport NEO4J_USER=ne\\$o\nnoise\n")
	want := map[string]string{"NEO4J_URI": "bolt://127.0.0.1:7688", "NEO4J_PASSWORD": "a b", "NEO4J_USER": "ne$o"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestLockIsExclusive(t *testing.T) {
	uri := fmt.Sprintf("bolt://lock-test-%d.invalid:1", time.Now().UnixNano())
	t.Cleanup(func() { os.Remove(dblock.Path(uri)) })
	unlock, err := lockURI(uri, time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	waited := false
	if _, err := lockURI(uri, 200*time.Millisecond, func() { waited = true }); err == nil {
		t.Fatal("second lock of the same URI succeeded while the first was held")
	} else if !waited {
		t.Error("waiting callback not called")
	}
	unlock()
	unlock() // idempotent
	unlock2, err := lockURI(uri, time.Second, nil)
	if err != nil {
		t.Fatalf("lock not released: %v", err)
	}
	unlock2()
}

// count runs a query returning one integer.
func count(t *testing.T, inst *Instance, q string, params map[string]any) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := neo4j.ExecuteQuery(ctx, inst.Driver, q, params, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database))
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	n, ok := res.Records[0].Values[0].(int64)
	if !ok {
		t.Fatalf("%s: got %T", q, res.Records[0].Values[0])
	}
	return n
}

func write(t *testing.T, inst *Instance, q string, params map[string]any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := neo4j.ExecuteQuery(ctx, inst.Driver, q, params, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database)); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestRoundTrip writes a node over Bolt and reads it back from the real Neo4j.
func TestRoundTrip(t *testing.T) {
	inst := Get(t)
	t.Logf("using %s (user %s, database %s)", inst.URI, inst.User, inst.Database)

	if n := count(t, inst, "MATCH (n) WHERE NOT n:"+MarkerLabel+" RETURN count(n)", nil); n != 0 {
		t.Fatalf("database not empty at start: %d nodes", n)
	}
	if n := count(t, inst, "MATCH (m:"+MarkerLabel+" {id: $id}) WHERE size(labels(m)) = 1 RETURN count(m)", map[string]any{"id": MarkerID}); n != 1 {
		t.Fatalf("%d marker nodes, want 1", n)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	when := time.Date(1996, 3, 1, 0, 0, 0, 0, time.UTC)
	_, err := neo4j.ExecuteQuery(ctx, inst.Driver,
		"CREATE (w:Entity:Weapon {id: $id, name: $name, firstSeen: date($d)})-[:CITED_IN {line: 42}]->(:Entity:Source {id: 'src'})",
		map[string]any{"id": "w-c802", "name": "C-802", "d": when.Format("2006-01-02")},
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database))
	if err != nil {
		t.Fatal(err)
	}
	res, err := neo4j.ExecuteQuery(ctx, inst.Driver,
		"MATCH (w:Weapon {id: $id})-[c:CITED_IN]->(s) RETURN w.name, w.firstSeen, c.line, s.id",
		map[string]any{"id": "w-c802"}, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(inst.Database), neo4j.ExecuteQueryWithReadersRouting())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 1 {
		t.Fatalf("%d records, want 1", len(res.Records))
	}
	v := res.Records[0].Values
	if v[0] != "C-802" || v[2] != int64(42) || v[3] != "src" {
		t.Fatalf("read back %v", v)
	}
	if d, ok := v[1].(neo4j.Date); !ok || !d.Time().Equal(when) {
		t.Fatalf("firstSeen = %#v, want %v", v[1], when)
	}
}

// TestGetEmptiesTheDatabase fills the database with nodes, relationships, an
// index and a constraint and checks that the wipe removes them all but the
// marker, and does not recreate the marker.
func TestGetEmptiesTheDatabase(t *testing.T) {
	inst := Get(t)
	markerCreated := func() any {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		res, err := neo4j.ExecuteQuery(ctx, inst.Driver, "MATCH (m:"+MarkerLabel+") RETURN m.createdAt",
			nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database))
		if err != nil || len(res.Records) != 1 {
			t.Fatalf("marker: %v, %d records", err, len(res.Records))
		}
		return res.Records[0].Values[0]
	}
	before := markerCreated()

	write(t, inst, "UNWIND range(1, 2500) AS i CREATE (:Entity:Person {id: 'p' + i})-[:KNOWS]->(:Entity:Person {id: 'q' + i})", nil)
	write(t, inst, "CREATE CONSTRAINT wipe_test_unique IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE", nil)
	write(t, inst, "CREATE INDEX wipe_test_name IF NOT EXISTS FOR (p:Person) ON (p.name)", nil)
	write(t, inst, "CREATE FULLTEXT INDEX `wipe test ``ft``` IF NOT EXISTS FOR (p:Person) ON EACH [p.id]", nil)
	// A node that carries the marker label among others is not the marker.
	write(t, inst, "CREATE (:"+MarkerLabel+":Entity {id: 'impostor'})", nil)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := prepare(ctx, inst.Driver, inst.Database, false); err != nil {
		t.Fatal(err)
	}
	if n := count(t, inst, "MATCH (n) WHERE NOT n:"+MarkerLabel+" RETURN count(n)", nil); n != 0 {
		t.Errorf("%d nodes left", n)
	}
	if n := count(t, inst, "MATCH (n:"+MarkerLabel+") RETURN count(n)", nil); n != 1 {
		t.Errorf("%d marker nodes, want 1", n)
	}
	if n := count(t, inst, "MATCH ()-[r]->() RETURN count(r)", nil); n != 0 {
		t.Errorf("%d relationships left", n)
	}
	names, err := schemaNames(ctx, inst.Driver, inst.Database)
	if err != nil {
		t.Fatal(err)
	}
	if len(names.constraints)+len(names.indexes) != 0 {
		t.Errorf("schema left: %+v", names)
	}
	if n := count(t, inst, "SHOW INDEXES YIELD type WHERE type = 'LOOKUP' RETURN count(*)", nil); n == 0 {
		t.Errorf("token lookup indexes were dropped")
	}
	if after := markerCreated(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("marker was recreated: createdAt %v, then %v", before, after)
	}
}

// TestRefusesToWipeForeignData makes the database look like someone's real
// one (no marker, a node) and checks that the wipe refuses and leaves the
// node alone. The test holds the lock; a cleanup restores the marker even if
// the test fails.
func TestRefusesToWipeForeignData(t *testing.T) {
	inst := Get(t)
	id := fmt.Sprintf("foreign-%d", time.Now().UnixNano())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		for _, q := range []string{
			"MATCH (n:ForeignData {id: $id}) DETACH DELETE n",
			"MERGE (m:" + MarkerLabel + " {id: $marker}) ON CREATE SET m.createdAt = datetime()",
		} {
			if _, err := neo4j.ExecuteQuery(ctx, inst.Driver, q, map[string]any{"id": id, "marker": MarkerID},
				neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database)); err != nil {
				t.Errorf("restoring the test database: %v (fix: scripts/neo4j stop --instance test && scripts/neo4j wipe --instance test)", err)
			}
		}
	})
	write(t, inst, "MATCH (m:"+MarkerLabel+") DETACH DELETE m CREATE (:ForeignData {id: $id})", map[string]any{"id": id})

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := prepare(ctx, inst.Driver, inst.Database, false)
	if !errors.Is(err, errNotTestDatabase) {
		t.Fatalf("prepare on a database without marker: err = %v, want a refusal", err)
	}
	t.Logf("refused as expected: %v", err)
	if n := count(t, inst, "MATCH (n:ForeignData {id: $id}) RETURN count(n)", map[string]any{"id": id}); n != 1 {
		t.Fatalf("the foreign node was touched: %d left", n)
	}
	if n := count(t, inst, "MATCH (n:"+MarkerLabel+") RETURN count(n)", nil); n != 0 {
		t.Fatalf("a refused wipe created a marker")
	}

	// With the override, the same database is emptied and marked.
	if err := prepare(ctx, inst.Driver, inst.Database, true); err != nil {
		t.Fatalf("prepare with %s=1: %v", AllowWipeEnv, err)
	}
	if n := count(t, inst, "MATCH (n) WHERE NOT n:"+MarkerLabel+" RETURN count(n)", nil); n != 0 {
		t.Fatalf("%d nodes left after an allowed wipe", n)
	}
	if n := count(t, inst, "MATCH (n:"+MarkerLabel+") RETURN count(n)", nil); n != 1 {
		t.Fatalf("%d markers after an allowed wipe", n)
	}
}

// withDeadline is a test whose binary ends at deadline (go test -timeout).
type withDeadline struct {
	testing.TB
	deadline time.Time
	has      bool
}

func (w withDeadline) Deadline() (time.Time, bool) { return w.deadline, w.has }

// TestLockWaitEndsBeforeGoTestTimeout: the lock wait fails with its own
// message well before go test's -timeout would panic.
func TestLockWaitEndsBeforeGoTestTimeout(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name      string
		remaining time.Duration
		has       bool
		want      time.Duration
	}{
		{"no -timeout", 0, false, 10 * time.Minute},
		{"the default 10m", 10 * time.Minute, true, 8 * time.Minute},
		{"-timeout 1h", time.Hour, true, 10 * time.Minute},
		{"-timeout 1m", time.Minute, true, 30 * time.Second},
		{"20s left", 20 * time.Second, true, time.Second},
	} {
		got := lockWait(withDeadline{TB: t, deadline: now.Add(c.remaining), has: c.has}, 10*time.Minute, now)
		if got != c.want {
			t.Errorf("%s: lock wait %s, want %s", c.name, got, c.want)
		}
	}
}
