package server_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"armsgraph/cmd/wiring"
	"armsgraph/internal/ingest"
	"armsgraph/internal/neo4jstore"
	"armsgraph/internal/neo4jtest"
	"armsgraph/internal/neo4jtest/storetest"
	"armsgraph/internal/seeds"
)

// rangeFolder is a seed folder of two countries and one weapon whose
// range is km: re-ingesting it with another km changes one value.
func rangeFolder(t *testing.T, km int) *seeds.Folder {
	t.Helper()
	return storetest.MapFolder(t, map[string]string{
		"s.yaml": "sources:\n  - {id: source/doc, document: doc.txt, title: Doc}\n",
		"c.yaml": "countries:\n  - {id: country/china, name: China, citations: [{source: source/doc, at: line 1}]}\n",
		"w.yaml": fmt.Sprintf(`weapons:
  - id: weapon/c-802
    name: C-802
    category: anti-ship-missile
    origin: country/china
    range_km: %d
    citations: [{source: source/doc, at: line 2}]
`, km),
	})
}

// cachedReplica is one server over inst with its own store and a result
// cache of cacheBytes (0: off), as one replica of a deployment.
func cachedReplica(t *testing.T, inst *neo4jtest.Instance, cacheBytes int64) http.Handler {
	t.Helper()
	store := openStoreOn(t, inst)
	// One connection first: the driver's first two connections at once race
	// inside it (see TestDatasetsLeaveEachOtherAlone).
	if err := store.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	store.EnableCache(cacheBytes)
	return newServer(t, wiring.Config{}, store)
}

// twoFieldsQuery reads the range twice, through two root fields whose
// selections differ, so two statements with two cache keys: an answer
// mixing generations shows as two different ranges.
const twoFieldsQuery = `{ a: entity(id: "weapon/c-802") { ... on Weapon { rangeKm } } b: entity(id: "weapon/c-802") { name ... on Weapon { rangeKm } } }`

// ranges asks h for twoFieldsQuery and returns both ranges.
func ranges(t *testing.T, h http.Handler) (a, b float64) {
	t.Helper()
	var out struct {
		A struct{ RangeKm float64 }
		B struct {
			Name    string
			RangeKm float64
		}
	}
	query(t, h, twoFieldsQuery, &out)
	return out.A.RangeKm, out.B.RangeKm
}

