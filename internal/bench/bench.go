// Package bench measures armsgraph against a real Neo4j: the batched
// ingester against a one-row-per-transaction baseline, with the ingest's
// peak memory, and the latency and throughput of the read queries through
// the GraphQL endpoint, through the store, and as raw Cypher through the Go
// driver, with the database hits of each query's PROFILE. It reports
// figures; it asserts nothing about time.
//
// Every size is loaded into a database the benchmark owns: it refuses to
// run against one that holds data it did not write, and it removes what it
// wrote before loading the next size. On the test instance it takes the
// integration tests' lock and leaves their marker, so the two never clash.
package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/internal/dblock"
	"armsgraph/internal/neo4jstore"
	"armsgraph/internal/synth"
)

// Size is one graph to benchmark: the project's seed folder, or a synthetic
// one of Weapons weapons.
type Size struct {
	Name    string // "seed", "10k", "100k", "1m" …
	Weapons int    // 0 for the seed folder
}

// HandlerFunc builds the GraphQL HTTP handler over a store; nil when the
// server is not available, and the GraphQL side is then reported as such.
type HandlerFunc func(store *neo4jstore.Store) (http.Handler, error)

// Config says what to measure and where.
type Config struct {
	Neo4j       neo4jstore.Config
	Sizes       []Size
	SeedsDir    string // the seed folder for size "seed"
	DocsDir     string // its source documents ("" skips the citation line check)
	WorkDir     string // where synthetic folders are written (and reused when already there)
	Countries   int    // countries of the synthetic folders
	Seed        int64  // synth seed
	BatchSize   int    // ingest rows per transaction
	NaiveSample int    // rows written one per transaction for the baseline
	Duration    time.Duration
	MaxRequests int   // per timed run, a bound besides Duration
	Concurrency []int // e.g. 1, 16
	OutDir      string
	StoreDir    string // the database's data folder, to report its size; optional
	SkipQueries bool
	// QueriesOnly measures the queries on the dataset a previous run loaded
	// (bench-<size>), keeping the ingest figures of its result file.
	QueriesOnly bool
	// WaitQuiet, when positive, waits up to this long before each size for
	// the machine's CPU pressure (10 s average) to fall below QuietBelow
	// percent, so that other programs' load skews the figures less.
	WaitQuiet  time.Duration
	QuietBelow float64
	GraphQL    HandlerFunc
	// Peer, when set, also compares armsgraph with @neo4j/graphql on each
	// size and writes <OutDir>/peer-<size>.json.
	Peer *PeerConfig
	// Progress receives log lines; nil for none.
	Progress io.Writer
}

// Result is everything measured for one size; it is what bench/results/<size>.json holds.
type Result struct {
	Size        string        `json:"size"`
	GeneratedAt string        `json:"generated_at"`
	Machine     Machine       `json:"machine"`
	Settings    Settings      `json:"settings"`
	Synth       *SynthResult  `json:"synth,omitempty"`
	Ingest      IngestResult  `json:"ingest"`
	Naive       *NaiveResult  `json:"naive_baseline,omitempty"`
	Targets     *Targets      `json:"query_targets,omitempty"`
	Queries     []QueryResult `json:"queries,omitempty"`
	Notes       []string      `json:"notes,omitempty"`
	// LoadAverage is the machine's load average when the size started.
	LoadAverage string `json:"load_average_at_start"`
	// Peer is the comparison with @neo4j/graphql, written to its own file.
	Peer *PeerResult `json:"-"`
}

// Settings are the benchmark parameters a result was taken with.
type Settings struct {
	BatchSize   int     `json:"batch_size"`
	NaiveSample int     `json:"naive_sample_rows"`
	DurationSec float64 `json:"seconds_per_timed_run"`
	MaxRequests int     `json:"max_requests_per_run"`
	Concurrency []int   `json:"concurrency"`
	Countries   int     `json:"synthetic_countries"`
	Seed        int64   `json:"synthetic_seed"`
}

// SynthResult is what generating the synthetic folder cost.
type SynthResult struct {
	Dir     string         `json:"dir"`
	Reused  bool           `json:"reused"`
	Seconds float64        `json:"seconds"`
	Files   int            `json:"files"`
	MB      float64        `json:"mb"`
	Items   map[string]int `json:"items"`
	Memory  *Memory        `json:"memory,omitempty"`
}

