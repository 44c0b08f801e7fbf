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
)

// HandlerConfig tunes the GraphQL handler. Zero values take the defaults
// of DefaultHandlerConfig.
type HandlerConfig struct {
	// Limits caps the expensive arguments (maxDepth, maxHops, limit, first …).
	Limits Limits
	// MaxComplexity is the highest cost an operation may have (see cost.go).
	MaxComplexity int
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
}

// DefaultHandlerConfig returns the defaults.
func DefaultHandlerConfig() HandlerConfig {
	return HandlerConfig{
		Limits:         DefaultLimits(),
		MaxComplexity:  10000,
		MaxDepth:       12,
		MaxRootFields:  20,
		QueryCacheSize: 1000,
		LoaderWait:     DefaultLoaderWait,
	}
}

func (c HandlerConfig) withDefaults() HandlerConfig {
	d := DefaultHandlerConfig()
	c.Limits = c.Limits.withDefaults()
	c.MaxComplexity = orDefault(c.MaxComplexity, d.MaxComplexity)
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
	srv := handler.New(NewSchema(resolver))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(overHTTP{transport.GET{}})
	srv.AddTransport(overHTTP{transport.POST{}})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](cfg.QueryCacheSize))
	if !cfg.DisableIntrospection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	srv.Use(DepthLimit{Max: cfg.MaxDepth, MaxRootFields: cfg.MaxRootFields})
	srv.Use(&CostLimit{Max: cfg.MaxComplexity, resolver: resolver})
	srv.SetErrorPresenter(ErrorPresenter(logger))
	srv.SetRecoverFunc(RecoverFunc(logger))
	srv.AroundOperations(LoaderMiddleware(store, cfg.LoaderWait))
	for _, m := range cfg.AroundResponses {
		srv.AroundResponses(m)
	}
	return srv
}