// metric reads one counter or gauge from h's /metrics.
func metric(t *testing.T, h http.Handler, name string) float64 {
	t.Helper()
	r := do(t, h, http.MethodGet, "/metrics", nil)
	m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindSubmatch(r.Body)
	if m == nil {
		t.Fatalf("/metrics has no %s:\n%s", name, r.Body)
	}
	v, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestResultCacheFollowsGenerations runs two replicas with caches over
// one Neo4j, and one without: a re-ingest that changes a value is seen by
// every replica within about a second, no answer mixes two generations
// while loads run, and the cache's metrics move as its lookups go.
func TestResultCacheFollowsGenerations(t *testing.T) {
	inst := neo4jtest.Get(t)
	loader := openStoreOn(t, inst)
	var km atomic.Int64 // the range the graph holds after the last load
	load := func(t *testing.T) float64 {
		t.Helper()
		n := km.Add(10)
		storetest.Load(t, loader, rangeFolder(t, int(n)), ingest.Options{Dataset: "cache-test"})
		return float64(n)
	}
	km.Store(100)
	load(t)
	replicas := []http.Handler{cachedReplica(t, inst, 1<<20), cachedReplica(t, inst, 1<<20)}
	uncached := cachedReplica(t, inst, 0)

	t.Run("every replica sees a re-ingest within a second", func(t *testing.T) {
		for _, h := range replicas {
			ranges(t, h) // cached now
		}
		want := load(t)
		ingested := time.Now()
		// The bound is MaxStaleness plus slack for a loaded machine; the
		// answer is expected well within it (the wait is printed).
		ctx, cancel := context.WithTimeout(context.Background(), neo4jstore.MaxStaleness+time.Second)
		defer cancel()
		for i, h := range replicas {
			for {
				a, b := ranges(t, h)
				if a == want && b == want {
					t.Logf("replica %d answers the new range %v %s after the load ended", i, want, time.Since(ingested).Round(time.Millisecond))
					break
				}
				if ctx.Err() != nil {
					t.Fatalf("replica %d still answers ranges %v, %v %s after a load of %v ended (the bound is %s)", i, a, b, time.Since(ingested).Round(time.Millisecond), want, neo4jstore.MaxStaleness)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
	})

	t.Run("no answer mixes two generations", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		var answers, mixed atomic.Int64
		var firstMix atomic.Value
		for c := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				h := replicas[c%len(replicas)]
				for ctx.Err() == nil {
					r := postQuery(t, h, twoFieldsQuery, nil)
					if len(r.Errors) > 0 {
						firstMix.CompareAndSwap(nil, fmt.Sprintf("errors: %+v", r.Errors))
						mixed.Add(1)
						continue
					}
					a := r.Data["a"].(map[string]any)["rangeKm"]
					b := r.Data["b"].(map[string]any)["rangeKm"]
					answers.Add(1)
					if a != b {
						mixed.Add(1)
						firstMix.CompareAndSwap(nil, fmt.Sprintf("a.rangeKm = %v, b.rangeKm = %v", a, b))
					}
					time.Sleep(time.Millisecond) // leave the load some CPU
				}
			}()
		}
		load(t)
		time.Sleep(neo4jstore.MaxStaleness / 2)
		cancel()
		wg.Wait()
		t.Logf("%d answers around a load", answers.Load())
		if n := mixed.Load(); n > 0 {
			t.Errorf("%d of %d answers mixed two generations or failed; the first: %v", n, answers.Load(), firstMix.Load())
		}
	})

	t.Run("metrics count hits and misses", func(t *testing.T) {
		h := replicas[0]
		// Until the replica has read the graph's generation, its requests
		// bypass the cache and count neither hit nor miss: run alone, this
		// subtest may send its first request. Repeat until one was pinned
		// (counted), so its answer is cached.
		counted := func() float64 {
			return metric(t, h, "armsgraph_result_cache_hits_total") + metric(t, h, "armsgraph_result_cache_misses_total")
		}
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			before := counted()
			ranges(t, h)
			if counted() > before {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("for 30 s every request bypassed the result cache: the replica never read the graph's generation")
			}
		}
		hits, misses := metric(t, h, "armsgraph_result_cache_hits_total"), metric(t, h, "armsgraph_result_cache_misses_total")
		ranges(t, h)
		if got := metric(t, h, "armsgraph_result_cache_hits_total"); got != hits+2 {
			t.Errorf("hits after a repeated request of two root fields = %v, want %v", got, hits+2)
		}
		if got := metric(t, h, "armsgraph_result_cache_misses_total"); got != misses {
			t.Errorf("misses after a repeated request = %v, want %v (unchanged)", got, misses)
		}
		if got := metric(t, h, "armsgraph_result_cache_bytes"); got <= 0 || got > 1<<20 {
			t.Errorf("armsgraph_result_cache_bytes = %v, want within (0, %d]", got, 1<<20)
		}
		if got := metric(t, uncached, "armsgraph_result_cache_max_bytes"); got != 0 {
			t.Errorf("the uncached server's armsgraph_result_cache_max_bytes = %v, want 0 (off)", got)
		}
	})

	t.Run("without a cache every answer is the graph's", func(t *testing.T) {
		want := load(t)
		if a, b := ranges(t, uncached); a != want || b != want {
			t.Errorf("uncached server right after a load of %v answers %v, %v", want, a, b)
		}
		if got := metric(t, uncached, "armsgraph_result_cache_hits_total"); got != 0 {
			t.Errorf("the uncached server counts %v hits, want 0", got)
		}
	})

	t.Run("the summary names each dataset's generation and load time", func(t *testing.T) {
		var out struct {
			GraphSummary struct {
				Generation int
				Datasets   []struct {
					Name         string
					Generation   *int
					LastIngested *string
					Loading      bool
				}
			}
		}
		query(t, uncached, `{ graphSummary { generation datasets { name generation lastIngested loading } } }`, &out)
		s := out.GraphSummary
		if len(s.Datasets) != 1 || s.Datasets[0].Name != "cache-test" {
			t.Fatalf("graphSummary.datasets = %+v, want the one dataset cache-test", s.Datasets)
		}
		d := s.Datasets[0]
		if d.Generation == nil || *d.Generation != s.Generation || d.Loading {
			t.Errorf("cache-test generation %v loading %v, want the graph's generation %d and not loading", d.Generation, d.Loading, s.Generation)
		}
		if d.LastIngested == nil {
			t.Fatalf("cache-test lastIngested = null, want the time of its last load")
		}
		at, err := time.Parse(time.RFC3339, *d.LastIngested)
		if err != nil || !strings.HasSuffix(*d.LastIngested, "Z") || time.Since(at) > time.Minute || time.Since(at) < -time.Minute {
			t.Errorf("cache-test lastIngested = %q (%v), want an RFC 3339 UTC time of about now", *d.LastIngested, err)
		}
	})
}
