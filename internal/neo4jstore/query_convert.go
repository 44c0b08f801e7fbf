package neo4jstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"armsgraph/internal/kg"
)

// This file turns what the read queries return into kg values. The queries
// return whole nodes and relationships; the properties that every node or
// relationship has go into the kg fields, the rest into Props.

// commonNodeProps are the node properties kg.Node holds in its own fields,
// or that only serve the indexes.
var commonNodeProps = append([]string{
	"id", "kind", "name", "aliases", "aliasText", "keys", "nameKey", propGroupKey, "description", "dataset",
}, kg.CiteProps...)

// commonRelProps are the relationship properties kg.Rel holds in its own fields.
var commonRelProps = append([]string{"key", "confidence", "dataset"}, kg.CiteProps...)

// isCommonNodeProp and isCommonRelProp are the two lists as sets: every
// property of every returned node or relationship is looked up in them.
var (
	isCommonNodeProp = setOf(commonNodeProps)
	isCommonRelProp  = setOf(commonRelProps)
)

func setOf(names []string) map[string]bool {
	out := make(map[string]bool, len(names))
	for _, n := range names {
		out[n] = true
	}
	return out
}

// toNode converts a returned node.
func toNode(n dbtype.Node) kg.Node {
	return nodeFromProps(n.Props, n.Labels)
}

// nodeOf converts a returned entity or source: a whole node, or the map
// that projectNode builds of a node's selected properties. ok is false for
// anything else (null: a node of another kind).
func nodeOf(x any) (kg.Node, bool) {
	switch n := x.(type) {
	case dbtype.Node:
		return toNode(n), true
	case map[string]any:
		if _, ok := n[kg.PropID]; ok {
			return nodeFromProps(n, nil), true
		}
	}
	return kg.Node{}, false
}

// nodeFromProps converts the properties of a node with the given labels
// (none for a projection, which always carries kind). A projection gives
// null for a property the node lacks: left out, as a whole node leaves it.
func nodeFromProps(p map[string]any, labels []string) kg.Node {
	out := kg.Node{
		ID:          str(p["id"]),
		Kind:        kg.Kind(str(p["kind"])),
		Name:        str(p["name"]),
		Aliases:     strs(p["aliases"]),
		Description: str(p["description"]),
		Citations:   citations(p),
	}
	out.Props = extraProps(p, func(k string, v any) bool { return v != nil && !isCommonNodeProp[k] })
	if out.Kind == "" && !slices.Contains(labels, kg.SourceLabel) {
		// An entity written without a kind property: take it from its labels.
		for _, l := range labels {
			if k, ok := kg.KindOfLabel(l); ok {
				out.Kind = k
			}
		}
	}
	return out
}

// extraProps copies the properties of p that keep accepts into a map made
// at its final size (every returned node and relationship passes here, so
// it is counted first rather than grown).
func extraProps(p map[string]any, keep func(k string, v any) bool) map[string]any {
	n := 0
	for k, v := range p {
		if keep(k, v) {
			n++
		}
	}
	out := make(map[string]any, n)
	if n > 0 {
		for k, v := range p {
			if keep(k, v) {
				out[k] = v
			}
		}
	}
	return out
}

// projected is the property list of pre's projection (kg.ProjectionProps),
// nil for whole nodes.
func projected(pre *kg.Prefetch) []string {
	if pre == nil {
		return nil
	}
	return checked(pre.Props, kg.ProjectionProps)
}

// maxProjected is the longest property list a projection names; a request
// that reads more gets whole values. Neo4j's planning time grows with the
// statement's text (about linearly: its semantic analysis and rewriters
// walk every expression once per phase), and a wide selection repeats the
// request's list at every node it nests, so long lists were over 40% of
// the text of the generated corpus's statements and most of its planning
// (issue 17). A request that reads that many properties of a node reads
// most of what the node has, so whole values cost the driver little more.
const maxProjected = 12

// checked is what check makes of props, nil when props is nil (whole
// values wanted), names something outside the allow-list, or is longer
// than maxProjected.
func checked(props []string, check func([]string) ([]string, bool)) []string {
	if props == nil {
		return nil
	}
	out, ok := check(props)
	if !ok || len(out) > maxProjected {
		return nil
	}
	return out
}

// projectNode is the Cypher expression that returns the entity node expr:
// expr itself when props is nil, else a map projection of the properties
// props names (v{.id, .kind, …}), which nodeOf reads back. Returning a few
// properties instead of the whole node is most of what a large answer
// saves, in Neo4j and in the driver. A map projection reads a node's
// properties in one go (one database hit, where {id: v.id, …} costs one
// per property), so an expression that is not a variable is bound to one
// first. The names come from the kg.IsNodeProp allow-list (projected
// checks them).
func projectNode(expr string, props []string) string {
	return mapProjection(expr, props, "")
}

