package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// The peer comparison: armsgraph's GraphQL server and the Neo4j GraphQL
// Library (@neo4j/graphql, bench/peer) answer equivalent requests over the
// same Neo4j and the same data, one after the other, at the same
// concurrency, from the same load generator (this process, whose own CPU is
// counted for neither). Per query it reports rps, p50 and p99 of both, and
// the CPU time per request of Neo4j and of each server process, read from
// /proc/<pid>/stat around each timed run.

// Sides of the peer comparison.
const (
	SideArmsgraph = "armsgraph"
	SidePeer      = "peer"
	// SideCached is armsgraph with its result cache on, asked the same
	// queries over and over: what users who repeat views get.
	SideCached = "armsgraph+cache"
)

// Server is a running GraphQL server the peer comparison posts to.
type Server struct {
	URL string // the GraphQL endpoint
	// PID is the process that serves it, for its CPU time; 0 when it runs
	// inside this process (its CPU is then not reported, as the load
	// generator's would be mixed in).
	PID  int
	Stop func()
}

// ServerFunc starts armsgraph's server over the benchmark's Neo4j.
type ServerFunc func(ctx context.Context) (*Server, error)

// PeerConfig says how to run the peer comparison.
type PeerConfig struct {
	Dir         string // the peer's folder (bench/peer): package.json, package-lock.json, server.mjs
	Install     bool   // run `npm ci` in Dir when its node_modules are missing or stale
	Concurrency int    // 16 by default
	// Neo4jPID is the Neo4j process, for its CPU time; 0 when unknown.
	Neo4jPID int
	// Armsgraph starts armsgraph's server with its result cache off (the
	// fair fight: the peer has none); nil serves the handler of
	// Config.GraphQL in process (CPU of the server then unknown).
	Armsgraph ServerFunc
	// ArmsgraphCached starts armsgraph's server with its result cache on,
	// timed as a third side; nil leaves that side out.
	ArmsgraphCached ServerFunc
	// NodeArgs go to the peer's node before its script (for example
	// --cpu-prof --cpu-prof-dir=DIR to profile it).
	NodeArgs []string
	// Rounds splits each side's timed run into this many parts, taken in
	// turn with the other side's (3 by default).
	Rounds int
	// Only skips armsgraph's own query benchmark (the peer comparison still
	// needs the size loaded, as --queries-only does, or ingests it).
	Only bool
}

// peerIndexes are the range indexes the peer's generated Cypher needs: it
// matches `(this:Weapon) WHERE this.id = $p` and `this.name = $p`, which the
// Entity(id) constraint and Entity(nameKey) index that armsgraph uses do not
// serve. Weapon(category) exists already (neo4jstore's schema).
var peerIndexes = []string{
	"CREATE RANGE INDEX peer_weapon_id IF NOT EXISTS FOR (n:Weapon) ON (n.id)",
	"CREATE RANGE INDEX peer_weapon_name IF NOT EXISTS FOR (n:Weapon) ON (n.name)",
}

// PeerResult is one size's comparison: bench/results/peer-<size>.json.
type PeerResult struct {
	Size        string      `json:"size"`
	GeneratedAt string      `json:"generated_at"`
	Machine     Machine     `json:"machine"`
	Peer        PeerVersion `json:"peer"`
	Concurrency int         `json:"concurrency"`
	DurationSec float64     `json:"seconds_per_timed_run"`
	Rounds      int         `json:"rounds_per_run"`
	MaxRequests int         `json:"max_requests_per_run"`
	Indexes     []string    `json:"peer_indexes"`
	// CPUSource says where each CPU figure comes from.
	CPUSource   map[string]string `json:"cpu_source"`
	Queries     []PeerQuery       `json:"queries"`
	LoadAverage string            `json:"load_average_at_start"`
	// CPUPressurePct is the machine's CPU pressure (PSI "some") over all timed runs.
	CPUPressurePct float64  `json:"cpu_pressure_pct"`
	Notes          []string `json:"notes,omitempty"`
}

// PeerVersion names what the peer ran on.
type PeerVersion struct {
	Library string `json:"neo4j_graphql"`
	Server  string `json:"apollo_server"`
	Driver  string `json:"neo4j_driver"`
	Node    string `json:"node"`
}

