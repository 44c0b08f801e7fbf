package neo4jstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"armsgraph/internal/kg"
)

// maxPartOfDepth bounds the PART_OF chain a holders query follows from a
// post's organization up to the organization or country asked for.
const maxPartOfDepth = 6

// holdersMatch finds positions whose span matches [$from, $to] by m
// (spanConds). The organization and country filters follow PART_OF up from
// the post's organization, so "a post in the armed forces" finds the
// navy's commander.
func holdersMatch(m kg.DateMatch) (string, error) {
	spanned, err := spanConds(m, "r", true, true)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf(`MATCH (p:Person)-[r:HOLDS_POSITION]->(t:Entity)
WHERE %[2]s
  AND all(w IN $words WHERE toLower(r.title) CONTAINS w)
  AND ($org IS NULL OR t.id = $org
       OR EXISTS { MATCH (t)-[:PART_OF*1..%[1]d]->(:Organization {id: $org}) })
  AND ($country IS NULL OR t.id = $country OR r.country = $country
       OR EXISTS { MATCH (t)-[:PART_OF*1..%[1]d]->(:Country {id: $country}) })`, maxPartOfDepth, strings.Join(spanned, " AND ")), nil
}

// holdersCypher is the statement of Holders for pre: the tenures, cut to
// the limit first, then what the selection asks of the people and posts
// (and of the entities the tenures' country property names) in the same
// statement.
func holdersCypher(m kg.DateMatch, pre *kg.Prefetch) (string, error) {
	const order = "\nORDER BY r.spanFrom, p.id, r.key\nLIMIT $max"
	match, err := holdersMatch(m)
	if err != nil {
		return "", err
	}
	if !pre.Wants() {
		return match + "\nRETURN p, r, t" + order, nil
	}
	q := match + "\nWITH p, r, t" + order
	imports, nodes := "p, r, t", "[p, t]"
	cols := ""
	if pre.RelCountries {
		q += "\nWITH p, r, t, COLLECT { MATCH (rc:Entity {id: r.country}) RETURN rc } AS rc"
		imports, nodes, cols = "p, r, t, rc", "[p, t] + rc", ", rc"
	}
	tail, more, err := expandTail(imports, nodes, "[r]", pre)
	if err != nil {
		return "", err
	}
	return q + tail + "\nRETURN p, r, t" + cols + more, nil
}

// Holders answers who held a post during [q.From, q.To], oldest tenure
// first, fetching the selection in pre in the same statement.
func (s *Store) Holders(ctx context.Context, q kg.HolderQuery, prefetch ...*kg.Prefetch) ([]kg.Tenure, *kg.Fetched, error) {
	return compiledOrPlain(ctx, s, "holders", prefetchOf(prefetch), func(pre *kg.Prefetch, got *fetched) ([]kg.Tenure, error) {
		return s.holders(ctx, q, pre, got)
	})
}

// holders is Holders with its prefetch (nil: none).
func (s *Store) holders(ctx context.Context, q kg.HolderQuery, pre *kg.Prefetch, got *fetched) ([]kg.Tenure, error) {
	if q.From == "" || q.To == "" {
		return nil, kg.Invalid("at", "a date is required")
	}
	if q.From > q.To {
		return nil, kg.Invalid("until", fmt.Sprintf("%s is before at (%s)", q.To, q.From))
	}
	words := q.TitleWords
	if words == nil {
		words = []string{}
	}
	params := map[string]any{
		"from": q.From, "to": q.To, "words": words,
		"org": nilIfEmpty(q.Organization), "country": nilIfEmpty(q.Country),
		"max": MaxListResults + 1,
	}
	cypher, err := holdersCypher(q.Match, pre)
	if err != nil {
		return nil, err
	}
	recs, err := s.query(ctx, "holders", cypher, planParams(pre, params))
	if err != nil {
		return nil, err
	}
	if len(recs) > MaxListResults {
		return nil, kg.OverLimit("filter", fmt.Sprintf("more than %d tenures match; narrow the filter", MaxListResults))
	}
	out := make([]kg.Tenure, 0, len(recs))
	for _, rec := range recs {
		p, err := value[dbtype.Node](rec, "p", "holders")
		if err != nil {
			return nil, err
		}
		r, err := value[dbtype.Relationship](rec, "r", "holders")
		if err != nil {
			return nil, err
		}
		t, err := value[dbtype.Node](rec, "t", "holders")
		if err != nil {
			return nil, err
		}
		person, target := toNode(p), toNode(t)
		out = append(out, kg.Tenure{Person: person, Rel: toRel(r, person.ID, target.ID), Target: target})
		if pre.Wants() {
			if rc, ok := rec.Get("rc"); ok {
				l, _ := rc.([]any)
				got.Nodes = append(got.Nodes, nodeList(l)...)
			}
			readExpand(rec, pre, got)
		}
	}
	return out, nil
}

