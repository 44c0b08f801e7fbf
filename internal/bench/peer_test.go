package bench

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseProcStat(t *testing.T) {
	// Fields 14 and 15 (utime, stime) are 250 and 130 ticks here: 3.8 s.
	// The command name holds a space and a ")" of its own.
	line := "4242 (node (x) y) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 130 0 0 20 0 11 0 9001 1000000 5000 18446744073709551615\n"
	got, err := parseProcStat(line)
	if err != nil || got != 3.8 {
		t.Errorf("parseProcStat(%q) = %v, %v, want 3.8 s", line, got, err)
	}
	for _, bad := range []string{
		"",
		"4242 node S 1 2 3",                      // no parentheses
		"4242 (node) S 1 4242 4242 0 -1 4194560", // too few fields
		"4242 (node) S 1 4242 4242 0 -1 4194560 1234 0 0 0 25x 130 0 0", // not a number
	} {
		if v, err := parseProcStat(bad); err == nil {
			t.Errorf("parseProcStat(%q) = %v, want an error", bad, v)
		}
	}
}

// ProcessCPU reads this very process's CPU time, which grows while it computes.
func TestProcessCPUGrows(t *testing.T) {
	before, err := ProcessCPU(os.Getpid())
	if err != nil {
		t.Fatalf("ProcessCPU(self): %v", err)
	}
	x := 0
	deadline := time.Now().Add(20 * time.Second)
	var after float64
	for after < before+0.05 && time.Now().Before(deadline) {
		for i := range 10_000_000 {
			x += i % 7
		}
		if after, err = ProcessCPU(os.Getpid()); err != nil {
			t.Fatalf("ProcessCPU(self): %v", err)
		}
	}
	if after < before+0.05 {
		t.Errorf("ProcessCPU(self) went from %.2f to %.2f s while computing (%d), want at least 0.05 s more", before, after, x)
	}
	if _, err := ProcessCPU(1 << 30); err == nil {
		t.Errorf("ProcessCPU(no such pid) = nil error, want one")
	}
	m := newCPUMeter(map[string]int{"self": os.Getpid(), "none": 0})
	s := m.seconds()
	if s["none"] != -1 || s["self"] < 0 {
		t.Errorf("cpuMeter.seconds() = %v, want none -1 and self >= 0", s)
	}
}

func TestCPUPerRequest(t *testing.T) {
	for _, tc := range []struct {
		sec  float64
		reqs int
		want float64
	}{{1.5, 6000, 0.25}, {0.01, 3, 3.333}, {2, 0, -1}, {-1, 10, -1}} {
		if got := cpuPerRequestMs(tc.sec, tc.reqs); got != tc.want {
			t.Errorf("cpuPerRequestMs(%v, %d) = %v, want %v", tc.sec, tc.reqs, got, tc.want)
		}
	}
}

func TestCompare(t *testing.T) {
	ag := PeerSide{Latency: Latency{RPS: 2000, P50Ms: 5, P99Ms: 20}, Neo4jCPUMs: 0.3, ServerCPUMs: 0.2}
	peer := PeerSide{Latency: Latency{RPS: 1000, P50Ms: 10, P99Ms: 40}, Neo4jCPUMs: 0.3, ServerCPUMs: 0.8}
	r, g := compare(ag, peer)
	if r != (Ratios{RPS: 2, P50: 0.5, P99: 0.5, Neo4jCPU: 1, ServerCPU: 0.25}) {
		t.Errorf("compare ratios = %+v, want rps 2, p50 0.5, p99 0.5, neo4j 1, server 0.25", r)
	}
	if g.TwiceThroughput == nil || !*g.TwiceThroughput || g.Neo4jCPUNotHigher == nil || !*g.Neo4jCPUNotHigher || g.ServerCPUUnder == nil || !*g.ServerCPUUnder {
		t.Errorf("compare goals = %+v, want all three met", g)
	}
	// Just under twice the throughput, more Neo4j CPU, an unknown server CPU.
	ag = PeerSide{Latency: Latency{RPS: 1999}, Neo4jCPUMs: 0.31, ServerCPUMs: -1}
	r, g = compare(ag, peer)
	if r.RPS != 2 || r.ServerCPU != -1 || r.Neo4jCPU != 1.03 {
		t.Errorf("compare ratios = %+v, want rps 2 (rounded), neo4j 1.03, server -1 (unknown)", r)
	}
	if *g.TwiceThroughput || *g.Neo4jCPUNotHigher || g.ServerCPUUnder != nil {
		t.Errorf("compare goals = throughput %v, neo4j %v, server %v; want false, false, unknown",
			*g.TwiceThroughput, *g.Neo4jCPUNotHigher, g.ServerCPUUnder)
	}
	if got := ratio(1, 0); got != -1 {
		t.Errorf("ratio(1, 0) = %v, want -1", got)
	}
}

