package neo4jstore

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"armsgraph/internal/kg"
)

// Hard bounds of the store's read queries. The API enforces its own,
// usually lower, limits first; these keep every literal spliced into Cypher
// bounded whatever the caller does.
const (
	MaxLineageDepth      = 50
	MaxPathHops          = 15
	MaxPaths             = 100
	MaxNeighborhoodDepth = 5
	MaxNeighborhoodLimit = 5000
	MaxPageSize          = 1000
	MaxCandidates        = 200
	MaxNameLength        = 200 // characters of a looked-up name
	MaxSearchWords       = 32  // words of a full-text query
	MaxParties           = 20  // ids in an agreements filter
)

// Nodes loads entities and sources by id, in one query. Ids that match
// nothing are left out; the order of the result is not the order of ids.
// A prefetch, when given, is fetched for every node in the same statement
// (query_expand.go).
func (s *Store) Nodes(ctx context.Context, ids []string, prefetch ...*kg.Prefetch) ([]kg.Node, *kg.Fetched, error) {
	return compiledOrPlain(ctx, s, "nodes", prefetchOf(prefetch), func(pre *kg.Prefetch, got *fetched) ([]kg.Node, error) {
		return s.nodes(ctx, ids, pre, got)
	})
}

// nodes is Nodes with its prefetch (nil: none).
func (s *Store) nodes(ctx context.Context, ids []string, pre *kg.Prefetch, got *fetched) ([]kg.Node, error) {
	col, err := expandColumn("n", pre)
	if err != nil {
		return nil, err
	}
	var entityIDs, sourceIDs []string
	for _, id := range ids {
		if strings.HasPrefix(id, kg.SourcePrefix+"/") {
			sourceIDs = append(sourceIDs, id)
		} else {
			entityIDs = append(entityIDs, id)
		}
	}
	q := `
CALL () {
  UNWIND $entityIds AS id
  MATCH (n:Entity {id: id})
  RETURN n
  UNION ALL
  UNWIND $sourceIds AS id
  MATCH (n:Source {id: id})
  RETURN n
}
WITH n` + col + `
RETURN ` + projectEntity("n", pre) + ` AS n` + preColumn(col)
	recs, err := s.query(ctx, "nodes", q, planParams(pre, map[string]any{"entityIds": entityIDs, "sourceIds": sourceIDs}))
	if err != nil {
		return nil, err
	}
	out := make([]kg.Node, 0, len(recs))
	for _, rec := range recs {
		n, err := nodeColumn(rec, "n", "nodes")
		if err != nil {
			return nil, err
		}
		out = append(out, n)
		readExpand(rec, pre, got)
	}
	return out, nil
}

// Resolve finds the entities a name may denote, best first: the entity whose
// id it is, then those whose name has the same key (kg.NameKey, so "C802",
// "c-802" and "C 802" agree), then those with an alias of that key, then —
// when prefix is true — those with a key that starts with it or is one edit
// away. Kinds restricts the candidates (all kinds when empty).
//
// It costs what it must, in one statement: the id constraint and the range
// index on nameKey answer first; the entity_keys full-text index (aliases,
// prefixes, one-edit matches) is asked only when those found fewer than
// limit candidates, so a lookup by exact name or id (limit 1) never touches
// it. A prefetch, when given, is fetched for every match in the same
// statement (query_expand.go).
func (s *Store) Resolve(ctx context.Context, name string, kinds []kg.Kind, prefix bool, limit int, prefetch ...*kg.Prefetch) ([]kg.Match, *kg.Fetched, error) {
	return compiledOrPlain(ctx, s, "resolve", prefetchOf(prefetch), func(pre *kg.Prefetch, got *fetched) ([]kg.Match, error) {
		return s.resolve(ctx, name, kinds, prefix, limit, pre, got)
	})
}

// resolve is Resolve with its prefetch (nil: none).
func (s *Store) resolve(ctx context.Context, name string, kinds []kg.Kind, prefix bool, limit int, pre *kg.Prefetch, got *fetched) ([]kg.Match, error) {
	if err := checkRange("limit", limit, 1, MaxCandidates); err != nil {
		return nil, err
	}
	if n := len([]rune(name)); n > MaxNameLength {
		return nil, kg.OverLimit("name", fmt.Sprintf("at most %d characters, got %d", MaxNameLength, n))
	}
	key := kg.NameKey(name)
	if key == "" {
		return nil, kg.Invalid("name", fmt.Sprintf("%q has no letter or digit to look up", name))
	}
	kindList, err := kindNames("kind", kinds)
	if err != nil {
		return nil, err
	}
	id := ""
	if _, ok := kg.KindOfID(name); ok {
		id = name
	}
	col, err := expandColumn("node", pre)
	if err != nil {
		return nil, err
	}
	// The selection's column is built before the node is projected: it may
	// aggregate (a nested lineage), and an aggregation may not sit beside a
	// projection of the node it reads.
	cypher := resolveQuery + "\nWITH node, how, score" + col +
		"\nRETURN " + projectNode("node", projected(pre)) + " AS node, how, score" + preColumn(col)
	recs, err := s.query(ctx, "resolve", cypher, planParams(pre, map[string]any{
		"id": id, "key": key, "lucene": resolveLucene(key, prefix), "kinds": kindList, "prefix": prefix, "limit": limit,
	}))
	if err != nil {
		return nil, err
	}
	out := make([]kg.Match, 0, len(recs))
	for _, rec := range recs {
		n, err := nodeColumn(rec, "node", "resolve")
		if err != nil {
			return nil, err
		}
		how, err := value[int64](rec, "how", "resolve")
		if err != nil {
			return nil, err
		}
		out = append(out, kg.Match{Node: n, How: kg.MatchKind(how)})
		readExpand(rec, pre, got)
	}
	return out, nil
}

