package graph

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"

	"armsgraph/internal/kg"
)

// DefaultLoaderWait is how long a loader collects keys before it sends its
// batch, for keys that no sibling group announces (see loaders).
const DefaultLoaderWait = 2 * time.Millisecond

// loaders batch the nested fields of one request, so that every level of
// the response costs one query whatever the number of parents. They live
// for one operation, so nothing is cached across requests.
//
// Each loader is a dataloadgen loader, which gathers the keys asked for
// within a short time window. Gathering by time alone depends on goroutine
// scheduling: under load, siblings can miss the window and a level costs a
// second query. So the loaders also know sibling groups: the nodes one
// query returned (a page of weapons, every parent found by one batched
// edge query) form a group, and the first time a field is loaded for a
// member of a group, it is requested for the whole group at once. The batch
// then holds every sibling regardless of timing.
type loaders struct {
	store Store
	wait  time.Duration

	nodes      *loader[*kg.Node]
	orgCountry *loader[*kg.Node]

	mu       sync.Mutex
	edges    map[kg.EdgeSpec]*loader[[]kg.Edge]
	lineages map[lineageKey]*loader[*kg.Lineage]
	groups   map[string]*group // node or source id → the group it came in first

	// The entity and relationship properties the request reads (requestProps).
	propsOnce       sync.Once
	props, relProps []string

	// batching is set once a field of the operation loads through a batch
	// instead of reading what a statement primed (a loader fetched, or a
	// root's store ignored the plan). From then on marshalSlice gives list
	// elements a goroutine each, so that their loads share one batch window
	// instead of waiting for one each, in turn.
	batching atomic.Bool
}

// loader is a dataloadgen loader that remembers the keys it holds an
// answer for (primed, or loaded before), so that a load the cache answers
// claims no sibling group: a group may come from another root field of the
// operation, and claiming it would fetch that field's nodes in a
// statement this field does not need (the one-statement-per-root-field
// race of issue 17).
type loader[V any] struct {
	*dataloadgen.Loader[string, V]
	mu    sync.Mutex
	known map[string]bool
}

func newLoader[V any](fetch func(context.Context, []string) (map[string]V, error), wait time.Duration) *loader[V] {
	return &loader[V]{Loader: dataloadgen.NewMappedLoader(fetch, dataloadgen.WithWait(wait)), known: map[string]bool{}}
}

// Prime gives id its answer unless it has one already.
func (ld *loader[V]) Prime(id string, v V) {
	ld.remember(id)
	ld.Loader.Prime(id, v)
}

func (ld *loader[V]) remember(id string) {
	ld.mu.Lock()
	ld.known[id] = true
	ld.mu.Unlock()
}

func (ld *loader[V]) holds(id string) bool {
	ld.mu.Lock()
	defer ld.mu.Unlock()
	return ld.known[id]
}

// group is a set of sibling ids; claimed records the loaders already
// asked to load the whole group (keyed by the *loader: one per request and
// kind of load).
type group struct {
	ids     []string
	claimed map[any]bool
}

type lineageKey struct {
	dir      kg.Direction
	maxDepth int
	minConf  kg.Confidence
}

func newLoaders(store Store, wait time.Duration) *loaders {
	l := &loaders{
		store:    store,
		wait:     wait,
		edges:    map[kg.EdgeSpec]*loader[[]kg.Edge]{},
		lineages: map[lineageKey]*loader[*kg.Lineage]{},
		groups:   map[string]*group{},
	}
	l.nodes = newLoader(func(ctx context.Context, ids []string) (map[string]*kg.Node, error) {
		l.batching.Store(true)
		nodes, _, err := store.Nodes(ctx, ids)
		if err != nil {
			return nil, err
		}
		l.register(nodes, nil)
		out := make(map[string]*kg.Node, len(ids))
		for i := range nodes {
			out[nodes[i].ID] = &nodes[i]
		}
		return fill(out, ids), nil
	}, wait)
	l.orgCountry = newLoader(func(ctx context.Context, ids []string) (map[string]*kg.Node, error) {
		l.batching.Store(true)
		found, err := store.OrganizationCountries(ctx, ids)
		if err != nil {
			return nil, err
		}
		out := make(map[string]*kg.Node, len(ids))
		var nodes []kg.Node
		for id, n := range found {
			out[id] = &n
			nodes = append(nodes, n)
		}
		l.register(nodes, nil)
		return fill(out, ids), nil
	}, wait)
	return l
}

