package reliability

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/cmd/wiring"
	"armsgraph/graph"
	"armsgraph/internal/ingest"
	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jstore"
)

// The API cannot write to the graph. These tests prove it four ways:
//
//  1. Neo4j itself refuses every kind of write in a transaction opened the
//     ways the store opens its reads (a session with AccessModeRead, an
//     auto-commit transaction, or ExecuteRead when that one failed in a
//     way the driver retries; the same timeout and metadata):
//     TestReadTransactionsRefuseWrites.
//  2. Every method the API calls on the store (the graph.Store interface)
//     opens read transactions and nothing else (BEGIN, or an auto-commit
//     RUN, in mode r), as seen on the wire by a proxy that decodes the Bolt
//     messages, and counted by the store's own query counter:
//     TestStoreReadsAreReadTransactions.
//  3. No graph.Store method of package neo4jstore can reach a write
//     session in the source: TestStoreReadPathHasNoWrite.
//  4. Every root field of the schema, sent hostile arguments, leaves the
//     graph exactly as it was, and every transaction the server opened for
//     them was a read transaction: TestEveryRootFieldIsReadOnly.

// writeStatements are writes of every kind: data, schema, procedures.
var writeStatements = []string{
	"CREATE (:Entity:Weapon {id: 'weapon/pwned', name: 'pwned'})",
	"MERGE (n:Entity {id: 'weapon/pwned'})",
	"MATCH (n:Entity) SET n.pwned = true",
	"MATCH (n:Entity) REMOVE n.name",
	"MATCH (n:Entity) SET n:Pwned",
	"MATCH (n) DETACH DELETE n",
	"MATCH ()-[r]->() DELETE r",
	"MATCH (a:Entity), (b:Entity) WITH a, b LIMIT 1 CREATE (a)-[:KNOWS]->(b)",
	"CREATE INDEX pwned IF NOT EXISTS FOR (n:Entity) ON (n.pwned)",
	"DROP CONSTRAINT entity_id IF EXISTS",
	"CALL db.createLabel('Pwned')",
	"CALL db.createProperty('pwned')",
	"UNWIND range(1, 3) AS i CREATE (:Pwned {i: i})",
	"CALL { CREATE (:Pwned) } IN TRANSACTIONS",
	"FOREACH (i IN [1] | CREATE (:Pwned))",
}

// readAutoCommit runs cypher exactly as neo4jstore's read does first: an
// auto-commit transaction in a read session.
func readAutoCommit(ctx context.Context, d neo4j.DriverWithContext, db, cypher string) error {
	session := d.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead, DatabaseName: db})
	defer session.Close(context.WithoutCancel(ctx))
	cur, err := session.Run(ctx, cypher, nil, neo4j.WithTxTimeout(10*time.Second), neo4j.WithTxMetadata(map[string]any{"app": "armsgraph", "query": "reliability"}))
	if err != nil {
		return err
	}
	_, err = cur.Collect(ctx)
	return err
}

// readTx runs cypher exactly as neo4jstore's read does when the auto-commit
// attempt failed in a way the driver retries: a managed read transaction.
func readTx(ctx context.Context, d neo4j.DriverWithContext, db, cypher string) error {
	session := d.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead, DatabaseName: db})
	defer session.Close(context.WithoutCancel(ctx))
	_, err := session.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		cur, err := tx.Run(ctx, cypher, nil)
		if err != nil {
			return nil, err
		}
		return cur.Collect(ctx)
	}, neo4j.WithTxTimeout(10*time.Second), neo4j.WithTxMetadata(map[string]any{"app": "armsgraph", "query": "reliability"}))
	return err
}

