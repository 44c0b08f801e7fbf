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

// LineageOf answers a lineage question about one weapon named by ref: its id,
// its name or any alias (compared by kg.NameKey, best match first). It runs
// one query, lookup included, and returns nil when no weapon matches.
func (s *Store) LineageOf(ctx context.Context, ref string, dir kg.Direction, maxDepth int, minConf kg.Confidence, prefetch ...*kg.Prefetch) (*kg.Lineage, *kg.Fetched, error) {
	return compiledOrPlain(ctx, s, "lineage", prefetchOf(prefetch), func(pre *kg.Prefetch, got *fetched) (*kg.Lineage, error) {
		return s.lineageOf(ctx, ref, dir, maxDepth, minConf, pre, got)
	})
}

// lineageOf is LineageOf with its prefetch (nil: none).
func (s *Store) lineageOf(ctx context.Context, ref string, dir kg.Direction, maxDepth int, minConf kg.Confidence, pre *kg.Prefetch, got *fetched) (*kg.Lineage, error) {
	if n := len([]rune(ref)); n > MaxNameLength {
		return nil, kg.OverLimit("weapon", fmt.Sprintf("at most %d characters, got %d", MaxNameLength, n))
	}
	key := kg.NameKey(ref)
	if key == "" {
		return nil, kg.Invalid("weapon", fmt.Sprintf("%q has no letter or digit to look up", ref))
	}
	body, err := lineageBody(dir, maxDepth, pre == nil || !pre.NoRels, acceptsAll(minConf))
	if err != nil {
		return nil, err
	}
	// The id constraint and the nameKey range index first; the full-text
	// alias lookup only when neither found the weapon (see Resolve).
	const root = `
CALL () {
  MATCH (n:Entity:Weapon {id: $ref})
  RETURN n AS w, 0 AS how, 0.0 AS score
  UNION ALL
  MATCH (n:Entity:Weapon {nameKey: $key})
  RETURN n AS w, 1 AS how, 0.0 AS score
}
WITH collect({w: w, how: how, score: score}) AS exact
CALL (exact) {
  UNWIND CASE WHEN size(exact) = 0 THEN [1] ELSE [] END AS fallback
  CALL db.index.fulltext.queryNodes('entity_keys', $lucene) YIELD node, score
  WITH node, score
  WHERE node:Weapon AND $key IN split(coalesce(node.keys, ''), ' ')
  RETURN collect({w: node, how: CASE WHEN node.nameKey = $key THEN 1 ELSE 2 END, score: score}) AS more
}
UNWIND exact + more AS m
WITH m.w AS w, m.how AS how, m.score AS score
ORDER BY how, score DESC, w.id
LIMIT 1`
	tail, cols, err := expandTail("w, up, down, upRels, downRels",
		"[w] + [y IN up | y.n] + [y IN down | y.n]", "[y IN upRels + downRels | y.r]", pre)
	if err != nil {
		return nil, err
	}
	ret := lineageReturn
	if props, relProps := projected(pre), relProjected(pre); props != nil || relProps != nil {
		// Only the properties the request reads (projectNode, projectRel).
		ret = fmt.Sprintf("\nRETURN %s AS w, %s AS up, %s AS upRels, %s AS down, %s AS downRels",
			projectNode("w", props), projectReached("up", props), projectRelList("upRels", relProps),
			projectReached("down", props), projectRelList("downRels", relProps))
	}
	body = strings.TrimSuffix(body, lineageReturn) + tail + ret + cols
	params := map[string]any{"ref": ref, "key": key, "lucene": `"` + key + `"`, "conf": minConf.AtLeast()}
	recs, err := s.query(ctx, "lineage", root+body, planParams(pre, params))
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, nil
	}
	l, err := lineageFrom(recs[0], dir)
	if err != nil {
		return nil, err
	}
	readExpand(recs[0], pre, got)
	return &l, nil
}

// Lineages answers the same lineage question for many weapons at once, by
// id, in one query (the API's loader for Weapon.lineage). Ids that are not
// weapons are left out.
func (s *Store) Lineages(ctx context.Context, ids []string, dir kg.Direction, maxDepth int, minConf kg.Confidence) (map[string]kg.Lineage, error) {
	body, err := lineageBody(dir, maxDepth, true, acceptsAll(minConf))
	if err != nil {
		return nil, err
	}
	const root = `
UNWIND $ids AS rid
MATCH (w:Entity:Weapon {id: rid})`
	recs, err := s.query(ctx, "lineages", root+body, map[string]any{"ids": ids, "conf": minConf.AtLeast()})
	if err != nil {
		return nil, err
	}
	out := make(map[string]kg.Lineage, len(recs))
	for _, rec := range recs {
		l, err := lineageFrom(rec, dir)
		if err != nil {
			return nil, err
		}
		out[l.Root.ID] = l
	}
	return out, nil
}

