package neo4jstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/internal/kg"
)

// Paths returns up to q.Limit shortest paths between two entities, shortest
// first, following relationships in either direction over at most
// q.MaxHops steps: the paths of the shortest length there is and, when
// there are fewer than q.Limit of those, the next shortest, one step longer.
// The type and via restrictions prune the search itself, so they never make
// it miss a path. A path that visits a node twice is dropped. A missing end
// is ErrNotFound naming the argument.
//
// Without via, the first statement finds the shortest paths with
// allShortestPaths: Neo4j's bidirectional breadth-first search, which
// expands the smaller of the two frontiers at each step and stops at the
// first level where they meet. It reads the graph through the kernel, which
// checks at every node whether the transaction was terminated, so the
// transaction timeout stops it. Only when it finds fewer than q.Limit paths
// does a second statement (nextPaths) look for the paths one step longer.
//
// The general SHORTEST k (a)-[]-{1,maxHops}(b) answers in one search, but
// Neo4j 5's implementation of it (a breadth-first search over walks, whose
// trails are then traced out in memory) spends seconds on graphs with hubs
// in work that never checks for termination: 3.4-8.7 s against 15 ms for
// the slowest pair on 100k weapons, and a timed-out search went on running
// inside the server (for minutes on 1M). It is kept only for via, whose
// inner-node predicate allShortestPaths cannot apply during its search.
func (s *Store) Paths(ctx context.Context, q kg.PathQuery, prefetch ...*kg.Prefetch) ([]kg.Path, *kg.Fetched, error) {
	return compiledOrPlain(ctx, s, "paths", prefetchOf(prefetch), func(pre *kg.Prefetch, got *fetched) ([]kg.Path, error) {
		return s.paths(ctx, q, pre, got)
	})
}

