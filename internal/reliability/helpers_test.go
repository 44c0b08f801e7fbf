package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/cmd/wiring"
	"armsgraph/internal/ingest"
	"armsgraph/internal/neo4jstore"
	"armsgraph/internal/neo4jtest"
	"armsgraph/internal/neo4jtest/storetest"
	"armsgraph/internal/seeds"
	"armsgraph/internal/synth"
)

// ---------------------------------------------------------------- settings

// envInt reads a positive integer from the environment, else def.
func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// envDuration reads a positive duration from the environment, else def.
func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil && d > 0 {
		return d
	}
	return def
}

// ---------------------------------------------------------------- graph

// dbConn is a Neo4j database a test talks to directly, outside the store.
type dbConn struct {
	URI, User, Password, Database string
	Driver                        neo4j.DriverWithContext
}

// sharedDB is the test's share of the common test database (neo4jtest):
// locked for this test and empty but for the marker node.
func sharedDB(t *testing.T) dbConn {
	t.Helper()
	inst := neo4jtest.Get(t)
	return dbConn{URI: inst.URI, User: inst.User, Password: inst.Password, Database: inst.Database, Driver: inst.Driver}
}

// openStore opens a store on uri (which may be a proxy in front of db).
func openStore(t *testing.T, db dbConn, uri string) *neo4jstore.Store {
	t.Helper()
	if uri == "" {
		uri = db.URI
	}
	return storetest.Open(t, neo4jstore.Config{URI: uri, User: db.User, Password: db.Password, Database: db.Database})
}

// projectSeeds is the project's seeds/ folder, validated.
func projectSeeds(t *testing.T) *seeds.Folder {
	t.Helper()
	return storetest.ProjectSeeds(t)
}

// synthSeeds writes a synthetic seed folder of n weapons (package synth)
// into a temporary directory and returns it validated, with the number of
// nodes and relationships it holds.
func synthSeeds(t *testing.T, weapons int) (f *seeds.Folder, dir string, nodes, rels int) {
	t.Helper()
	dir = t.TempDir()
	if _, err := synth.Generate(context.Background(), dir, synth.Config{Weapons: weapons, Countries: 40, Seed: 7}); err != nil {
		t.Fatalf("synth: %v", err)
	}
	f, err := seeds.Open(os.DirFS(dir), seeds.Options{Documents: os.DirFS(filepath.Join(dir, synth.DocumentsDir))})
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.Validate(context.Background(), nil)
	if err != nil {
		t.Fatalf("synthetic seeds do not validate: %v", err)
	}
	for _, n := range st.Nodes {
		nodes += n
	}
	for _, n := range st.Rels {
		rels += n
	}
	return f, dir, nodes, rels
}

// load ingests folder through store and fails the test on an error.
func load(t *testing.T, store ingest.Writer, folder *seeds.Folder, opts ingest.Options) ingest.Summary {
	t.Helper()
	return storetest.Load(t, store, folder, opts)
}

// query runs one Cypher statement directly on the database (auto-commit)
// and returns its records.
func query(ctx context.Context, db dbConn, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	res, err := neo4j.ExecuteQuery(ctx, db.Driver, cypher, params, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(db.Database))
	if err != nil {
		return nil, err
	}
	return res.Records, nil
}

// count runs a query returning one integer.
func count(t *testing.T, db dbConn, cypher string) int64 {
	t.Helper()
	recs, err := query(context.Background(), db, cypher, nil)
	if err != nil {
		t.Fatalf("%s: %v", cypher, err)
	}
	return recs[0].Values[0].(int64)
}