// resolveQuery is Resolve's statement up to its RETURN: exact matches through the id
// constraint and the nameKey range index; the full-text fallback only
// when they are fewer than $limit (UNWIND of an empty list skips the
// procedure call; the aggregation still gives the subquery its one row).
// The fallback scores the exact matches too, so the order among them is
// the one the full-text index alone gave.
const resolveQuery = `
CALL () {
  MATCH (n:Entity {id: $id})
  RETURN n AS node, 0 AS how, 1.0e9 AS score
  UNION ALL
  MATCH (n:Entity {nameKey: $key})
  RETURN n AS node, 1 AS how, 0.0 AS score
}
WITH node, how, score
WHERE node.kind IN $kinds
WITH collect({node: node, how: how, score: score}) AS exact
CALL (exact) {
  UNWIND CASE WHEN size(exact) < $limit THEN [1] ELSE [] END AS fallback
  CALL db.index.fulltext.queryNodes('entity_keys', $lucene) YIELD node, score
  WITH node, score, split(coalesce(node.keys, ''), ' ') AS keys
  WHERE node.kind IN $kinds
  WITH node, score, CASE WHEN node.nameKey = $key THEN 1 WHEN $key IN keys THEN 2 ELSE 3 END AS how
  WHERE how < 3 OR $prefix
  RETURN collect({node: node, how: how, score: score}) AS more
}
UNWIND exact + more AS m
WITH m.node AS node, min(m.how) AS how, max(m.score) AS score
ORDER BY how, score DESC, node.name, node.id
LIMIT $limit`

// resolveLucene is the full-text query of the fallback: the key as typed
// (an alias), and with prefix also as a prefix and one edit away. Keys
// hold only letters and digits, so they need no escaping; the quotes keep
// a key such as "and" from reading as an operator.
func resolveLucene(key string, prefix bool) string {
	lucene := `"` + key + `"`
	if prefix {
		lucene += " OR " + key + "*"
		if len([]rune(key)) >= 4 {
			lucene += " OR " + key + "~1"
		}
	}
	return lucene
}

// Search runs a full-text query over names, aliases and descriptions (the
// entity_search index) and returns the best first matches. Every word of
// text must match, as typed or as a prefix; the text is escaped, so Lucene
// syntax in it is taken literally.
func (s *Store) Search(ctx context.Context, text string, kinds []kg.Kind, first int, prefetch ...*kg.Prefetch) ([]kg.Node, *kg.Fetched, error) {
	return compiledOrPlain(ctx, s, "search", prefetchOf(prefetch), func(pre *kg.Prefetch, got *fetched) ([]kg.Node, error) {
		return s.search(ctx, text, kinds, first, pre, got)
	})
}

// search is Search with its prefetch (nil: none).
func (s *Store) search(ctx context.Context, text string, kinds []kg.Kind, first int, pre *kg.Prefetch, got *fetched) ([]kg.Node, error) {
	if err := checkRange("first", first, 0, MaxPageSize); err != nil {
		return nil, err
	}
	if n := len(strings.Fields(text)); n > MaxSearchWords {
		return nil, kg.OverLimit("text", fmt.Sprintf("at most %d words, got %d", MaxSearchWords, n))
	}
	lucene := SearchQuery(text)
	if lucene == "" {
		return nil, kg.Invalid("text", fmt.Sprintf("%q has no word to search for", text))
	}
	kindList, err := kindNames("kinds", kinds)
	if err != nil {
		return nil, err
	}
	if first == 0 {
		return nil, nil
	}
	q := `
CALL db.index.fulltext.queryNodes('entity_search', $lucene) YIELD node, score
WHERE node.kind IN $kinds
RETURN node
ORDER BY score DESC, node.id
LIMIT $first`
	if col, err := expandColumn("node", pre); err != nil {
		return nil, err
	} else if col != "" {
		// Page first, then fetch the selection for the page only.
		q = strings.Replace(q, "RETURN node\nORDER BY", "WITH node, score\nORDER BY", 1) + "\nRETURN node" + col
	}
	recs, err := s.query(ctx, "search", q, planParams(pre, map[string]any{"lucene": lucene, "kinds": kindList, "first": first}))
	if err != nil {
		return nil, err
	}
	out := make([]kg.Node, 0, len(recs))
	for _, rec := range recs {
		n, err := value[dbtype.Node](rec, "node", "search")
		if err != nil {
			return nil, err
		}
		out = append(out, toNode(n))
		readExpand(rec, pre, got)
	}
	return out, nil
}

// SearchQuery turns user text into a Lucene query in which every word must
// match. A word of plain letters and digits matches as typed or as a prefix;
// any other word (C-802, "S-300PMU") becomes a quoted phrase, so its parts
// must appear together and its punctuation means nothing to Lucene. It
// returns "" when the text has no word.
func SearchQuery(text string) string {
	var clauses []string
	for _, word := range strings.Fields(text) {
		hasWord := false
		plain := true
		for _, r := range word {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				hasWord = true
			} else {
				plain = false
			}
		}
		if !hasWord {
			continue // nothing an analyzer would index
		}
		// The analyzers lower-case what they index, and a lower-case word
		// never reads as an operator (AND, OR, NOT).
		word = strings.ToLower(word)
		if plain {
			clauses = append(clauses, "("+word+" OR "+word+"*)")
			continue
		}
		// Inside a phrase only the quote and the backslash are special.
		clauses = append(clauses, `"`+strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(word)+`"`)
	}
	return strings.Join(clauses, " AND ")
}
