package reliability

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// operation is one request of the load mix, with a check of its answer.
type operation struct {
	name  string
	query string
	check func(data map[string]any) error
}

// loadMix is the query mix of the load and fault tests, over the project's
// seeds: a lineage 10 deep, shortest paths over up to 6 hops, a depth-2
// neighbourhood, alias lookups and filtered lists.
var loadMix = []operation{
	{"lineage", `query Lineage { lineage(weapon: "Tondar-69", direction: BOTH, maxDepth: 10) {
		nodes { depth weapon { id name origin { name } } }
		derivations { child { id } parent { id } kind confidence citations { locator source { id } } } } }`,
		wantLen("lineage.nodes", 4)},
	{"paths", `query Paths { paths(from: "person/hossein-dehghan", to: "person/chang-wanquan", maxHops: 6, limit: 5) {
		length nodes { id name } relationships { type from { id } to { id } confidence } } }`,
		wantLen("paths", 1)},
	{"neighborhood", `query Neighborhood { neighborhood(id: "country/iran", depth: 2, limit: 300) {
		nodes { id kind name } relationships { type from { id } to { id } } truncated } }`,
		wantLen("neighborhood.nodes", 20)},
	{"alias", `query Alias { resolve(name: "c 802") { id kind name aliases } weapon(name: "YJ-82") { id name } person(name: "Dehgan") { id name } }`,
		wantLen("resolve", 1)},
	{"agreements", `query Agreements { agreements(parties: ["country/iran", "country/china"], from: "2014", to: "2016") {
		id name date status parties { name } signatories { name } } }`,
		wantLen("agreements", 1)},
	{"weapons", `query Weapons { weapons(origin: "country/iran", first: 20) { totalCount pageInfo { hasNextPage endCursor }
		edges { node { id name category derivedFrom { kind parent { name } } } } } }`,
		wantLen("weapons.edges", 5)},
}

// wantLen checks that the list at a dotted path holds at least n items: a
// floor that holds on any version of the seeds. The exact answer is checked
// against the one given before the load (api.reference, set by verifyMix).
func wantLen(path string, n int) func(map[string]any) error {
	return func(data map[string]any) error {
		var v any = data
		for _, k := range strings.Split(path, ".") {
			m, ok := v.(map[string]any)
			if !ok {
				return fmt.Errorf("%s: no object at %s", path, k)
			}
			v = m[k]
		}
		l, ok := v.([]any)
		if !ok || len(l) < n {
			return fmt.Errorf("%s: want at least %d items, got %v", path, n, trunc(fmt.Sprint(v), 200))
		}
		return nil
	}
}

// outcome is one request of a load run.
type outcome struct {
	data    string // the answer's data, canonical JSON (successes only)
	Op      string
	Start   time.Time
	Took    time.Duration
	Status  int
	Codes   []string // extensions.code of each GraphQL error
	Err     error    // transport error or a failed check
	Success bool     // 200, data, no errors, check passed
	Client  int      // which of runLoad's clients sent it
}

func (o outcome) String() string {
	s := fmt.Sprintf("%s at %s: HTTP %d in %s", o.Op, o.Start.Format("15:04:05.000"), o.Status, o.Took.Round(time.Millisecond))
	if len(o.Codes) > 0 {
		s += " codes " + strings.Join(o.Codes, ",")
	}
	if o.Err != nil {
		s += " err " + trunc(o.Err.Error(), 300)
	}
	return s
}

// verifyMix runs every operation once and fails the test if one does not
// answer as expected: the load must measure real answers, not errors. The
// answers become the reference: under load, through a fault and after it,
// every successful answer must be exactly the same (the graph does not
// change while the server is loaded).
func verifyMix(t *testing.T, a *api) {
	t.Helper()
	a.reference = map[string]string{}
	for _, op := range loadMix {
		o := runOnce(context.Background(), a, op)
		if !o.Success {
			t.Fatalf("before the load: %s", o)
		}
		a.reference[op.name] = o.data
	}
}

func runOnce(ctx context.Context, a *api, op operation) outcome {
	o := outcome{Op: op.name, Start: time.Now()}
	r, err := a.graphql(ctx, op.query, nil)
	o.Took, o.Status, o.Codes = r.Took, r.Status, r.codes()
	switch {
	case err != nil:
		o.Err = err
	case r.Status != http.StatusOK:
		o.Err = fmt.Errorf("HTTP %d: %s", r.Status, trunc(string(r.Body), 300))
	case len(r.Errors) > 0:
		o.Err = fmt.Errorf("errors: %s", trunc(string(r.Body), 300))
	default:
		var data map[string]any
		if err := json.Unmarshal(r.Data, &data); err != nil {
			o.Err = err
		} else if err := op.check(data); err != nil {
			o.Err = err
		} else {
			canonical, _ := json.Marshal(data) // keys sorted, lists in order
			o.data = string(canonical)
			if want, ok := a.reference[op.name]; ok && o.data != want {
				o.Err = fmt.Errorf("answer differs from the one before the load:\n got %s\nwant %s", trunc(o.data, 300), trunc(want, 300))
			} else {
				o.Success = true
			}
		}
	}
	return o
}

// runLoad sends the mix with conc workers until ctx ends, each worker
// cycling through the operations from its own offset, and hands every
// outcome to record (from several goroutines).
func runLoad(ctx context.Context, a *api, conc int, record func(outcome)) {
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; ctx.Err() == nil; i++ {
				// The request gets its own context: the end of the run
				// must not turn requests in flight into failures.
				rctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				o := runOnce(rctx, a, loadMix[i%len(loadMix)])
				cancel()
				o.data = "" // checked against the reference already; not kept
				o.Client = w
				record(o)
			}
		}(w)
	}
	wg.Wait()
}

// collector keeps the outcomes of a load run.
type collector struct {
	mu  sync.Mutex
	all []outcome
}

func (c *collector) add(o outcome) {
	c.mu.Lock()
	c.all = append(c.all, o)
	c.mu.Unlock()
}

// everyClient reports whether each of the conc clients has an outcome
// that satisfies ok: runLoad's clients send one request at a time, so a
// client's outcome that started after t means its requests in flight at t
// have ended.
func (c *collector) everyClient(conc int, ok func(outcome) bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	seen := make([]bool, conc)
	left := conc
	for _, o := range c.all {
		if o.Client < conc && !seen[o.Client] && ok(o) {
			seen[o.Client] = true
			left--
		}
	}
	return left == 0
}

func (c *collector) snapshot() []outcome {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.all)
}

// latencyStats summarises the latencies of outcomes.
type latencyStats struct {
	N                  int
	P50, P95, P99, Max time.Duration
}

func latencies(outs []outcome) latencyStats {
	d := make([]time.Duration, 0, len(outs))
	for _, o := range outs {
		d = append(d, o.Took)
	}
	slices.Sort(d)
	s := latencyStats{N: len(d)}
	if len(d) > 0 {
		s.P50, s.P95, s.P99, s.Max = percentile(d, 50), percentile(d, 95), percentile(d, 99), d[len(d)-1]
	}
	return s
}

func (s latencyStats) String() string {
	r := func(d time.Duration) string { return d.Round(100 * time.Microsecond).String() }
	return fmt.Sprintf("n=%d p50=%s p95=%s p99=%s max=%s", s.N, r(s.P50), r(s.P95), r(s.P99), r(s.Max))
}