// snapshot renders the whole database in a stable order: every node with
// its labels and properties (the test marker included), every relationship
// with its type, ends and properties, and every index and constraint. Two
// snapshots are equal exactly when the graphs are.
func snapshot(t *testing.T, db dbConn) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var parts []string
	for _, q := range []string{
		// The load bookkeeping (neo4jstore's generation.go) says when and at
		// which generation a dataset was last loaded, which differs from one
		// load to the next by design: only what the load left is compared.
		"MATCH (n) RETURN 'N', labels(n), CASE WHEN n:" + neo4jstore.GenerationLabel + " THEN {id: n.id} WHEN n:" + neo4jstore.DatasetLabel +
			" THEN {name: n.name, loading: n.loading, nodes: n.nodes, relationships: n.relationships} ELSE properties(n) END",
		"MATCH (a)-[r]->(b) RETURN 'R', type(r), a.id, b.id, properties(r)",
		"SHOW INDEXES YIELD name, type, entityType, labelsOrTypes, properties, owningConstraint RETURN 'I', name, type, entityType, labelsOrTypes, properties, owningConstraint",
		"SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties RETURN 'C', name, type, labelsOrTypes, properties",
	} {
		recs, err := query(ctx, db, q, nil)
		if err != nil {
			t.Fatalf("snapshot: %s: %v", q, err)
		}
		for _, r := range recs {
			parts = append(parts, fmt.Sprint(r.Values...)) // fmt prints maps in key order
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, "\n")
}

// snapshotDiff describes how two snapshots differ, briefly.
func snapshotDiff(a, b string) string {
	as, bs := strings.Split(a, "\n"), strings.Split(b, "\n")
	inA := map[string]bool{}
	for _, l := range as {
		inA[l] = true
	}
	inB := map[string]bool{}
	for _, l := range bs {
		inB[l] = true
	}
	var out []string
	for _, l := range as {
		if !inB[l] && len(out) < 10 {
			out = append(out, "- "+trunc(l, 300))
		}
	}
	for _, l := range bs {
		if !inA[l] && len(out) < 20 {
			out = append(out, "+ "+trunc(l, 300))
		}
	}
	return fmt.Sprintf("%d vs %d lines; first differences:\n%s", len(as), len(bs), strings.Join(out, "\n"))
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// wipeGraph deletes every node and relationship but neo4jtest's marker, and
// every index and constraint, leaving the database as an ingest into an
// empty database finds it.
func wipeGraph(t *testing.T, db dbConn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	sess := db.Driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: db.Database, AccessMode: neo4j.AccessModeWrite})
	defer sess.Close(ctx)
	run := func(q string) {
		res, err := sess.Run(ctx, q, nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err != nil {
			t.Fatalf("wipe: %s: %v", q, err)
		}
	}
	run("MATCH (n) WHERE NOT n:" + neo4jtest.MarkerLabel + " CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")
	for _, q := range []string{
		"SHOW CONSTRAINTS YIELD name RETURN name",
		"SHOW INDEXES YIELD name, type, owningConstraint WHERE type <> 'LOOKUP' AND owningConstraint IS NULL RETURN name",
	} {
		recs, err := query(ctx, db, q, nil)
		if err != nil {
			t.Fatalf("wipe: %s: %v", q, err)
		}
		for _, r := range recs {
			name := "`" + strings.ReplaceAll(r.Values[0].(string), "`", "``") + "`"
			if strings.HasPrefix(q, "SHOW CONSTRAINTS") {
				run("DROP CONSTRAINT " + name + " IF EXISTS")
			} else {
				run("DROP INDEX " + name + " IF EXISTS")
			}
		}
	}
}

// ---------------------------------------------------------------- the API

// api is the real server (wiring.New) on a loopback listener.
type api struct {
	URL    string
	Client *http.Client
	srv    *httptest.Server
	logs   *lockedBuffer
	// reference holds each load operation's answer before the load
	// (verifyMix); read-only once the load starts.
	reference map[string]string
}

