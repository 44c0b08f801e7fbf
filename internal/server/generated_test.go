package server_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"armsgraph/cmd/wiring"
	"armsgraph/graph"
	"armsgraph/internal/neo4jstore"
	"armsgraph/internal/neo4jtest"
	"armsgraph/internal/neo4jtest/storetest"
	"armsgraph/internal/querygen"
	"armsgraph/internal/seeds"
)

var (
	genSeed  = flag.Uint64("querygen.seed", 0, "replay the generated operations of this seed (TestGeneratedQueries/fresh-seed) instead of a fresh one")
	genOp    = flag.Int("querygen.op", -1, "with -querygen.seed, run only the operation of this index")
	genFresh = flag.Int("querygen.n", 150, "how many operations the fresh seed generates")
	genFixed = flag.Int("querygen.fixed", 2000, "how many operations the fixed seed generates")
)

// fixedSeed is the seed of the fixed corpus (-querygen.fixed operations,
// 2,000 unless told).
const fixedSeed = 17

// regressionFile holds the shrunk operations that once failed, replayed
// first on every run.
var regressionFile = filepath.Join("testdata", "querygen", "regressions.json")

// regressionCopies is how many copies of a regression entry run at once.
const regressionCopies = 4

// regression is one entry of regressionFile.
type regression struct {
	Name      string         `json:"name"`
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables,omitempty"`
	// Found says where it came from (a seed and index, or an issue).
	Found string `json:"found"`
}

// TestGeneratedQueries runs generated operations (internal/querygen, from
// the served schema, with argument values from the seeds) through the
// server's handler over the seeded graph and through the reference path,
// the same handler over a store that ignores the prefetch (every nested
// level through the dataloaders), with the cost limit lifted. Every answer
// must equal the reference, hold no INTERNAL_SERVER_ERROR, and cost at
// most one statement per root field unless it selects a shape the
// compiler leaves to the loaders (docs/compiled-queries.md). A failing
// operation is shrunk and added to testdata/querygen/regressions.json.
//
// Subtests: regressions (the corpus file), fixed-seed (2,000 operations of
// seed 17), fresh-seed (a new seed each run, printed; -querygen.seed=N
// replays one, -querygen.op=K one operation of it).
func TestGeneratedQueries(t *testing.T) {
	d := newDifferential(t, differentialStore(t))
	t.Run("regressions", func(t *testing.T) {
		for _, r := range loadRegressions(t) {
			t.Run(r.Name, func(t *testing.T) {
				// Four copies at once: root fields of one operation, and
				// operations, race for the loaders only under concurrency
				// (the extra statement of seed-17-op-149 came in 45 % of
				// such runs before it was fixed).
				var wg sync.WaitGroup
				for range regressionCopies {
					wg.Go(func() {
						if res := d.run(querygen.Op{Query: r.Query, Variables: r.Variables}); res.failure != "" {
							t.Errorf("%s (found %s): %s\n%s", r.Name, r.Found, res.failure, r.Query)
						}
					})
				}
				wg.Wait()
			})
		}
	})
	t.Run("fixed-seed", func(t *testing.T) {
		d.corpus(t, fixedSeed, *genFixed, -1)
	})
	t.Run("fresh-seed", func(t *testing.T) {
		seed, n := *genSeed, *genFresh
		if seed == 0 {
			seed = uint64(time.Now().UnixNano())
		}
		d.corpus(t, seed, n, *genOp)
	})
}

// FuzzGeneratedQuery drives the generator from the fuzzer's bytes and runs
// each operation as TestGeneratedQueries does. Fuzz with one worker (each
// worker takes the test database for itself):
//
//	go test ./internal/server -run '^$' -fuzz FuzzGeneratedQuery -parallel 1
//
// A failing input lands in testdata/fuzz/FuzzGeneratedQuery and is
// replayed by every go test run after.
func FuzzGeneratedQuery(f *testing.F) {
	for _, s := range []string{"", "lineage", "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09", strings.Repeat("\xff", 40)} {
		f.Add([]byte(s))
	}
	if fuzzCoordinator() {
		// The coordinating process runs no input; its workers, each a
		// process of its own, take the database.
		f.Fuzz(func(*testing.T, []byte) {})
		return
	}
	d := newDifferential(f, differentialStore(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		op := querygen.New(d.schema, d.pool, querygen.Config{}).Generate(querygen.FromBytes(data))
		if res := d.run(op); res.failure != "" {
			t.Fatalf("%s\noperation:\n%s\nvariables: %v", res.failure, op.Query, op.Variables)
		}
	})
}

