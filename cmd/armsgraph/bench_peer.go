package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"armsgraph/internal/bench"
	"armsgraph/internal/neo4jstore"
)

// peerFlags are the flags of the comparison with @neo4j/graphql.
type peerFlags struct {
	on, only, install bool
	dir, pidFile      string
	nodeArgs          string
	concurrency       int
	rounds            int
}

func addPeerFlags(fs *flag.FlagSet, env getenv) *peerFlags {
	p := &peerFlags{}
	fs.BoolVar(&p.on, "peer", false, "also compare armsgraph with @neo4j/graphql (bench/peer) on each size: same Neo4j and data,\n"+
		"equivalent queries at --peer-concurrency, rps, p50, p99 and CPU per request of Neo4j and of\n"+
		"both servers; writes <out>/peer-<size>.json. Needs Node.js 20+ and npm")
	fs.BoolVar(&p.only, "peer-only", false, "with --peer: skip armsgraph's own query table, and leave <out>/<size>.json as it is\n"+
		"(add --queries-only to reuse the size a previous run loaded)")
	fs.BoolVar(&p.install, "peer-install", true, "with --peer: run npm ci in --peer-dir when its packages are missing or not the pinned versions")
	fs.StringVar(&p.dir, "peer-dir", filepath.Join("bench", "peer"), "the peer's folder (package.json, package-lock.json, server.mjs)")
	fs.IntVar(&p.concurrency, "peer-concurrency", 16, "clients of each timed run of the comparison")
	fs.IntVar(&p.rounds, "peer-rounds", 3, "with --peer: each side's --duration is split into this many runs, taken in turn with the other side's")
	fs.StringVar(&p.nodeArgs, "peer-node-args", "", "arguments for the peer's node, space separated, e.g. \"--cpu-prof --cpu-prof-dir=/tmp/prof\"")
	fs.StringVar(&p.pidFile, "neo4j-pid-file", defaultNeo4jPidFile(env), "pid file of the Neo4j process, for its CPU time in the comparison (scripts/neo4j's test instance by default)")
	return p
}

// defaultNeo4jPidFile is where scripts/neo4j keeps the test instance's pid.
func defaultNeo4jPidFile(env getenv) string {
	cache := env("ARMSGRAPH_CACHE")
	if cache == "" {
		base := env("XDG_CACHE_HOME")
		if base == "" {
			base = filepath.Join(env("HOME"), ".cache")
		}
		cache = filepath.Join(base, "armsgraph")
	}
	return filepath.Join(cache, "neo4j", "test", "neo4j.pid")
}

// config turns the flags into the benchmark's peer configuration; nil
// without --peer.
func (p *peerFlags) config(neo4j neo4jstore.Config, stderr func(string, ...any)) (*bench.PeerConfig, error) {
	if !p.on {
		if p.only {
			return nil, fmt.Errorf("--peer-only needs --peer")
		}
		return nil, nil
	}
	if p.concurrency < 1 || p.concurrency > 256 {
		return nil, fmt.Errorf("--peer-concurrency %d: want 1 to 256", p.concurrency)
	}
	if _, err := os.Stat(filepath.Join(p.dir, "server.mjs")); err != nil {
		return nil, fmt.Errorf("--peer-dir %s: %w (run from the repository's root, or point --peer-dir at bench/peer)", p.dir, err)
	}
	pid, err := neo4jPid(p.pidFile)
	if err != nil {
		stderr("bench: Neo4j's CPU time will not be reported: %v", err)
	}
	if p.rounds < 1 || p.rounds > 100 {
		return nil, fmt.Errorf("--peer-rounds %d: want 1 to 100", p.rounds)
	}
	return &bench.PeerConfig{Dir: p.dir, Install: p.install, Concurrency: p.concurrency, Rounds: p.rounds, NodeArgs: strings.Fields(p.nodeArgs), Neo4jPID: pid, Only: p.only,
		Armsgraph: func(ctx context.Context) (*bench.Server, error) { return startArmsgraph(ctx, neo4j, 0) },
		ArmsgraphCached: func(ctx context.Context) (*bench.Server, error) {
			return startArmsgraph(ctx, neo4j, defaultCacheBytes)
		}}, nil
}

// neo4jPid reads a pid file and checks that the process runs Neo4j.
func neo4jPid(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("read the Neo4j pid file: %w (give --neo4j-pid-file)", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("pid file %s holds %q, not a pid", path, strings.TrimSpace(string(data)))
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || !strings.Contains(strings.ToLower(string(cmdline)), "neo4j") {
		return 0, fmt.Errorf("pid %d of %s is not a running Neo4j (a stale pid file?)", pid, path)
	}
	return pid, nil
}

// startArmsgraph runs this very binary's `serve` over the benchmark's Neo4j
// on a free loopback port, as a process of its own, so that its CPU time is
// its alone (the load generator runs in the benchmark's process), with a
// result cache of cacheBytes (0: off).
func startArmsgraph(ctx context.Context, cfg neo4jstore.Config, cacheBytes int64) (*bench.Server, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find this binary to run `serve`: %w", err)
	}
	env := []string{"NEO4J_URI=" + cfg.URI, "NEO4J_USER=" + cfg.User, "NEO4J_PASSWORD=" + cfg.Password,
		"NEO4J_DATABASE=" + cfg.Database, "ARMSGRAPH_ADDR=127.0.0.1:0", fmt.Sprintf("ARMSGRAPH_CACHE_BYTES=%d", cacheBytes)}
	if v := os.Getenv("ARMSGRAPH_LOG_LEVEL"); v != "" {
		env = append(env, "ARMSGRAPH_LOG_LEVEL="+v)
	}
	wd, _ := os.Getwd()
	return bench.StartServer(ctx, exec.Command(exe, "serve"), wd, env, "GraphQL", 60*time.Second)
}