// PeerQuery is one query's figures on both sides.
type PeerQuery struct {
	Name      string `json:"name"`
	Armsgraph string `json:"armsgraph_graphql"`
	Peer      string `json:"peer_graphql"`
	Args      string `json:"args"`
	Targets   int    `json:"targets"`
	// SameAnswers counts the targets on which both sides returned the same
	// set of names; Mismatch describes the first that differed.
	SameAnswers int                 `json:"same_answers"`
	Mismatch    string              `json:"mismatch,omitempty"`
	Sides       map[string]PeerSide `json:"sides"`
	Ratios      Ratios              `json:"armsgraph_vs_peer"`
	Goals       Goals               `json:"goals"`
	// CachedRatios and CacheGoals compare the cache-on side with the peer
	// (absent without that side).
	CachedRatios *Ratios     `json:"armsgraph_cached_vs_peer,omitempty"`
	CacheGoals   *CacheGoals `json:"cache_goals,omitempty"`
	// CPUPressurePct is the CPU pressure over this query's timed runs.
	CPUPressurePct float64 `json:"cpu_pressure_pct"`
	Unavailable    string  `json:"unavailable,omitempty"`
}

// PeerSide is one side's timed run with the CPU time it cost per request
// (milliseconds; -1 when unknown).
type PeerSide struct {
	Latency
	Neo4jCPUMs  float64 `json:"neo4j_cpu_ms_per_request"`
	ServerCPUMs float64 `json:"server_cpu_ms_per_request"`
}

// Ratios are armsgraph's figures over the peer's (-1 when either is unknown).
type Ratios struct {
	RPS       float64 `json:"rps"`
	P50       float64 `json:"p50"`
	P99       float64 `json:"p99"`
	Neo4jCPU  float64 `json:"neo4j_cpu"`
	ServerCPU float64 `json:"server_cpu"`
}

// Goals are issue 10's targets for one query, as measured (nil: unknown).
type Goals struct {
	TwiceThroughput   *bool `json:"throughput_at_least_2x"`
	Neo4jCPUNotHigher *bool `json:"neo4j_cpu_not_higher"`
	ServerCPUUnder    *bool `json:"server_cpu_at_most_0_25ms"`
}

// CacheGoals are issue 19's targets for repeated queries with the cache on.
type CacheGoals struct {
	TenTimesThroughput *bool `json:"throughput_at_least_10x"`
	P99Under5Ms        *bool `json:"p99_under_5ms"`
}

// compareCached computes the cache-on side's ratios and goals.
func compareCached(cached, peer PeerSide) (*Ratios, *CacheGoals) {
	r, _ := compare(cached, peer)
	g := &CacheGoals{}
	known := func(b bool) *bool { return &b }
	if r.RPS >= 0 {
		g.TenTimesThroughput = known(cached.RPS >= 10*peer.RPS)
	}
	if cached.Requests > 0 {
		g.P99Under5Ms = known(cached.P99Ms < 5)
	}
	return &r, g
}

// ratio is a/b rounded to two decimals, -1 when either is unknown (negative) or b is 0.
func ratio(a, b float64) float64 {
	if a < 0 || b <= 0 {
		return -1
	}
	return round2(a / b)
}

// compare computes the ratios and the goals of a query from its two sides.
func compare(ag, peer PeerSide) (Ratios, Goals) {
	r := Ratios{
		RPS: ratio(ag.RPS, peer.RPS), P50: ratio(ag.P50Ms, peer.P50Ms), P99: ratio(ag.P99Ms, peer.P99Ms),
		Neo4jCPU: ratio(ag.Neo4jCPUMs, peer.Neo4jCPUMs), ServerCPU: ratio(ag.ServerCPUMs, peer.ServerCPUMs),
	}
	var g Goals
	known := func(b bool) *bool { return &b }
	if r.RPS >= 0 {
		g.TwiceThroughput = known(ag.RPS >= 2*peer.RPS)
	}
	if ag.Neo4jCPUMs >= 0 && peer.Neo4jCPUMs >= 0 {
		g.Neo4jCPUNotHigher = known(ag.Neo4jCPUMs <= peer.Neo4jCPUMs)
	}
	if ag.ServerCPUMs >= 0 {
		g.ServerCPUUnder = known(ag.ServerCPUMs <= 0.25)
	}
	return r, g
}

// named is a weapon's id and its name.
type named struct{ ID, Name string }