// fuzzCoordinator reports whether this process coordinates go test -fuzz
// (and runs no input itself).
func fuzzCoordinator() bool {
	fz, worker := flag.Lookup("test.fuzz"), flag.Lookup("test.fuzzworker")
	return fz != nil && fz.Value.String() != "" && (worker == nil || worker.Value.String() != "true")
}

// differentialStore is the seeded store with a long query timeout: every
// generated operation is a statement Neo4j has not planned before, and on
// a shared machine planning alone can take seconds; a timeout would differ
// from the reference's answer.
func differentialStore(t testing.TB) *neo4jstore.Store {
	cfg := storetest.Config(neo4jtest.Get(t))
	cfg.QueryTimeout = 2 * time.Minute
	return seedInto(t, storetest.Open(t, cfg))
}

// differential holds the handlers an operation runs through.
type differential struct {
	schema *ast.Schema
	pool   querygen.Pool
	// served is the server as the binary serves it (default limits);
	// lifted the same with the cost limit and the object budget lifted;
	// reference the handler over a store that ignores the prefetch, limits
	// lifted too.
	served, lifted, reference http.Handler
	// registry holds the served handler's metrics: how many root fields
	// the direct path wrote (graph/direct.go).
	registry *prometheus.Registry
}

// smallAnswer is the size in objects under which no operation may be
// refused (issue 17): the estimate refuses only what is surely too large.
const smallAnswer = 2000

// nulledAnswer marks a refused operation whose answer, limits lifted, is
// null as a whole: an error nulled it, so it has no size to hold the
// refusal to (cost_corpus_test.go's unknownSize, for this corpus).
const nulledAnswer = -1

// liftedComplexity is a cost limit and an object budget no generated
// operation reaches.
const liftedComplexity = math.MaxInt32

func newDifferential(t testing.TB, store *neo4jstore.Store) *differential {
	// The served handler prices operations from the graph's statistics, as
	// the binary does once it has read them (cmd/armsgraph's watchStats).
	if _, err := store.Stats(context.Background()); err != nil {
		t.Fatalf("read the graph's statistics: %v", err)
	}
	reg := prometheus.NewRegistry()
	return &differential{
		schema:    graph.NewExecutableSchema(graph.Config{}).Schema(),
		pool:      seedPool(t),
		served:    newServer(t, wiring.Config{RequestTimeout: 2 * time.Minute, Registry: reg}, store),
		lifted:    newServer(t, wiring.Config{RequestTimeout: 2 * time.Minute, MaxComplexity: liftedComplexity, MaxObjects: liftedComplexity}, store),
		reference: graph.NewHandler(uncompiled{store}, graph.HandlerConfig{MaxComplexity: liftedComplexity, MaxObjects: liftedComplexity, NoDirect: true}, nil),
		registry:  reg,
	}
}

// outcome is what one operation did.
type outcome struct {
	// failure says how the answer is wrong ("" when it is right).
	failure string
	// refused: the served handler refused it before running it; objects
	// is then the size of its answer with the limit lifted.
	refused bool
	objects int
	// statements run for roots executed root fields; claimed is false
	// when the operation selects a shape the compiler leaves to the
	// loaders.
	statements, roots int64
	claimed           bool
	// errors: the answer carries errors (bad input, a limit of an
	// argument), as the reference's does.
	errors bool
	// took is the time the server took (both handlers when it was
	// refused first), reference the reference path's.
	took, reference time.Duration
}