// transferPartsCypher selects the transfer records a total sums: by
// supplier and recipient, matching [$from, $to] by q.Match (an open bound
// matches any span; with both bounds open, undated records too). The
// statement starts from the supplier (or the recipient) found by the id
// constraint; a total over every supplier and recipient reads every transfer.
func transferPartsCypher(q kg.TotalsQuery) (string, error) {
	spanned, err := spanConds(q.Match, "x", true, true)
	if err != nil {
		return "", err
	}
	match := "MATCH (x:Transfer)"
	switch {
	case q.Supplier != "":
		match = "MATCH (x:Transfer)-[:SUPPLIER]->(:Entity:Country {id: $supplier})"
	case q.Recipient != "":
		match = "MATCH (x:Transfer)-[:RECIPIENT]->(:Entity:Country {id: $recipient})"
	}
	return match + `
WHERE x.confidence IN $confs
  AND ($from IS NULL OR ` + spanned[0] + `)
  AND ($to IS NULL OR ` + spanned[1] + `)
  AND ($supplier IS NULL OR EXISTS { MATCH (x)-[:SUPPLIER]->(:Entity:Country {id: $supplier}) })
  AND ($recipient IS NULL OR EXISTS { MATCH (x)-[:RECIPIENT]->(:Entity:Country {id: $recipient}) })
WITH DISTINCT x
ORDER BY x.id
LIMIT $max
RETURN x`, nil
}

// TransferParts lists the transfer records a total over q sums, in id
// order, fetching the selection in pre in the same statement.
func (s *Store) TransferParts(ctx context.Context, q kg.TotalsQuery, prefetch ...*kg.Prefetch) ([]kg.Node, *kg.Fetched, error) {
	return compiledOrPlain(ctx, s, "transferParts", prefetchOf(prefetch), func(pre *kg.Prefetch, got *fetched) ([]kg.Node, error) {
		return s.transferParts(ctx, q, pre, got)
	})
}

// transferParts is TransferParts with its prefetch (nil: none).
func (s *Store) transferParts(ctx context.Context, q kg.TotalsQuery, pre *kg.Prefetch, got *fetched) ([]kg.Node, error) {
	if q.From != "" && q.To != "" && q.From > q.To {
		return nil, kg.Invalid("from", fmt.Sprintf("%s is after to (%s)", q.From, q.To))
	}
	params := map[string]any{
		"confs": q.MinConfidence.AtLeast(),
		"from":  nilIfEmpty(q.From), "to": nilIfEmpty(q.To),
		"supplier": nilIfEmpty(q.Supplier), "recipient": nilIfEmpty(q.Recipient),
		"max": MaxListResults + 1,
	}
	col, err := expandColumn("x", pre)
	if err != nil {
		return nil, err
	}
	cypher, err := transferPartsCypher(q)
	if err != nil {
		return nil, err
	}
	recs, err := s.query(ctx, "transferParts", cypher+col, planParams(pre, params))
	if err != nil {
		return nil, err
	}
	if len(recs) > MaxListResults {
		return nil, kg.OverLimit("filter", fmt.Sprintf("more than %d transfers match; narrow the filter", MaxListResults))
	}
	for _, rec := range recs {
		readExpand(rec, pre, got)
	}
	return nodesOf(recs, "x", "transferParts")
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
