package neo4jstore

import (
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/internal/kg"
)

// This file compiles a kg.Expand (what a GraphQL selection asks of every
// node a root field returns) into Cypher subquery expressions of the root
// field's own statement, and reads what they return into a kg.Fetched.
//
// For a node variable v the plan becomes one map:
//
//	{e0: CASE WHEN v:Weapon THEN COLLECT {
//	       MATCH (v)-[r1:ORIGINATES_FROM]->(m2:Country)
//	       WITH r1, m2, {r: r1, m: m2, x: {…the plan of m2…}} AS y3
//	       ORDER BY m2.name, m2.id, r1.key RETURN y3 } END,
//	 s: COLLECT { MATCH (s3:Source) WHERE s3.id IN v.citeSource RETURN s3 },
//	 oc: CASE WHEN v:Organization THEN COLLECT { …nearest country… } END}
//
// Each list is ordered as Store.Edges orders it, so the API answers exactly
// as it did when every level was a query of its own. The CASE guard gives
// null for a node of another kind (no resolver of that node reads the
// list). Relationship types and labels come from the kg allow-lists
// (kg.ParseRelType, kg.KindOfLabel); variable names are generated; nothing
// from the request reaches the text.

// The object budget (kg.Prefetch.MaxObjects) is pushed into the
// relationship lists only (edgeExpr): they are the fan-out a plan cannot
// bound otherwise. The other lists are left whole: a lineage's weapons and
// derivations come from a variable-length traversal whose lists a LIMIT
// could not cut without changing which weapons are reached (its depth is
// capped instead); sources and Transfer.covers are named by a property's
// list, as long as the node holds; a root list stops at its own cap
// (MaxListResults, a page, a neighbourhood's limit), and cutting it at the
// budget instead would turn the refusal of a list over that cap ("narrow
// the filter") into the budget's.

// maxExpandEdges bounds the relationship lists one plan may follow (the
// API's depth and cost limits keep real plans far below it).
const maxExpandEdges = 400

type expander struct {
	n, edges int
	// props and relProps, when not nil, project the entity nodes and the
	// relationships the plan returns (projectNode, projectRel).
	props, relProps []string
	// cut stops reading each relationship list (but an Uncut one) at
	// $overBudget entries (kg.Prefetch.MaxObjects, planParams).
	cut bool
}

// overBudgetParam names the parameter that holds one more than the object
// budget: a list that long is over it (planParams).
const overBudgetParam = "overBudget"

// planParams adds to params what the plan of pre compiles to (the object
// budget's cut) and returns params.
func planParams(pre *kg.Prefetch, params map[string]any) map[string]any {
	if pre != nil && pre.MaxObjects > 0 && !pre.Plan.Empty() {
		params[overBudgetParam] = int64(pre.MaxObjects) + 1
	}
	return params
}

// newExpander is the expander of the plan of pre.
func newExpander(pre *kg.Prefetch) expander {
	return expander{props: projected(pre), relProps: relProjected(pre), cut: pre.MaxObjects > 0}
}

func (e *expander) name(prefix string) string {
	e.n++
	return fmt.Sprintf("%s%d", prefix, e.n)
}