func TestReadTransactionsRefuseWrites(t *testing.T) {
	db := sharedDB(t)
	load(t, openStore(t, db, ""), projectSeeds(t), ingest.Options{})
	before := snapshot(t, db)
	ctx := context.Background()
	for _, how := range []struct {
		name string
		run  func(ctx context.Context, d neo4j.DriverWithContext, db, cypher string) error
	}{{"auto-commit", readAutoCommit}, {"managed", readTx}} {
		for _, stmt := range writeStatements {
			err := how.run(ctx, db.Driver, db.Database, stmt)
			var neoErr *neo4j.Neo4jError
			switch {
			case err == nil:
				t.Errorf("%s: a read transaction (%s) ran it", stmt, how.name)
			case errors.As(err, &neoErr) && (neoErr.Code == "Neo.ClientError.Statement.AccessMode" ||
				// CALL { … } IN TRANSACTIONS cannot run in any explicit transaction.
				(how.name == "managed" && strings.Contains(stmt, "IN TRANSACTIONS") && strings.HasPrefix(neoErr.Code, "Neo.ClientError"))):
				t.Logf("refused (%s): %-70s %s", how.name, stmt, neoErr.Code)
			default:
				t.Errorf("%s (%s): %v, want Neo.ClientError.Statement.AccessMode", stmt, how.name, err)
			}
		}
	}
	if after := snapshot(t, db); after != before {
		t.Fatalf("writes in read transactions changed the graph: %s", snapshotDiff(before, after))
	}
}

// boltTx summarises the transactions a proxy saw: how many were read
// transactions (BEGIN in mode r, or an auto-commit RUN in mode r), how
// many began otherwise, and auto-commit queries not in mode r.
type boltTx struct {
	reads, others, autocommit int
	names                     []string // tx_metadata.query of each read transaction
	bad                       []string
}

func transactions(msgs []boltMessage) boltTx {
	var s boltTx
	inTx := map[int]bool{}
	for _, m := range msgs {
		switch m.Type {
		case "DECODE-ERROR":
			s.bad = append(s.bad, "sniffer: "+m.Query)
		case "BEGIN":
			inTx[m.Conn] = true
			if m.Extra["mode"] == "r" {
				s.reads++
				if md, ok := m.Extra["tx_metadata"].(map[string]any); ok {
					s.names = append(s.names, fmt.Sprint(md["query"]))
				}
			} else {
				s.others++
				s.bad = append(s.bad, fmt.Sprintf("BEGIN without mode r: %v", m.Extra))
			}
		case "COMMIT", "ROLLBACK", "RESET":
			inTx[m.Conn] = false
		case "RUN":
			if inTx[m.Conn] {
				break
			}
			// An auto-commit transaction: a read one when in mode r, which
			// Neo4j enforces as it does for BEGIN.
			if m.Extra["mode"] == "r" {
				s.reads++
				if md, ok := m.Extra["tx_metadata"].(map[string]any); ok {
					s.names = append(s.names, fmt.Sprint(md["query"]))
				}
				break
			}
			s.autocommit++
			s.bad = append(s.bad, "RUN outside a transaction without mode r: "+trunc(m.Query, 100))
		}
	}
	return s
}

// sniffedStore loads the seeds into the test's database and opens a store
// on it through a proxy that sniffs the Bolt messages.
func sniffedStore(t *testing.T) (dbConn, *boltProxy, *neo4jstore.Store) {
	t.Helper()
	db := sharedDB(t)
	load(t, openStore(t, db, ""), projectSeeds(t), ingest.Options{})
	px := newBoltProxy(t, strings.TrimPrefix(db.URI, "bolt://"), true)
	return db, px, openStore(t, db, px.URI())
}