// mapProjection projects expr (a node or relationship) to the properties
// props names, plus extra (a literal entry such as "relType: type(%s)",
// where %s stands for the projected variable); expr itself when props is
// nil.
func mapProjection(expr string, props []string, extra string) string {
	if props == nil {
		return expr
	}
	v := expr
	if !isVariable(expr) {
		v = "px"
	}
	entries := make([]string, 0, len(props)+1)
	for _, p := range props {
		entries = append(entries, "."+p)
	}
	if extra != "" {
		entries = append(entries, fmt.Sprintf(extra, v))
	}
	m := v + "{" + strings.Join(entries, ", ") + "}"
	if v == expr {
		return m
	}
	return fmt.Sprintf("head([%s IN [%s] | %s])", v, expr, m)
}

// isVariable reports whether expr is a plain Cypher variable name.
func isVariable(expr string) bool {
	for i, r := range expr {
		if !(r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || i > 0 && '0' <= r && r <= '9') {
			return false
		}
	}
	return expr != ""
}

// projectEntity is projectNode for a variable that may also hold a
// source, which is returned whole.
func projectEntity(v string, pre *kg.Prefetch) string {
	props := projected(pre)
	if props == nil {
		return v
	}
	return fmt.Sprintf("CASE WHEN %s:Source THEN %s ELSE %s END", v, v, projectNode(v, props))
}

// preColumn is ", pre" when col (an expandColumn) adds that column.
func preColumn(col string) string {
	if col == "" {
		return ""
	}
	return ", pre"
}

// nodeColumn reads the column key of rec as a node, whole or projected.
func nodeColumn(rec *neo4j.Record, key, query string) (kg.Node, error) {
	x, ok := rec.Get(key)
	if !ok {
		return kg.Node{}, fmt.Errorf("%s: no column %q", query, key)
	}
	n, ok := nodeOf(x)
	if !ok {
		return kg.Node{}, fmt.Errorf("%s: column %q is %T, want a node", query, key, x)
	}
	return n, nil
}

// projectList is projectNode over every node of the list expression list.
func projectList(list string, props []string) string {
	if props == nil {
		return list
	}
	return fmt.Sprintf("[px IN %s | %s]", list, projectNode("px", props))
}

// toRel converts a returned relationship whose ends have the given ids.
func toRel(r dbtype.Relationship, from, to string) kg.Rel {
	return relFromProps(r.Type, r.Props, from, to, false)
}

// relOf converts a returned relationship, whole or projected
// (projectRel), whose ends have the given ids.
func relOf(x any, from, to string) (kg.Rel, bool) {
	switch r := x.(type) {
	case dbtype.Relationship:
		return toRel(r, from, to), true
	case map[string]any:
		if t, ok := r[relTypeKey].(string); ok {
			return relFromProps(t, r, from, to, true), true
		}
	}
	return kg.Rel{}, false
}

// relTypeKey holds a projected relationship's type (not a property name).
const relTypeKey = "relType"

// relProjected is the property list of pre's relationship projection
// (kg.RelProjectionProps), nil for whole relationships.
func relProjected(pre *kg.Prefetch) []string {
	if pre == nil {
		return nil
	}
	return checked(pre.RelProps, kg.RelProjectionProps)
}

// projectRel is projectNode for the relationship expr: a map projection of
// the properties props names and its type, or expr itself when props is nil.
func projectRel(expr string, props []string) string {
	return mapProjection(expr, props, relTypeKey+": type(%s)")
}

// projectRelList is projectRel over the {r, from, to} maps of list.
func projectRelList(list string, props []string) string {
	if props == nil {
		return list
	}
	return fmt.Sprintf("[y IN %s | {r: %s, from: y.from, to: y.to}]", list, projectRel("y.r", props))
}

// relFromProps converts the type and properties of a relationship whose
// ends have the given ids. A projection's map (projected) also holds the
// type under relTypeKey, and null for a property the relationship lacks:
// both left out, as a whole relationship leaves them.
func relFromProps(typ string, p map[string]any, from, to string, projected bool) kg.Rel {
	out := kg.Rel{
		Type:       kg.RelType(typ),
		From:       from,
		To:         to,
		Key:        str(p["key"]),
		Confidence: kg.Confidence(str(p["confidence"])),
		Citations:  citations(p),
	}
	out.Props = extraProps(p, func(k string, v any) bool {
		return !isCommonRelProp[k] && (!projected || (k != relTypeKey && v != nil))
	})
	return out
}