// mapExpr is the Cypher map expression of what x asks for node variable v.
func (e *expander) mapExpr(v string, x *kg.Expand) (string, error) {
	var parts []string
	if x == nil {
		return "{}", nil
	}
	for i, ed := range x.Edges {
		e.edges++
		if e.edges > maxExpandEdges {
			return "", kg.OverLimit("selection", fmt.Sprintf("more than %d nested relationship lists", maxExpandEdges))
		}
		expr, err := e.edgeExpr(v, ed)
		if err != nil {
			return "", err
		}
		parts = append(parts, fmt.Sprintf("e%d: %s", i, expr))
	}
	if x.Sources {
		parts = append(parts, "s: "+e.sourcesExpr(v+".citeSource"))
	}
	for i, l := range x.Lineages {
		expr, err := e.lineageExpr(v, l)
		if err != nil {
			return "", err
		}
		parts = append(parts, fmt.Sprintf("l%d: %s", i, expr))
	}
	if x.Covers != nil {
		c := e.name("cv")
		sub, err := e.mapExpr(c, x.Covers)
		if err != nil {
			return "", err
		}
		parts = append(parts, fmt.Sprintf(
			"cv: CASE WHEN %[1]s:Transfer THEN {ids: coalesce(%[1]s.covers, []), n: COLLECT { MATCH (%[2]s:Entity) WHERE %[2]s.id IN coalesce(%[1]s.covers, []) "+
				"WITH %[2]s, {m: %[4]s, x: %[3]s} AS %[2]sy ORDER BY %[2]s.id RETURN %[2]sy }} END", v, c, sub, projectNode(c, e.props)))
	}
	if x.OrgCountry != nil {
		p, c := e.name("path"), e.name("c")
		sub, err := e.mapExpr(c, x.OrgCountry)
		if err != nil {
			return "", err
		}
		parts = append(parts, fmt.Sprintf(
			"oc: CASE WHEN %[1]s:Organization THEN COLLECT { MATCH %[2]s = ANY SHORTEST (%[1]s)-[:PART_OF]->{1,10}(%[3]s:Country) "+
				"WITH %[3]s, length(%[2]s) AS %[2]sn, {m: %[5]s, x: %[4]s} AS %[3]sy ORDER BY %[2]sn, %[3]s.id LIMIT 1 RETURN %[3]sy } END", v, p, c, sub, projectNode(c, e.props)))
	}
	return "{" + strings.Join(parts, ", ") + "}", nil
}

// edgeExpr is the guarded, ordered list of one EdgeExpand from v.
func (e *expander) edgeExpr(v string, ed kg.EdgeExpand) (string, error) {
	t, err := kg.ParseRelType(string(ed.Spec.Type))
	if err != nil {
		return "", kg.Invalid("type", err.Error())
	}
	label := ""
	if ed.Spec.Label != "" {
		k, ok := kg.KindOfLabel(ed.Spec.Label)
		if !ok {
			return "", kg.Invalid("label", fmt.Sprintf("unknown label %q", ed.Spec.Label))
		}
		label = ":" + k.Label()
	}
	if !ed.From.Valid() {
		return "", kg.Invalid("kind", fmt.Sprintf("unknown entity kind %q", ed.From))
	}
	r, m, y := e.name("r"), e.name("m"), e.name("y")
	pattern := fmt.Sprintf("(%s)-[%s:%s]->(%s%s)", v, r, t, m, label)
	if ed.Spec.Incoming {
		pattern = fmt.Sprintf("(%s)<-[%s:%s]-(%s%s)", v, r, t, m, label)
	}
	fields := []string{"r: " + projectRel(r, e.relProps), "m: " + projectNode(m, e.props)}
	if !ed.Node.Empty() {
		sub, err := e.mapExpr(m, ed.Node)
		if err != nil {
			return "", err
		}
		fields = append(fields, "x: "+sub)
	}
	if ed.RelSources {
		fields = append(fields, "s: "+e.sourcesExpr(r+".citeSource"))
	}
	if ed.PropNode != nil {
		p := e.name("p")
		sub, err := e.mapExpr(p, ed.PropNode)
		if err != nil {
			return "", err
		}
		fields = append(fields, fmt.Sprintf("p: COLLECT { MATCH (%[1]s:Entity {id: %[2]s.country}) WITH %[1]s, {m: %[4]s, x: %[3]s} AS %[1]sy RETURN %[1]sy }", p, r, sub, projectNode(p, e.props)))
	}
	// A list over the object budget is read only as far as proves it
	// (budget+1 entries, whichever come first), before anything nested is
	// fetched for them or they are sorted: its answer is refused anyway.
	// A shorter list is read whole and answers as before.
	if e.cut && !ed.Uncut {
		pattern += fmt.Sprintf(" WITH %s, %s LIMIT $%s", r, m, overBudgetParam)
	}
	// The map is projected in a WITH that keeps r and m, and ordered
	// there: when it holds a nested lineage Neo4j takes the projection for
	// an aggregation, after which only projected variables may be read
	// (an ORDER BY after RETURN {…} could not name m).
	return fmt.Sprintf("CASE WHEN %[1]s:%[2]s THEN COLLECT { MATCH %[3]s WITH %[5]s, %[6]s, {%[4]s} AS %[7]s ORDER BY %[6]s.name, %[6]s.id, %[5]s.key RETURN %[7]s } END",
		v, ed.From.Label(), pattern, strings.Join(fields, ", "), r, m, y), nil
}

