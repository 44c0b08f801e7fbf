package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"armsgraph/cmd/wiring"
	"armsgraph/internal/dblock"
	"armsgraph/internal/ingest"
	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jstore"
	"armsgraph/internal/synth"
)

func TestPercentile(t *testing.T) {
	var s []time.Duration
	for i := 1; i <= 100; i++ {
		s = append(s, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {95, 95 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {0, time.Millisecond}} {
		if got := percentile(s, tc.p); got != tc.want {
			t.Errorf("percentile(1..100ms, %v) = %v, want %v", tc.p, got, tc.want)
		}
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("percentile(nil, 50) = %v, want 0", got)
	}
}

func TestSummarize(t *testing.T) {
	samples := []time.Duration{3 * time.Millisecond, time.Millisecond, 2 * time.Millisecond, 4 * time.Millisecond}
	l := summarize(samples, 1, errors.New("boom"), 2*time.Second)
	if l.Requests != 5 || l.Errors != 1 || l.FirstError != "boom" {
		t.Errorf("summarize counts = %+v, want 5 requests, 1 error boom", l)
	}
	if l.P50Ms != 2 || l.P99Ms != 4 || l.MaxMs != 4 || l.MeanMs != 2.5 || l.RPS != 2 {
		t.Errorf("summarize = %+v, want p50 2, p99 4, max 4, mean 2.5, rps 2", l)
	}
}

// load stops at its request bound and at its time bound, whichever comes first.
func TestLoadIsBounded(t *testing.T) {
	var calls atomic.Int64
	l := load(context.Background(), 4, time.Minute, 100, func(ctx context.Context, i int) error {
		calls.Add(1)
		return nil
	})
	if calls.Load() != 100 || l.Requests != 100 {
		t.Errorf("load with maxRequests 100 made %d calls (%d counted), want 100", calls.Load(), l.Requests)
	}
	// With room for 2^30 requests only the 200 ms bound can stop it; the
	// minute below only turns a load that never stops into a failure.
	stopped := make(chan Latency, 1)
	go func() {
		stopped <- load(context.Background(), 2, 200*time.Millisecond, 1<<30, func(ctx context.Context, i int) error {
			time.Sleep(10 * time.Millisecond)
			return nil
		})
	}()
	select {
	case l = <-stopped:
	case <-time.After(time.Minute):
		t.Fatal("load with a 200ms duration and room for 2^30 requests did not stop by its time bound within a minute")
	}
	if l.Errors != 0 || l.Requests < 10 {
		t.Errorf("load(200ms of 10ms calls) = %+v, want 10+ requests and no error", l)
	}
	// A call slower than the run is let finish and counted.
	l = load(context.Background(), 1, 10*time.Millisecond, 100, func(ctx context.Context, i int) error {
		time.Sleep(50 * time.Millisecond)
		return nil
	})
	if l.Requests != 1 || l.P50Ms < 50 {
		t.Errorf("load(one 50ms call in a 10ms run) = %+v, want it counted", l)
	}
}

func TestCheckLoopback(t *testing.T) {
	for _, uri := range []string{"bolt://127.0.0.1:7688", "neo4j://localhost:7687", "bolt://[::1]:7687"} {
		if err := CheckLoopback(uri); err != nil {
			t.Errorf("CheckLoopback(%q) = %v, want nil", uri, err)
		}
	}
	for _, uri := range []string{"bolt://10.0.0.5:7687", "neo4j+s://db.example.com", "bolt://192.168.1.2:7687"} {
		if err := CheckLoopback(uri); err == nil {
			t.Errorf("CheckLoopback(%q) = nil, want an error", uri)
		}
	}
}

func sampleResult() Result {
	return Result{
		Size: "10k", Machine: Machine{CPU: "Test CPU", Cores: 2, MemoryGB: 24, Neo4j: "5.26"},
		Settings: Settings{Concurrency: []int{1, 16}},
		Ingest: IngestResult{Nodes: 19143, Rels: 57245, IngestSec: 12.5, NodesPerSec: 4000, RelsPerSec: 6000, RowsPerSec: 6111,
			IngestMem: Memory{PeakHeapMB: 190, PeakRSSMB: 217}},
		Naive: &NaiveResult{NaiveRowsPerSec: 250, RatioFull: 24.4},
		Queries: []QueryResult{
			{Name: "lineage", DBHits: 494, Results: map[string]map[string]Latency{
				SideCypher:  {"1": {P50Ms: 2, P95Ms: 3, P99Ms: 4, RPS: 400}, "16": {P50Ms: 20, P99Ms: 40, RPS: 700}},
				SideStore:   {"1": {P50Ms: 2.1}, "16": {P50Ms: 21}},
				SideGraphQL: {"1": {P50Ms: 2.3}, "16": {P50Ms: 23}},
			}, RatioP50: map[string]float64{"1": 1.15, "16": 1.15}},
			{Name: "paths", Unavailable: "no targets found in this dataset"},
		},
		Notes: []string{"a note"},
	}
}

func TestJSONRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "10k.json")
	want := sampleResult()
	if err := WriteJSON(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadJSON(path)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(want)
	b, _ := json.Marshal(got)
	if !bytes.Equal(a, b) {
		t.Errorf("ReadJSON(WriteJSON(r)) differs:\n%s\n%s", a, b)
	}
	// Field names are part of the file format other tools read.
	for _, key := range []string{`"nodes_per_second"`, `"ratio_full_ingest_vs_naive"`, `"p99_ms"`, `"graphql_vs_cypher_p50"`, `"db_hits"`, `"peak_rss_mb"`} {
		if !bytes.Contains(a, []byte(key)) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}

func TestWriteTables(t *testing.T) {
	var b strings.Builder
	WriteTables(&b, []Result{sampleResult()})
	out := b.String()
	for _, want := range []string{"Test CPU", "19143", "57245", "24.4×", "lineage", "1.15×", "494", "n/a ¹", "¹ 10k paths: no targets found in this dataset", "note (10k): a note"} {
		if !strings.Contains(out, want) {
			t.Errorf("WriteTables output lacks %q:\n%s", want, out)
		}
	}
	// A reason stays out of the table, so the columns keep their width.
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "lineage") && len(line) > 120 {
			t.Errorf("a table row is %d characters wide:\n%s", len(line), out)
		}
	}
	// One row per side and concurrency for a measured query.
	if n := strings.Count(out, " lineage "); n != 6 {
		t.Errorf("lineage rows = %d, want 6 (3 sides × 2 concurrencies):\n%s", n, out)
	}
	WriteTables(&b, nil) // nothing to print, no panic
}

