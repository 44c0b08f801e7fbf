package wiring

import (
	"bytes"
	"context"
	"io"
	"maps"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"armsgraph/internal/neo4jstore"
	"armsgraph/internal/resultcache"
)

// generationPinner is what pinGeneration needs: *neo4jstore.Store.
type generationPinner interface {
	PinGeneration(ctx context.Context) (context.Context, *neo4jstore.Pin)
	PinGenerationUnfrozen(ctx context.Context) (context.Context, *neo4jstore.Pin)
	AwaitLoad(ctx context.Context, pin *neo4jstore.Pin)
}

// maxAnswers bounds how many times one request is answered when each
// answer straddles a change of the graph's generation. Loads are minutes
// apart, so a second answer is all but certain to hold; the last one is
// sent whatever it saw.
const maxAnswers = 3

// pinGeneration answers a GraphQL request under one generation of the
// graph, when the store's result cache is on (neo4jstore's cache.go): the
// request is pinned to the generation the store knows, its answer is held
// back, and when a statement that ran (not cached) found the generation
// moved, the answer is dropped and the request answered again under the
// new one. While a load runs the request is answered from the last
// complete generation's cache; when it needs Neo4j it waits for the load
// to end (neo4jstore.LoadWait). So no answer mixes two generations. With
// the cache off it passes the request through.
func pinGeneration(pins generationPinner, reanswered prometheus.Counter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, pin := pins.PinGeneration(r.Context())
		if pin == nil {
			next.ServeHTTP(w, r)
			return
		}
		var body []byte
		if r.Body != nil {
			body, _ = io.ReadAll(r.Body) // in memory already (limitBody)
		}
		for answer := 1; ; answer++ {
			r.Body = io.NopCloser(bytes.NewReader(body))
			held := &heldResponse{header: http.Header{}}
			next.ServeHTTP(held, r.WithContext(ctx))
			if !pin.Straddled() || answer == maxAnswers || r.Context().Err() != nil {
				held.send(w)
				return
			}
			if reanswered != nil {
				reanswered.Inc()
			}
			if pin.Frozen() {
				pins.AwaitLoad(r.Context(), pin)
			}
			if answer+1 == maxAnswers {
				// The last answer is sent whatever it sees: not frozen, so
				// that a long load cannot leave it without one.
				ctx, pin = pins.PinGenerationUnfrozen(r.Context())
			} else {
				ctx, pin = pins.PinGeneration(r.Context())
			}
		}
	})
}

// heldResponse keeps a response in memory until it is sent or dropped.
type heldResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (h *heldResponse) Header() http.Header         { return h.header }
func (h *heldResponse) Write(b []byte) (int, error) { return h.body.Write(b) }
func (h *heldResponse) WriteHeader(status int) {
	if h.status == 0 {
		h.status = status
	}
}

// send writes the held response to w.
func (h *heldResponse) send(w http.ResponseWriter) {
	maps.Copy(w.Header(), h.header)
	if h.status != 0 {
		w.WriteHeader(h.status)
	}
	_, _ = w.Write(h.body.Bytes())
}

// cacheCollectors export the result cache's counters (zero while it is
// off) and the generation the store knows.
func cacheCollectors(store *neo4jstore.Store) []prometheus.Collector {
	stat := func(f func(resultcache.Stats) float64) func() float64 {
		return func() float64 { return f(store.CacheStats()) }
	}
	counters := []struct {
		name, help string
		value      func(resultcache.Stats) float64
	}{
		{"hits_total", "Read statements answered from the result cache.", func(s resultcache.Stats) float64 { return float64(s.Hits) }},
		{"misses_total", "Read statements of pinned requests not in the result cache (they ran on Neo4j).", func(s resultcache.Stats) float64 { return float64(s.Misses) }},
		{"evictions_total", "Results evicted from the result cache to stay within its bytes (least recently used first).", func(s resultcache.Stats) float64 { return float64(s.Evictions) }},
		{"refused_total", "Results too large to cache (over an eighth of the cache).", func(s resultcache.Stats) float64 { return float64(s.Refused) }},
	}
	gauges := []struct {
		name, help string
		value      func(resultcache.Stats) float64
	}{
		{"bytes", "Bytes the result cache holds (estimated; keys included).", func(s resultcache.Stats) float64 { return float64(s.Bytes) }},
		{"entries", "Results the result cache holds.", func(s resultcache.Stats) float64 { return float64(s.Entries) }},
		{"max_bytes", "The result cache's bound in bytes (--cache-bytes; 0: off).", func(s resultcache.Stats) float64 { return float64(s.MaxBytes) }},
	}
	var out []prometheus.Collector
	for _, c := range counters {
		out = append(out, prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "armsgraph_result_cache_" + c.name, Help: c.help}, stat(c.value)))
	}
	for _, g := range gauges {
		out = append(out, prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "armsgraph_result_cache_" + g.name, Help: g.help}, stat(g.value)))
	}
	return append(out, prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "armsgraph_graph_generation",
		Help: "The graph's generation as this server last saw it (raised when a load begins and when it ends)."},
		func() float64 {
			g, _ := store.KnownGeneration()
			return float64(g.Value)
		}))
}