// lineageExpr is Weapon.lineage of the weapon v, computed by the same
// traversal as Store.Lineages, with the plan of its weapons and the
// sources of its derivations. The depth literal is a checked integer and
// the confidence levels come from the kg.Confidence enumeration.
func (e *expander) lineageExpr(v string, l kg.LineageExpand) (string, error) {
	body, err := lineageBody(l.Dir, l.MaxDepth, true, acceptsAll(l.MinConf))
	if err != nil {
		return "", err
	}
	if l.MinConf != "" && l.MinConf.Rank() == 0 {
		return "", kg.Invalid("minConfidence", fmt.Sprintf("unknown confidence %q", l.MinConf))
	}
	confs := l.MinConf.AtLeast()
	quoted := make([]string, len(confs))
	for i, c := range confs {
		quoted[i] = "'" + c + "'"
	}
	body = strings.ReplaceAll(strings.TrimSuffix(body, lineageReturn), "$conf", "["+strings.Join(quoted, ", ")+"]")
	var tail, cols string
	if !l.Node.Empty() {
		pn := e.name("ln")
		x, err := e.mapExpr(pn, l.Node)
		if err != nil {
			return "", err
		}
		tail += fmt.Sprintf("\nCALL (w, up, down) {\n  UNWIND [w] + [y IN up | y.n] + [y IN down | y.n] AS %[1]s\n  WITH DISTINCT %[1]s\n  WITH %[1]s, {id: %[1]s.id, x: %[2]s} AS %[1]sm\n  RETURN collect(%[1]sm) AS pre\n}", pn, x)
		cols += ", pre: pre"
	}
	if l.RelSources {
		tail += "\nCALL (upRels, downRels) {\n  UNWIND [y IN upRels + downRels | y.r] AS pr\n  UNWIND coalesce(pr.citeSource, []) AS sid\n  WITH DISTINCT sid\n" +
			"  MATCH (ps:Source {id: sid})\n  RETURN collect(ps) AS preSrc\n}"
		cols += ", preSrc: preSrc"
	}
	return fmt.Sprintf("CASE WHEN %[1]s:Weapon THEN COLLECT { WITH %[1]s AS w%[2]s%[3]s\nRETURN {w: %[5]s, up: %[6]s, upRels: %[8]s, down: %[7]s, downRels: %[9]s%[4]s} } END",
		v, body, tail, cols, projectNode("w", e.props), projectReached("up", e.props), projectReached("down", e.props),
		projectRelList("upRels", e.relProps), projectRelList("downRels", e.relProps)), nil
}

// sourcesExpr lists the source nodes whose ids the list expression holds.
func (e *expander) sourcesExpr(list string) string {
	s := e.name("s")
	return fmt.Sprintf("COLLECT { MATCH (%[1]s:Source) WHERE %[1]s.id IN coalesce(%[2]s, []) RETURN %[1]s }", s, list)
}

// expandColumn is the extra RETURN column of a query that returns one node
// per row in variable v: ", {id: v.id, x: …} AS pre", or "" when pre asks
// for nothing.
func expandColumn(v string, pre *kg.Prefetch) (string, error) {
	if pre == nil || pre.Plan.Empty() {
		return "", nil
	}
	e := newExpander(pre)
	x, err := e.mapExpr(v, pre.Plan)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf(", {id: %s.id, x: %s} AS pre", v, x), nil
}