// The naive sample is spread over the files, renamed so that writing it
// creates, and its relationships point at renamed ends where the end is in
// the sample and at the loaded graph otherwise.
func TestSampleRenames(t *testing.T) {
	dir := t.TempDir()
	if _, err := synth.Generate(context.Background(), dir, synth.Config{Weapons: 500, Countries: 10, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	ns, rs, err := sample(context.Background(), dir, 200, "-x", "-y")
	if err != nil {
		t.Fatal(err)
	}
	nodes, rels := ns[0], rs[0]
	if len(ns[1]) != len(nodes) || len(rs[1]) != len(rels) || !strings.HasSuffix(ns[1][0].ID, "-y") || strings.HasSuffix(nodes[0].ID, "-y") {
		t.Errorf("the two copies differ in size or share renamed rows")
	}
	if len(nodes) == 0 || len(nodes) > 100 || len(rels) == 0 || len(rels) > 100 {
		t.Fatalf("sample(200) = %d nodes, %d relationships; want 1..100 of each", len(nodes), len(rels))
	}
	labels := map[string]bool{}
	inSample := map[string]bool{}
	for _, n := range nodes {
		if !strings.HasSuffix(n.ID, "-x") || n.Kind == "" {
			t.Errorf("sample node %q: want an entity with the -x suffix", n.ID)
		}
		labels[n.Label()] = true
		inSample[n.ID] = true
	}
	if len(labels) < 3 {
		t.Errorf("sample covers labels %v, want several", labels)
	}
	for _, r := range rels {
		if !strings.HasSuffix(r.Key, "-x") {
			t.Errorf("sample relationship key %q lacks the suffix", r.Key)
		}
		for _, end := range []string{r.From, r.To} {
			if strings.HasSuffix(end, "-x") && !inSample[end] {
				t.Errorf("relationship %s ends at renamed %s, which is not in the sample", r.Key, end)
			}
		}
	}
}

func TestTargetsFromManifest(t *testing.T) {
	m := &synth.Manifest{Samples: synth.Samples{
		Deep: []string{"weapon/a-1"}, Weapons: []string{"weapon/b-2", "weapon/c-3"}, People: []string{"person/x-1", "person/y-2"},
		Aliases: []string{"type 1"}, Countries: []string{"country/p", "country/q"}, Category: []string{"tank", "radar"},
	}}
	tg := targetsFromManifest(m)
	if len(tg.Lineage) != 1 || len(tg.Pairs) != 2 || len(tg.Centres) != 2 || len(tg.Names) != 1 || len(tg.Filters) == 0 {
		t.Errorf("targetsFromManifest = %+v", tg)
	}
	// Capturing runs nothing, so the store needs no reachable Neo4j.
	store, err := neo4jstore.Open(context.Background(), neo4jstore.Config{URI: "bolt://127.0.0.1:1", User: "neo4j", Password: "unused-password"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close(context.Background())
	handler := wiring.New(wiring.DefaultConfig(), store, nil)
	for _, q := range queries() {
		if q.n(tg) == 0 {
			t.Errorf("query %s has no target", q.name)
			continue
		}
		stmts, err := statements(context.Background(), store, nil, q, tg)
		if err != nil || len(stmts) != q.n(tg) {
			t.Errorf("statements(%s) = %d, %v; want one per target", q.name, len(stmts), err)
			continue
		}
		if stmts[0].cypher == "" || stmts[0].params == nil || q.args(tg, 0) == "" || q.vars(tg, 0) == nil {
			t.Errorf("query %s: empty cypher, params, args or variables", q.name)
		}
		// Through the GraphQL handler: the statement the request sends,
		// which returns only the properties the selection reads.
		viaAPI, err := statements(context.Background(), store, handler, q, tg)
		if err != nil || len(viaAPI) != q.n(tg) {
			t.Errorf("statements(%s) through the handler = %d, %v; want one per target", q.name, len(viaAPI), err)
			continue
		}
		if !strings.Contains(viaAPI[0].cypher, ".id, .kind, .name}") {
			t.Errorf("query %s: the API's statement projects no properties:\n%s", q.name, viaAPI[0].cypher)
		}
	}
}

// The raw side times what the store builds, with its literal bounds.
func TestCapturedStatementsCarryTheirBounds(t *testing.T) {
	store, err := neo4jstore.Open(context.Background(), neo4jstore.Config{URI: "bolt://127.0.0.1:1", User: "neo4j", Password: "unused-password"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close(context.Background())
	tg := &Targets{Lineage: []string{"weapon/a"}, Pairs: [][2]string{{"weapon/a", "person/b"}}, Centres: []string{"country/p"}}
	// lineage: a bounded pattern; paths: allShortestPaths up to 6 hops;
	// neighborhood (depth 2): one hop after the first.
	want := map[string]func(string) bool{
		"lineage":      func(c string) bool { return strings.Contains(c, "*1..10]") },
		"paths":        func(c string) bool { return strings.Contains(c, "*..6]") },
		"neighborhood": func(c string) bool { return strings.Count(c, "UNWIND frontier") == 1 },
	}
	for _, q := range queries() {
		ok, found := want[q.name]
		if !found {
			continue
		}
		stmts, err := statements(context.Background(), store, nil, q, tg)
		if err != nil {
			t.Fatalf("statements(%s): %v", q.name, err)
		}
		if !ok(stmts[0].cypher) {
			t.Errorf("%s statement does not carry its bound:\n%s", q.name, stmts[0].cypher)
		}
	}
}

// The benchmark and the integration tests exclude each other on one database.
func TestLockDatabaseExcludes(t *testing.T) {
	r := &runner{cfg: Config{Neo4j: neo4jstore.Config{URI: "bolt://127.0.0.1:1/" + t.Name()}}}
	unlock, err := r.lockDatabase(context.Background(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.lockDatabase(context.Background(), 600*time.Millisecond); err == nil {
		t.Fatal("second lockDatabase on a held lock succeeded")
	}
	unlock()
	again, err := r.lockDatabase(context.Background(), time.Second)
	if err != nil {
		t.Fatalf("lockDatabase after unlock: %v", err)
	}
	again()
	os.Remove(dblock.Path(r.cfg.Neo4j.URI))
}

// gatedWriter's UpsertNodes runs until its gate releases it.
type gatedWriter struct {
	ingest.Writer
	entered chan struct{}
	gate    chan struct{}
}

func (g gatedWriter) UpsertNodes(_ context.Context, _, _ string, n []kg.Node, _ bool) (neo4jstore.Changes, error) {
	g.entered <- struct{}{}
	<-g.gate
	return neo4jstore.Changes{Created: len(n)}, nil
}

// Two writes that overlap count once in the breakdown: the node write time
// is the span from the first start to the last end, not the sum of both.
// The writer reads a clock the test moves, so the figures are exact.
func TestTimedWriterCountsOverlapOnce(t *testing.T) {
	var clock atomic.Int64 // milliseconds
	g := gatedWriter{entered: make(chan struct{}), gate: make(chan struct{})}
	tw := &timedWriter{w: g, clock: func() time.Time { return time.UnixMilli(clock.Load()) }}
	finished := make(chan struct{})
	write := func() {
		tw.UpsertNodes(context.Background(), "Weapon", "d", make([]kg.Node, 3), false)
		finished <- struct{}{}
	}
	// First write from 0 to 30 ms, second from 10 to 50 ms: busy 50 ms in
	// all, where the sum of the two calls is 70 ms.
	go write()
	<-g.entered
	clock.Store(10)
	go write()
	<-g.entered
	clock.Store(30)
	g.gate <- struct{}{}
	<-finished
	clock.Store(50)
	g.gate <- struct{}{}
	<-finished
	if tw.nodeRows != 6 {
		t.Errorf("node rows = %d, want 6", tw.nodeRows)
	}
	if want := 50 * time.Millisecond; tw.nodes.total != want {
		t.Errorf("node write time %s, want %s: from the first start to the last end, the overlap counted once (the sum would be 70ms)", tw.nodes.total, want)
	}
	if tw.nodes.running != 0 {
		t.Errorf("%d calls still counted as running", tw.nodes.running)
	}
}
