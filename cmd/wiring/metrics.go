package wiring

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"

	"armsgraph/graph"
	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jstore"
	"armsgraph/internal/server"
)

// maxOperationNames caps the distinct operation names the metrics keep as
// labels; clients choose the names, so later ones are counted as "other".
const maxOperationNames = 100

// metrics are the Prometheus series the server exports.
type metrics struct {
	requests  *prometheus.CounterVec
	duration  *prometheus.HistogramVec
	errors    *prometheus.CounterVec
	queries   *prometheus.HistogramVec
	fallbacks *prometheus.CounterVec
	// reanswered counts requests answered again because a statement found
	// the graph's generation moved (pinGeneration).
	reanswered prometheus.Counter
	// direct counts the root fields the direct path wrote and those it
	// handed back to gqlgen's executor (graph/direct.go).
	direct graph.DirectStats

	mu    sync.Mutex
	names map[string]bool
	// logged holds the hashes of the operations whose fallback has been
	// logged (each is logged once); emptied when it reaches maxLogged.
	logged map[string]bool
}

// maxLogged bounds the operation hashes kept to log each fallback once.
const maxLogged = 10000

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "armsgraph_graphql_requests_total",
			Help: "GraphQL operations answered, by operation name.",
		}, []string{"operation"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "armsgraph_graphql_request_duration_seconds",
			Help:    "Time to answer a GraphQL operation, by operation name.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12),
		}, []string{"operation"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "armsgraph_graphql_errors_total",
			Help: "GraphQL errors returned, by extensions.code.",
		}, []string{"code"}),
		queries: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "armsgraph_neo4j_query_duration_seconds",
			Help:    "Time a Cypher query took, by query name and outcome (ok, timeout, unavailable, error).",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2.5, 12),
		}, []string{"query", "outcome"}),
		fallbacks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "armsgraph_compiled_fallbacks_total",
			Help: "Root fields whose compiled statement Neo4j refused, answered through the dataloaders instead, by query name (each is a compiler bug).",
		}, []string{"query"}),
		reanswered: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "armsgraph_result_cache_reanswered_total",
			Help: "GraphQL requests answered again because the graph's generation moved while they ran (a load began or ended).",
		}),
		names:  map[string]bool{},
		logged: map[string]bool{},
	}
	reg.MustRegister(m.requests, m.duration, m.errors, m.queries, m.fallbacks, m.reanswered)
	for path, n := range map[string]*atomic.Int64{"direct": &m.direct.Direct, "executor": &m.direct.Fallback} {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "armsgraph_graphql_root_fields_total",
			Help:        "Root fields answered, by path: written straight from the statement's result (direct) or through gqlgen's executor.",
			ConstLabels: prometheus.Labels{"path": path},
		}, func() float64 { return float64(n.Load()) }))
	}
	return m
}

// observeQuery is the store's QueryObserver.
func (m *metrics) observeQuery(_ context.Context, name string, took time.Duration, err error) {
	outcome := "ok"
	switch {
	case err == nil:
	case errors.Is(err, kg.ErrTimeout):
		outcome = "timeout"
	case errors.Is(err, kg.ErrUnavailable):
		outcome = "unavailable"
	default:
		outcome = "error"
	}
	m.queries.WithLabelValues(name, outcome).Observe(took.Seconds())
}

// compiledFallback is the store's FallbackObserver: it counts the
// fallback and logs it, once per operation (by the hash of its text),
// with Neo4j's error.
func (m *metrics) compiledFallback(logger *slog.Logger) neo4jstore.FallbackObserver {
	return func(ctx context.Context, name string, err error) {
		m.fallbacks.WithLabelValues(name).Inc()
		hash := "none"
		if graphql.HasOperationContext(ctx) {
			sum := sha256.Sum256([]byte(graphql.GetOperationContext(ctx).RawQuery))
			hash = hex.EncodeToString(sum[:8])
		}
		m.mu.Lock()
		seen := m.logged[hash]
		if !seen {
			if len(m.logged) >= maxLogged {
				clear(m.logged)
			}
			m.logged[hash] = true
		}
		m.mu.Unlock()
		if !seen {
			logger.ErrorContext(ctx, "compiled statement refused, answered through the dataloaders",
				slog.String("operation_hash", hash), slog.String("query", name), slog.Any("err", err))
		}
	}
}

// observeResponse counts an answered operation, its latency and its errors.
func (m *metrics) observeResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if neo4jstore.PinOf(ctx).Dropped() {
		return resp // answered again (pinGeneration): that answer is counted
	}
	name := m.label(server.OperationName(ctx))
	m.requests.WithLabelValues(name).Inc()
	if graphql.HasOperationContext(ctx) {
		if start := graphql.GetOperationContext(ctx).Stats.OperationStart; !start.IsZero() {
			m.duration.WithLabelValues(name).Observe(time.Since(start).Seconds())
		}
	}
	if resp != nil {
		for _, e := range resp.Errors {
			code, _ := e.Extensions["code"].(string)
			if code == "" {
				code = "NONE"
			}
			m.errors.WithLabelValues(code).Inc()
		}
	}
	return resp
}

// label keeps the label set bounded: names are cut to 64 safe characters,
// and past maxOperationNames distinct names every new one is "other".
func (m *metrics) label(name string) string {
	name = strings.Map(func(r rune) rune {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, name)
	if len(name) > 64 {
		name = name[:64]
	}
	if name == "" {
		name = "anonymous"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.names[name] {
		return name
	}
	if len(m.names) >= maxOperationNames {
		return "other"
	}
	m.names[name] = true
	return name
}