// expandTail is the extra subqueries and RETURN columns of a query that
// returns lists: nodes is a list expression of every node returned, rels
// one of every relationship returned, both over the variables imports.
func expandTail(imports, nodes, rels string, pre *kg.Prefetch) (tail, cols string, err error) {
	if !pre.Wants() {
		return "", "", nil
	}
	var b strings.Builder
	if !pre.Plan.Empty() {
		e := newExpander(pre)
		x, err := e.mapExpr("pn", pre.Plan)
		if err != nil {
			return "", "", err
		}
		// The map is built outside the aggregation: it may aggregate itself
		// (a nested lineage), which Cypher does not allow inside collect().
		fmt.Fprintf(&b, "\nCALL (%s) {\n  UNWIND %s AS pn\n  WITH DISTINCT pn\n  WITH pn, {id: pn.id, x: %s} AS pm\n  RETURN collect(pm) AS pre\n}", imports, nodes, x)
		cols += ", pre"
	}
	if pre.RelSources {
		fmt.Fprintf(&b, "\nCALL (%s) {\n  UNWIND %s AS pr\n  UNWIND coalesce(pr.citeSource, []) AS sid\n  WITH DISTINCT sid\n"+
			"  MATCH (ps:Source {id: sid})\n  RETURN collect(ps) AS preSrc\n}", imports, rels)
		cols += ", preSrc"
	}
	return b.String(), cols, nil
}

// fetched is the kg.Fetched a read fills from its records; ran says a
// record carried the plan's columns (the read ran the plan). The result
// cache holds records (cache.go), not Fetched values: every request
// decodes its own, whose elements its loaders then point into.
type fetched struct {
	kg.Fetched
	ran bool
}

// result is what the read returns: nil when it did not run the plan.
func (f *fetched) result() *kg.Fetched {
	if f == nil || !f.ran {
		return nil
	}
	return &f.Fetched
}

// readExpand reads the columns expandColumn or expandTail added to rec
// for pre into got.
func readExpand(rec *neo4j.Record, pre *kg.Prefetch, got *fetched) {
	if !pre.Wants() {
		return
	}
	got.ran = true
	if raw, ok := rec.Get("pre"); ok {
		switch v := raw.(type) {
		case map[string]any:
			readExpanded(v, pre.Plan, &got.Fetched)
		case []any:
			for _, y := range v {
				if m, ok := y.(map[string]any); ok {
					readExpanded(m, pre.Plan, &got.Fetched)
				}
			}
		}
	}
	if raw, ok := rec.Get("preSrc"); ok {
		l, _ := raw.([]any)
		got.Nodes = append(got.Nodes, nodeList(l)...)
	}
}

// readExpanded reads one {id, x} map of the plan x.
func readExpanded(m map[string]any, x *kg.Expand, pre *kg.Fetched) {
	id := str(m["id"])
	xm, _ := m["x"].(map[string]any)
	readNode(id, xm, x, pre)
}