// peerTargets are the arguments of the peer queries.
type peerTargets struct {
	Lookup   []named     // weapons whose name no other weapon has
	Families []named     // weapons with derivatives (roots of lineage families)
	Centres  []named     // neighbourhood centres
	Filters  [][2]string // category, origin country id
}

// peerQuery is one question asked of both servers with the same variables.
type peerQuery struct {
	name      string
	armsgraph string
	peer      string
	n         func(t *peerTargets) int
	args      func(t *peerTargets, i int) string
	vars      func(t *peerTargets, i int) map[string]any
	// root is the name of the entity asked about, left out when answers are
	// compared ("" keeps every name): armsgraph's lineage and neighbourhood
	// list it, the peer's @cypher fields do not.
	root func(t *peerTargets, i int) string
}

func peerQueries() []peerQuery {
	byName := func(list func(t *peerTargets) []named) (func(*peerTargets) int, func(*peerTargets, int) string, func(*peerTargets, int) map[string]any) {
		return func(t *peerTargets) int { return len(list(t)) },
			func(t *peerTargets, i int) string { return fmt.Sprintf("name=%q", list(t)[i].Name) },
			func(t *peerTargets, i int) map[string]any { return map[string]any{"n": list(t)[i].Name} }
	}
	byID := func(list func(t *peerTargets) []named) (func(*peerTargets) int, func(*peerTargets, int) string, func(*peerTargets, int) map[string]any, func(*peerTargets, int) string) {
		return func(t *peerTargets) int { return len(list(t)) },
			func(t *peerTargets, i int) string { return "id=" + list(t)[i].ID },
			func(t *peerTargets, i int) map[string]any { return map[string]any{"id": list(t)[i].ID} },
			func(t *peerTargets, i int) string { return list(t)[i].Name }
	}
	lookup := func(t *peerTargets) []named { return t.Lookup }
	families := func(t *peerTargets) []named { return t.Families }
	centres := func(t *peerTargets) []named { return t.Centres }
	var qs []peerQuery
	q := peerQuery{name: "lookup",
		armsgraph: `query($n: String!) { weapon(name: $n) { id name category origin { name } } }`,
		peer:      `query($n: String!) { weapons(where: { name: { eq: $n } }) { id name category origin { name } } }`}
	q.n, q.args, q.vars = byName(lookup)
	qs = append(qs, q)
	q = peerQuery{name: "derivatives",
		armsgraph: `query($n: String!) { weapon(name: $n) { name derivatives { kind child { name origin { name } } } } }`,
		peer: `query($n: String!) { weapons(where: { name: { eq: $n } }) { name
  derivativesConnection { edges { properties { kind } node { name origin { name } } } } } }`}
	q.n, q.args, q.vars = byName(families)
	qs = append(qs, q)
	q = peerQuery{name: "descendants",
		armsgraph: `query($id: String!) { lineage(weapon: $id, direction: DESCENDANTS, maxDepth: 10) { nodes { weapon { id name } } } }`,
		peer:      `query($id: ID!) { weapons(where: { id: { eq: $id } }) { descendants { id name } } }`}
	q.n, q.args, q.vars, q.root = byID(families)
	qs = append(qs, q)
	qs = append(qs, peerQuery{name: "page",
		armsgraph: `query($c: String, $o: ID) { weapons(category: $c, origin: $o, first: 50) {
  edges { node { id name category origin { name } derivedFrom { kind parent { name } } } } pageInfo { hasNextPage endCursor } } }`,
		peer: `query($c: String!, $o: ID!) { weaponsConnection(first: 50, sort: [{ id: ASC }],
  where: { category: { eq: $c }, origin: { id: { eq: $o } } }) {
  edges { node { id name category origin { name } derivedFromConnection { edges { properties { kind } node { name } } } } }
  pageInfo { hasNextPage endCursor } } }`,
		n: func(t *peerTargets) int { return len(t.Filters) },
		args: func(t *peerTargets, i int) string {
			return fmt.Sprintf("category=%s origin=%s first=50", t.Filters[i][0], t.Filters[i][1])
		},
		vars: func(t *peerTargets, i int) map[string]any {
			return map[string]any{"c": t.Filters[i][0], "o": t.Filters[i][1]}
		},
	})
	q = peerQuery{name: "neighborhood",
		armsgraph: `query($id: ID!) { neighborhood(id: $id, depth: 2, limit: 200) { nodes { id name kind } } }`,
		peer:      `query($id: ID!) { weapons(where: { id: { eq: $id } }) { neighborhood { id name kind } } }`}
	q.n, q.args, q.vars, q.root = byID(centres)
	qs = append(qs, q)
	return qs
}

