package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jstore"
	"armsgraph/internal/synth"
)

// The sides a query is measured through.
const (
	SideCypher  = "cypher"  // the store's Cypher text, run through the Go driver, records collected
	SideStore   = "store"   // the neo4jstore method, in process (the Cypher plus result conversion)
	SideGraphQL = "graphql" // a real HTTP POST to the GraphQL handler on a loopback port
)

// Targets are the arguments the query benchmark cycles through.
type Targets struct {
	Lineage  []string    `json:"lineage"`            // weapon ids with deep ancestries
	Pairs    [][2]string `json:"pairs"`              // path ends
	Centres  []string    `json:"centres"`            // neighbourhood centres
	Names    []string    `json:"names"`              // names to resolve, as typed
	Filters  [][2]string `json:"filters"`            // weapon list filters: category, origin
	Families []string    `json:"families,omitempty"` // roots of large lineage families (weapons with derivatives)
	FromFile string      `json:"from"`               // "manifest" or "discovered"
	Warnings []string    `json:"warnings,omitempty"`
}

// QueryResult is one query's figures on all sides and concurrencies.
type QueryResult struct {
	Name    string `json:"name"`
	GraphQL string `json:"graphql"`
	Args    string `json:"args"` // the arguments of the first target, for the reader
	// Profile is the PROFILE of the raw Cypher: database hits and rows, the
	// median over the targets. Hits do not depend on machine noise.
	DBHits      int64                         `json:"db_hits"`
	DBHitsRange [2]int64                      `json:"db_hits_min_max"`
	Rows        int64                         `json:"rows"`
	Results     map[string]map[string]Latency `json:"results"`               // side → concurrency → figures
	RatioP50    map[string]float64            `json:"graphql_vs_cypher_p50"` // concurrency → graphql p50 / cypher p50
	StoreRatio  map[string]float64            `json:"store_vs_cypher_p50"`
	QueriesPer  float64                       `json:"store_queries_per_graphql_request"`
	// CPUPressurePct is the CPU pressure (Linux PSI "some") over this query's timed runs.
	CPUPressurePct float64 `json:"cpu_pressure_pct"`
	Unavailable    string  `json:"graphql_unavailable,omitempty"`
}

// query is one benchmarked question, asked three ways for target i.
type query struct {
	name    string
	graphql string
	args    func(t *Targets, i int) string
	n       func(t *Targets) int
	store   func(ctx context.Context, r *runner, t *Targets, i int) error
	vars    func(t *Targets, i int) map[string]any
}

// Benchmark parameters, as the issue states them.
const (
	lineageDepth      = 10
	pathHops          = 6
	pathLimit         = 5
	neighborhoodDepth = 2
	neighborhoodLimit = 200
	resolveLimit      = 10
	pageSize          = 50
)