// citations zips the three citation lists of a node or relationship.
func citations(p map[string]any) []kg.Citation {
	src, loc, note := strs(p[kg.PropCiteSource]), strs(p[kg.PropCiteLocator]), strs(p[kg.PropCiteNote])
	conf, claims := strs(p[kg.PropCiteConfidence]), strs(p[kg.PropCiteClaims])
	out := make([]kg.Citation, 0, len(src))
	for i, s := range src {
		c := kg.Citation{Source: s}
		if i < len(loc) {
			c.Locator = loc[i]
		}
		if i < len(note) {
			c.Note = note[i]
		}
		if i < len(conf) {
			c.Confidence = kg.Confidence(conf[i])
		}
		if i < len(claims) {
			c.Claims = kg.DecodeClaims(claims[i])
		}
		out = append(out, c)
	}
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func strs(v any) []string {
	switch l := v.(type) {
	case []string:
		return l
	case []any:
		out := make([]string, 0, len(l))
		for _, x := range l {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// value reads a column of a record; it reports a missing column as an error
// naming the query, which is a bug in the query text.
func value[T any](rec *neo4j.Record, key, query string) (T, error) {
	var zero T
	raw, ok := rec.Get(key)
	if !ok {
		return zero, fmt.Errorf("%s: no column %q", query, key)
	}
	if raw == nil {
		return zero, nil
	}
	v, ok := raw.(T)
	if !ok {
		return zero, fmt.Errorf("%s: column %q is %T, want %T", query, key, raw, zero)
	}
	return v, nil
}

// nodeList converts a list column of nodes.
func nodeList(raw []any) []kg.Node {
	out := make([]kg.Node, 0, len(raw))
	for _, x := range raw {
		if n, ok := nodeOf(x); ok {
			out = append(out, n)
		}
	}
	return out
}

// relList converts a list column of {r, from, to} maps.
func relList(raw []any) []kg.Rel {
	out := make([]kg.Rel, 0, len(raw))
	for _, x := range raw {
		m, ok := x.(map[string]any)
		if !ok {
			continue
		}
		r, ok := relOf(m["r"], str(m["from"]), str(m["to"]))
		if !ok {
			continue
		}
		out = append(out, r)
	}
	return out
}

// relTypes checks relationship types against the allow-list and returns
// them as a Cypher type expression ("A|B"), "" when none are given. Only
// allow-listed names ever reach the query text.
func relTypes(arg string, types []string) (string, error) {
	if len(types) == 0 {
		return "", nil
	}
	seen := map[kg.RelType]bool{}
	var parts []string
	for _, s := range types {
		t, err := kg.ParseRelType(s)
		if err != nil {
			return "", kg.Invalid(arg, err.Error())
		}
		if !seen[t] {
			seen[t] = true
			parts = append(parts, string(t))
		}
	}
	return ":" + strings.Join(parts, "|"), nil
}

// kindNames returns the kinds as strings, checking each (all kinds when none are given).
func kindNames(arg string, kinds []kg.Kind) ([]string, error) {
	if len(kinds) == 0 {
		kinds = kg.Kinds
	}
	out := make([]string, 0, len(kinds))
	for _, k := range kinds {
		if !k.Valid() {
			return nil, kg.Invalid(arg, fmt.Sprintf("unknown entity kind %q", k))
		}
		out = append(out, string(k))
	}
	return out, nil
}

// checkRange rejects an integer outside [lo, hi]: below lo is invalid input,
// above hi is over a limit. The store checks the bounds it splices into
// Cypher itself, whatever the API checked before.
func checkRange(arg string, v, lo, hi int) error {
	switch {
	case v < lo:
		return kg.Invalid(arg, fmt.Sprintf("must be at least %d, got %d", lo, v))
	case v > hi:
		return kg.OverLimit(arg, fmt.Sprintf("must be at most %d, got %d", hi, v))
	}
	return nil
}

// captureQuery, when set (by the plan tests only), is told every read
// query's name, text and parameters before it runs.
var captureQuery func(name, cypher string, params map[string]any)

// query runs one read query (Store.read), through the result cache when
// the request is pinned to a generation (cache.go); the plan tests can
// watch it.
func (s *Store) query(ctx context.Context, name, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	if captureQuery != nil {
		captureQuery(name, cypher, params)
	}
	if c, ok := ctx.Value(captureKey{}).(func(name, cypher string, params map[string]any)); ok {
		c(name, cypher, params)
		return nil, errCaptured
	}
	if fn, ok := ctx.Value(rewriteKey{}).(func(name, cypher string) string); ok {
		cypher = fn(name, cypher)
	}
	if pin, ok := ctx.Value(pinKey{}).(*Pin); ok && pin.cached {
		return s.cachedRead(ctx, pin, name, cypher, params)
	}
	return s.read(ctx, name, cypher, params)
}