func TestStoreReadsAreReadTransactions(t *testing.T) {
	db, px, store := sniffedStore(t)
	ctx := context.Background()
	if err := store.Ping(ctx); err != nil {
		t.Fatal(err)
	}

	// The sniffer tells a read transaction from a write one: a write
	// transaction (running a read-only query) shows as such.
	d, err := neo4j.NewDriverWithContext(px.URI(), neo4j.BasicAuth(db.User, db.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(ctx)
	px.Messages()
	if _, err := neo4j.ExecuteQuery(ctx, d, "RETURN 1", nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(db.Database), neo4j.ExecuteQueryWithWritersRouting()); err != nil {
		t.Fatal(err)
	}
	if tx := transactions(px.Messages()); tx.others != 1 || tx.reads != 0 {
		t.Fatalf("a write transaction was seen as %d read and %d other transactions: the sniffer does not work", tx.reads, tx.others)
	}
	for _, run := range []func(ctx context.Context, d neo4j.DriverWithContext, db, cypher string) error{readTx, readAutoCommit} {
		if err := run(ctx, d, db.Database, "RETURN 1"); err != nil {
			t.Fatal(err)
		}
		if tx := transactions(px.Messages()); tx.reads != 1 || tx.others != 0 || tx.autocommit != 0 {
			t.Fatalf("a read transaction was seen as %d read, %d other transactions and %d other auto-commit queries: the sniffer does not work", tx.reads, tx.others, tx.autocommit)
		}
	}
	// An auto-commit query in a write session is not a read.
	ws := d.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeWrite, DatabaseName: db.Database})
	if cur, err := ws.Run(ctx, "RETURN 1", nil); err != nil {
		t.Fatal(err)
	} else if _, err := cur.Collect(ctx); err != nil {
		t.Fatal(err)
	}
	ws.Close(ctx)
	if tx := transactions(px.Messages()); tx.reads != 0 || tx.autocommit != 1 {
		t.Fatalf("an auto-commit query in a write session was seen as %d reads and %d other auto-commit queries: the sniffer does not work", tx.reads, tx.autocommit)
	}

	// Every method of graph.Store: one read transaction per counted query.
	methods := reflect.TypeFor[graph.Store]()
	for i := range methods.NumMethod() {
		name := methods.Method(i).Name
		px.Messages()
		cctx, counter := neo4jstore.WithQueryCounter(ctx)
		err, called := callOne(cctx, store, name)
		if !called {
			t.Errorf("graph.Store.%s is not exercised by this test: add it to callOne", name)
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		tx := transactions(px.Messages())
		for _, b := range tx.bad {
			t.Errorf("%s: %s", name, b)
		}
		if counter.Count() == 0 || int64(tx.reads) != counter.Count() {
			t.Errorf("%s: the store counted %d queries, the wire showed %d read transactions", name, counter.Count(), tx.reads)
		}
		t.Logf("%-22s %d queries, %d read transactions %v", name, counter.Count(), tx.reads, tx.names)
	}
}

// callOne calls one method of graph.Store by name.
func callOne(ctx context.Context, s graph.Store, name string) (error, bool) {
	all := storeCallsByName()
	f, ok := all[name]
	if !ok {
		return nil, false
	}
	return f(ctx, s), true
}

func storeCallsByName() map[string]func(context.Context, graph.Store) error {
	ids := []string{"weapon/c-802", "country/iran", "person/hossein-dehghan"}
	return map[string]func(context.Context, graph.Store) error{
		"Nodes": func(ctx context.Context, s graph.Store) error { _, _, err := s.Nodes(ctx, ids); return err },
		"Edges": func(ctx context.Context, s graph.Store) error {
			_, err := s.Edges(ctx, ids, kg.EdgeSpec{Type: kg.RelType("DERIVED_FROM"), Incoming: true})
			return err
		},
		"OrganizationCountries": func(ctx context.Context, s graph.Store) error {
			_, err := s.OrganizationCountries(ctx, []string{"organization/sco"})
			return err
		},
		"Resolve": func(ctx context.Context, s graph.Store) error {
			_, _, err := s.Resolve(ctx, "c 802", nil, true, 10)
			return err
		},
		"Search": func(ctx context.Context, s graph.Store) error {
			_, _, err := s.Search(ctx, "missile", nil, 10)
			return err
		},
		"LineageOf": func(ctx context.Context, s graph.Store) error {
			_, _, err := s.LineageOf(ctx, "C-802", kg.Both, 10, "")
			return err
		},
		"Lineages": func(ctx context.Context, s graph.Store) error {
			_, err := s.Lineages(ctx, []string{"weapon/c-802", "weapon/hq-2"}, kg.Ancestors, 5, "")
			return err
		},
		"Paths": func(ctx context.Context, s graph.Store) error {
			_, _, err := s.Paths(ctx, kg.PathQuery{From: "person/hossein-dehghan", To: "person/chang-wanquan", MaxHops: 4, Limit: 3})
			return err
		},
		"Neighborhood": func(ctx context.Context, s graph.Store) error {
			_, _, err := s.Neighborhood(ctx, kg.NeighborhoodQuery{ID: "country/iran", Depth: 2, Limit: 100})
			return err
		},
		"NeighborGroups": func(ctx context.Context, s graph.Store) error {
			_, _, _, err := s.NeighborGroups(ctx, "country/iran", 8)
			return err
		},
		"NeighborGroupPage": func(ctx context.Context, s graph.Store) error {
			_, _, _, err := s.NeighborGroupPage(ctx, kg.NeighborGroupQuery{ID: "country/china", Type: "SUPPLIER", Incoming: true, Kind: kg.Transfer, Text: "C-8", First: 10})
			return err
		},
		"Summary": func(ctx context.Context, s graph.Store) error { _, err := s.Summary(ctx); return err },
		"Agreements": func(ctx context.Context, s graph.Store) error {
			_, _, err := s.Agreements(ctx, kg.AgreementFilter{Parties: []string{"country/iran"}})
			return err
		},
		"Transfers": func(ctx context.Context, s graph.Store) error {
			_, _, err := s.Transfers(ctx, kg.TransferFilter{Supplier: "country/china"})
			return err
		},
		"Events": func(ctx context.Context, s graph.Store) error {
			_, _, err := s.Events(ctx, kg.EventFilter{Participant: "country/iran"})
			return err
		},
		"Resolutions": func(ctx context.Context, s graph.Store) error {
			_, _, err := s.Resolutions(ctx, kg.DateRange{})
			return err
		},
		"Holders": func(ctx context.Context, s graph.Store) error {
			_, _, err := s.Holders(ctx, kg.HolderQuery{From: "2010-01-01", To: "2010-12-31", Country: "country/iran"})
			return err
		},
		"TransferParts": func(ctx context.Context, s graph.Store) error {
			_, _, err := s.TransferParts(ctx, kg.TotalsQuery{Supplier: "country/china", Recipient: "country/iran"})
			return err
		},
		"Sources": func(ctx context.Context, s graph.Store) error { _, err := s.Sources(ctx); return err },
		"Weapons": func(ctx context.Context, s graph.Store) error {
			_, _, err := s.Weapons(ctx, "", "country/iran", kg.PageQuery{First: 10, Count: true})
			return err
		},
		"People": func(ctx context.Context, s graph.Store) error {
			_, _, err := s.People(ctx, "country/iran", kg.PageQuery{First: 10, Count: true})
			return err
		},
	}
}

// TestStoreReadPathHasNoWrite reads package neo4jstore's source: it finds
// the functions that open a session or run a query on the driver, checks
// that the only ones the graph.Store methods can reach (through calls within
// the package, matched by name, which over-approximates) open sessions with
// AccessModeRead, and never AccessModeWrite, ExecuteWrite, ExecuteQuery or
// an explicit transaction. What runs in such a session (ExecuteRead, or an
// auto-commit Run) is a read transaction: Neo4j refuses writes in both
// (TestReadTransactionsRefuseWrites).
func TestStoreReadPathHasNoWrite(t *testing.T) {
	dir := filepath.Join("..", "neo4jstore")
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	type fn struct {
		calls   map[string]bool // names called (identifiers and selectors)
		driver  bool            // touches the driver: NewSession, ExecuteQuery, BeginTransaction
		read    bool            // opens its sessions with AccessModeRead
		writing bool            // AccessModeWrite, ExecuteWrite, ExecuteQuery, BeginTransaction
	}
	funcs := map[string]*fn{}
	for _, p := range pkgs {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Body == nil {
					continue
				}
				info := &fn{calls: map[string]bool{}}
				sels := map[string]bool{}
				ast.Inspect(fd.Body, func(n ast.Node) bool {
					switch x := n.(type) {
					case *ast.CallExpr:
						switch c := x.Fun.(type) {
						case *ast.Ident:
							info.calls[c.Name] = true
						case *ast.SelectorExpr:
							info.calls[c.Sel.Name] = true
						}
					case *ast.SelectorExpr:
						sels[x.Sel.Name] = true
						info.calls[x.Sel.Name] = true // s.write as a value (run := s.write) counts as a call
					case *ast.Ident:
						info.calls[x.Name] = true
					}
					return true
				})
				info.driver = sels["NewSession"] || sels["ExecuteQuery"] || sels["BeginTransaction"]
				info.read = sels["AccessModeRead"]
				info.writing = sels["AccessModeWrite"] || sels["ExecuteWrite"] || sels["ExecuteQuery"] || sels["BeginTransaction"] ||
					(info.driver && !info.read)
				name := fd.Name.Name
				if prev, dup := funcs[name]; dup { // same name twice (a method and a function): merge, conservatively
					for c := range info.calls {
						prev.calls[c] = true
					}
					prev.driver, prev.writing = prev.driver || info.driver, prev.writing || info.writing
					prev.read = prev.read && info.read
					continue
				}
				funcs[name] = info
			}
		}
	}
	// reach lists what name can reach, itself included.
	reach := func(name string) []string {
		seen := map[string]bool{}
		var walk func(string)
		walk = func(n string) {
			if seen[n] || funcs[n] == nil {
				return
			}
			seen[n] = true
			for c := range funcs[n].calls {
				walk(c)
			}
		}
		walk(name)
		out := make([]string, 0, len(seen))
		for n := range seen {
			out = append(out, n)
		}
		sort.Strings(out)
		return out
	}
	// read (and whatever it calls to open its session: readThen) opens
	// AccessModeRead sessions only.
	opensRead := false
	for _, n := range reach("read") {
		if funcs[n].writing {
			t.Fatalf("neo4jstore's read reaches %s, which writes or opens a session not in AccessModeRead", n)
		}
		opensRead = opensRead || funcs[n].read
	}
	if !opensRead {
		t.Fatalf("neo4jstore's read opens no AccessModeRead session")
	}
	methods := reflect.TypeFor[graph.Store]()
	for i := range methods.NumMethod() {
		name := methods.Method(i).Name
		if funcs[name] == nil {
			t.Errorf("graph.Store.%s has no implementation in neo4jstore", name)
			continue
		}
		r := reach(name)
		var sessions []string
		for _, n := range r {
			if funcs[n].writing {
				t.Errorf("graph.Store.%s can reach %s, which writes or opens a session that is not a read", name, n)
			}
			if funcs[n].driver {
				sessions = append(sessions, n)
			}
		}
		if len(sessions) == 0 {
			t.Errorf("graph.Store.%s reaches no session at all (the analysis lost it)", name)
		}
		t.Logf("%-22s opens sessions only through %v", name, sessions)
	}
	// The analysis sees writes where there are some.
	for _, w := range []string{"UpsertNodes", "DeleteNodes", "EnsureSchema"} {
		if r := reach(w); !slices.ContainsFunc(r, func(n string) bool { return funcs[n].writing }) {
			t.Errorf("the analysis finds no write under %s: it is broken", w)
		}
	}
}

