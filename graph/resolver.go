package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"armsgraph/internal/kg"
)

// Store is what the resolvers need from the graph database; *neo4jstore.Store
// implements it. Every method is one Cypher statement.
type Store interface {
	RootStore
	LoaderStore
}

// RootStore answers the root fields. Each method takes the prefetch that
// rootPlan built from the field's selection (nil: nothing nested) and
// returns what it fetched for it in the same statement (nil: it did not
// run the plan), so one root field is one statement.
type RootStore interface {
	Nodes(ctx context.Context, ids []string, pre ...*kg.Prefetch) ([]kg.Node, *kg.Fetched, error)
	Resolve(ctx context.Context, name string, kinds []kg.Kind, prefix bool, limit int, pre ...*kg.Prefetch) ([]kg.Match, *kg.Fetched, error)
	Search(ctx context.Context, text string, kinds []kg.Kind, first int, pre ...*kg.Prefetch) ([]kg.Node, *kg.Fetched, error)
	LineageOf(ctx context.Context, ref string, dir kg.Direction, maxDepth int, minConf kg.Confidence, pre ...*kg.Prefetch) (*kg.Lineage, *kg.Fetched, error)
	Paths(ctx context.Context, q kg.PathQuery, pre ...*kg.Prefetch) ([]kg.Path, *kg.Fetched, error)
	Neighborhood(ctx context.Context, q kg.NeighborhoodQuery, pre ...*kg.Prefetch) (kg.Subgraph, *kg.Fetched, error)
	NeighborGroups(ctx context.Context, id string, first int, pre ...*kg.Prefetch) (kg.Node, []kg.NeighborGroup, *kg.Fetched, error)
	NeighborGroupPage(ctx context.Context, q kg.NeighborGroupQuery, pre ...*kg.Prefetch) (kg.Node, kg.NeighborGroup, *kg.Fetched, error)
	Summary(ctx context.Context) (kg.GraphSummary, error)
	Agreements(ctx context.Context, f kg.AgreementFilter, pre ...*kg.Prefetch) ([]kg.Node, *kg.Fetched, error)
	Transfers(ctx context.Context, f kg.TransferFilter, pre ...*kg.Prefetch) ([]kg.Node, *kg.Fetched, error)
	Events(ctx context.Context, f kg.EventFilter, pre ...*kg.Prefetch) ([]kg.Node, *kg.Fetched, error)
	Resolutions(ctx context.Context, dates kg.DateRange, pre ...*kg.Prefetch) ([]kg.Node, *kg.Fetched, error)
	Sources(ctx context.Context) ([]kg.Node, error)
	Weapons(ctx context.Context, category, origin string, q kg.PageQuery, pre ...*kg.Prefetch) (kg.Page, *kg.Fetched, error)
	People(ctx context.Context, country string, q kg.PageQuery, pre ...*kg.Prefetch) (kg.Page, *kg.Fetched, error)
	Holders(ctx context.Context, q kg.HolderQuery, pre ...*kg.Prefetch) ([]kg.Tenure, *kg.Fetched, error)
	TransferParts(ctx context.Context, q kg.TotalsQuery, pre ...*kg.Prefetch) ([]kg.Node, *kg.Fetched, error)
}

// LoaderStore batches what a root statement cannot express (Weapon.lineage
// nested in another field) and what a store without a plan asks level by
// level: the per-request loaders call it.
type LoaderStore interface {
	Edges(ctx context.Context, ids []string, spec kg.EdgeSpec) (map[string][]kg.Edge, error)
	OrganizationCountries(ctx context.Context, ids []string) (map[string]kg.Node, error)
	Lineages(ctx context.Context, ids []string, dir kg.Direction, maxDepth int, minConf kg.Confidence) (map[string]kg.Lineage, error)
}

// Limits caps the arguments that make a request expensive. An argument
// over its cap is refused with an error naming it, never silently lowered.
type Limits struct {
	MaxLineageDepth      int // lineage maxDepth
	MaxPathHops          int // paths maxHops
	MaxPaths             int // paths limit
	MaxNeighborhoodDepth int // neighborhood depth
	MaxNeighborhoodNodes int // neighborhood limit
	MaxPageSize          int // weapons/people first
	MaxSearchResults     int // search first
	MaxResolveResults    int // resolve limit
}

// DefaultLimits are the caps the server uses unless configured otherwise.
func DefaultLimits() Limits {
	return Limits{
		MaxLineageDepth:      20,
		MaxPathHops:          8,
		MaxPaths:             25,
		MaxNeighborhoodDepth: 3,
		MaxNeighborhoodNodes: 1000,
		MaxPageSize:          200,
		MaxSearchResults:     100,
		MaxResolveResults:    50,
	}
}

// withDefaults fills zero caps from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	pick := func(v, def int) int {
		if v <= 0 {
			return def
		}
		return v
	}
	return Limits{
		MaxLineageDepth:      pick(l.MaxLineageDepth, d.MaxLineageDepth),
		MaxPathHops:          pick(l.MaxPathHops, d.MaxPathHops),
		MaxPaths:             pick(l.MaxPaths, d.MaxPaths),
		MaxNeighborhoodDepth: pick(l.MaxNeighborhoodDepth, d.MaxNeighborhoodDepth),
		MaxNeighborhoodNodes: pick(l.MaxNeighborhoodNodes, d.MaxNeighborhoodNodes),
		MaxPageSize:          pick(l.MaxPageSize, d.MaxPageSize),
		MaxSearchResults:     pick(l.MaxSearchResults, d.MaxSearchResults),
		MaxResolveResults:    pick(l.MaxResolveResults, d.MaxResolveResults),
	}
}

// Resolver holds the dependencies of every resolver. Build it with NewResolver.
type Resolver struct {
	store  Store
	limits Limits
}

// NewResolver returns the root resolver over store; zero limits take their defaults.
func NewResolver(store Store, limits Limits) *Resolver {
	return &Resolver{store: store, limits: limits.withDefaults()}
}

// NewSchema returns the executable schema with its resolvers (the cost
// estimate is CostLimit's, from the graph's statistics).
func NewSchema(r *Resolver) graphql.ExecutableSchema {
	return NewExecutableSchema(Config{Resolvers: r})
}
