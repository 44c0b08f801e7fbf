package neo4jstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"armsgraph/internal/kg"
)

// MaxListResults is how many items a filtered list (agreements, transfers,
// events, resolutions, sources) may hold. A filter that matches more is an
// ErrLimit error asking for a narrower filter, never a truncated answer.
const MaxListResults = 1000

// anchor is one condition of a list query: a pattern that ties the listed
// node x to the entity whose id is the parameter named param.
type anchor struct {
	param, id string
	pattern   string // uses (x) and (e)
}

// Agreements lists the agreements that match f, oldest first, undated last.
func (s *Store) Agreements(ctx context.Context, f kg.AgreementFilter, prefetch ...*kg.Prefetch) ([]kg.Node, *kg.Fetched, error) {
	if len(f.Parties) > MaxParties {
		return nil, nil, kg.OverLimit("parties", fmt.Sprintf("at most %d ids, got %d", MaxParties, len(f.Parties)))
	}
	var anchors []anchor
	for i, p := range f.Parties {
		anchors = append(anchors, anchor{fmt.Sprintf("party%d", i), p, "(e)-[:PARTY_TO]->(x)"})
	}
	return compiledOrPlain(ctx, s, "agreements", prefetchOf(prefetch), func(pre *kg.Prefetch, got *fetched) ([]kg.Node, error) {
		return s.datedList(ctx, "agreements", kg.Agreement, anchors, f.Dates, pre, got)
	})
}

// Transfers lists the transfers that match f, oldest first, undated last.
func (s *Store) Transfers(ctx context.Context, f kg.TransferFilter, prefetch ...*kg.Prefetch) ([]kg.Node, *kg.Fetched, error) {
	var anchors []anchor
	if f.Supplier != "" {
		anchors = append(anchors, anchor{"supplier", f.Supplier, "(x)-[:SUPPLIER]->(e)"})
	}
	if f.Recipient != "" {
		anchors = append(anchors, anchor{"recipient", f.Recipient, "(x)-[:RECIPIENT]->(e)"})
	}
	if f.Weapon != "" {
		anchors = append(anchors, anchor{"weapon", f.Weapon, "(x)-[:ITEM]->(e)"})
	}
	return compiledOrPlain(ctx, s, "transfers", prefetchOf(prefetch), func(pre *kg.Prefetch, got *fetched) ([]kg.Node, error) {
		return s.datedList(ctx, "transfers", kg.Transfer, anchors, f.Dates, pre, got)
	})
}

// Events lists the events that match f, oldest first, undated last.
func (s *Store) Events(ctx context.Context, f kg.EventFilter, prefetch ...*kg.Prefetch) ([]kg.Node, *kg.Fetched, error) {
	var anchors []anchor
	if f.Participant != "" {
		anchors = append(anchors, anchor{"participant", f.Participant, "(e)-[:PARTICIPATED_IN]->(x)"})
	}
	return compiledOrPlain(ctx, s, "events", prefetchOf(prefetch), func(pre *kg.Prefetch, got *fetched) ([]kg.Node, error) {
		return s.datedList(ctx, "events", kg.Event, anchors, f.Dates, pre, got)
	})
}

// Resolutions lists the resolutions dated within dates, oldest first, undated last.
func (s *Store) Resolutions(ctx context.Context, dates kg.DateRange, prefetch ...*kg.Prefetch) ([]kg.Node, *kg.Fetched, error) {
	return compiledOrPlain(ctx, s, "resolutions", prefetchOf(prefetch), func(pre *kg.Prefetch, got *fetched) ([]kg.Node, error) {
		return s.datedList(ctx, "resolutions", kg.Resolution, nil, dates, pre, got)
	})
}