// startAPI serves store on 127.0.0.1 with cfg. The server's warnings and
// errors are kept and logged when the test fails.
func startAPI(t *testing.T, store *neo4jstore.Store, cfg wiring.Config, conns int) *api {
	t.Helper()
	logs := &lockedBuffer{}
	h := wiring.New(cfg, store, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})))
	srv := httptest.NewServer(h)
	tr := &http.Transport{MaxIdleConns: conns + 4, MaxIdleConnsPerHost: conns + 4, MaxConnsPerHost: conns + 4, IdleConnTimeout: time.Minute}
	a := &api{URL: srv.URL, Client: &http.Client{Transport: tr, Timeout: 2 * time.Minute}, srv: srv, logs: logs}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		srv.Close()
		if t.Failed() {
			t.Logf("server log (warnings and errors, last 40 lines):\n%s", lastLines(logs.String(), 40))
		}
	})
	return a
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// gqlError is one GraphQL error of a response.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// response is an HTTP answer of the API, decoded when it is JSON.
type response struct {
	Status int
	Body   []byte
	Took   time.Duration
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

func (r response) codes() []string {
	var out []string
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		out = append(out, c)
	}
	return out
}

func (r response) String() string {
	return fmt.Sprintf("HTTP %d in %s: %s", r.Status, r.Took.Round(time.Millisecond), trunc(string(r.Body), 600))
}

// graphql posts one operation.
func (a *api) graphql(ctx context.Context, q string, vars map[string]any) (response, error) {
	body, err := json.Marshal(map[string]any{"query": q, "variables": vars})
	if err != nil {
		return response{}, err
	}
	return a.post(ctx, "/graphql", "application/json", bytes.NewReader(body), int64(len(body)))
}

// post sends a raw body; size -1 sends it chunked, without Content-Length.
func (a *api) post(ctx context.Context, path, contentType string, body io.Reader, size int64) (response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.URL+path, body)
	if err != nil {
		return response{}, err
	}
	req.ContentLength = size
	if size < 0 {
		req.TransferEncoding = []string{"chunked"}
	}
	req.Header.Set("Content-Type", contentType)
	return a.do(req)
}

func (a *api) get(ctx context.Context, path string) (response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.URL+path, nil)
	if err != nil {
		return response{}, err
	}
	return a.do(req)
}

func (a *api) do(req *http.Request) (response, error) {
	start := time.Now()
	resp, err := a.Client.Do(req)
	if err != nil {
		return response{Took: time.Since(start)}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	r := response{Status: resp.StatusCode, Body: b, Took: time.Since(start)}
	if err != nil {
		return r, err
	}
	if json.Valid(b) && len(b) > 0 && b[0] == '{' {
		_ = json.Unmarshal(b, &r)
	}
	return r, nil
}

// mustQuery runs an operation that must answer 200 without errors.
func (a *api) mustQuery(t *testing.T, q string, vars map[string]any) response {
	t.Helper()
	r, err := a.graphql(context.Background(), q, vars)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if r.Status != http.StatusOK || len(r.Errors) > 0 || len(r.Data) == 0 {
		t.Fatalf("%s: want data without errors, got %s", trunc(q, 200), r)
	}
	return r
}

// ---------------------------------------------------------------- measuring

// percentile of sorted durations (p in 0..100).
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p / 100)
	return sorted[i]
}

// memSample is the process's memory at one moment, after a GC.
type memSample struct {
	At         time.Duration
	HeapAlloc  uint64 // live heap after a full GC
	Sys        uint64 // memory obtained from the OS by the Go runtime
	RSS        uint64 // resident set size (Linux), 0 elsewhere
	Goroutines int
}

func sampleMemory(since time.Time) memSample {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return memSample{At: time.Since(since), HeapAlloc: ms.HeapAlloc, Sys: ms.Sys, RSS: rss(), Goroutines: runtime.NumGoroutine()}
}

func (m memSample) String() string {
	return fmt.Sprintf("t=%s heap=%.1fMB sys=%.1fMB rss=%.1fMB goroutines=%d",
		m.At.Round(time.Second), mb(m.HeapAlloc), mb(m.Sys), mb(m.RSS), m.Goroutines)
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }

// rss reads VmRSS from /proc/self/status.
func rss() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				kb, _ := strconv.ParseUint(f[0], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}

// waitFor polls cond every step until it holds or timeout passes.
func waitFor(timeout, step time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(step)
	}
}