// rootFieldQueries calls every root field of the schema with hostile but
// well-formed arguments. TestEveryRootFieldIsReadOnly fails when the schema
// gains a root field that is not listed here.
func rootFieldQueries() map[string][]string {
	inj := quote(`"}) DETACH DELETE n //`)
	inj2 := quote(`' OR 1=1 WITH 1 AS x MATCH (n) SET n.pwned = true //`)
	rel := quote("KNOWS]->() DETACH DELETE n //")
	return map[string][]string{
		"entity":       {`{ entity(id: ` + inj + `) { id } }`, `{ entity(id: "weapon/c-802") { id name citations { locator } } }`},
		"resolve":      {`{ resolve(name: ` + inj + `, limit: 50) { id } }`, `{ resolve(name: ` + inj2 + `, kind: WEAPON) { id } }`, `{ resolve(name: "c 802") { id } }`},
		"search":       {`{ search(text: ` + inj + `, first: 100) { id } }`, `{ search(text: "missile AND * OR ~ \\\\ ) DETACH", kinds: [WEAPON, PERSON]) { id } }`},
		"weapon":       {`{ weapon(name: ` + inj + `) { id } }`, `{ weapon(name: "C-802") { id lineage(maxDepth: 20) { nodes { depth } } transfers { id } } }`},
		"person":       {`{ person(name: ` + inj2 + `) { id } }`, `{ person(name: "Dehghan") { id positions { title } agreements { id } events { id } } }`},
		"country":      {`{ country(name: ` + inj + `) { id } }`, `{ country(name: "Iran") { id organizations { id } people { id } agreements { id } transfersSupplied { id } transfersReceived { id } weaponsOriginated { id } } }`},
		"organization": {`{ organization(name: ` + inj2 + `) { id } }`, `{ organization(name: "SCO") { id country { id } parent { id } } }`},
		"source":       {`{ source(id: ` + inj + `) { id } }`, `{ source(id: "source/' OR 1=1 //") { id } }`},
		"sources":      {`{ sources { id document title published } }`},
		"people":       {`{ people(country: ` + inj + `, first: 200) { totalCount } }`, `{ people(after: ` + inj2 + `) { totalCount } }`},
		"lineage":      {`{ lineage(weapon: ` + inj + `, maxDepth: 20) { direction } }`, `{ lineage(weapon: "C-802", direction: BOTH, maxDepth: 20, minConfidence: DISPUTED) { nodes { depth } } }`},
		"weapons":      {`{ weapons(category: ` + inj + `, origin: ` + inj2 + `, first: 200) { totalCount } }`, `{ weapons(after: ` + inj + `) { totalCount } }`},
		"agreements":   {`{ agreements(parties: [` + inj + `, ` + inj2 + `], from: "0001", to: "9999-12-31") { id } }`, `{ agreements(from: ` + inj + `) { id } }`},
		"transfers":    {`{ transfers(supplier: ` + inj + `, recipient: ` + inj2 + `, weapon: ` + inj + `) { id } }`},
		"events":       {`{ events(participant: ` + inj + `, from: "2016-02-29") { id } }`, `{ events(from: "2016-02-29", match: WITHIN) { id } }`, `{ events(from: "2016", match: SOMETIMES) { id } }`},
		"resolutions":  {`{ resolutions(from: "1900", to: ` + inj + `) { id } }`, `{ resolutions { id supporters { id } } }`, `{ resolutions(from: "0001", to: "9999-12-31", match: WITHIN) { id } }`},
		"paths": {`{ paths(from: ` + inj + `, to: ` + inj2 + `) { length } }`, `{ paths(from: "country/iran", to: "country/china", relationshipTypes: [` + rel + `]) { length } }`,
			`{ paths(from: "country/iran", to: "country/china", maxHops: 8, limit: 25, via: [PERSON, COUNTRY]) { length } }`},
		"neighborhood": {`{ neighborhood(id: ` + inj + `, depth: 3) { truncated } }`, `{ neighborhood(id: "country/iran", relationshipTypes: [` + rel + `]) { truncated } }`,
			`{ neighborhood(id: "country/iran", depth: 3, limit: 1000) { truncated nodes { id } } }`},
		"neighborhoodSummary": {`{ neighborhoodSummary(id: ` + inj + `) { type count } }`, `{ neighborhoodSummary(id: "country/iran", first: 200) { type direction kind count nodes { id } relationships { type } } }`},
		"neighborGroup": {`{ neighborGroup(id: "country/iran", type: ` + rel + `, direction: OUTGOING, kind: WEAPON) { count } }`,
			`{ neighborGroup(id: "country/china", type: "SUPPLIER", direction: INCOMING, kind: TRANSFER, text: ` + inj2 + `, first: 200, offset: 5) { count nodes { id } } }`},
		"graphSummary": {`{ graphSummary { kinds { kind count } relationships datasets { name entities } } }`},
		"holders": {`{ holders(at: "2010", title: ` + inj + `, organization: ` + inj2 + `) { person { id } } }`,
			`{ holders(at: "0001", until: "9999-12-31", country: ` + inj + `) { person { id } position { title } } }`,
			`{ holders(at: "0001", until: "9999-12-31", match: WITHIN) { person { id } } }`},
		"transferTotals": {`{ transferTotals(supplier: ` + inj + `, recipient: ` + inj2 + `) { valueUsd } }`,
			`{ transferTotals(from: "0001", to: "9999-12-31", minConfidence: DISPUTED) { valueUsd parts { transfer { id covers { id } } coveredBy { id } } } }`,
			`{ transferTotals(from: "0001", to: "9999-12-31", match: WITHIN) { valueUsd } }`},
	}
}