// datedList runs one list query: the first anchor (if any) is the starting
// point, found by the id constraint; the other anchors are existence tests;
// the date bounds compare the range-indexed spanFrom/spanTo day strings
// (spanConds), so items without a span never match a bound.
func (s *Store) datedList(ctx context.Context, name string, kind kg.Kind, anchors []anchor, dates kg.DateRange, pre *kg.Prefetch, got *fetched) ([]kg.Node, error) {
	if !dates.From.IsZero() && !dates.To.IsZero() && dates.From.First() > dates.To.Last() {
		return nil, kg.Invalid("from", fmt.Sprintf("%s is after to (%s)", dates.From, dates.To))
	}
	params := map[string]any{"max": MaxListResults + 1}
	x := "(x:" + kind.Label() + ")"
	var match string
	var conds []string
	for i, a := range anchors {
		params[a.param] = a.id
		e := "(:Entity {id: $" + a.param + "})"
		if i == 0 {
			match = "MATCH " + strings.NewReplacer("(x)", x, "(e)", e).Replace(a.pattern)
			continue
		}
		conds = append(conds, "EXISTS { "+strings.ReplaceAll(a.pattern, "(e)", e)+" }")
	}
	if match == "" {
		match = "MATCH " + x
	}
	if !dates.From.IsZero() {
		params["from"] = dates.From.First()
	}
	if !dates.To.IsZero() {
		params["to"] = dates.To.Last()
	}
	spanned, err := spanConds(dates.Match, "x", !dates.From.IsZero(), !dates.To.IsZero())
	if err != nil {
		return nil, err
	}
	conds = append(conds, spanned...)
	q := match
	if len(conds) > 0 {
		q += "\nWHERE " + strings.Join(conds, "\n  AND ")
	}
	col, err := expandColumn("x", pre)
	if err != nil {
		return nil, err
	}
	if col == "" {
		q += "\nRETURN DISTINCT x\nORDER BY x.spanFrom, x.id\nLIMIT $max"
	} else {
		// Cut the list first, then fetch the selection for what is kept.
		q += "\nWITH DISTINCT x\nORDER BY x.spanFrom, x.id\nLIMIT $max\nRETURN x" + col
	}
	recs, err := s.query(ctx, name, q, planParams(pre, params))
	if err != nil {
		return nil, err
	}
	if len(recs) > MaxListResults {
		return nil, kg.OverLimit("filter", fmt.Sprintf("more than %d %s match; narrow the filter", MaxListResults, name))
	}
	for _, rec := range recs {
		readExpand(rec, pre, got)
	}
	return nodesOf(recs, "x", name)
}

// Sources lists every source document, by id.
func (s *Store) Sources(ctx context.Context) ([]kg.Node, error) {
	recs, err := s.query(ctx, "sources", "MATCH (x:Source) RETURN x ORDER BY x.id LIMIT $max", map[string]any{"max": MaxListResults + 1})
	if err != nil {
		return nil, err
	}
	if len(recs) > MaxListResults {
		return nil, kg.OverLimit("sources", fmt.Sprintf("more than %d sources", MaxListResults))
	}
	return nodesOf(recs, "x", "sources")
}

// Weapons pages through the weapons of a category and an origin country
// (either may be empty), in id order.
func (s *Store) Weapons(ctx context.Context, category, origin string, q kg.PageQuery, prefetch ...*kg.Prefetch) (kg.Page, *kg.Fetched, error) {
	match, params := "MATCH (x:Entity:Weapon)", map[string]any{}
	if origin != "" {
		match, params["origin"] = "MATCH (x:Entity:Weapon)-[:ORIGINATES_FROM]->(:Entity {id: $origin})", origin
	}
	var conds []string
	if category != "" {
		conds, params["category"] = append(conds, "x.category = $category"), category
	}
	return compiledOrPlain(ctx, s, "weapons", prefetchOf(prefetch), func(pre *kg.Prefetch, got *fetched) (kg.Page, error) {
		return s.page(ctx, "weapons", match, conds, params, q, pre, got)
	})
}

// People pages through the people of a nationality (any when country is
// empty), in id order.
func (s *Store) People(ctx context.Context, country string, q kg.PageQuery, prefetch ...*kg.Prefetch) (kg.Page, *kg.Fetched, error) {
	match, params := "MATCH (x:Entity:Person)", map[string]any{}
	if country != "" {
		match, params["country"] = "MATCH (x:Entity:Person)-[:NATIONAL_OF]->(:Entity {id: $country})", country
	}
	return compiledOrPlain(ctx, s, "people", prefetchOf(prefetch), func(pre *kg.Prefetch, got *fetched) (kg.Page, error) {
		return s.page(ctx, "people", match, nil, params, q, pre, got)
	})
}

