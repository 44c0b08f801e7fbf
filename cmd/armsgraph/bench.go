package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"armsgraph/cmd/wiring"
	"armsgraph/internal/bench"
	"armsgraph/internal/ingest"
	"armsgraph/internal/neo4jstore"
)

// The benchmark's own Neo4j defaults: the test instance of scripts/neo4j,
// never the development one, which holds a user's data.
const (
	benchDefaultURI      = "bolt://127.0.0.1:7688"
	benchDefaultPassword = "armsgraph-test"
	devPort              = "7687"
)

func runBench(ctx context.Context, args []string, env getenv, stdout, stderr io.Writer) error {
	fs := newFlags("bench", "Measures ingest and query speed against a real Neo4j on this machine and prints tables;\n"+
		"writes one JSON file per size to --out (figures only: nothing is asserted about time).\n\n"+
		"For each size: the seed folder (\"seed\") or a synthetic folder written by `armsgraph synth`\n"+
		"(reused from --work when already there) is validated and ingested with the batched ingester,\n"+
		"timed by phase, with the process's peak heap and RSS; a sample of rows is then written one per\n"+
		"transaction for the naive baseline. Then lineage (depth 10), paths (maxHops 6), neighborhood\n"+
		"(depth 2), an alias lookup and a filtered weapon list are timed at each concurrency for\n"+
		"--duration each: as the store's raw Cypher through the Go driver, through the store, and as\n"+
		"HTTP POSTs to the GraphQL handler on a loopback port; PROFILE gives each query's database hits.\n\n"+
		"The benchmark deletes what it wrote before each size and refuses a database holding anything\n"+
		"else: give it an instance of its own (docs/benchmarks.md shows how). It refuses the dev\n"+
		"instance's port "+devPort+" and any address that is not on this machine.", stderr)
	sizes := fs.String("sizes", "seed,10k,100k", "sizes to run, comma separated: seed and weapon counts such as 10k, 100k, 1m")
	uri := fs.String("neo4j-uri", envOr(env, "ARMSGRAPH_BENCH_NEO4J_URI", benchDefaultURI), "Neo4j to benchmark (loopback only) [ARMSGRAPH_BENCH_NEO4J_URI]")
	user := fs.String("neo4j-user", envOr(env, "ARMSGRAPH_BENCH_NEO4J_USER", "neo4j"), "Neo4j user [ARMSGRAPH_BENCH_NEO4J_USER]")
	password := new(string)
	secretVar(fs, password, "neo4j-password", envOr(env, "ARMSGRAPH_BENCH_NEO4J_PASSWORD", benchDefaultPassword), "Neo4j `password` [ARMSGRAPH_BENCH_NEO4J_PASSWORD] (default: the test instance's; never printed)")
	database := fs.String("neo4j-database", "neo4j", "Neo4j database")
	storeDir := fs.String("neo4j-data", "", "the instance's data folder, to report the store's size on disk (optional)")
	seedsDir := fs.String("seeds", "seeds", "seed folder for size \"seed\"")
	docs := fs.String("documents", "", "source documents of --seeds (default: $ARMSGRAPH_DOCUMENTS, else ../shared/seed-documents when present)")
	work := fs.String("work", filepath.Join(os.TempDir(), "armsgraph-bench"), "folder for the synthetic seed folders (kept and reused between runs; about 1 GB for 1m)")
	out := fs.String("out", "bench/results", "folder for the JSON results (<size>.json)")
	countries := fs.Int("countries", 100, "countries in the synthetic folders")
	seed := fs.Int64("seed", 1, "seed of the synthetic folders")
	batch := fs.Int("batch", 5000, "ingest rows per write transaction")
	naive := fs.Int("naive-sample", 2000, "rows written one per transaction for the naive baseline")
	duration := fs.Duration("duration", 5*time.Second, "length of each timed query run (one per query, side and concurrency)")
	maxReq := fs.Int("max-requests", 200000, "bound on the requests of each timed run")
	conc := fs.String("concurrency", "1,16", "concurrencies to run the queries at, comma separated")
	queryTimeout := fs.Duration("query-timeout", 30*time.Second, "limit on one read query, enforced inside Neo4j too")
	skipQueries := fs.Bool("ingest-only", false, "measure ingest only")
	queriesOnly := fs.Bool("queries-only", false, "measure the queries on the dataset a previous run left loaded, keeping the ingest figures of its --out file")
	waitQuiet := fs.Duration("wait-quiet", 0, "before each size, wait up to this long for the machine's CPU pressure to fall below --quiet-below")
	quietBelow := fs.Float64("quiet-below", 20, "CPU pressure (percent, 10 s average) counted as quiet")
	peer := addPeerFlags(fs, env)
	cpuProfile := fs.String("cpuprofile", "", "write a pprof CPU profile of the benchmark process (ingest parsing, driver, GraphQL handler) to this file")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	u, err := url.Parse(*uri)
	if err == nil && u.Port() == devPort {
		return fmt.Errorf("bench: %s is the dev instance's port; the benchmark wipes what it loads, so give it an instance of its own (docs/benchmarks.md)", *uri)
	}
	if err := bench.CheckLoopback(*uri); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	sz, err := parseSizes(*sizes)
	if err != nil {
		fmt.Fprintf(stderr, "bench: --sizes: %v\n", err)
		return errUsageShown
	}
	cs, err := parseInts(*conc)
	if err != nil {
		fmt.Fprintf(stderr, "bench: --concurrency: %v\n", err)
		return errUsageShown
	}
	cfg := bench.Config{
		Neo4j: neo4jstore.Config{URI: *uri, User: *user, Password: *password, Database: *database,
			QueryTimeout: *queryTimeout, WriteTimeout: 10 * time.Minute, MaxConnections: 64, RetryTime: ingest.RetryTime},
		Sizes: sz, SeedsDir: *seedsDir, DocsDir: documentsDir(*docs, env), WorkDir: *work, Countries: *countries, Seed: *seed,
		BatchSize: *batch, NaiveSample: *naive, Duration: *duration, MaxRequests: *maxReq, Concurrency: cs,
		OutDir: *out, StoreDir: *storeDir, SkipQueries: *skipQueries, GraphQL: graphQLHandler, Progress: stderr,
	}
	cfg.WaitQuiet, cfg.QuietBelow, cfg.QueriesOnly = *waitQuiet, *quietBelow, *queriesOnly
	if cfg.Peer, err = peer.config(cfg.Neo4j, func(f string, a ...any) { fmt.Fprintf(stderr, f+"\n", a...) }); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	fmt.Fprintf(stderr, "bench: sizes %s against %s\n", *sizes, describe(&cfg.Neo4j))
	results, err := bench.Run(ctx, cfg)
	bench.WriteTables(stdout, results)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	return nil
}

// parseSizes reads "seed,10k,100k,1m".
func parseSizes(s string) ([]bench.Size, error) {
	var out []bench.Size
	for _, part := range strings.Split(s, ",") {
		part = strings.ToLower(strings.TrimSpace(part))
		if part == "" {
			continue
		}
		if part == "seed" || part == "seeds" {
			out = append(out, bench.Size{Name: "seed"})
			continue
		}
		n, err := parseCount(part)
		if err != nil {
			return nil, err
		}
		out = append(out, bench.Size{Name: part, Weapons: n})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no size given")
	}
	return out, nil
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || n < 1 || n > 256 {
			return nil, fmt.Errorf("want numbers from 1 to 256 such as 1,16; got %q", part)
		}
		out = append(out, n)
	}
	return out, nil
}

// graphQLHandler builds the GraphQL handler the benchmark posts to: the
// server's own, with its default configuration, as `armsgraph serve` builds it.
func graphQLHandler(store *neo4jstore.Store) (http.Handler, error) {
	return wiring.New(wiring.DefaultConfig(), store, nil), nil
}