func TestEveryRootFieldIsReadOnly(t *testing.T) {
	db, px, store := sniffedStore(t)
	a := startAPI(t, store, wiring.Config{}, 4)
	before := snapshot(t, db)

	// The schema: no mutation, no subscription, and every root field covered.
	r := a.mustQuery(t, `{ __schema { mutationType { name } subscriptionType { name } queryType { fields { name } } } }`, nil)
	var schema struct {
		Schema struct {
			MutationType, SubscriptionType *struct{ Name string }
			QueryType                      struct{ Fields []struct{ Name string } }
		} `json:"__schema"`
	}
	if err := json.Unmarshal(r.Data, &schema); err != nil {
		t.Fatal(err)
	}
	if schema.Schema.MutationType != nil || schema.Schema.SubscriptionType != nil {
		t.Errorf("the schema has a mutation or subscription type: %s", r.Data)
	}
	queries := rootFieldQueries()
	for _, f := range schema.Schema.QueryType.Fields {
		if len(queries[f.Name]) == 0 {
			t.Errorf("root field %s is not exercised: add it to rootFieldQueries", f.Name)
		}
	}

	px.Messages()
	before0 := cypherQueries(t, a)
	var sent int
	for _, f := range schema.Schema.QueryType.Fields {
		for _, q := range queries[f.Name] {
			resp, err := a.graphql(context.Background(), q, nil)
			sent++
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			if resp.Status != http.StatusOK {
				t.Errorf("%s: %s", q, resp)
			}
			for _, code := range resp.codes() {
				if code == "INTERNAL_SERVER_ERROR" || code == "" {
					t.Errorf("%s: %s", q, resp)
				}
			}
		}
	}
	ran := cypherQueries(t, a) - before0
	tx := transactions(px.Messages())
	for _, b := range tx.bad {
		t.Errorf("%s", b)
	}
	if tx.reads != ran || tx.others != 0 || tx.autocommit != 0 {
		t.Errorf("the server ran %d Cypher queries; the wire showed %d read transactions, %d other transactions, %d auto-commit queries",
			ran, tx.reads, tx.others, tx.autocommit)
	}
	t.Logf("%d requests over %d root fields: %d Cypher queries, all in read transactions", sent, len(schema.Schema.QueryType.Fields), ran)
	if after := snapshot(t, db); after != before {
		t.Fatalf("GraphQL requests changed the graph: %s", snapshotDiff(before, after))
	}
}