// corpus runs n operations of seed (only the one of index only, when it
// is not negative) and prints what they did.
func (d *differential) corpus(t *testing.T, seed uint64, n, only int) {
	replay := fmt.Sprintf("go test ./internal/server -run 'TestGeneratedQueries/fresh-seed' -querygen.seed=%d -querygen.n=%d", seed, n)
	t.Logf("seed %d, %d operations; replay: %s", seed, n, replay)
	g := querygen.New(d.schema, d.pool, querygen.Config{})
	r := rand.New(rand.NewPCG(seed, seed))
	ops := make([]querygen.Op, n)
	for i := range ops {
		ops[i] = g.Generate(r)
	}
	if only >= 0 {
		if only >= n {
			t.Fatalf("-querygen.op=%d: seed %d generates %d operations", only, seed, n)
		}
		ops = ops[only : only+1]
	}
	start := time.Now()
	direct0, executor0 := rootFieldPaths(t, d.registry)
	results := make([]outcome, len(ops))
	// Four requests at a time: the loaders' batch window and Neo4j's round
	// trips overlap, the answers do not depend on it.
	var wg sync.WaitGroup
	next := make(chan int)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = d.run(ops[i])
			}
		}()
	}
	for i := range ops {
		next <- i
	}
	close(next)
	wg.Wait()
	took := time.Since(start)

	var answered, withErrors, refused, compiled, loaders int
	var sizes []int
	var failed []int
	var refusals []string
	for i, res := range results {
		if res.failure != "" {
			failed = append(failed, i)
		}
		switch {
		case res.refused && res.objects == nulledAnswer:
			refused++
			refusals = append(refusals, fmt.Sprintf("%d: unknown (every root field's answer nulled by an error)", i))
		case res.refused:
			refused++
			sizes = append(sizes, res.objects)
			refusals = append(refusals, fmt.Sprintf("%d: %d", i, res.objects))
		default:
			answered++
		}
		if res.errors {
			withErrors++
		}
		switch {
		case !res.claimed:
			loaders++
		case res.statements <= res.roots:
			compiled++
		}
	}
	slowest := make([]int, len(results))
	for i := range slowest {
		slowest[i] = i
	}
	slices.SortFunc(slowest, func(a, b int) int {
		return cmp.Compare(results[b].took+results[b].reference, results[a].took+results[a].reference)
	})
	for _, i := range slowest[:min(3, len(slowest))] {
		t.Logf("slow: operation %d took %s (reference path %s), %d statements: %.300s", i, results[i].took.Round(time.Millisecond), results[i].reference.Round(time.Millisecond), results[i].statements, ops[i].Query)
	}
	slices.Sort(sizes)
	small := 0
	for _, s := range sizes {
		if s <= smallAnswer {
			small++
		}
	}
	t.Logf("%d operations in %s: %d answered, %d refused by the cost limit; %d answers carry errors (bad input, an argument over its limit), as the reference's do; %d compiled into at most one statement per root field, %d with a shape left to the loaders",
		len(ops), took.Round(time.Millisecond), answered, refused, withErrors, compiled, loaders)
	direct, executor := rootFieldPaths(t, d.registry)
	direct, executor = direct-direct0, executor-executor0
	t.Logf("root fields served: %d written by the direct path, %d through gqlgen's executor", direct, executor)
	if answered > 0 && direct == 0 {
		t.Errorf("no root field of %d answered operations took the direct path (graph/direct.go)", answered)
	}
	if len(sizes) > 0 {
		t.Logf("refused answers' real sizes (objects, cost limit lifted): min %d, median %d, max %d; %d of %d hold at most %d objects; per operation: %s",
			sizes[0], sizes[len(sizes)/2], sizes[len(sizes)-1], small, len(sizes), smallAnswer, strings.Join(refusals, ", "))
	}
	for k, i := range failed {
		idx := i
		if only >= 0 {
			idx = only
		}
		if k >= 3 {
			t.Errorf("%d more operations failed; replay: %s", len(failed)-k, replay)
			break
		}
		op := querygen.Shrink(d.schema, ops[i], func(op querygen.Op) bool { return d.run(op).failure != "" }, 300)
		name := fmt.Sprintf("seed-%d-op-%d", seed, idx)
		addRegression(t, regression{Name: name, Query: op.Query, Variables: op.Variables, Found: fmt.Sprintf("seed %d, operation %d", seed, idx)})
		t.Errorf("operation %d of seed %d: %s\noperation:\n%s\nvariables: %v\nshrunk (added to %s as %s):\n%s\nvariables: %v\nreplay: %s -querygen.op=%d",
			idx, seed, results[i].failure, ops[i].Query, ops[i].Variables, regressionFile, name, op.Query, op.Variables, replay, idx)
	}
}