func queries() []query {
	return []query{
		{
			name: "lineage",
			graphql: `query($w: String!) { lineage(weapon: $w, direction: BOTH, maxDepth: 10) {
  weapon { id name } nodes { depth weapon { id name category } }
  derivations { kind confidence child { id } parent { id } } } }`,
			n: func(t *Targets) int { return len(t.Lineage) },
			args: func(t *Targets, i int) string {
				return fmt.Sprintf("weapon=%s direction=BOTH maxDepth=%d", t.Lineage[i], lineageDepth)
			},
			store: func(ctx context.Context, r *runner, t *Targets, i int) error {
				l, _, err := r.store.LineageOf(ctx, t.Lineage[i], kg.Both, lineageDepth, "")
				if err == nil && l == nil {
					err = fmt.Errorf("lineage of %s: no weapon", t.Lineage[i])
				}
				return err
			},
			vars: func(t *Targets, i int) map[string]any { return map[string]any{"w": t.Lineage[i]} },
		},
		{
			name: "neighborhood",
			graphql: `query($id: ID!) { neighborhood(id: $id, depth: 2, limit: 200) {
  nodes { id name kind } relationships { type from { id } to { id } } truncated } }`,
			n: func(t *Targets) int { return len(t.Centres) },
			args: func(t *Targets, i int) string {
				return fmt.Sprintf("id=%s depth=%d limit=%d", t.Centres[i], neighborhoodDepth, neighborhoodLimit)
			},
			store: func(ctx context.Context, r *runner, t *Targets, i int) error {
				_, _, err := r.store.Neighborhood(ctx, kg.NeighborhoodQuery{ID: t.Centres[i], Depth: neighborhoodDepth, Limit: neighborhoodLimit})
				return err
			},
			vars: func(t *Targets, i int) map[string]any { return map[string]any{"id": t.Centres[i]} },
		},
		{
			name:    "resolve",
			graphql: `query($n: String!) { resolve(name: $n, limit: 10) { id name kind } }`,
			n:       func(t *Targets) int { return len(t.Names) },
			args: func(t *Targets, i int) string {
				return fmt.Sprintf("name=%q limit=%d (alias-aware, prefix and one-edit matches)", t.Names[i], resolveLimit)
			},
			store: func(ctx context.Context, r *runner, t *Targets, i int) error {
				m, _, err := r.store.Resolve(ctx, t.Names[i], nil, true, resolveLimit)
				if err == nil && len(m) == 0 {
					err = fmt.Errorf("resolve %q: no match", t.Names[i])
				}
				return err
			},
			vars: func(t *Targets, i int) map[string]any { return map[string]any{"n": t.Names[i]} },
		},
		{
			name: "weapons",
			graphql: `query($c: String, $o: ID) { weapons(category: $c, origin: $o, first: 50) {
  edges { cursor node { id name category } } pageInfo { hasNextPage endCursor } } }`,
			n: func(t *Targets) int { return len(t.Filters) },
			args: func(t *Targets, i int) string {
				return fmt.Sprintf("category=%s origin=%s first=%d", t.Filters[i][0], t.Filters[i][1], pageSize)
			},
			store: func(ctx context.Context, r *runner, t *Targets, i int) error {
				_, _, err := r.store.Weapons(ctx, t.Filters[i][0], t.Filters[i][1], kg.PageQuery{First: pageSize})
				return err
			},
			vars: func(t *Targets, i int) map[string]any {
				return map[string]any{"c": t.Filters[i][0], "o": t.Filters[i][1]}
			},
		},
		{
			name: "paths",
			graphql: `query($a: ID!, $b: ID!) { paths(from: $a, to: $b, maxHops: 6, limit: 5) {
  length nodes { id name kind } relationships { type from { id } to { id } } } }`,
			n: func(t *Targets) int { return len(t.Pairs) },
			args: func(t *Targets, i int) string {
				return fmt.Sprintf("from=%s to=%s maxHops=%d limit=%d", t.Pairs[i][0], t.Pairs[i][1], pathHops, pathLimit)
			},
			store: func(ctx context.Context, r *runner, t *Targets, i int) error {
				_, _, err := r.store.Paths(ctx, kg.PathQuery{From: t.Pairs[i][0], To: t.Pairs[i][1], MaxHops: pathHops, Limit: pathLimit})
				return err
			},
			vars: func(t *Targets, i int) map[string]any { return map[string]any{"a": t.Pairs[i][0], "b": t.Pairs[i][1]} },
		},
	}
}

// targetsFromManifest takes query arguments from a synthetic folder's manifest.
func targetsFromManifest(m *synth.Manifest) *Targets {
	s := m.Samples
	t := &Targets{FromFile: "manifest", Lineage: s.Deep, Centres: s.Weapons, Names: s.Aliases, Families: s.Wide}
	if len(t.Lineage) > 16 {
		t.Lineage = t.Lineage[:16]
	}
	for i := range min(len(s.Weapons), len(s.People)) {
		t.Pairs = append(t.Pairs, [2]string{s.Weapons[i], s.People[(i+5)%len(s.People)]})
	}
	for i := 0; i < 8 && len(s.Category) > 0 && len(s.Countries) > 0; i++ {
		t.Filters = append(t.Filters, [2]string{s.Category[i%min(3, len(s.Category))], s.Countries[i%min(4, len(s.Countries))]})
	}
	return t
}

