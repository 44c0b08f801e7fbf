// Package wiring builds armsgraph's HTTP server over a store: the GraphQL
// handler (package graph) with its limits, metrics and request-log hooks,
// direct-path counts and generation pinning, served by internal/server.
// `armsgraph serve` and every test that needs the real server build it
// here, so it is wired in one place and internal/server knows neither
// graph nor the store.
package wiring

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"

	"armsgraph/graph"
	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jstore"
	"armsgraph/internal/server"
)

// Config tunes the server. Zero values take the defaults of DefaultConfig.
type Config struct {
	// Limits caps the expensive arguments (maxDepth, maxHops, limit, first …).
	Limits graph.Limits
	// MaxObjects is the object budget of one root field's answer
	// (graph.HandlerConfig.MaxObjects).
	MaxObjects int
	// MaxComplexity is the estimated answer size, in objects, above which
	// an operation is refused before it runs (zero: ten times MaxObjects).
	MaxComplexity int
	// Stats returns the graph's statistics for the cost estimate; New sets
	// it to the store's last reading (neo4jstore.Store.CachedStats).
	Stats func() *kg.GraphStats
	// MaxDepth is how deeply an operation may nest fields.
	MaxDepth int
	// MaxRootFields caps the top-level fields (aliases included) of an operation.
	MaxRootFields int
	// MaxBodyBytes caps a request body (and a GET query string).
	MaxBodyBytes int64
	// RequestTimeout bounds a GraphQL request; its context reaches every
	// Cypher query, which the driver then abandons. Keep the store's
	// QueryTimeout at or below it: that one stops the query inside Neo4j.
	RequestTimeout time.Duration
	// DisableIntrospection turns schema introspection off (it is on by default).
	DisableIntrospection bool
	// QueryCacheSize is how many parsed queries are kept.
	QueryCacheSize int
	// LoaderWait is how long a dataloader gathers keys before querying.
	LoaderWait time.Duration
	// NoDirect answers every field through gqlgen's executor instead of
	// writing covered root fields straight from their statement
	// (graph.HandlerConfig.NoDirect); for comparisons and as a way out.
	NoDirect bool
	// Registry receives the metrics; nil makes a new one, served at /metrics.
	Registry *prometheus.Registry
	// Access checks Host, Origin and tokens on every route.
	Access server.Access
	// WebDir, when set, serves the explorer and GraphiQL from this directory
	// (a web/dist being rebuilt while editing) instead of the embedded build.
	WebDir string
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	g := graph.DefaultHandlerConfig()
	s := server.DefaultConfig()
	return Config{
		Limits:         g.Limits,
		MaxObjects:     g.MaxObjects,
		MaxDepth:       g.MaxDepth,
		MaxRootFields:  g.MaxRootFields,
		MaxBodyBytes:   s.MaxBodyBytes,
		RequestTimeout: s.RequestTimeout,
		QueryCacheSize: g.QueryCacheSize,
		LoaderWait:     g.LoaderWait,
	}
}

// New builds the server over store: the GraphQL handler, pinned to one
// generation of the graph when the result cache is on, behind
// internal/server's routes and checks, with the store's readiness. It
// installs the store's query and fallback observers for the metrics.
func New(cfg Config, store *neo4jstore.Store, logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.Stats == nil {
		cfg.Stats = store.CachedStats
	}
	m := newMetrics(cfg.Registry)
	cfg.Registry.MustRegister(cacheCollectors(store)...)
	store.SetObserver(m.observeQuery)
	store.SetFallbackObserver(m.compiledFallback(logger))
	gql := pinGeneration(store, m.reanswered, graphQL(cfg, store, m, logger))
	return server.New(server.Config{
		MaxBodyBytes:   cfg.MaxBodyBytes,
		RequestTimeout: cfg.RequestTimeout,
		Registry:       cfg.Registry,
		Access:         cfg.Access,
		WebDir:         cfg.WebDir,
	}, gql, store, logger)
}

// graphQL builds the GraphQL handler (graph.NewHandler) with cfg's limits,
// the metrics hook and the request-log hook (server.NoteOperation).
func graphQL(cfg Config, store graph.Store, m *metrics, logger *slog.Logger) http.Handler {
	hc := graph.HandlerConfig{
		Limits:               cfg.Limits,
		MaxObjects:           cfg.MaxObjects,
		MaxComplexity:        cfg.MaxComplexity,
		Stats:                cfg.Stats,
		MaxDepth:             cfg.MaxDepth,
		MaxRootFields:        cfg.MaxRootFields,
		DisableIntrospection: cfg.DisableIntrospection,
		QueryCacheSize:       cfg.QueryCacheSize,
		LoaderWait:           cfg.LoaderWait,
		NoDirect:             cfg.NoDirect,
		AroundResponses:      []graphql.ResponseMiddleware{m.observeResponse, server.NoteOperation},
		DirectStats:          &m.direct,
	}
	return graph.NewHandler(store, hc, logger)
}
