package neo4jstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"armsgraph/internal/kg"
)

// Paths returns up to q.Limit shortest paths between two entities, shortest
// first, following relationships in either direction (SHORTEST k, planned
// as a search from both ends). The type and via restrictions prune the
// search itself, so they never make it miss a path. A path that visits a
// node twice is dropped. A missing end is ErrNotFound naming the argument.
func (s *Store) Paths(ctx context.Context, q kg.PathQuery) ([]kg.Path, error) {
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
	pattern := fmt.Sprintf("(a)-[%s]-{1,%d}(b)", types, q.MaxHops)
	if via != nil {
		pattern = fmt.Sprintf("(a) (()-[%s]-(y) WHERE y = b OR y.kind IN $via){1,%d} (b)", types, q.MaxHops)
	}
	cypher := fmt.Sprintf(`
OPTIONAL MATCH (a:Entity {id: $from})
OPTIONAL MATCH (b:Entity {id: $to})
CALL (a, b) {
  WITH a, b
  WHERE a IS NOT NULL AND b IS NOT NULL
  MATCH p = SHORTEST %d %s
  WITH p
  ORDER BY length(p)
  RETURN collect({
    nodes: nodes(p),
    rels: [r IN relationships(p) | {r: r, from: startNode(r).id, to: endNode(r).id}]
  }) AS paths
}
RETURN a IS NOT NULL AS hasFrom, b IS NOT NULL AS hasTo, paths`, q.Limit, pattern)
	recs, err := s.query(ctx, "paths", cypher, map[string]any{"from": q.From, "to": q.To, "via": via})
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
	// Shortest first; paths of one length in a stable order.
	slices.SortStableFunc(out, func(a, b kg.Path) int {
		return cmp.Or(cmp.Compare(len(a.Rels), len(b.Rels)), slices.Compare(pathIDs(a), pathIDs(b)), slices.Compare(relKeys(a), relKeys(b)))
	})
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
func (s *Store) Neighborhood(ctx context.Context, q kg.NeighborhoodQuery) (kg.Subgraph, error) {
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
	cypher := fmt.Sprintf(`
MATCH (c:Entity {id: $id})
CALL (c) {
  MATCH p = ANY SHORTEST (c)-[%[1]s]-{1,%[2]d}(n:Entity)
  WITH n, length(p) AS d
  WHERE n <> c
  ORDER BY d, n.id
  LIMIT $limit + 1
  RETURN collect(n) AS found
}
WITH c, found[..$limit] AS kept, size(found) > $limit AS truncated
WITH c, truncated, [c] + kept AS ns
CALL (ns) {
  UNWIND ns AS x
  MATCH (x)-[r%[1]s]->(y)
  WHERE y IN ns
  RETURN collect({r: r, from: x.id, to: y.id}) AS rels
}
RETURN ns, rels, truncated`, types, q.Depth)
	recs, err := s.query(ctx, "neighborhood", cypher, map[string]any{"id": q.ID, "limit": q.Limit})
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
	return kg.Subgraph{Nodes: nodeList(ns), Rels: relList(rels), Truncated: truncated}, nil
}