// discoverTargets picks query arguments from what a dataset holds, for
// folders without a manifest (the project's seeds). The queries are bounded
// by LIMIT and meant for small graphs.
func (r *runner) discoverTargets(ctx context.Context, dataset string) (*Targets, error) {
	t := &Targets{FromFile: "discovered"}
	strs := func(cypher string) ([]string, error) {
		recs, err := r.collect(ctx, cypher, map[string]any{"ds": dataset}, true)
		if err != nil {
			return nil, err
		}
		var out []string
		for _, rec := range recs {
			if v, ok := rec.Values[0].(string); ok {
				out = append(out, v)
			}
		}
		return out, nil
	}
	var err error
	if t.Lineage, err = strs(`MATCH p = (w:Weapon {dataset: $ds})-[:DERIVED_FROM*1..12]->(:Weapon)
WITH w, max(length(p)) AS d ORDER BY d DESC, w.id LIMIT 8 RETURN w.id`); err != nil {
		return nil, err
	}
	weapons, err := strs(`MATCH (w:Weapon {dataset: $ds}) WITH w, COUNT { (w)--() } AS deg ORDER BY deg DESC, w.id LIMIT 16 RETURN w.id`)
	if err != nil {
		return nil, err
	}
	people, err := strs(`MATCH (p:Person {dataset: $ds}) WITH p, COUNT { (p)--() } AS deg ORDER BY deg DESC, p.id LIMIT 16 RETURN p.id`)
	if err != nil {
		return nil, err
	}
	if t.Names, err = strs(`MATCH (w:Weapon {dataset: $ds}) WHERE size(w.aliases) > 0 RETURN w.aliases[0] ORDER BY w.id LIMIT 16`); err != nil {
		return nil, err
	}
	if t.Families, err = strs(`MATCH (w:Weapon {dataset: $ds}) WITH w, COUNT { (w)<-[:DERIVED_FROM]-() } AS kids
WHERE kids > 0 RETURN w.id ORDER BY kids DESC, w.id LIMIT 8`); err != nil {
		return nil, err
	}
	t.Centres = weapons
	for i := range min(len(weapons), len(people)) {
		t.Pairs = append(t.Pairs, [2]string{weapons[i], people[(i+3)%len(people)]})
	}
	recs, err := r.collect(ctx, `MATCH (w:Weapon {dataset: $ds})-[:ORIGINATES_FROM]->(c:Country)
RETURN w.category, c.id, count(*) AS n ORDER BY n DESC, w.category LIMIT 8`, map[string]any{"ds": dataset}, true)
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		cat, _ := rec.Values[0].(string)
		c, _ := rec.Values[1].(string)
		t.Filters = append(t.Filters, [2]string{cat, c})
	}
	return t, nil
}

// collect runs a read query through the raw driver and returns its records,
// in a managed read transaction with the store's timeout and metadata: the
// same path the store's read takes. PROFILE-free.
func (r *runner) collect(ctx context.Context, cypher string, params map[string]any, read bool) ([]*neo4j.Record, error) {
	ctx, cancel := r.clientDeadline(ctx)
	defer cancel()
	mode := neo4j.AccessModeRead
	if !read {
		mode = neo4j.AccessModeWrite
	}
	session := r.driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: mode, DatabaseName: r.cfg.Neo4j.Database})
	defer session.Close(context.WithoutCancel(ctx))
	opts := []func(*neo4j.TransactionConfig){neo4j.WithTxTimeout(r.cfg.Neo4j.QueryTimeout), neo4j.WithTxMetadata(map[string]any{"app": "armsgraph", "query": "bench"})}
	if read {
		// As the store runs a read (neo4jstore.Store.read): an auto-commit
		// transaction, one round trip without BEGIN and COMMIT.
		cur, err := session.Run(ctx, cypher, params, opts...)
		if err != nil {
			return nil, err
		}
		return cur.Collect(ctx)
	}
	res, err := session.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		cur, err := tx.Run(ctx, cypher, params)
		if err != nil {
			return nil, err
		}
		return cur.Collect(ctx)
	}, opts...)
	if err != nil {
		return nil, err
	}
	return res.([]*neo4j.Record), nil
}

// clientDeadline bounds a call on the client side too: Neo4j enforces the
// transaction timeout by marking the transaction terminated, and a
// shortest-path search that does not look at that mark runs on, with the
// client waiting for it. The driver then abandons the call (the search may
// still run inside Neo4j).
func (r *runner) clientDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	if r.cfg.Neo4j.QueryTimeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, r.cfg.Neo4j.QueryTimeout+5*time.Second)
}

// profile runs PROFILE of a statement and returns its total database hits and rows.
func (r *runner) profile(ctx context.Context, cypher string, params map[string]any) (hits, rows int64, err error) {
	ctx, cancel := r.clientDeadline(ctx)
	defer cancel()
	session := r.driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead, DatabaseName: r.cfg.Neo4j.Database})
	defer session.Close(context.WithoutCancel(ctx))
	res, err := session.Run(ctx, "PROFILE "+cypher, params, neo4j.WithTxTimeout(r.cfg.Neo4j.QueryTimeout))
	if err != nil {
		return 0, 0, err
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		return 0, 0, err
	}
	p := sum.Profile()
	if p == nil {
		return 0, 0, fmt.Errorf("no profile returned")
	}
	var walk func(p neo4j.ProfiledPlan) int64
	walk = func(p neo4j.ProfiledPlan) int64 {
		h := p.DbHits()
		for _, c := range p.Children() {
			h += walk(c)
		}
		return h
	}
	return walk(p), p.Records(), nil
}