type runner struct {
	cfg          Config
	store        *neo4jstore.Store
	driver       neo4j.DriverWithContext
	mu           sync.Mutex
	storeQueries queryCounter
	// handler is the GraphQL handler the benchmark serves (nil without
	// one): the raw side captures its statements through it.
	handler http.Handler
}

func (r *runner) logf(format string, args ...any) {
	if r.cfg.Progress == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(r.cfg.Progress, "%s bench: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// datasetPrefix starts the dataset name of everything the benchmark writes.
const datasetPrefix = "bench-"

// benchLoads matches the nodes in which the ingester records the
// benchmark's loads (neo4jstore's generation.go); the graph's one
// Generation node is left in place.
const benchLoads = "(n:" + neo4jstore.DatasetLabel + " AND n.name STARTS WITH $prefix)"

// ErrForeignData is returned when the database holds data the benchmark did not write.
var ErrForeignData = errors.New("the database holds data the benchmark did not write")

// CheckLoopback refuses a Neo4j URI that is not on this machine: the
// benchmark sends load, and load goes to loopback addresses only.
func CheckLoopback(uri string) error {
	u, err := url.Parse(uri)
	if err != nil {
		return fmt.Errorf("neo4j uri %q: %w", uri, err)
	}
	switch h := u.Hostname(); {
	case h == "localhost", h == "::1", strings.HasPrefix(h, "127."):
		return nil
	}
	return fmt.Errorf("neo4j uri %q: the benchmark only runs against a Neo4j on this machine (127.0.0.1, localhost or ::1)", uri)
}

// Run benchmarks every size in turn, writes <OutDir>/<size>.json for each and
// returns the results.
func Run(ctx context.Context, cfg Config) ([]Result, error) {
	if err := CheckLoopback(cfg.Neo4j.URI); err != nil {
		return nil, err
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 5000
	}
	if cfg.NaiveSample <= 0 {
		cfg.NaiveSample = 2000
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 5 * time.Second
	}
	if cfg.MaxRequests <= 0 {
		cfg.MaxRequests = 200000
	}
	if len(cfg.Concurrency) == 0 {
		cfg.Concurrency = []int{1, 16}
	}
	if cfg.Countries <= 0 {
		cfg.Countries = 100
	}
	store, err := neo4jstore.Open(ctx, cfg.Neo4j)
	if err != nil {
		return nil, err
	}
	defer store.Close(context.WithoutCancel(ctx))
	if err := store.Ping(ctx); err != nil {
		return nil, fmt.Errorf("connect to Neo4j at %s: %w", cfg.Neo4j.URI, err)
	}
	driver, err := neo4j.NewDriverWithContext(cfg.Neo4j.URI, neo4j.BasicAuth(cfg.Neo4j.User, cfg.Neo4j.Password, ""))
	if err != nil {
		return nil, err
	}
	defer driver.Close(context.WithoutCancel(ctx))
	r := &runner{cfg: cfg, store: store, driver: driver}
	unlock, err := r.lockDatabase(ctx, 15*time.Minute)
	if err != nil {
		return nil, err
	}
	defer unlock()
	defer r.markThrowaway(context.WithoutCancel(ctx))
	machine := r.machine(ctx)
	r.logf("machine: %s", machine.Summary())
	if err := os.MkdirAll(cfg.OutDir, 0o755); err != nil {
		return nil, err
	}
	var results []Result
	for _, size := range cfg.Sizes {
		path := filepath.Join(cfg.OutDir, size.Name+".json")
		// The result is saved after each phase, so a run cut short keeps what it measured.
		save := func(res *Result) error { return WriteJSON(path, *res) }
		if cfg.Peer != nil && cfg.Peer.Only {
			// Only the comparison is measured: keep <size>.json of the last full run.
			save = func(*Result) error { return nil }
		}
		res, err := r.runSize(ctx, size, machine, save)
		if err != nil {
			return results, fmt.Errorf("size %s: %w", size.Name, err)
		}
		if err := save(&res); err != nil {
			return results, err
		}
		if cfg.Peer == nil || !cfg.Peer.Only {
			r.logf("wrote %s", path)
		}
		results = append(results, res)
	}
	return results, nil
}

func (r *runner) runSize(ctx context.Context, size Size, machine Machine, save func(*Result) error) (Result, error) {
	cfg := r.cfg
	res := Result{Size: size.Name, GeneratedAt: time.Now().UTC().Format(time.RFC3339), Machine: machine,
		Settings: Settings{BatchSize: cfg.BatchSize, NaiveSample: cfg.NaiveSample, DurationSec: cfg.Duration.Seconds(),
			MaxRequests: cfg.MaxRequests, Concurrency: cfg.Concurrency, Countries: cfg.Countries, Seed: cfg.Seed}}
	r.waitQuiet(ctx)
	res.LoadAverage = loadAverage()
	r.logf("== %s == (load average %s)", size.Name, res.LoadAverage)
	dir, docs := cfg.SeedsDir, cfg.DocsDir
	var manifest *synth.Manifest
	if size.Weapons > 0 {
		var err error
		dir = filepath.Join(cfg.WorkDir, "synth-"+size.Name)
		docs = filepath.Join(dir, synth.DocumentsDir)
		manifest, res.Synth, err = r.synthesize(ctx, dir, size.Weapons)
		if err != nil {
			return res, err
		}
	}
	dataset := datasetPrefix + size.Name
	if cfg.QueriesOnly {
		return r.queriesOnly(ctx, res, dataset, manifest)
	}
	if err := r.wipe(ctx); err != nil {
		return res, err
	}
	ing, err := r.benchIngest(ctx, dir, docs, dataset)
	if err != nil {
		return res, err
	}
	if cfg.StoreDir != "" {
		ing.StoreMB = dirMB(cfg.StoreDir)
	}
	if size.Weapons >= 1_000_000 {
		ok := ing.IngestSec < 600
		ing.WithinTarget = &ok
		ing.TargetComment = fmt.Sprintf("ingest.Run took %.0fs (target: under 600s); validation before it took %.0fs more", ing.IngestSec, ing.ValidateSec)
	}
	res.Ingest = ing
	if cfg.Peer != nil && cfg.Peer.Only {
		// The comparison alone: the naive baseline would not be saved.
		return r.runQueries(ctx, res, dataset, manifest)
	}
	naive, err := r.benchNaive(ctx, dir, ing)
	if err != nil {
		res.Notes = append(res.Notes, "naive baseline failed: "+err.Error())
		r.logf("  naive baseline failed: %v", err)
	} else {
		res.Naive = &naive
	}
	if err := save(&res); err != nil {
		return res, err
	}
	if cfg.SkipQueries {
		return res, nil
	}
	return r.runQueries(ctx, res, dataset, manifest)
}

// queriesOnly measures the queries on an already loaded dataset.
func (r *runner) queriesOnly(ctx context.Context, res Result, dataset string, manifest *synth.Manifest) (Result, error) {
	recs, err := r.collect(ctx, "MATCH (n:Entity {dataset: $ds}) RETURN count(n)", map[string]any{"ds": dataset}, true)
	if err != nil {
		return res, err
	}
	if n, _ := recs[0].Values[0].(int64); n == 0 {
		return res, fmt.Errorf("dataset %s is not loaded: run without --queries-only first", dataset)
	}
	if prev, err := ReadJSON(filepath.Join(r.cfg.OutDir, res.Size+".json")); err == nil {
		res.Ingest, res.Naive, res.Synth = prev.Ingest, prev.Naive, prev.Synth
		res.Notes = append(res.Notes, prev.Notes...)
		res.Notes = append(res.Notes, fmt.Sprintf("queries measured again at %s on the loaded dataset (--queries-only); ingest figures from %s", res.GeneratedAt, prev.GeneratedAt))
	}
	return r.runQueries(ctx, res, dataset, manifest)
}

// runQueries picks the targets and measures every query.
func (r *runner) runQueries(ctx context.Context, res Result, dataset string, manifest *synth.Manifest) (Result, error) {
	var targets *Targets
	var err error
	if manifest != nil {
		targets = targetsFromManifest(manifest)
	} else if targets, err = r.discoverTargets(ctx, dataset); err != nil {
		return res, fmt.Errorf("pick query targets: %w", err)
	}
	res.Targets = targets
	if r.cfg.Peer == nil || !r.cfg.Peer.Only {
		gql, gqlErr, stop := r.startGraphQL()
		if gqlErr != "" {
			res.Notes = append(res.Notes, "GraphQL side not measured: "+gqlErr)
			r.logf("  GraphQL side not available: %s", gqlErr)
		}
		res.Queries = r.benchQueries(ctx, targets, gql, gqlErr)
		stop()
	}
	if r.cfg.Peer != nil {
		peer, err := r.runPeer(ctx, res.Size, res.Machine, targets)
		if err != nil {
			return res, fmt.Errorf("peer comparison: %w", err)
		}
		path := peerPath(r.cfg.OutDir, res.Size)
		if err := writeJSONFile(path, peer); err != nil {
			return res, err
		}
		r.logf("wrote %s", path)
		res.Peer = &peer
	}
	return res, nil
}

// waitQuiet waits, at most cfg.WaitQuiet, for the CPU pressure to drop.
func (r *runner) waitQuiet(ctx context.Context) {
	if r.cfg.WaitQuiet <= 0 {
		return
	}
	below := r.cfg.QuietBelow
	if below <= 0 {
		below = 20
	}
	deadline := time.Now().Add(r.cfg.WaitQuiet)
	for {
		p, ok := cpuPressureAvg10()
		if !ok || p < below {
			return
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			r.logf("  machine still busy (CPU pressure %.0f%%); going on", p)
			return
		}
		r.logf("  waiting for a quieter machine: CPU pressure %.0f%% (want < %.0f%%), load %s", p, below, loadAverage())
		select {
		case <-ctx.Done():
			return
		case <-time.After(15 * time.Second):
		}
	}
}

// synthesize writes (or reuses) the synthetic folder of a size.
func (r *runner) synthesize(ctx context.Context, dir string, weapons int) (*synth.Manifest, *SynthResult, error) {
	if data, err := os.ReadFile(filepath.Join(dir, synth.ManifestFile)); err == nil {
		var m synth.Manifest
		if json.Unmarshal(data, &m) == nil && m.Weapons == weapons && m.Countries == r.cfg.Countries && m.Seed == r.cfg.Seed {
			r.logf("  reusing %s (seed %d, %d weapons)", dir, m.Seed, m.Weapons)
			return &m, &SynthResult{Dir: dir, Reused: true, Seconds: round2(m.Seconds), Files: m.Files, MB: round2(float64(m.Bytes) / 1e6), Items: m.Items}, nil
		}
	}
	r.logf("  synth: %d weapons, %d countries, seed %d → %s", weapons, r.cfg.Countries, r.cfg.Seed, dir)
	mw := watchMemory()
	cfg := synth.Config{Weapons: weapons, Countries: r.cfg.Countries, Seed: r.cfg.Seed, Force: true, Every: 10 * time.Second}
	if r.cfg.Progress != nil {
		cfg.Progress = &logWriter{r: r}
	}
	m, err := synth.Generate(ctx, dir, cfg)
	mem := mw.finish()
	if err != nil {
		return nil, nil, err
	}
	return m, &SynthResult{Dir: dir, Seconds: round2(m.Seconds), Files: m.Files, MB: round2(float64(m.Bytes) / 1e6), Items: m.Items, Memory: &mem}, nil
}

// wipe removes everything the benchmark wrote before, after checking that
// the database holds nothing else. A database that carries the
// integration tests' marker is a test database, which the tests empty at
// will: what they left is removed too, so that `make bench` runs after
// `make test` on the same test instance.
func (r *runner) wipe(ctx context.Context) error {
	// OPTIONAL MATCH keeps the one row when nothing matches (testDatabase
	// is a grouping key, which would otherwise leave no row at all).
	recs, err := r.collect(ctx, `WITH EXISTS { MATCH (m:`+dblock.MarkerLabel+`) } AS testDatabase
OPTIONAL MATCH (n) WHERE NOT coalesce(n.dataset, '') STARTS WITH $prefix AND NOT n:`+dblock.MarkerLabel+`
  AND NOT `+benchLoads+` AND NOT n:`+neo4jstore.GenerationLabel+`
RETURN count(n) AS foreign, collect(DISTINCT n.dataset)[..5] AS datasets, testDatabase`, map[string]any{"prefix": datasetPrefix}, true)
	if err != nil {
		return err
	}
	if len(recs) != 1 {
		return fmt.Errorf("check the database before the benchmark: %d rows, want 1", len(recs))
	}
	foreign, _ := recs[0].Values[0].(int64)
	testDB, _ := recs[0].Values[2].(bool)
	if foreign > 0 && !testDB {
		return fmt.Errorf("%w: %d nodes (datasets %v); point --neo4j-uri at an instance of its own (see docs/benchmarks.md)", ErrForeignData, foreign, recs[0].Values[1])
	}
	remove := `MATCH (n) WHERE n.dataset STARTS WITH $prefix OR ` + benchLoads
	if foreign > 0 {
		r.logf("  the test database holds %d nodes the integration tests left (datasets %v): removing them", foreign, recs[0].Values[1])
		remove = `MATCH (n) WHERE NOT n:` + dblock.MarkerLabel
	}
	t0 := time.Now()
	session := r.driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeWrite, DatabaseName: r.cfg.Neo4j.Database})
	defer session.Close(context.WithoutCancel(ctx))
	res, err := session.Run(ctx, remove+`
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS`, map[string]any{"prefix": datasetPrefix})
	if err != nil {
		return fmt.Errorf("remove earlier benchmark data: %w", err)
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		return fmt.Errorf("remove earlier benchmark data: %w", err)
	}
	if n := sum.Counters().NodesDeleted(); n > 0 {
		r.logf("  removed %d nodes of earlier runs in %s", n, time.Since(t0).Round(time.Millisecond))
	}
	return nil
}

