package bench

import (
	"fmt"

	"armsgraph/internal/kg"
)

// The raw side of the query benchmark runs, through the Go driver, the very
// statements internal/neo4jstore builds for the arguments the benchmark
// uses (copied from query_lineage.go, query_paths.go, query_lookup.go and
// query_lists.go). When the store's Cypher changes, change these copies: a
// PROFILE of both should then show the same database hits.

// lineageCypher is LineageOf(ref, BOTH, depth, "").
func lineageCypher(depth int) string {
	const root = `
CALL () {
  MATCH (n:Entity:Weapon {id: $ref})
  RETURN n AS w, 0 AS how, 0.0 AS score
  UNION ALL
  CALL db.index.fulltext.queryNodes('entity_keys', $lucene) YIELD node, score
  WITH node, score
  WHERE node:Weapon AND $key IN split(coalesce(node.keys, ''), ' ')
  RETURN node AS w, CASE WHEN node.nameKey = $key THEN 1 ELSE 2 END AS how, score
}
WITH w, how, score
ORDER BY how, score DESC, w.id
LIMIT 1`
	part := func(name, step, edge, from, to string) string {
		return fmt.Sprintf(`
CALL (w) {
  MATCH p = ANY SHORTEST (w) (()%[2]s()){1,%[3]d} (a:Weapon)
  RETURN collect({n: a, d: length(p)}) AS %[1]s
}
CALL (w, %[1]s) {
  WITH [w] + [x IN %[1]s | x.n] AS reached, [{n: w, d: 0}] + %[1]s AS xs
  UNWIND xs AS x
  WITH x.n AS c, x.d AS d, reached
  WHERE d < %[3]d
  MATCH %[4]s
  WHERE r.confidence IN $conf AND o IN reached
  RETURN collect({r: r, from: %[5]s, to: %[6]s}) AS %[1]sRels
}`, name, step, depth, edge, from, to)
	}
	return root +
		part("up", "-[r:DERIVED_FROM WHERE r.confidence IN $conf]->", "(c)-[r:DERIVED_FROM]->(o)", "c.id", "o.id") +
		part("down", "<-[r:DERIVED_FROM WHERE r.confidence IN $conf]-", "(c)<-[r:DERIVED_FROM]-(o)", "o.id", "c.id") +
		"\nRETURN w, up, upRels, down, downRels"
}

func lineageParams(ref string) map[string]any {
	key := kg.NameKey(ref)
	return map[string]any{"ref": ref, "key": key, "lucene": `"` + key + `"`, "conf": kg.Confidence("").AtLeast()}
}

// pathsCypher is Paths({From, To, MaxHops: hops, Limit: limit}) with no type or via restriction.
func pathsCypher(hops, limit int) string {
	return fmt.Sprintf(`
OPTIONAL MATCH (a:Entity {id: $from})
OPTIONAL MATCH (b:Entity {id: $to})
CALL (a, b) {
  WITH a, b
  WHERE a IS NOT NULL AND b IS NOT NULL
  MATCH p = SHORTEST %d (a)-[]-{1,%d}(b)
  WITH p
  ORDER BY length(p)
  RETURN collect({
    nodes: nodes(p),
    rels: [r IN relationships(p) | {r: r, from: startNode(r).id, to: endNode(r).id}]
  }) AS paths
}
RETURN a IS NOT NULL AS hasFrom, b IS NOT NULL AS hasTo, paths`, limit, hops)
}

// neighborhoodCypher is Neighborhood({ID, Depth: depth, Limit}) with no type restriction.
func neighborhoodCypher(depth int) string {
	return fmt.Sprintf(`
MATCH (c:Entity {id: $id})
CALL (c) {
  MATCH p = ANY SHORTEST (c)-[]-{1,%[1]d}(n:Entity)
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
  MATCH (x)-[r]->(y)
  WHERE y IN ns
  RETURN collect({r: r, from: x.id, to: y.id}) AS rels
}
RETURN ns, rels, truncated`, depth)
}

// resolveCypher is Resolve(name, nil, true, limit): what the API's resolve field runs.
const resolveCypher = `
CALL () {
  MATCH (n:Entity {id: $id})
  RETURN n AS node, 0 AS how, 1.0e9 AS score
  UNION ALL
  CALL db.index.fulltext.queryNodes('entity_keys', $lucene) YIELD node, score
  WITH node, score, split(coalesce(node.keys, ''), ' ') AS keys
  RETURN node,
         CASE WHEN node.nameKey = $key THEN 1 WHEN $key IN keys THEN 2 ELSE 3 END AS how,
         score
}
WITH node, how, score
WHERE node.kind IN $kinds AND (how < 3 OR $prefix)
RETURN node, min(how) AS how, max(score) AS score
ORDER BY how, score DESC, node.name, node.id
LIMIT $limit`

func resolveParams(name string, limit int) map[string]any {
	key := kg.NameKey(name)
	id := ""
	if _, ok := kg.KindOfID(name); ok {
		id = name
	}
	lucene := `"` + key + `" OR ` + key + "*"
	if len([]rune(key)) >= 4 {
		lucene += " OR " + key + "~1"
	}
	kinds := make([]string, len(kg.Kinds))
	for i, k := range kg.Kinds {
		kinds[i] = string(k)
	}
	return map[string]any{"id": id, "key": key, "lucene": lucene, "kinds": kinds, "prefix": true, "limit": limit}
}

// weaponsCypher is Weapons(category, origin, {First: first}) without a count.
const weaponsCypher = `CALL () {
  MATCH (x:Entity:Weapon)-[:ORIGINATES_FROM]->(:Entity {id: $origin})
WHERE x.category = $category
  WITH x ORDER BY x.id LIMIT $first
  RETURN collect(x) AS page
}
RETURN page, -1 AS total`