// run runs op through the served handler (and, if it refuses it, the
// lifted one) and the reference, and says what is wrong with the answer.
func (d *differential) run(op querygen.Op) (res outcome) {
	doc, errs := gqlparser.LoadQuery(d.schema, op.Query)
	if len(errs) > 0 {
		res.failure = fmt.Sprintf("the operation does not validate: %v", errs)
		return res
	}
	res.roots, res.claimed = rootsAndClaim(doc, op.Variables)
	start := time.Now()
	defer func() { res.took = time.Since(start) - res.reference }()
	got, n, err := sendOp(d.served, op)
	if err != nil {
		res.failure = err.Error()
		return res
	}
	if refusedBefore(got) {
		res.refused = true
		if got, n, err = sendOp(d.lifted, op); err != nil {
			res.failure = err.Error()
			return res
		}
		res.objects = countObjects(got.Data)
		// An error that nulls the whole answer (a non-null root field's
		// bad argument) leaves nothing to measure: the refusal denied no
		// data, and the size of what was asked is unknown.
		if nulled := bytes.TrimSpace(got.Data); len(nulled) == 0 || string(nulled) == "null" {
			res.objects = nulledAnswer
		}
	}
	res.statements, res.errors = n, len(got.Errors) > 0
	refStart := time.Now()
	want, _, err := sendOp(d.reference, op)
	res.reference = time.Since(refStart)
	if err != nil {
		res.failure = err.Error()
		return res
	}
	switch {
	case got.internal():
		res.failure = "INTERNAL_SERVER_ERROR from the server: " + string(got.body)
	case want.internal():
		res.failure = "INTERNAL_SERVER_ERROR from the reference path: " + string(want.body)
	case !bytes.Equal(got.canonical(), want.canonical()):
		res.failure = fmt.Sprintf("the answer differs from the reference path's\n got: %s\nwant: %s", got.canonical(), want.canonical())
	case res.claimed && n > res.roots:
		res.failure = fmt.Sprintf("%d Cypher statements for %d root fields, want at most one per root field", n, res.roots)
	case res.refused && res.objects != nulledAnswer && res.objects <= smallAnswer:
		res.failure = fmt.Sprintf("refused by the cost limit, but its answer holds %d objects (at most %d must be answered)", res.objects, smallAnswer)
	}
	return res
}

// answer is one decoded GraphQL response.
type answer struct {
	body   []byte
	Data   json.RawMessage   `json:"data"`
	Errors []json.RawMessage `json:"errors"`
}

// sendOp posts op to h and returns its answer and the Cypher statements run.
func sendOp(h http.Handler, op querygen.Op) (answer, int64, error) {
	b, err := json.Marshal(op)
	if err != nil {
		return answer{}, 0, err
	}
	ctx, counter := neo4jstore.WithQueryCounter(context.Background())
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	a := answer{body: w.Body.Bytes()}
	if err := json.Unmarshal(a.body, &a); err != nil {
		return a, 0, fmt.Errorf("status %d, answer is not JSON (%v): %s", w.Code, err, a.body)
	}
	return a, counter.Count(), nil
}

// internal reports whether an error of a is INTERNAL_SERVER_ERROR.
func (a answer) internal() bool {
	return bytes.Contains(a.body, []byte(`"INTERNAL_SERVER_ERROR"`))
}

// refusedBefore reports whether a is a refusal by the cost limit before
// execution (limit "complexity") or a root field stopped over the object
// budget while answering (limit "objects", whatever the other root fields
// answered). The server's other limits (depth, root fields) refuse the
// same in the reference path: they are answers with errors.
func refusedBefore(a answer) bool {
	for _, e := range a.Errors {
		if bytes.Contains(e, []byte(`"limit":"objects"`)) || bytes.Contains(e, []byte(`"limit":"complexity"`)) {
			return true
		}
	}
	return false
}

// canonical is the answer's data and errors re-encoded: object keys
// sorted, errors sorted (root fields run concurrently, so their errors
// come in any order).
func (a answer) canonical() []byte {
	var data any
	_ = json.Unmarshal(a.Data, &data)
	errs := make([]string, 0, len(a.Errors))
	for _, e := range a.Errors {
		var v any
		_ = json.Unmarshal(e, &v)
		b, _ := json.Marshal(v)
		errs = append(errs, string(b))
	}
	slices.Sort(errs)
	out, _ := json.Marshal(map[string]any{"data": data, "errors": errs})
	return out
}

// countObjects counts the JSON objects in data: the objects of the answer.
func countObjects(data json.RawMessage) int {
	var v any
	if json.Unmarshal(data, &v) != nil {
		return 0
	}
	return max(0, objectsIn(v)-1) // the data object itself is not one
}