// startGraphQL serves the GraphQL handler on a loopback port.
func (r *runner) startGraphQL() (*graphqlClient, string, func()) {
	if r.cfg.GraphQL == nil {
		return nil, "the GraphQL server (internal/server) is not built into this binary yet", func() {}
	}
	h, err := r.cfg.GraphQL(r.store)
	if err != nil {
		return nil, "building the GraphQL handler: " + err.Error(), func() {}
	}
	r.handler = h
	// Count the store's queries per request (wiring.New installs its own
	// observer, so the count rides on the request's context instead).
	counted := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx, c := neo4jstore.WithQueryCounter(req.Context())
		h.ServeHTTP(w, req.WithContext(ctx))
		r.storeQueries.Add(c.Count())
	})
	srv := httptest.NewServer(counted) // listens on 127.0.0.1 only
	maxConc := 1
	for _, c := range r.cfg.Concurrency {
		maxConc = max(maxConc, c)
	}
	return newGraphQLClient(srv.URL+"/graphql", maxConc), "", srv.Close
}

// dirMB adds up the sizes of the files below dir.
func dirMB(dir string) float64 {
	var total int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				total += info.Size()
			}
		}
		return nil
	})
	return round2(float64(total) / 1e6)
}

// Machine describes where the figures were taken.
type Machine struct {
	CPU         string  `json:"cpu"`
	Cores       int     `json:"cores"`
	MemoryGB    float64 `json:"memory_gb"`
	OS          string  `json:"os"`
	Go          string  `json:"go"`
	Neo4j       string  `json:"neo4j"`
	Neo4jMemory string  `json:"neo4j_memory,omitempty"`
	Neo4jURI    string  `json:"neo4j_uri"`
	SameMachine bool    `json:"neo4j_on_same_machine"`
}