// answerNames returns the distinct values of every "name" field in a
// GraphQL response body, sorted, without skip.
func answerNames(body []byte, skip string) ([]string, error) {
	var doc struct {
		Data any `json:"data"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("decode answer: %w", err)
	}
	set := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && k == "name" {
					set[s] = true
				} else {
					walk(x)
				}
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc.Data)
	delete(set, skip)
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	slices.Sort(out)
	return out, nil
}

// diffNames describes how two sorted name lists differ, briefly.
func diffNames(a, b []string) string {
	var onlyA, onlyB []string
	for _, s := range a {
		if _, ok := slices.BinarySearch(b, s); !ok {
			onlyA = append(onlyA, s)
		}
	}
	for _, s := range b {
		if _, ok := slices.BinarySearch(a, s); !ok {
			onlyB = append(onlyB, s)
		}
	}
	clip := func(s []string) string {
		if len(s) > 5 {
			return strings.Join(s[:5], ", ") + fmt.Sprintf(" … (%d)", len(s))
		}
		return strings.Join(s, ", ")
	}
	return fmt.Sprintf("%d names vs %d; only armsgraph: [%s]; only peer: [%s]", len(a), len(b), clip(onlyA), clip(onlyB))
}

// pickPeerTargets turns the size's targets into the peer queries' arguments,
// reading the names from the graph. A lookup name is kept only when no other
// weapon bears it, so that both sides answer with one weapon.
func (r *runner) pickPeerTargets(ctx context.Context, t *Targets) (*peerTargets, error) {
	names := func(ids []string, unique bool) ([]named, error) {
		recs, err := r.collect(ctx, `UNWIND range(0, size($ids) - 1) AS i
MATCH (w:Weapon {id: $ids[i]})
WITH i, w, COUNT { MATCH (o:Weapon) WHERE o.name = w.name } AS same
WHERE same = 1 OR NOT $unique
RETURN w.id, w.name ORDER BY i`, map[string]any{"ids": ids, "unique": unique}, true)
		if err != nil {
			return nil, fmt.Errorf("names of %d weapons: %w", len(ids), err)
		}
		out := make([]named, 0, len(recs))
		for _, rec := range recs {
			id, _ := rec.Values[0].(string)
			name, _ := rec.Values[1].(string)
			out = append(out, named{id, name})
		}
		return out, nil
	}
	pt := &peerTargets{Filters: t.Filters}
	var err error
	if pt.Lookup, err = names(t.Centres, true); err != nil {
		return nil, err
	}
	if pt.Families, err = names(t.Families, true); err != nil {
		return nil, err
	}
	if pt.Centres, err = names(t.Centres, false); err != nil {
		return nil, err
	}
	return pt, nil
}

// ensurePeerIndexes creates the peer's indexes and waits until they are online.
func (r *runner) ensurePeerIndexes(ctx context.Context) error {
	for _, stmt := range peerIndexes {
		if _, err := r.collect(ctx, stmt, nil, false); err != nil {
			return fmt.Errorf("peer index (%s): %w", stmt, err)
		}
	}
	if _, err := r.collect(ctx, "CALL db.awaitIndexes(600)", nil, false); err != nil {
		return fmt.Errorf("wait for the peer's indexes: %w", err)
	}
	return nil
}

// runPeer compares armsgraph with the peer on the loaded size and writes
// <OutDir>/peer-<size>.json.
func (r *runner) runPeer(ctx context.Context, size string, machine Machine, t *Targets) (PeerResult, error) {
	pc := r.cfg.Peer
	conc := pc.Concurrency
	if conc <= 0 {
		conc = 16
	}
	res := PeerResult{Size: size, GeneratedAt: time.Now().UTC().Format(time.RFC3339), Machine: machine, Concurrency: conc,
		DurationSec: r.cfg.Duration.Seconds(), Rounds: peerRounds(pc), MaxRequests: r.cfg.MaxRequests, Indexes: peerIndexes, LoadAverage: loadAverage(),
		CPUSource: map[string]string{}}
	r.logf("== %s: armsgraph vs @neo4j/graphql (c=%d, %s per run) ==", size, conc, r.cfg.Duration)
	if err := r.ensurePeerIndexes(ctx); err != nil {
		return res, err
	}
	pt, err := r.pickPeerTargets(ctx, t)
	if err != nil {
		return res, err
	}
	peer, version, err := startPeer(ctx, pc.Dir, r.cfg.Neo4j, pc.Install, pc.NodeArgs, r.logf)
	if err != nil {
		return res, err
	}
	defer peer.Stop()
	res.Peer = version
	ag, err := r.startArmsgraph(ctx)
	if err != nil {
		return res, err
	}
	defer ag.Stop()
	r.logf("  armsgraph: pid %d at %s", ag.PID, ag.URL)
	sides := []string{SideArmsgraph, SidePeer}
	clients := map[string]*graphqlClient{
		SideArmsgraph: newGraphQLClient(ag.URL, conc),
		SidePeer:      newGraphQLClient(peer.URL, conc),
	}
	pids := map[string]int{SideArmsgraph: ag.PID, SidePeer: peer.PID}
	if pc.ArmsgraphCached != nil {
		cached, err := pc.ArmsgraphCached(ctx)
		if err != nil {
			return res, fmt.Errorf("start armsgraph's server with its cache: %w", err)
		}
		defer cached.Stop()
		r.logf("  armsgraph with its result cache: pid %d at %s", cached.PID, cached.URL)
		sides = append(sides, SideCached)
		clients[SideCached] = newGraphQLClient(cached.URL, conc)
		pids[SideCached] = cached.PID
		res.CPUSource[SideCached] = pidSource(cached.PID, "`armsgraph serve` with --cache-bytes, a child process of the benchmark")
	}
	res.CPUSource["neo4j"] = pidSource(pc.Neo4jPID, "the Neo4j process (scripts/neo4j pid file)")
	res.CPUSource[SideArmsgraph] = pidSource(ag.PID, "`armsgraph serve`, a child process of the benchmark")
	res.CPUSource[SidePeer] = pidSource(peer.PID, "`node server.mjs`, a child process of the benchmark")
	if pc.Neo4jPID <= 0 {
		res.Notes = append(res.Notes, "Neo4j's CPU time is not reported: its pid is unknown (give --neo4j-pid-file)")
	}
	all := watchPressure()
	for _, q := range peerQueries() {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		res.Queries = append(res.Queries, r.peerQuery(ctx, q, pt, sides, clients, pids, conc))
	}
	res.CPUPressurePct = all.percent()
	return res, nil
}

func peerRounds(pc *PeerConfig) int {
	if pc.Rounds <= 0 {
		return 3
	}
	return pc.Rounds
}

func pidSource(pid int, what string) string {
	if pid <= 0 {
		return "unknown"
	}
	return fmt.Sprintf("/proc/%d/stat fields 14+15: %s", pid, what)
}

// startArmsgraph starts armsgraph's server, or serves its handler in process.
func (r *runner) startArmsgraph(ctx context.Context) (*Server, error) {
	if r.cfg.Peer.Armsgraph != nil {
		s, err := r.cfg.Peer.Armsgraph(ctx)
		if err != nil {
			return nil, fmt.Errorf("start armsgraph's server: %w", err)
		}
		return s, nil
	}
	gql, gqlErr, stop := r.startGraphQL()
	if gql == nil {
		return nil, fmt.Errorf("armsgraph's GraphQL side is not available: %s", gqlErr)
	}
	return &Server{URL: gql.url, Stop: stop}, nil
}

// peerQuery checks that both sides answer alike, warms both, and times both.
// sides are SideArmsgraph, SidePeer and maybe SideCached, whose answers
// must be armsgraph's.
func (r *runner) peerQuery(ctx context.Context, q peerQuery, t *peerTargets, sides []string, clients map[string]*graphqlClient, pids map[string]int, conc int) PeerQuery {
	n := q.n(t)
	res := PeerQuery{Name: q.name, Armsgraph: strings.Join(strings.Fields(q.armsgraph), " "), Peer: strings.Join(strings.Fields(q.peer), " "),
		Targets: n, Sides: map[string]PeerSide{}}
	if n == 0 {
		res.Unavailable = "no targets in this dataset"
		r.logf("  %s: skipped, no targets", q.name)
		return res
	}
	res.Args = q.args(t, 0)
	text := map[string]string{SideArmsgraph: q.armsgraph, SidePeer: q.peer, SideCached: q.armsgraph}
	// Same answers: every target, once on each side (this warms both too).
	for i := range n {
		got := make([][]string, len(sides))
		for k, side := range sides {
			body, err := clients[side].post(ctx, text[side], q.vars(t, i))
			if err == nil {
				root := ""
				if q.root != nil {
					root = q.root(t, i)
				}
				got[k], err = answerNames(body, root)
			}
			if err != nil {
				res.Unavailable = fmt.Sprintf("%s failed on %s: %v", side, q.args(t, i), err)
				r.logf("  %s: %s", q.name, res.Unavailable)
				return res
			}
		}
		if slices.Equal(got[0], got[1]) {
			res.SameAnswers++
		} else if res.Mismatch == "" {
			res.Mismatch = q.args(t, i) + ": " + diffNames(got[0], got[1])
		}
		if len(sides) > 2 && !slices.Equal(got[0], got[2]) && res.Mismatch == "" {
			res.Mismatch = q.args(t, i) + ": with the cache on: " + diffNames(got[0], got[2])
		}
	}
	if res.Mismatch != "" {
		r.logf("  %s: answers differ on %d of %d targets, first %s", q.name, n-res.SameAnswers, n, res.Mismatch)
	}
	call := func(side string) func(ctx context.Context, i int) error {
		return func(ctx context.Context, i int) error { return clients[side].do(ctx, text[side], q.vars(t, i%n)) }
	}
	// Warm-up at the timed concurrency: plans cached, JIT compiled, pools filled.
	warm := min(r.cfg.Duration, 3*time.Second)
	for _, side := range sides {
		load(ctx, conc, warm, r.cfg.MaxRequests, call(side))
	}
	// The timed runs alternate between the sides in rounds, so that a change
	// in the machine's load during the query weighs on both alike.
	rounds := peerRounds(r.cfg.Peer)
	pw := watchPressure()
	runs := map[string]*run{}
	cpuSec := map[string]map[string]float64{}
	for _, side := range sides {
		runs[side], cpuSec[side] = &run{}, map[string]float64{}
	}
	for range rounds {
		for _, side := range sides {
			meter := newCPUMeter(map[string]int{"neo4j": r.cfg.Peer.Neo4jPID, "server": pids[side]})
			runs[side].add(loadRun(ctx, conc, r.cfg.Duration/time.Duration(rounds), r.cfg.MaxRequests/rounds, call(side)))
			for proc, s := range meter.seconds() {
				if s < 0 || cpuSec[side][proc] < 0 {
					cpuSec[side][proc] = -1
				} else {
					cpuSec[side][proc] += s
				}
			}
		}
	}
	for _, side := range sides {
		rn := runs[side]
		l := summarize(rn.samples, rn.errs, rn.firstErr, rn.wall)
		cpu := func(proc string) float64 {
			if s, ok := cpuSec[side][proc]; ok && s >= 0 {
				return cpuPerRequestMs(s, l.Requests)
			}
			return -1
		}
		res.Sides[side] = PeerSide{Latency: l, Neo4jCPUMs: cpu("neo4j"), ServerCPUMs: cpu("server")}
		r.logf("  %-12s %-9s c=%d %6d req  p50 %7.2f  p99 %7.2f ms  %8.1f req/s  CPU/req: Neo4j %s, server %s%s",
			q.name, side, conc, l.Requests, l.P50Ms, l.P99Ms, l.RPS, fmtMs(cpu("neo4j")), fmtMs(cpu("server")), errNote(l))
	}
	res.CPUPressurePct = pw.percent()
	res.Ratios, res.Goals = compare(res.Sides[SideArmsgraph], res.Sides[SidePeer])
	if cached, ok := res.Sides[SideCached]; ok {
		res.CachedRatios, res.CacheGoals = compareCached(cached, res.Sides[SidePeer])
	}
	return res
}

// fmtMs formats a CPU figure in milliseconds, "-" when unknown.
func fmtMs(v float64) string {
	if v < 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f ms", v)
}

// peerPath is where a size's comparison is written.
func peerPath(outDir, size string) string { return filepath.Join(outDir, "peer-"+size+".json") }
