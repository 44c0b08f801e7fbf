package graph

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"armsgraph/internal/kg"
)

// HandlerConfig tunes the GraphQL handler. Zero values take the defaults
// of DefaultHandlerConfig.
type HandlerConfig struct {
	// Limits caps the expensive arguments (maxDepth, maxHops, limit, first …).
	Limits Limits
	// MaxObjects is the object budget: how many objects the answer of one
	// root field may hold; the field that passes it stops the root field
	// with LIMIT_EXCEEDED (budget.go).
	MaxObjects int
	// MaxComplexity is the estimated answer size, in objects, above which an
	// operation is refused before it runs (cost.go); zero: ten times
	// MaxObjects, so that only what is surely too large is refused on the
	// estimate.
	MaxComplexity int
	// Stats returns the graph's statistics the estimate prices fields with
	// (nil, or nil returned: modest priors).
	Stats func() *kg.GraphStats
	// MaxDepth is how deeply an operation may nest fields.
	MaxDepth int
	// MaxRootFields caps the top-level fields (aliases included) of an operation.
	MaxRootFields int
	// DisableIntrospection turns schema introspection off (it is on by default).
	DisableIntrospection bool
	// QueryCacheSize is how many parsed queries are kept.
	QueryCacheSize int
	// LoaderWait is how long a dataloader gathers keys before querying, for
	// the selections no compiled statement covers (docs/compiled-queries.md).
	LoaderWait time.Duration
	// AroundResponses are called, in order, around every response (metrics,
	// request logs).
	AroundResponses []graphql.ResponseMiddleware
	// NoDirect turns the direct path off (direct.go): every field then goes
	// through gqlgen's executor, as on the reference path of the tests.
	NoDirect bool
	// DirectStats, when set, counts the root fields answered by the direct
	// path and those handed back to gqlgen.
	DirectStats *DirectStats
}

// DefaultMaxObjects is the default object budget of a root field: about
// 2 MB of JSON, twenty times the whole-graph events list of the seeds.
const DefaultMaxObjects = 10000

// DefaultHandlerConfig returns the defaults.
func DefaultHandlerConfig() HandlerConfig {
	return HandlerConfig{
		Limits:         DefaultLimits(),
		MaxObjects:     DefaultMaxObjects,
		MaxDepth:       12,
		MaxRootFields:  20,
		QueryCacheSize: 1000,
		LoaderWait:     DefaultLoaderWait,
	}
}

func (c HandlerConfig) withDefaults() HandlerConfig {
	d := DefaultHandlerConfig()
	c.Limits = c.Limits.withDefaults()
	c.MaxObjects = orDefault(c.MaxObjects, d.MaxObjects)
	c.MaxComplexity = orDefault(c.MaxComplexity, 10*c.MaxObjects)
	c.MaxDepth = orDefault(c.MaxDepth, d.MaxDepth)
	c.MaxRootFields = orDefault(c.MaxRootFields, d.MaxRootFields)
	c.QueryCacheSize = orDefault(c.QueryCacheSize, d.QueryCacheSize)
	c.LoaderWait = orDefault(c.LoaderWait, d.LoaderWait)
	return c
}

// orDefault is v, or def when v is not positive.
func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// NewHandler assembles the GraphQL handler over store, in the one place
// where it is built: transports (GET, POST, OPTIONS; refusals as GraphQL
// over HTTP recommends, overhttp.go), the parsed-query
// cache, introspection, persisted queries, the depth, root-field and cost
// limits, the error presenter and recover func, the per-operation loaders,
// and cfg's response hooks. The server mounts it behind its HTTP limits;
// the tests serve exactly this handler.
func NewHandler(store Store, cfg HandlerConfig, logger *slog.Logger) http.Handler {
	cfg = cfg.withDefaults()
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	resolver := NewResolver(store, cfg.Limits)
	schema := NewSchema(resolver)
	srv := handler.New(schema)
	srv.AddTransport(transport.Options{})
	srv.AddTransport(overHTTP{transport.GET{}})
	srv.AddTransport(overHTTP{transport.POST{}})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](cfg.QueryCacheSize))
	if !cfg.DisableIntrospection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	srv.Use(DepthLimit{Max: cfg.MaxDepth, MaxRootFields: cfg.MaxRootFields})
	srv.Use(&CostLimit{Max: cfg.MaxComplexity, Budget: cfg.MaxObjects, Stats: cfg.Stats, limits: resolver.limits})
	srv.SetErrorPresenter(ErrorPresenter(logger))
	srv.SetRecoverFunc(RecoverFunc(logger))
	srv.AroundOperations(LoaderMiddleware(store, cfg.LoaderWait))
	srv.AroundRootFields(countRoot(cfg.MaxObjects))
	srv.AroundFields(countObjects)
	if !cfg.NoDirect {
		stats := cfg.DirectStats
		if stats == nil {
			stats = &DirectStats{}
		}
		// Inside countRoot, which gives the root field its object count
		// (the direct path reads the budget from it); replayRoot inside
		// countObjects, which counts the replayed root result as any.
		srv.AroundRootFields(newDirectWriter(schema.Schema(), resolver, stats).rootMiddleware)
		srv.AroundFields(replayRoot)
	}
	// Registered first, so that it is the outermost and sees the final
	// response (overhttp.go).
	srv.AroundResponses(stashData)
	srv.AroundResponses(dropOverBudget)
	for _, m := range cfg.AroundResponses {
		srv.AroundResponses(m)
	}
	return srv
}