// Summary is a one-line description.
func (m Machine) Summary() string {
	return fmt.Sprintf("%s, %d cores, %.0f GB, %s, %s, Neo4j %s%s", m.CPU, m.Cores, m.MemoryGB, m.OS, m.Go, m.Neo4j, m.Neo4jMemory)
}

func (r *runner) machine(ctx context.Context) Machine {
	m := Machine{Cores: runtime.NumCPU(), Go: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH, Neo4jURI: r.cfg.Neo4j.URI, SameMachine: true}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if kb, ok := procMeminfo("MemTotal"); ok {
		m.MemoryGB = round2(float64(kb) / (1 << 20))
	}
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.OS += " " + strings.TrimSpace(string(data))
	}
	if recs, err := r.collect(ctx, "CALL dbms.components() YIELD name, versions, edition RETURN name + ' ' + versions[0] + ' ' + edition", nil, true); err == nil && len(recs) > 0 {
		m.Neo4j, _ = recs[0].Values[0].(string)
	}
	if recs, err := r.collect(ctx, `SHOW SETTINGS YIELD name, value WHERE name IN ['server.memory.heap.max_size', 'server.memory.pagecache.size'] RETURN name, value ORDER BY name`, nil, true); err == nil {
		var parts []string
		for _, rec := range recs {
			parts = append(parts, fmt.Sprintf("%v=%v", rec.Values[0], rec.Values[1]))
		}
		if len(parts) > 0 {
			m.Neo4jMemory = " (" + strings.Join(parts, ", ") + ")"
		}
	}
	return m
}

func procMeminfo(field string) (uint64, bool) {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && k == field {
			var n uint64
			_, err := fmt.Sscanf(strings.TrimSpace(v), "%d", &n)
			return n, err == nil
		}
	}
	return 0, false
}