// page runs one keyset-paginated list query: the page is cut (ORDER BY id,
// LIMIT) before any node is returned, and the list is counted in the same
// query only when asked.
func (s *Store) page(ctx context.Context, name, match string, conds []string, params map[string]any, q kg.PageQuery, pre *kg.Prefetch, got *fetched) (kg.Page, error) {
	if err := checkRange("first", q.First, 0, MaxPageSize); err != nil {
		return kg.Page{}, err
	}
	where := func(extra ...string) string {
		all := append(append([]string{}, conds...), extra...)
		if len(all) == 0 {
			return ""
		}
		return "\nWHERE " + strings.Join(all, " AND ")
	}
	params["first"] = q.First + 1
	// Always bound the id, "" for the first page: the id index then yields
	// the nodes in order and the page stops after first+1 of them.
	params["after"] = q.After
	after := []string{"x.id > $after"}
	var b strings.Builder
	if q.Count {
		fmt.Fprintf(&b, "CALL () {\n  %s%s\n  RETURN count(x) AS total\n}\n", match, where())
	}
	col, err := expandColumn("x", pre)
	if err != nil {
		return kg.Page{}, err
	}
	project := ""
	if col != "" {
		// The page is cut before the selection is fetched for it, outside
		// the aggregation (the selection may aggregate itself).
		project, col = "\n  WITH x"+col, ", collect(pre) AS pre"
	}
	fmt.Fprintf(&b, "CALL () {\n  %s%s\n  WITH x ORDER BY x.id LIMIT $first%s\n  RETURN collect(%s) AS page%s\n}\n",
		match, where(after...), project, projectNode("x", projected(pre)), col)
	if q.Count {
		b.WriteString("RETURN page, total")
	} else {
		b.WriteString("RETURN page, -1 AS total")
	}
	if col != "" {
		b.WriteString(", pre")
	}
	recs, err := s.query(ctx, name, b.String(), planParams(pre, params))
	if err != nil {
		return kg.Page{}, err
	}
	if len(recs) != 1 {
		return kg.Page{}, fmt.Errorf("%s: %d rows, want 1", name, len(recs))
	}
	raw, err := value[[]any](recs[0], "page", name)
	if err != nil {
		return kg.Page{}, err
	}
	total, err := value[int64](recs[0], "total", name)
	if err != nil {
		return kg.Page{}, err
	}
	nodes := nodeList(raw)
	readExpand(recs[0], pre, got)
	p := kg.Page{Total: int(total)}
	if len(nodes) > q.First {
		p.HasNext = true
		nodes = nodes[:q.First]
	}
	p.Nodes = nodes
	return p, nil
}

// nodesOf converts a column of nodes, one per record.
func nodesOf(recs []*neo4j.Record, col, name string) ([]kg.Node, error) {
	out := make([]kg.Node, 0, len(recs))
	for _, rec := range recs {
		n, err := value[dbtype.Node](rec, col, name)
		if err != nil {
			return nil, err
		}
		out = append(out, toNode(n))
	}
	return out, nil
}

// spanConds is the Cypher form of kg.DateMatch.SpanMatches for the
// spanFrom/spanTo of variable v against $from (when from) and $to (when
// to): overlap compares each end of the span with the opposite bound,
// within with the same bound. A missing span property compares as null, so
// an undated item never matches a bound. v is the caller's own variable
// name; the mode is checked here against kg's list.
func spanConds(m kg.DateMatch, v string, from, to bool) ([]string, error) {
	var lo, hi string // the conditions for $from and for $to
	switch m.Or(kg.MatchOverlaps) {
	case kg.MatchOverlaps:
		lo, hi = v+".spanTo >= $from", v+".spanFrom <= $to"
	case kg.MatchWithin:
		lo, hi = v+".spanFrom >= $from", v+".spanTo <= $to"
	default:
		return nil, kg.Invalid("match", fmt.Sprintf("unknown date match %q; use OVERLAPS or WITHIN", m))
	}
	var out []string
	if from {
		out = append(out, lo)
	}
	if to {
		out = append(out, hi)
	}
	return out, nil
}
