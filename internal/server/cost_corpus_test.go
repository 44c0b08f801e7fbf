package server_test

import (
	"context"
	"flag"
	"math/rand/v2"
	"net/http"
	"slices"
	"testing"
	"time"

	"armsgraph/cmd/wiring"
	"armsgraph/graph"
	"armsgraph/internal/querygen"
)

// costCorpusOps is how many generated operations TestGeneratedCosts runs
// (about 2 s each on a loaded 2-core machine: both servers answer each).
var costCorpusOps = flag.Int("costcorpus.n", 100, "generated operations TestGeneratedCosts runs")

// costCorpusSeed, when set, replays one seed.
var costCorpusSeed = flag.Uint64("costcorpus.seed", 0, "replay TestGeneratedCosts with this seed only")

// costCorpusBudget is the object budget TestGeneratedCosts serves with: the
// 2,000 objects below which the issue wants no operation refused, so that
// the corpus exercises both refusals on the seed graph.
const costCorpusBudget = 2000

// TestGeneratedCosts runs generated operations (internal/querygen) over
// the seed graph twice: with an object budget of 2,000 (and the default
// up-front limit, ten times that), and with no limit, which gives each
// answer's real size in objects. An operation may be refused (up front on
// its estimate, or stopped by the object budget) only when its real answer
// holds more than 2,000 objects. The test prints how many were answered
// and refused, with the refused ones' real sizes, and the largest answer.
func TestGeneratedCosts(t *testing.T) {
	store := seededStore(t)
	if _, err := store.Stats(context.Background()); err != nil {
		t.Fatalf("Stats: %v", err)
	}
	limited := newServer(t, wiring.Config{MaxObjects: costCorpusBudget}, store)
	unlimited := newServer(t, wiring.Config{MaxObjects: 1 << 40, MaxComplexity: 1 << 50}, store)

	gen := querygen.New(graph.NewSchema(graph.NewResolver(nil, graph.Limits{})).Schema(), seedPool(t), querygen.Config{})
	// The fixed seed, then a fresh one for a quarter as many operations;
	// -costcorpus.seed replays one.
	seeds := []uint64{17, uint64(time.Now().UnixNano())}
	counts := []int{*costCorpusOps, max(*costCorpusOps/4, 1)}
	if *costCorpusSeed != 0 {
		seeds, counts = []uint64{*costCorpusSeed}, []int{*costCorpusOps}
	}
	for k, seed := range seeds {
		t.Logf("seed %d (replay: go test ./internal/server -run TestGeneratedCosts -costcorpus.seed %d -costcorpus.n %d)", seed, seed, counts[k])
		runCostCorpus(t, gen, rand.New(rand.NewPCG(seed, seed)), seed, counts[k], limited, unlimited)
	}
}

// runCostCorpus runs n operations of gen over both servers and reports.
func runCostCorpus(t *testing.T, gen *querygen.Generator, r *rand.Rand, seed uint64, n int, limited, unlimited http.Handler) {
	var answered, refused, failed, largest int
	var refusedSizes []int
	start := time.Now()
	for i := range n {
		op := gen.Generate(r)
		real := postQuery(t, unlimited, op.Query, op.Variables)
		if unknownSize(real) {
			failed++ // a compiler bug the reference-path test reports, or a timeout: no size to compare
			continue
		}
		size := objectsIn(real.Data) - 1
		largest = max(largest, size)
		got := postQuery(t, limited, op.Query, op.Variables)
		limit := ""
		for _, e := range got.Errors {
			if l, _ := e.Extensions["limit"].(string); l == "complexity" || l == "objects" {
				limit = l
			}
		}
		if limit == "" {
			answered++
			continue
		}
		refused++
		refusedSizes = append(refusedSizes, size)
		if size <= costCorpusBudget {
			t.Errorf("operation %d (seed %d) was refused (%s) with an answer of %d objects:\n%s\nvariables %v\n%s", i, seed, limit, size, op.Query, op.Variables, got.Body)
		}
	}
	slices.Sort(refusedSizes)
	t.Logf("%d generated operations (seed %d, budget %d objects) in %s: %d answered, %d refused (real sizes %v), %d without a known size (internal error or timeout without limits); the largest answer held %d objects",
		n, seed, costCorpusBudget, time.Since(start).Round(time.Millisecond), answered, refused, refusedSizes, failed, largest)
}

// unknownSize reports whether r, an answer without limits, does not give
// the answer's size: an internal error or a timeout cut it short, or an
// error in a non-null root field (a malformed cursor, say) nulled the
// whole data, so the other root fields' answers are not there to count.
func unknownSize(r rawResponse) bool {
	if r.Data == nil && len(r.Errors) > 0 {
		return true
	}
	for _, e := range r.Errors {
		if c := e.Extensions["code"]; c == graph.CodeInternal || c == graph.CodeTimeout {
			return true
		}
	}
	return false
}