// TestReadRetriesOnCutConnection: the store runs a read as an auto-commit
// transaction, which the driver does not retry; when that attempt finds its
// pooled connection cut (Neo4j restarted, a proxy or firewall dropped it),
// the read runs again as a managed read transaction on a new connection, so
// the caller sees no error, as it did when every read was managed.
func TestReadRetriesOnCutConnection(t *testing.T) {
	_, px, store := sniffedStore(t)
	ctx := context.Background()
	ids := []string{"weapon/c-802"}
	if nodes, _, err := store.Nodes(ctx, ids); err != nil || len(nodes) != 1 {
		t.Fatalf("Nodes(%v) = %d nodes, %v; want 1", ids, len(nodes), err)
	}
	if tx := transactions(px.Messages()); tx.reads != 1 || len(tx.bad) > 0 {
		t.Fatalf("the first read showed %d read transactions on the wire (%v), want 1", tx.reads, tx.bad)
	}

	// Cut the pooled connection; the proxy listens again at once.
	px.Down()
	px.Up(t)
	nodes, _, err := store.Nodes(ctx, ids)
	if err != nil || len(nodes) != 1 {
		t.Fatalf("after the connection was cut, Nodes(%v) = %d nodes, %v; want 1 and no error", ids, len(nodes), err)
	}
	msgs := px.Messages()
	begun := slices.ContainsFunc(msgs, func(m boltMessage) bool { return m.Type == "BEGIN" && m.Extra["mode"] == "r" })
	if tx := transactions(msgs); !begun || len(tx.bad) > 0 {
		t.Errorf("after the cut the wire showed %d read transactions (%v) and no managed read transaction (BEGIN in mode r): %+v", tx.reads, tx.bad, msgs)
	}
}
