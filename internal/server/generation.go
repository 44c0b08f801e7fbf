package server

import (
	"bytes"
	"context"
	"io"
	"maps"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"armsgraph/internal/neo4jstore"
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
	stat := func(f func(s statsView) float64) func() float64 {
		return func() float64 { return f(statsView{store}) }
	}
	return []prometheus.Collector{
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "armsgraph_result_cache_hits_total",
			Help: "Read statements answered from the result cache."}, stat(statsView.hits)),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "armsgraph_result_cache_misses_total",
			Help: "Read statements of pinned requests not in the result cache (they ran on Neo4j)."}, stat(statsView.misses)),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "armsgraph_result_cache_evictions_total",
			Help: "Results evicted from the result cache to stay within its bytes (least recently used first)."}, stat(statsView.evictions)),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "armsgraph_result_cache_refused_total",
			Help: "Results too large to cache (over an eighth of the cache)."}, stat(statsView.refused)),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "armsgraph_result_cache_bytes",
			Help: "Bytes the result cache holds (estimated; keys included)."}, stat(statsView.bytes)),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "armsgraph_result_cache_entries",
			Help: "Results the result cache holds."}, stat(statsView.entries)),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "armsgraph_result_cache_max_bytes",
			Help: "The result cache's bound in bytes (--cache-bytes; 0: off)."}, stat(statsView.maxBytes)),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "armsgraph_graph_generation",
			Help: "The graph's generation as this server last saw it (raised when a load begins and when it ends)."}, stat(statsView.generation)),
	}
}

// statsView reads one figure of the store's cache for a collector.
type statsView struct{ store *neo4jstore.Store }

func (v statsView) hits() float64      { return float64(v.store.CacheStats().Hits) }
func (v statsView) misses() float64    { return float64(v.store.CacheStats().Misses) }
func (v statsView) evictions() float64 { return float64(v.store.CacheStats().Evictions) }
func (v statsView) refused() float64   { return float64(v.store.CacheStats().Refused) }
func (v statsView) bytes() float64     { return float64(v.store.CacheStats().Bytes) }
func (v statsView) entries() float64   { return float64(v.store.CacheStats().Entries) }
func (v statsView) maxBytes() float64  { return float64(v.store.CacheStats().MaxBytes) }
func (v statsView) generation() float64 {
	g, _ := v.store.KnownGeneration()
	return float64(g.Value)
}