// paths is Paths with its prefetch (nil: none).
func (s *Store) paths(ctx context.Context, q kg.PathQuery, pre *kg.Prefetch, got *fetched) ([]kg.Path, error) {
	if err := checkRange("maxHops", q.MaxHops, 1, MaxPathHops); err != nil {
		return nil, err
	}
	if err := checkRange("limit", q.Limit, 1, MaxPaths); err != nil {
		return nil, err
	}
	if q.From == q.To {
		return nil, kg.Invalid("to", "must name another entity than from")
	}
	types, err := relTypes("relationshipTypes", q.Types)
	if err != nil {
		return nil, err
	}
	var via []string
	if len(q.Via) > 0 {
		if via, err = kindNames("via", q.Via); err != nil {
			return nil, err
		}
	}
	// The k of SHORTEST k and the bounds are literals from checked integers;
	// the types come from the allow-list.
	tail, cols, err := expandTail("found", pathNodes, pathRels, pre)
	if err != nil {
		return nil, err
	}
	search := fmt.Sprintf(`
  MATCH p = allShortestPaths((a)-[%s*..%d]-(b))
  WITH p
  LIMIT $limit`, types, q.MaxHops)
	if via != nil {
		search = fmt.Sprintf(`
  MATCH p = SHORTEST %d (a) (()-[%s]-(y) WHERE y = b OR y.kind IN $via){1,%d} (b)`, q.Limit, types, q.MaxHops)
	}
	cypher := `
OPTIONAL MATCH (a:Entity {id: $from})
OPTIONAL MATCH (b:Entity {id: $to})
CALL (a, b) {
  WITH a, b
  WHERE a IS NOT NULL AND b IS NOT NULL` + search + `
  RETURN collect(p) AS found
}` + tail + `
RETURN a IS NOT NULL AS hasFrom, b IS NOT NULL AS hasTo, ` + pathMaps(pre) + cols
	recs, err := s.query(ctx, "paths", cypher, planParams(pre, map[string]any{"from": q.From, "to": q.To, "via": via, "limit": q.Limit}))
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 {
		return nil, fmt.Errorf("paths: %d rows, want 1", len(recs))
	}
	rec := recs[0]
	if ok, _ := value[bool](rec, "hasFrom", "paths"); !ok {
		return nil, &kg.InputError{Arg: "from", Msg: fmt.Sprintf("no entity has id %q", q.From), Err: kg.ErrNotFound}
	}
	if ok, _ := value[bool](rec, "hasTo", "paths"); !ok {
		return nil, &kg.InputError{Arg: "to", Msg: fmt.Sprintf("no entity has id %q", q.To), Err: kg.ErrNotFound}
	}
	out, err := simplePaths(rec)
	if err != nil {
		return nil, err
	}
	readExpand(rec, pre, got)
	// allShortestPaths gives paths of one length, all simple.
	if via == nil && len(out) > 0 && len(out) < q.Limit && len(out[0].Rels) < q.MaxHops {
		more, err := s.nextPaths(ctx, q, types, len(out[0].Rels)+1, q.Limit-len(out), pre, got)
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	// Shortest first; paths of one length in a stable order.
	slices.SortStableFunc(out, func(a, b kg.Path) int {
		return cmp.Or(cmp.Compare(len(a.Rels), len(b.Rels)), slices.Compare(pathIDs(a), pathIDs(b)), slices.Compare(relKeys(a), relKeys(b)))
	})
	if len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

// pathMaps is the RETURN item that turns the list of paths found into
// what simplePaths reads.
// Its nodes are projected as pre asks (projectNode).
func pathMaps(pre *kg.Prefetch) string {
	return `[p IN found | {
  nodes: ` + projectList("nodes(p)", projected(pre)) + `,
  rels: [r IN relationships(p) | {r: ` + projectRel("r", relProjected(pre)) + `, from: startNode(r).id, to: endNode(r).id}]
}] AS paths`
}

// nextPaths finds up to need paths of length n between the two ends, the
// length just above the shortest: SHORTEST k with the fixed bounds {n,n}.
//
// Why only that length: the search behind SHORTEST enumerates walks and
// then, in memory and without checking for termination, traces them out,
// throwing away those that use a relationship twice. A walk one step longer
// than the shortest path never does: a walk that repeats a node holds a
// closed walk, and cutting out one of two or more steps would leave a walk
// shorter than the shortest path (a closed walk of one step is a self-loop,
// which makes a trail, dropped later as not simple). So at that length
// every walk traced is a trail, and the tracing stops after need of them.
// Two or more steps longer, back-and-forth walks through a hub
// (a-hub-x-hub-b) are traced by the million: on a graph of 50k nodes with
// hubs of 16k, lengths 3 to 6 between two nodes of one hub took 5 s, and
// length 15 ran on for minutes after its timeout. A fixed length also keeps
// the search itself small: on 100k weapons SHORTEST 5 {5,5} took 0.9 s
// where {1,6} took 8 s.
func (s *Store) nextPaths(ctx context.Context, q kg.PathQuery, types string, n, need int, pre *kg.Prefetch, got *fetched) ([]kg.Path, error) {
	tail, cols, err := expandTail("found", pathNodes, pathRels, pre)
	if err != nil {
		return nil, err
	}
	// k, the bounds and the types are literals from checked integers and
	// the allow-list.
	cypher := fmt.Sprintf(`
MATCH (a:Entity {id: $from})
MATCH (b:Entity {id: $to})
CALL (a, b) {
  MATCH p = SHORTEST %d (a)-[%s]-{%d,%d}(b)
  RETURN collect(p) AS found
}`, need, types, n, n) + tail + "\nRETURN " + pathMaps(pre) + cols
	recs, err := s.query(ctx, "paths-next", cypher, planParams(pre, map[string]any{"from": q.From, "to": q.To}))
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 {
		return nil, nil // an end was deleted since the first statement
	}
	readExpand(recs[0], pre, got)
	return simplePaths(recs[0])
}

// pathNodes and pathRels list every node and relationship of the paths found.
const (
	pathNodes = "reduce(acc = [], p IN found | acc + nodes(p))"
	pathRels  = "reduce(acc = [], p IN found | acc + relationships(p))"
)

// simplePaths reads the paths column, dropping a path that visits a node twice.
func simplePaths(rec *neo4j.Record) ([]kg.Path, error) {
	raw, err := value[[]any](rec, "paths", "paths")
	if err != nil {
		return nil, err
	}
	out := make([]kg.Path, 0, len(raw))
	for _, x := range raw {
		m, _ := x.(map[string]any)
		nodes, _ := m["nodes"].([]any)
		rels, _ := m["rels"].([]any)
		p := kg.Path{Nodes: nodeList(nodes), Rels: relList(rels)}
		if simple(p) {
			out = append(out, p)
		}
	}
	return out, nil
}

func relKeys(p kg.Path) []string {
	out := make([]string, 0, len(p.Rels))
	for _, r := range p.Rels {
		out = append(out, string(r.Type)+" "+r.Key)
	}
	return out
}

func pathIDs(p kg.Path) []string {
	out := make([]string, 0, len(p.Nodes))
	for _, n := range p.Nodes {
		out = append(out, n.ID)
	}
	return out
}

// simple reports whether a path visits every node once.
func simple(p kg.Path) bool {
	seen := make(map[string]bool, len(p.Nodes))
	for _, n := range p.Nodes {
		if seen[n.ID] {
			return false
		}
		seen[n.ID] = true
	}
	return true
}

// Neighborhood returns the entity, the nodes within q.Depth hops of it
// (nearest first, at most q.Limit of them; Truncated says more were there)
// and every relationship of the allowed types among them. A missing centre
// is ErrNotFound.
//
// The search goes one hop at a time, through entities (every relationship
// joins two): the nodes at distance d are the neighbours of those at
// distance d-1 that are not nearer, and the next hop is taken only while at
// most q.Limit nodes were found, so a hub next to the centre is expanded
// only if its neighbours can still be part of the answer. Each hop keeps
// its first q.Limit+1 nodes by id, which is all the answer (and Truncated)
// can use. This gives the same nodes as a shortest-path search to
// every node within q.Depth ordered by distance and id (the search used
// before), without enumerating the whole neighbourhood first. On 100k
// weapons, limit 200, medians: from a country 35 ms instead of 170 ms; at
// depth 3 from a weapon 10 ms instead of 150 ms; at depth 2 from a weapon
// about the same, 23 ms against 26 ms.
func (s *Store) Neighborhood(ctx context.Context, q kg.NeighborhoodQuery, prefetch ...*kg.Prefetch) (kg.Subgraph, *kg.Fetched, error) {
	return compiledOrPlain(ctx, s, "neighborhood", prefetchOf(prefetch), func(pre *kg.Prefetch, got *fetched) (kg.Subgraph, error) {
		return s.neighborhood(ctx, q, pre, got)
	})
}

// neighborhood is Neighborhood with its prefetch (nil: none).
func (s *Store) neighborhood(ctx context.Context, q kg.NeighborhoodQuery, pre *kg.Prefetch, got *fetched) (kg.Subgraph, error) {
	if err := checkRange("depth", q.Depth, 1, MaxNeighborhoodDepth); err != nil {
		return kg.Subgraph{}, err
	}
	if err := checkRange("limit", q.Limit, 1, MaxNeighborhoodLimit); err != nil {
		return kg.Subgraph{}, err
	}
	types, err := relTypes("relationshipTypes", q.Types)
	if err != nil {
		return kg.Subgraph{}, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, `
MATCH (c:Entity {id: $id})
CALL (c) {
  // the nodes at distance 1
  MATCH (c)-[%s]-(n:Entity)
  WHERE n <> c
  WITH DISTINCT n
  ORDER BY n.id
  LIMIT $limit + 1
  RETURN collect(n) AS found
}
WITH c, found, found AS frontier`, types)
	for d := 2; d <= q.Depth; d++ {
		// found holds every node nearer than d while it holds at most limit.
		fmt.Fprintf(&b, `
CALL (c, found, frontier) {
  // the nodes at distance %d
  WITH c, found, frontier
  WHERE size(found) <= $limit
  UNWIND frontier AS x
  MATCH (x)-[%s]-(n:Entity)
  WHERE n <> c AND NOT n IN found
  WITH DISTINCT n
  ORDER BY n.id
  LIMIT $limit + 1
  RETURN collect(n) AS next
}
WITH c, found + next AS found, next AS frontier`, d, types)
	}
	b.WriteString(`
WITH c, found[..$limit] AS kept, size(found) > $limit AS truncated
WITH c, truncated, [c] + kept AS ns`)
	if pre != nil && pre.NoRels {
		// The selection asks for no relationships: leave out the subquery
		// that finds those among the nodes (most of the database hits).
		b.WriteString("\nWITH ns, truncated, [] AS rels")
	} else {
		fmt.Fprintf(&b, `
CALL (ns) {
  UNWIND ns AS x
  MATCH (x)-[r%s]->(y)
  WHERE y IN ns
  RETURN collect({r: r, from: x.id, to: y.id}) AS rels
}`, types)
	}
	tail, cols, err := expandTail("ns, rels", "ns", "[y IN rels | y.r]", pre)
	if err != nil {
		return kg.Subgraph{}, err
	}
	b.WriteString(tail + "\nRETURN " + projectList("ns", projected(pre)) + " AS ns, " + projectRelList("rels", relProjected(pre)) + " AS rels, truncated" + cols)
	cypher := b.String()
	recs, err := s.query(ctx, "neighborhood", cypher, planParams(pre, map[string]any{"id": q.ID, "limit": q.Limit}))
	if err != nil {
		return kg.Subgraph{}, err
	}
	if len(recs) == 0 {
		return kg.Subgraph{}, &kg.InputError{Arg: "id", Msg: fmt.Sprintf("no entity has id %q", q.ID), Err: kg.ErrNotFound}
	}
	rec := recs[0]
	ns, err := value[[]any](rec, "ns", "neighborhood")
	if err != nil {
		return kg.Subgraph{}, err
	}
	rels, err := value[[]any](rec, "rels", "neighborhood")
	if err != nil {
		return kg.Subgraph{}, err
	}
	truncated, err := value[bool](rec, "truncated", "neighborhood")
	if err != nil {
		return kg.Subgraph{}, err
	}
	readExpand(rec, pre, got)
	out := relList(rels)
	// collect gives the relationships in no defined order: fix one.
	slices.SortFunc(out, func(a, b kg.Rel) int {
		return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To), cmp.Compare(a.Type, b.Type), cmp.Compare(a.Key, b.Key))
	})
	return kg.Subgraph{Nodes: nodeList(ns), Rels: out, Truncated: truncated}, nil
}