// graphqlClient posts queries to the GraphQL endpoint.
type graphqlClient struct {
	url    string
	client *http.Client
}

func newGraphQLClient(url string, conns int) *graphqlClient {
	tr := &http.Transport{MaxIdleConns: conns * 2, MaxIdleConnsPerHost: conns * 2, MaxConnsPerHost: conns * 2, IdleConnTimeout: time.Minute}
	return &graphqlClient{url: url, client: &http.Client{Transport: tr, Timeout: 60 * time.Second}}
}

func (c *graphqlClient) do(ctx context.Context, query string, vars map[string]any) error {
	_, err := c.post(ctx, query, vars)
	return err
}

// post sends one request and returns the response body; an HTTP status
// other than 200 or a response with errors is an error.
func (c *graphqlClient) post(ctx context.Context, query string, vars map[string]any) ([]byte, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK || bytes.Contains(data, []byte(`"errors"`)) {
		var out struct {
			Errors []struct{ Message string } `json:"errors"`
		}
		_ = json.Unmarshal(data, &out)
		if len(out.Errors) > 0 {
			return nil, fmt.Errorf("graphql: %s (HTTP %d)", out.Errors[0].Message, resp.StatusCode)
		}
		return nil, fmt.Errorf("graphql: HTTP %d: %.200s", resp.StatusCode, data)
	}
	return data, nil
}

// benchQueries measures every query on every side at every concurrency.
func (r *runner) benchQueries(ctx context.Context, t *Targets, gql *graphqlClient, gqlErr string) []QueryResult {
	var out []QueryResult
	for _, q := range queries() {
		n := q.n(t)
		res := QueryResult{Name: q.name, GraphQL: strings.Join(strings.Fields(q.graphql), " "), Results: map[string]map[string]Latency{},
			RatioP50: map[string]float64{}, StoreRatio: map[string]float64{}, Unavailable: gqlErr}
		if n == 0 {
			res.Unavailable = "no targets found in this dataset"
			r.logf("  %s: skipped, no targets", q.name)
			out = append(out, res)
			continue
		}
		res.Args = q.args(t, 0)
		// Probe: one request with the query timeout. A query slower than the
		// timeout is not load-tested: Neo4j does not stop every timed-out
		// search (a terminated shortest-path search runs on), and sixteen
		// of them would take the machine for the rest of the run.
		stmts, err := statements(ctx, r.store, r.handler, q, t)
		if err != nil {
			res.Unavailable = "not measured: " + err.Error()
			r.logf("  %s: %s", q.name, res.Unavailable)
			out = append(out, res)
			continue
		}
		c0, p0 := stmts[0].cypher, stmts[0].params
		probeStart := time.Now()
		if _, err := r.collect(ctx, c0, p0, true); err != nil {
			res.Unavailable = fmt.Sprintf("not measured: one request (%s) failed after %s: %v", res.Args, time.Since(probeStart).Round(time.Millisecond), err)
			r.logf("  %s: %s", q.name, res.Unavailable)
			out = append(out, res)
			continue
		}
		// PROFILE the targets, within about one run's duration: median, min and max database hits.
		var hits []int64
		profStart := time.Now()
		for i := 0; i < n && (i < 3 || time.Since(profStart) < r.cfg.Duration); i++ {
			c, p := stmts[i].cypher, stmts[i].params
			h, rows, err := r.profile(ctx, c, p)
			if err != nil {
				r.logf("  %s: PROFILE failed: %v", q.name, err)
				break
			}
			hits = append(hits, h)
			if i == 0 {
				res.Rows = rows
			}
		}
		if len(hits) > 0 {
			slices.Sort(hits)
			res.DBHits, res.DBHitsRange = hits[len(hits)/2], [2]int64{hits[0], hits[len(hits)-1]}
		}
		sides := map[string]func(ctx context.Context, i int) error{
			SideCypher: func(ctx context.Context, i int) error {
				st := stmts[i%n]
				_, err := r.collect(ctx, st.cypher, st.params, true)
				return err
			},
			SideStore: func(ctx context.Context, i int) error { return q.store(ctx, r, t, i%n) },
		}
		order := []string{SideCypher, SideStore}
		if gql != nil {
			sides[SideGraphQL] = func(ctx context.Context, i int) error { return gql.do(ctx, q.graphql, q.vars(t, i%n)) }
			order = append(order, SideGraphQL)
		}
		// Warm up: plans compiled and pages cached on every side, each
		// target twice, within about one run's duration per side.
		for _, side := range order {
			warmStart := time.Now()
			for i := 0; i < 2*n && (i < 2 || time.Since(warmStart) < r.cfg.Duration); i++ {
				if err := sides[side](ctx, i); err != nil {
					r.logf("  %s %s warm-up: %v", q.name, side, err)
					break
				}
			}
		}
		r.storeQueries.Store(0)
		gqlRequests := 0
		pw := watchPressure()
		for _, conc := range r.cfg.Concurrency {
			key := fmt.Sprint(conc)
			for _, side := range order {
				if ctx.Err() != nil {
					return out
				}
				if side == SideGraphQL {
					r.storeQueries.Store(0)
				}
				l := load(ctx, conc, r.cfg.Duration, r.cfg.MaxRequests, sides[side])
				if side == SideGraphQL {
					gqlRequests = l.Requests
					if gqlRequests > 0 {
						res.QueriesPer = float64(r.storeQueries.Load()*10/int64(gqlRequests)) / 10
					}
				}
				if res.Results[side] == nil {
					res.Results[side] = map[string]Latency{}
				}
				res.Results[side][key] = l
				r.logf("  %-12s %-7s c=%-2d %6d req  p50 %7.2f  p95 %7.2f  p99 %7.2f ms  %8.1f req/s%s",
					q.name, side, conc, l.Requests, l.P50Ms, l.P95Ms, l.P99Ms, l.RPS, errNote(l))
			}
			if c, ok := res.Results[SideCypher][key]; ok && c.P50Ms > 0 {
				if g, ok := res.Results[SideGraphQL][key]; ok && g.P50Ms > 0 {
					res.RatioP50[key] = round2(g.P50Ms / c.P50Ms)
				}
				if s, ok := res.Results[SideStore][key]; ok && s.P50Ms > 0 {
					res.StoreRatio[key] = round2(s.P50Ms / c.P50Ms)
				}
			}
		}
		res.CPUPressurePct = pw.percent()
		out = append(out, res)
	}
	return out
}