// readNode reads what mapExpr fetched for the node id.
func readNode(id string, m map[string]any, x *kg.Expand, pre *kg.Fetched) {
	if x == nil {
		return
	}
	for i, ed := range x.Edges {
		raw := m[fmt.Sprintf("e%d", i)]
		if raw == nil {
			continue // a node of another kind than ed.From
		}
		items, _ := raw.([]any)
		edges := make([]kg.Edge, 0, len(items))
		for _, it := range items {
			y, _ := it.(map[string]any)
			other, ok := nodeOf(y["m"])
			if !ok {
				continue
			}
			from, to := id, other.ID
			if ed.Spec.Incoming {
				from, to = other.ID, id
			}
			rel, ok := relOf(y["r"], from, to)
			if !ok {
				continue
			}
			edges = append(edges, kg.Edge{Rel: rel, Node: other})
			if sub, ok := y["x"].(map[string]any); ok {
				readNode(other.ID, sub, ed.Node, pre)
			}
			if s, ok := y["s"].([]any); ok {
				pre.Nodes = append(pre.Nodes, nodeList(s)...)
			}
			if ps, ok := y["p"].([]any); ok {
				for _, pi := range ps {
					pm, _ := pi.(map[string]any)
					if node, ok := nodeOf(pm["m"]); ok {
						pre.Nodes = append(pre.Nodes, node)
						sub, _ := pm["x"].(map[string]any)
						readNode(node.ID, sub, ed.PropNode, pre)
					}
				}
			}
		}
		pre.Edges = append(pre.Edges, kg.EdgeList{Spec: ed.Spec, ID: id, Edges: edges})
	}
	if x.Sources {
		s, _ := m["s"].([]any)
		pre.Nodes = append(pre.Nodes, nodeList(s)...)
	}
	for i, le := range x.Lineages {
		l, _ := m[fmt.Sprintf("l%d", i)].([]any)
		if len(l) == 0 {
			continue // not a weapon
		}
		lm, _ := l[0].(map[string]any)
		rec := &neo4j.Record{}
		for k, val := range lm {
			rec.Keys, rec.Values = append(rec.Keys, k), append(rec.Values, val)
		}
		lin, err := lineageFrom(rec, le.Dir)
		if err != nil {
			continue // the loader will ask again
		}
		pre.Lineages = append(pre.Lineages, kg.LineageOf{Dir: le.Dir, MaxDepth: le.MaxDepth, MinConf: le.MinConf, ID: id, Lineage: lin})
		sub := &fetched{}
		readExpand(rec, &kg.Prefetch{Plan: le.Node, RelSources: le.RelSources}, sub)
		pre.Edges = append(pre.Edges, sub.Edges...)
		pre.OrgCountries = append(pre.OrgCountries, sub.OrgCountries...)
		pre.Nodes = append(pre.Nodes, sub.Nodes...)
		pre.Lineages = append(pre.Lineages, sub.Lineages...)
	}
	if x.Covers != nil {
		readCovers(m["cv"], x.Covers, pre)
	}
	if x.OrgCountry != nil {
		raw := m["oc"]
		if raw == nil {
			return // not an organization
		}
		oc := kg.OrgCountry{ID: id}
		if l, _ := raw.([]any); len(l) > 0 {
			cm, _ := l[0].(map[string]any)
			if c, ok := nodeOf(cm["m"]); ok {
				oc.Country = &c
				sub, _ := cm["x"].(map[string]any)
				readNode(c.ID, sub, x.OrgCountry, pre)
			}
		}
		pre.OrgCountries = append(pre.OrgCountries, oc)
	}
}

// readCovers reads what mapExpr fetched for Transfer.covers of one
// transfer (raw is null for a node of another kind): the records found,
// and the ids that name none.
func readCovers(raw any, x *kg.Expand, pre *kg.Fetched) {
	cm, ok := raw.(map[string]any)
	if !ok {
		return
	}
	found := map[string]bool{}
	items, _ := cm["n"].([]any)
	for _, it := range items {
		y, _ := it.(map[string]any)
		node, ok := nodeOf(y["m"])
		if !ok {
			continue
		}
		found[node.ID] = true
		pre.Nodes = append(pre.Nodes, node)
		sub, _ := y["x"].(map[string]any)
		readNode(node.ID, sub, x, pre)
	}
	ids, _ := cm["ids"].([]any)
	for _, v := range ids {
		// A source id is never an Entity: leave it to the node loader.
		if id := str(v); id != "" && !found[id] && !strings.HasPrefix(id, kg.SourcePrefix+"/") {
			pre.Missing = append(pre.Missing, id)
		}
	}
}

// prefetchOf returns the first of the optional prefetch arguments, or nil.
func prefetchOf(pre []*kg.Prefetch) *kg.Prefetch {
	if len(pre) == 0 {
		return nil
	}
	return pre[0]
}