// fill gives every key a value (nil when nothing was found), so the mapped
// loader reports no "not found" error for it: a missing node is null.
func fill[V any](m map[string]*V, ids []string) map[string]*V {
	for _, id := range ids {
		if _, ok := m[id]; !ok {
			m[id] = nil
		}
	}
	return m
}

// register records what one query returned: the nodes become known to the
// node loader, the nodes form a sibling group, and the sources their
// citations (and the relationships') name form another.
func (l *loaders) register(nodes []kg.Node, rels []kg.Rel) {
	for i := range nodes {
		l.nodes.Prime(nodes[i].ID, &nodes[i])
	}
	ids := make([]string, 0, len(nodes))
	var sources []string
	seen := map[string]bool{}
	addSources := func(cs []kg.Citation) {
		for _, c := range cs {
			if !seen[c.Source] {
				seen[c.Source] = true
				sources = append(sources, c.Source)
			}
		}
	}
	for _, n := range nodes {
		ids = append(ids, n.ID)
		addSources(n.Citations)
	}
	// Entities that relationships name by id (a position's country).
	var named []string
	for _, r := range rels {
		addSources(r.Citations)
		if id, ok := r.Props["country"].(string); ok && !seen[id] {
			seen[id] = true
			named = append(named, id)
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, set := range [][]string{ids, sources, named} {
		if len(set) < 2 {
			continue
		}
		g := &group{ids: set, claimed: map[any]bool{}}
		for _, id := range set {
			if _, ok := l.groups[id]; !ok {
				l.groups[id] = g
			}
		}
	}
}

// claim returns the group of id the first time loader ld asks for it,
// nil after that or when id has no group.
func (l *loaders) claim(ld any, id string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	g := l.groups[id]
	if g == nil || g.claimed[ld] {
		return nil
	}
	g.claimed[ld] = true
	return g.ids
}

// load loads id with ld, first asking ld for id's whole sibling group if
// no sibling did yet and ld has no answer for id: a group only ever
// joins a statement that runs anyway.
func load[V any](ctx context.Context, l *loaders, ld *loader[V], id string) (V, error) {
	if ld.holds(id) {
		return ld.Load(ctx, id)
	}
	if ids := l.claim(ld, id); ids != nil {
		ld.LoadAllThunk(ctx, ids) // queues the group in the current batch; Load below waits for it
	}
	v, err := ld.Load(ctx, id)
	if err == nil {
		ld.remember(id)
	}
	return v, err
}

// node loads an entity or source by id.
func (l *loaders) node(ctx context.Context, id string) (*kg.Node, error) {
	return load(ctx, l, l.nodes, id)
}

// nodesByID loads entities or sources by id, in the order of ids (nil
// where there is none), in one batch.
func (l *loaders) nodesByID(ctx context.Context, ids []string) ([]*kg.Node, error) {
	return l.nodes.LoadAll(ctx, ids)
}

// organizationCountry loads the country of an organization.
func (l *loaders) organizationCountry(ctx context.Context, id string) (*kg.Node, error) {
	return load(ctx, l, l.orgCountry, id)
}

// edgesOf loads the relationships spec names, of one entity.
func (l *loaders) edgesOf(ctx context.Context, spec kg.EdgeSpec, id string) ([]kg.Edge, error) {
	return load(ctx, l, l.edgeLoader(spec), id)
}

// lineage loads Weapon.lineage of one weapon.
func (l *loaders) lineage(ctx context.Context, k lineageKey, id string) (*kg.Lineage, error) {
	return load(ctx, l, l.lineageLoader(k), id)
}

// edgeLoader returns the loader of one kind of relationship.
func (l *loaders) edgeLoader(spec kg.EdgeSpec) *loader[[]kg.Edge] {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ld, ok := l.edges[spec]; ok {
		return ld
	}
	ld := newLoader(func(ctx context.Context, ids []string) (map[string][]kg.Edge, error) {
		l.batching.Store(true)
		found, err := l.store.Edges(ctx, ids, spec)
		if err != nil {
			return nil, err
		}
		var nodes []kg.Node
		var rels []kg.Rel
		seen := map[string]bool{}
		for _, id := range ids {
			for _, e := range found[id] {
				rels = append(rels, e.Rel)
				if !seen[e.Node.ID] {
					seen[e.Node.ID] = true
					nodes = append(nodes, e.Node)
				}
			}
			if _, ok := found[id]; !ok {
				found[id] = nil
			}
		}
		l.register(nodes, rels)
		return found, nil
	}, l.wait)
	l.edges[spec] = ld
	return ld
}

// lineageLoader returns the loader of Weapon.lineage for one set of arguments.
func (l *loaders) lineageLoader(k lineageKey) *loader[*kg.Lineage] {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ld, ok := l.lineages[k]; ok {
		return ld
	}
	ld := newLoader(func(ctx context.Context, ids []string) (map[string]*kg.Lineage, error) {
		l.batching.Store(true)
		found, err := l.store.Lineages(ctx, ids, k.dir, k.maxDepth, k.minConf)
		if err != nil {
			return nil, err
		}
		out := make(map[string]*kg.Lineage, len(ids))
		var nodes []kg.Node
		var rels []kg.Rel
		for id, lin := range found {
			out[id] = &lin
			nodes = append(nodes, lin.Nodes...)
			rels = append(rels, lin.Rels...)
		}
		l.register(nodes, rels)
		return fill(out, ids), nil
	}, l.wait)
	l.lineages[k] = ld
	return ld
}

type loadersKey struct{}

// LoaderMiddleware gives every operation its own loaders over store. Install
// it with (*handler.Server).AroundOperations; resolvers find the loaders in
// their context.
func LoaderMiddleware(store Store, wait time.Duration) graphql.OperationMiddleware {
	if wait <= 0 {
		wait = DefaultLoaderWait
	}
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		return next(context.WithValue(ctx, loadersKey{}, newLoaders(store, wait)))
	}
}

// loadersFor returns the request's loaders, or fresh ones when the
// middleware is not installed (then nothing is shared between fields).
func (r *Resolver) loadersFor(ctx context.Context) *loaders {
	if l, ok := ctx.Value(loadersKey{}).(*loaders); ok {
		return l
	}
	return newLoaders(r.store, DefaultLoaderWait)
}

// prime records what a root field's compiled statement fetched for its
// selection (kg.Fetched), so that the nested resolvers read it from the
// loaders' caches instead of querying. No sibling groups are formed: a
// field the plan did not cover loads for its own node only.
func (l *loaders) prime(pre *kg.Fetched) {
	if pre == nil {
		return
	}
	for i := range pre.Nodes {
		l.nodes.Prime(pre.Nodes[i].ID, &pre.Nodes[i])
	}
	for _, id := range pre.Missing {
		l.nodes.Prime(id, nil)
	}
	for _, el := range pre.Edges {
		l.edgeLoader(el.Spec).Prime(el.ID, el.Edges)
		for i := range el.Edges {
			l.nodes.Prime(el.Edges[i].Node.ID, &el.Edges[i].Node)
		}
	}
	for i, lo := range pre.Lineages {
		l.lineageLoader(lineageKey{dir: lo.Dir, maxDepth: lo.MaxDepth, minConf: lo.MinConf}).Prime(lo.ID, &pre.Lineages[i].Lineage)
		for j := range lo.Lineage.Nodes {
			l.nodes.Prime(lo.Lineage.Nodes[j].ID, &pre.Lineages[i].Lineage.Nodes[j])
		}
	}
	for _, oc := range pre.OrgCountries {
		l.orgCountry.Prime(oc.ID, oc.Country)
		if oc.Country != nil {
			l.nodes.Prime(oc.Country.ID, oc.Country)
		}
	}
}

// roots records the nodes a root field returned for the plan pre: when the
// store ran it (got is what it fetched) they are primed alone (their
// nested fields are primed too); otherwise they form a sibling group for
// the loaders, as any batch does.
func (l *loaders) roots(nodes []kg.Node, rels []kg.Rel, pre *kg.Prefetch, got *kg.Fetched) {
	if got == nil {
		if pre.Wants() {
			l.batching.Store(true) // the store ignored the plan
		}
		l.register(nodes, rels)
		return
	}
	for i := range nodes {
		l.nodes.Prime(nodes[i].ID, &nodes[i])
	}
	l.prime(got)
}