// rootsAndClaim counts the root fields doc runs (after @skip/@include)
// and says whether the compiler claims its shape: it leaves to the
// loaders Weapon.lineage under a lineage, and paths may take a second
// statement (docs/compiled-queries.md, "Where dataloaders remain").
func rootsAndClaim(doc *ast.QueryDocument, vars map[string]any) (roots int64, claimed bool) {
	op := doc.Operations[0]
	claimed = true
	var walk func(set ast.SelectionSet, root, inLineage bool)
	walk = func(set ast.SelectionSet, root, inLineage bool) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if skipped(s.Directives, vars) || strings.HasPrefix(s.Name, "__") {
					continue
				}
				if root {
					roots++
					if s.Name == "paths" {
						claimed = false
					}
				}
				if inLineage && s.Name == "lineage" {
					claimed = false
				}
				walk(s.SelectionSet, false, inLineage || s.Definition.Type.Name() == "Lineage")
			case *ast.InlineFragment:
				if !skipped(s.Directives, vars) {
					walk(s.SelectionSet, root, inLineage)
				}
			case *ast.FragmentSpread:
				if !skipped(s.Directives, vars) {
					walk(s.Definition.SelectionSet, root, inLineage)
				}
			}
		}
	}
	walk(op.SelectionSet, true, false)
	return roots, claimed
}

// skipped evaluates @skip and @include.
func skipped(dirs ast.DirectiveList, vars map[string]any) bool {
	for _, d := range dirs {
		b, ok := d.ArgumentMap(vars)["if"].(bool)
		if ok && (d.Name == "skip" && b || d.Name == "include" && !b) {
			return true
		}
	}
	return false
}

// seedPool draws the generator's argument values from the seeds: every
// id, name and alias, misspellings of them, the words of the names, the
// dates the seeds give (and some malformed), and strings that match
// nothing.
func seedPool(t testing.TB) querygen.Pool {
	t.Helper()
	folder := storetest.ProjectSeeds(t)
	var ids, names, words, dates []string
	dateRE := regexp.MustCompile(`^\d{4}(-\d{2}){0,2}$`)
	err := folder.Each(context.Background(), func(c seeds.Chunk) error {
		for _, n := range c.Nodes {
			ids = append(ids, n.ID)
			for _, name := range append([]string{n.Name}, n.Aliases...) {
				names = append(names, name, misspell(name))
				words = append(words, strings.Fields(name)...)
			}
			for _, v := range n.Props {
				if s, ok := v.(string); ok && dateRE.MatchString(s) {
					dates = append(dates, s)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("read seeds: %v", err)
	}
	for _, l := range []*[]string{&ids, &names, &words, &dates} {
		slices.Sort(*l)
		*l = slices.Compact(*l)
	}
	if len(ids) == 0 || len(dates) == 0 {
		t.Fatalf("the seeds gave %d ids and %d dates", len(ids), len(dates))
	}
	return querygen.Pool{
		IDs:   ids,
		Names: names,
		Words: words,
		Scalars: map[string][]string{
			"PartialDate": append(dates, "1066", "2999-12-31", "2016-13", "2016-02-30", "last year", ""),
		},
		Unmatched: []string{"no such thing", "weapon/nothing", "country/atlantis", "\"quoted\" \\ back", "ß∂ƒ", "   "},
	}
}

// misspell returns name with its second letter dropped and its case
// swapped: a near miss for the resolver's one-letter-away matching.
func misspell(name string) string {
	r := []rune(name)
	if len(r) > 3 {
		r = append(r[:1:1], r[2:]...)
	}
	return strings.ToUpper(string(r))
}

func loadRegressions(t *testing.T) []regression {
	t.Helper()
	b, err := os.ReadFile(regressionFile)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var rs []regression
	if err := json.Unmarshal(b, &rs); err != nil {
		t.Fatalf("%s: %v", regressionFile, err)
	}
	return rs
}

var regressionMu sync.Mutex

// addRegression adds r to the regression file, unless an entry has its
// query already.
func addRegression(t *testing.T, r regression) {
	t.Helper()
	regressionMu.Lock()
	defer regressionMu.Unlock()
	rs := loadRegressions(t)
	for _, o := range rs {
		if o.Query == r.Query {
			return
		}
	}
	rs = append(rs, r)
	slices.SortStableFunc(rs, func(a, b regression) int { return cmp.Compare(a.Name, b.Name) })
	b, err := json.MarshalIndent(rs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(regressionFile), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(regressionFile, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