// lineageBody is the traversal from a bound weapon w: every weapon reached
// over DERIVED_FROM edges of at least the wanted confidence ($conf), each at
// its shortest depth, and the edges among them that a walk of at most
// maxDepth steps follows. The depth is a literal (quantifier bounds cannot
// be parameters), built from a checked integer. Without rels the edges are
// not collected (upRels and downRels are empty lists): a selection without
// Lineage.derivations needs only the weapons and their depths, and the
// edge subquery is most of the statement's database hits.
func lineageBody(dir kg.Direction, maxDepth int, rels, allConf bool) (string, error) {
	if err := checkRange("maxDepth", maxDepth, 0, MaxLineageDepth); err != nil {
		return "", err
	}
	var up, down bool
	switch dir {
	case kg.Ancestors:
		up = true
	case kg.Descendants:
		down = true
	case kg.Both, "":
		up, down = true, true
	default:
		return "", kg.Invalid("direction", fmt.Sprintf("unknown direction %q", dir))
	}
	var b strings.Builder
	part := func(name string, follow bool, toParent bool) {
		if !follow || maxDepth == 0 {
			fmt.Fprintf(&b, "\nWITH *, [] AS %s, [] AS %sRels", name, name)
			return
		}
		edge, varStep := "(lc)-[lr:DERIVED_FROM]->(lo)", fmt.Sprintf("-[:DERIVED_FROM*1..%d]->", maxDepth)
		from, to := "lc.id", "lo.id"
		if !toParent {
			edge, varStep = "(lc)<-[lr:DERIVED_FROM]-(lo)", fmt.Sprintf("<-[:DERIVED_FROM*1..%d]-", maxDepth)
			from, to = "lo.id", "lc.id"
		}
		// min(length) over a variable-length pattern plans as a pruning
		// breadth-first expand: each weapon once, at its shortest depth,
		// for about as many database hits as the weapons and edges it
		// reaches (ANY SHORTEST per weapon cost 20-30% more). The
		// confidence test is left out when every level is accepted.
		pathFilter, edgeFilter := "\n  WHERE all(lr IN relationships(lp) WHERE lr.confidence IN $conf)", "lr.confidence IN $conf AND "
		if allConf {
			pathFilter, edgeFilter = "", ""
		}
		fmt.Fprintf(&b, `
CALL (w) {
  MATCH lp = (w)%[2]s(la:Weapon)%[3]s
  WITH la, min(length(lp)) AS ld
  RETURN collect({n: la, d: ld}) AS %[1]s
}`, name, varStep, pathFilter)
		if !rels {
			fmt.Fprintf(&b, "\nWITH *, [] AS %sRels", name)
			return
		}
		fmt.Fprintf(&b, `
CALL (w, %[1]s) {
  WITH [w] + [lx IN %[1]s | lx.n] AS reached, [{n: w, d: 0}] + %[1]s AS lxs
  UNWIND lxs AS lx
  WITH lx.n AS lc, lx.d AS ld, reached
  WHERE ld < %[2]d
  MATCH %[3]s
  WHERE %[4]slo IN reached
  RETURN collect({r: lr, from: %[5]s, to: %[6]s}) AS %[1]sRels
}`, name, maxDepth, edge, edgeFilter, from, to)
	}
	part("up", up, true)
	part("down", down, false)
	b.WriteString(lineageReturn)
	return b.String(), nil
}

// acceptsAll reports whether the confidence floor min lets every level
// through: the traversal then tests no edge's confidence (the ingester
// writes one of the levels on every edge).
func acceptsAll(min kg.Confidence) bool {
	return len(min.AtLeast()) == len(kg.Confidences)
}

// projectReached is a list of reached weapons ({n, d} maps, as
// lineageBody collects them) with each weapon projected (projectNode).
func projectReached(list string, props []string) string {
	if props == nil {
		return list
	}
	return fmt.Sprintf("[y IN %s | {n: %s, d: y.d}]", list, projectNode("y.n", props))
}

// lineageReturn ends every lineage statement.
const lineageReturn = "\nRETURN w, up, upRels, down, downRels"

// lineageFrom converts one row of a lineage query.
func lineageFrom(rec *neo4j.Record, dir kg.Direction) (kg.Lineage, error) {
	const name = "lineage"
	root, err := nodeColumn(rec, "w", name)
	if err != nil {
		return kg.Lineage{}, err
	}
	if dir == "" {
		dir = kg.Both
	}
	l := kg.Lineage{Root: root, Direction: dir, Nodes: []kg.Node{root}, Depths: []int{0}}
	type reached struct {
		node  kg.Node
		depth int
	}
	var all []reached
	for _, col := range []string{"up", "down"} {
		raw, err := value[[]any](rec, col, name)
		if err != nil {
			return kg.Lineage{}, err
		}
		for _, x := range raw {
			m, _ := x.(map[string]any)
			n, ok := nodeOf(m["n"])
			d, _ := m["d"].(int64)
			if ok {
				all = append(all, reached{n, int(d)})
			}
		}
		rels, err := value[[]any](rec, col+"Rels", name)
		if err != nil {
			return kg.Lineage{}, err
		}
		l.Rels = append(l.Rels, relList(rels)...)
	}
	slices.SortFunc(all, func(a, b reached) int {
		return cmp.Or(cmp.Compare(a.depth, b.depth), cmp.Compare(a.node.Name, b.node.Name), cmp.Compare(a.node.ID, b.node.ID))
	})
	for _, r := range all {
		l.Nodes = append(l.Nodes, r.node)
		l.Depths = append(l.Depths, r.depth)
	}
	slices.SortFunc(l.Rels, func(a, b kg.Rel) int {
		return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To), cmp.Compare(a.Key, b.Key))
	})
	return l, nil
}