func TestAnswerNames(t *testing.T) {
	body := []byte(`{"data":{"weapons":[{"name":"C-802","origin":{"name":"China"},
  "derivativesConnection":{"edges":[{"properties":{"kind":"variant"},"node":{"name":"Noor","origin":{"name":"Iran"}}},
  {"node":{"name":"Qader","origin":{"name":"Iran"}}}]}}]}}`)
	got, err := answerNames(body, "C-802")
	if want := []string{"China", "Iran", "Noor", "Qader"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("answerNames = %v, %v, want %v", got, err, want)
	}
	if _, err := answerNames([]byte("not json"), ""); err == nil {
		t.Errorf("answerNames(not json) = nil error, want one")
	}
	if d := diffNames([]string{"a", "b", "c"}, []string{"b", "c", "d"}); d != "3 names vs 3; only armsgraph: [a]; only peer: [d]" {
		t.Errorf("diffNames = %q", d)
	}
}

func samplePeerResult() PeerResult {
	ag := PeerSide{Latency: Latency{Requests: 9000, RPS: 1800, P50Ms: 7.5, P99Ms: 21}, Neo4jCPUMs: 0.41, ServerCPUMs: -1}
	peer := PeerSide{Latency: Latency{Requests: 6000, RPS: 1200, P50Ms: 12, P99Ms: 30, Errors: 2, FirstError: "boom"}, Neo4jCPUMs: 0.3, ServerCPUMs: 0.8}
	q := PeerQuery{Name: "derivatives", Targets: 8, SameAnswers: 7, Mismatch: "name=\"X\": 2 names vs 1",
		Sides: map[string]PeerSide{SideArmsgraph: ag, SidePeer: peer}, CPUPressurePct: 12.4}
	q.Ratios, q.Goals = compare(ag, peer)
	return PeerResult{Size: "10k", Concurrency: 16, DurationSec: 5, Peer: PeerVersion{Library: "7.6.3", Server: "5.5.1", Node: "v20"},
		Queries: []PeerQuery{q, {Name: "page", Unavailable: "no targets in this dataset"}}}
}

func TestWritePeerTable(t *testing.T) {
	var buf bytes.Buffer
	WritePeerTable(&buf, []PeerResult{samplePeerResult()})
	out := buf.String()
	for _, want := range []string{
		"armsgraph vs @neo4j/graphql 7.6.3 (Apollo Server 5.5.1, Node v20), same Neo4j and data, c=16, 5s per run",
		"1800 / 1200", "1.50×", "7.5 / 12.0", "21.0 / 30.0", "0.41 / 0.30", "1.37×", "- / 0.80", "7/8", "12",
		`10k derivatives: answers differ: name="X": 2 names vs 1`,
		"10k derivatives peer: 2 errors: boom",
		"¹ 10k page: no targets in this dataset",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("WritePeerTable output lacks %q:\n%s", want, out)
		}
	}
	// The row: the columns in order.
	if !regexpRow(out, "10k", "derivatives", "1800 / 1200", "1.50×", "7.5 / 12.0") {
		t.Errorf("WritePeerTable: no row with size, query, rps, ratio and p50 in order:\n%s", out)
	}
	if strings.Contains(out, "cache on") {
		t.Errorf("WritePeerTable without a cache-on side prints its columns:\n%s", out)
	}
	buf.Reset()
	WritePeerTable(&buf, nil)
	if buf.Len() != 0 {
		t.Errorf("WritePeerTable(nil) wrote %q, want nothing", buf.String())
	}
}

// regexpRow reports whether some line holds the cells in this order.
func regexpRow(out string, cells ...string) bool {
	for _, line := range strings.Split(out, "\n") {
		rest, ok := line, true
		for _, c := range cells {
			i := strings.Index(rest, c)
			if i < 0 {
				ok = false
				break
			}
			rest = rest[i+len(c):]
		}
		if ok {
			return true
		}
	}
	return false
}

func TestPeerJSONRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "peer-10k.json")
	in := samplePeerResult()
	if err := writeJSONFile(path, in); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"neo4j_cpu_ms_per_request": 0.41`, `"server_cpu_ms_per_request": -1`, `"throughput_at_least_2x": false`, `"server_cpu_at_most_0_25ms": null`} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("peer JSON lacks %s:\n%s", want, data)
		}
	}
}

func TestPeerInstalled(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("package.json", `{"dependencies": {"@neo4j/graphql": "7.6.3", "@apollo/server": "5.5.1", "neo4j-driver": "6.3.0"}}`)
	if PeerInstalled(dir) {
		t.Errorf("PeerInstalled(no node_modules) = true")
	}
	write("node_modules/@neo4j/graphql/package.json", `{"version": "7.6.3"}`)
	write("node_modules/@apollo/server/package.json", `{"version": "5.5.1"}`)
	write("node_modules/neo4j-driver/package.json", `{"version": "6.2.0"}`)
	if PeerInstalled(dir) {
		t.Errorf("PeerInstalled(neo4j-driver 6.2.0 where 6.3.0 is pinned) = true")
	}
	write("node_modules/neo4j-driver/package.json", `{"version": "6.3.0"}`)
	if !PeerInstalled(dir) {
		t.Errorf("PeerInstalled(the pinned versions) = false")
	}
}

func TestStartServer(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Fatalf("no sh: %v", err)
	}
	ctx := context.Background()
	// The process notes the SIGTERM it gets (a SIGKILL, Stop's fallback
	// after 10 s, would leave no note): that is how the test knows Stop
	// ended it with SIGTERM, without timing it.
	termNote := filepath.Join(t.TempDir(), "got-sigterm")
	script := `trap 'echo TERM > "$0"; kill $! 2>/dev/null; exit 0' TERM; echo starting; echo "ready: http://127.0.0.1:1/graphql"; sleep 60 & wait`
	s, err := StartServer(ctx, exec.Command(sh, "-c", script, termNote), t.TempDir(), nil, "ready:", 10*time.Second)
	if err != nil {
		t.Fatalf("StartServer: %v", err)
	}
	if s.URL != "http://127.0.0.1:1/graphql" || s.PID <= 0 {
		t.Errorf("StartServer = %+v, want the URL after the marker and a pid", s)
	}
	s.Stop()
	s.Stop() // twice is harmless
	if note, err := os.ReadFile(termNote); err != nil || strings.TrimSpace(string(note)) != "TERM" {
		t.Errorf("the process left no SIGTERM note (%q, %v): Stop did not end it with SIGTERM", note, err)
	}
	if err := exec.Command("kill", "-0", strconv.Itoa(s.PID)).Run(); err == nil {
		t.Errorf("pid %d still runs after Stop", s.PID)
	}
	_, err = StartServer(ctx, exec.Command(sh, "-c", "echo 'no such database' >&2; exit 3"), t.TempDir(), nil, "ready:", 10*time.Second)
	if err == nil || !strings.Contains(err.Error(), "no such database") {
		t.Errorf("StartServer(a process that exits) = %v, want an error with its stderr", err)
	}
}

// TestWritePeerTableWithCache: the cache-on side's figures sit beside the
// cache-off ones in the same row, with their ratio over the peer.
func TestWritePeerTableWithCache(t *testing.T) {
	res := samplePeerResult()
	q := &res.Queries[0]
	cached := PeerSide{Latency: Latency{Requests: 90000, RPS: 15000, P50Ms: 0.9, P99Ms: 3.2}, Neo4jCPUMs: 0, ServerCPUMs: 0.11}
	q.Sides[SideCached] = cached
	q.CachedRatios, q.CacheGoals = compareCached(cached, q.Sides[SidePeer])
	if !*q.CacheGoals.TenTimesThroughput || !*q.CacheGoals.P99Under5Ms {
		t.Errorf("cache goals for 12.5× and p99 3.2 ms = %+v, want both met", q.CacheGoals)
	}
	var buf bytes.Buffer
	WritePeerTable(&buf, []PeerResult{res})
	out := buf.String()
	if !regexpRow(out, "10k", "derivatives", "1800 / 1200", "1.50×", "15000", "12.50×", "3.2", "0.11 ms") {
		t.Errorf("WritePeerTable: no row with the cache-off figures, then the cache-on rps, ratio, p99 and CPU:\n%s", out)
	}
	if !strings.Contains(out, "cache on: rps") {
		t.Errorf("WritePeerTable lacks the cache-on header:\n%s", out)
	}
}
