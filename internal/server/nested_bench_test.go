package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/cmd/wiring"
	"armsgraph/internal/bench"
	"armsgraph/internal/neo4jstore"
	"armsgraph/internal/neo4jtest"
)

// nestedQueries are the requests of issue 10's table (and a page with
// nested lists), for BenchmarkNested.
var nestedQueries = []struct{ name, query string }{
	{"lookup", `{ weapon(name: "C-802") { id name category origin { name } } }`},
	{"derivatives", `{ weapon(name: "C-802") { derivatives { child { name origin { name } } } } }`},
	{"lineage10", `{ lineage(weapon: "C-802", direction: DESCENDANTS, maxDepth: 10) { nodes { depth weapon { id name } } } }`},
	{"page50", `{ weapons(first: 50) { edges { node { id name origin { name } derivedFrom { kind parent { name } citations { locator source { title } } } } } } }`},
	{"neighborhood2", `{ neighborhood(id: "weapon/c-802", depth: 2, limit: 200) { nodes { id name kind } relationships { type from { id } to { id } } } }`},
	// The benchmark's flat neighbourhood (docs/benchmarks.md) at its full
	// 200 nodes: the seeds' largest answer.
	{"neighborhood200", `{ neighborhood(id: "country/iran", depth: 3, limit: 200) { nodes { id name kind } } }`},
}

// BenchmarkNested serves nested requests over the seeds, one at a time,
// through the server's handler in this process, and reports per request:
// p50 latency, the p50 of the root statement run alone through the driver
// (raw Cypher), Cypher statements, this process's CPU time (server and
// driver side, read from /proc/self/stat), heap allocations (allocs/op,
// B/op: server and driver) and the entities in the answer (ids/answer, the
// "id" fields); harness-cpu-ms/req is the benchmark's own side of a
// request, and server-cpu-ms/req and server-cpu-us/id the CPU less it. Run
// it with
//
//	go test -run '^$' -bench Nested -benchtime 300x ./internal/server
func BenchmarkNested(b *testing.B) {
	inst := neo4jtest.Get(b)
	store := seedInto(b, openStoreOn(b, inst))
	paths := []struct {
		name string
		h    http.Handler
	}{
		{"direct", newServer(b, wiring.Config{}, store)},
		{"executor", newServer(b, wiring.Config{NoDirect: true}, store)},
	}
	for _, q := range nestedQueries {
		for _, path := range paths {
			b.Run(q.name+"/"+path.name, func(b *testing.B) { benchNested(b, inst, path.h, q.name, q.query) })
		}
	}
}

// benchNested is one query of BenchmarkNested through handler h.
func benchNested(b *testing.B, inst *neo4jtest.Instance, h http.Handler, name, query string) {
	body, _ := json.Marshal(map[string]any{"query": query})
	var ids int
	var answer []byte
	sendTo := func(ctx context.Context, h http.Handler) {
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK || strings.Contains(w.Body.String(), `"errors"`) {
			b.Fatalf("%s: %d %s", name, w.Code, w.Body.String())
		}
		ids = bytes.Count(w.Body.Bytes(), []byte(`"id":`))
		answer = w.Body.Bytes()
	}
	send := func(ctx context.Context) { sendTo(ctx, h) }
	// The root statement, as the API sends it, for the raw baseline.
	var cypher string
	var params map[string]any
	cctx := neo4jstore.CaptureQuery(context.Background(), func(_, c string, p map[string]any) {
		if cypher == "" {
			cypher, params = c, p
		}
	})
	req := httptest.NewRequestWithContext(cctx, http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(httptest.NewRecorder(), req)
	for range 20 {
		send(context.Background())
	}
	lat := make([]time.Duration, 0, b.N)
	var stmts int64
	cpu0 := procCPU(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		ctx, counter := neo4jstore.WithQueryCounter(context.Background())
		start := time.Now()
		send(ctx)
		lat = append(lat, time.Since(start))
		stmts += counter.Count()
	}
	b.StopTimer()
	cpu := procCPU(b) - cpu0
	// The harness's own CPU (httptest request and recorder, the checks on
	// the body): the same loop against a handler that writes the answer
	// as recorded, 20 times as many requests for a figure well above the
	// 10 ms resolution of /proc/self/stat.
	recorded := slices.Clone(answer)
	replay := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(recorded)
	})
	hcpu0 := procCPU(b)
	for range 20 * b.N {
		sendTo(context.Background(), replay)
	}
	harness := ms(procCPU(b)-hcpu0) / float64(20*b.N)
	// Raw: the statement through neo4j.ExecuteQuery (a managed
	// transaction: BEGIN, RUN, PULL, COMMIT), and as the store runs
	// it, an auto-commit transaction in a read session (RUN, PULL).
	raw := make([]time.Duration, 0, b.N)
	rawAuto := make([]time.Duration, 0, b.N)
	for i := range b.N + 20 {
		start := time.Now()
		if _, err := neo4j.ExecuteQuery(context.Background(), inst.Driver, cypher, params, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(inst.Database), neo4j.ExecuteQueryWithReadersRouting()); err != nil {
			b.Fatal(err)
		}
		if i >= 20 {
			raw = append(raw, time.Since(start))
		}
		start = time.Now()
		autoCommit(b, inst, cypher, params)
		if i >= 20 {
			rawAuto = append(rawAuto, time.Since(start))
		}
	}
	p50, rawP50, rawAutoP50 := median(lat), median(raw), median(rawAuto)
	b.ReportMetric(ms(p50), "p50-ms")
	b.ReportMetric(ms(rawP50), "raw-p50-ms")
	b.ReportMetric(float64(p50)/float64(rawP50), "graphql/raw")
	b.ReportMetric(ms(rawAutoP50), "raw-autocommit-p50-ms")
	b.ReportMetric(float64(p50)/float64(rawAutoP50), "graphql/raw-autocommit")
	b.ReportMetric(float64(stmts)/float64(b.N), "stmts/req")
	b.ReportMetric(ms(cpu)/float64(b.N), "cpu-ms/req")
	b.ReportMetric(float64(ids), "ids/answer")
	// The server's share: the process's CPU less the harness's (building
	// the request, recording and checking the answer), measured apart.
	server := ms(cpu)/float64(b.N) - harness
	b.ReportMetric(harness, "harness-cpu-ms/req")
	b.ReportMetric(server, "server-cpu-ms/req")
	if ids > 0 {
		b.ReportMetric(ms(cpu)*1000/float64(b.N)/float64(ids), "cpu-us/id")
		b.ReportMetric(server*1000/float64(ids), "server-cpu-us/id")
	}
	b.ReportMetric(0, "ns/op")
}

// autoCommit runs cypher in an auto-commit transaction of a read session
// and collects its records.
func autoCommit(b *testing.B, inst *neo4jtest.Instance, cypher string, params map[string]any) {
	ctx := context.Background()
	session := inst.Driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead, DatabaseName: inst.Database})
	defer session.Close(ctx)
	cur, err := session.Run(ctx, cypher, params)
	if err == nil {
		_, err = cur.Collect(ctx)
	}
	if err != nil {
		b.Fatal(err)
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// procCPU is this process's user+system CPU time (bench.ProcessCPU, which
// reads /proc/self/stat fields 14 and 15).
func procCPU(b *testing.B) time.Duration {
	s, err := bench.ProcessCPU(os.Getpid())
	if err != nil {
		b.Fatal(err)
	}
	return time.Duration(s * float64(time.Second))
}