func errNote(l Latency) string {
	if l.Errors == 0 {
		return ""
	}
	return fmt.Sprintf("  %d errors: %.120s", l.Errors, l.FirstError)
}

func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }

// queryCounter counts the store's queries (for queries per GraphQL request).
type queryCounter = atomic.Int64

type statement struct {
	cypher string
	params map[string]any
}

// statements captures, for every target, the Cypher statement the API
// sends for the query (neo4jstore.CaptureQuery), so the raw side times
// exactly what a GraphQL request costs Neo4j: through the GraphQL handler h
// when there is one (the statement then carries what the selection asks,
// e.g. only the properties it reads), else through the store's own method.
func statements(ctx context.Context, store *neo4jstore.Store, h http.Handler, q query, t *Targets) ([]statement, error) {
	n := q.n(t)
	out := make([]statement, n)
	r := &runner{store: store}
	for i := range n {
		var got []statement
		cctx := neo4jstore.CaptureQuery(ctx, func(_, cypher string, params map[string]any) {
			got = append(got, statement{cypher, params})
		})
		if h != nil {
			body, err := json.Marshal(map[string]any{"query": q.graphql, "variables": q.vars(t, i)})
			if err != nil {
				return nil, err
			}
			req, err := http.NewRequestWithContext(cctx, http.MethodPost, "http://127.0.0.1/graphql", bytes.NewReader(body))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Content-Type", "application/json")
			h.ServeHTTP(discard{}, req) // answers with an error by design: the query was captured, not run
		} else {
			_ = q.store(cctx, r, t, i) // fails by design, as above
		}
		if len(got) != 1 {
			return nil, fmt.Errorf("%s(%s) builds %d statements, want exactly one", q.name, q.args(t, i), len(got))
		}
		out[i] = got[0]
	}
	return out, nil
}

// discard is a ResponseWriter that keeps nothing.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}
