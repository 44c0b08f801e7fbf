package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"armsgraph/internal/kg"
)

// This file turns the selection of a root field into a kg.Expand: the
// relationships the nested fields follow, for every node the root returns,
// so that the store fetches them in the root's one statement. The walk
// uses gqlgen's CollectFields, so fragments, inline fragments on entity
// kinds, aliases and @skip/@include count exactly as the executor counts
// them. The resolvers stay as they are: the root resolver primes the
// request's loaders with what the statement returned (loaders.prime), and
// the nested resolvers find it there without a query. A field the plan
// does not cover (Weapon.lineage nested in another field) still loads
// through its loader: see docs/compiled-queries.md, "Where dataloaders
// remain".

// expandBuilder gathers one kg.Expand; edges of the same kind and spec
// asked in several places (aliases, fragments) merge into one list.
type expandBuilder struct {
	edges      map[edgeKey]*edgeBuilder
	order      []edgeKey
	sources    bool
	orgCountry *expandBuilder
	covers     *expandBuilder
	lineages   map[lineageKey]*lineageBuilder
	lorder     []lineageKey
}

type lineageBuilder struct {
	node       *expandBuilder
	relSources bool
}

type edgeKey struct {
	from kg.Kind
	spec kg.EdgeSpec
}

type edgeBuilder struct {
	relSources bool
	node, prop *expandBuilder
	// uncut: a field reads the list partly (kg.EdgeExpand.Uncut).
	uncut bool
}

func (b *expandBuilder) edge(from kg.Kind, spec kg.EdgeSpec) *edgeBuilder {
	if b.edges == nil {
		b.edges = map[edgeKey]*edgeBuilder{}
	}
	k := edgeKey{from, spec}
	e, ok := b.edges[k]
	if !ok {
		e = &edgeBuilder{node: &expandBuilder{}}
		b.edges[k] = e
		b.order = append(b.order, k)
	}
	return e
}

// build returns the plan, nil when it asks for nothing.
func (b *expandBuilder) build() *kg.Expand {
	if b == nil {
		return nil
	}
	x := &kg.Expand{Sources: b.sources}
	if b.orgCountry != nil {
		x.OrgCountry = b.orgCountry.build()
		if x.OrgCountry == nil {
			x.OrgCountry = &kg.Expand{}
		}
	}
	if b.covers != nil {
		x.Covers = b.covers.build()
		if x.Covers == nil {
			x.Covers = &kg.Expand{}
		}
	}
	for _, k := range b.lorder {
		lb := b.lineages[k]
		x.Lineages = append(x.Lineages, kg.LineageExpand{Dir: k.dir, MaxDepth: k.maxDepth, MinConf: k.minConf, Node: lb.node.build(), RelSources: lb.relSources})
	}
	for _, k := range b.order {
		e := b.edges[k]
		ee := kg.EdgeExpand{From: k.from, Spec: k.spec, RelSources: e.relSources, Node: e.node.build(), Uncut: e.uncut}
		if e.prop != nil {
			ee.PropNode = e.prop.build()
			if ee.PropNode == nil {
				ee.PropNode = &kg.Expand{}
			}
		}
		x.Edges = append(x.Edges, ee)
	}
	if x.Empty() {
		return nil
	}
	return x
}

// planner walks one operation's selections. Weapon.lineage is compiled
// unless the walk is inside a lineage already (its statement binds the
// variables the nested traversal would use): there it loads through its
// loader.
type planner struct {
	op        *graphql.OperationContext
	limits    Limits
	inLineage bool
}

// fields collects the fields of sel that apply to an object of type typ.
func (p planner) fields(sel ast.SelectionSet, typ string) []graphql.CollectedField {
	return graphql.CollectFields(p.op, sel, []string{typ, "Entity"})
}

// wantsSource reports whether a citations selection asks for the source.
func (p planner) wantsSource(sel ast.SelectionSet) bool {
	for _, f := range graphql.CollectFields(p.op, sel, []string{"Citation"}) {
		if f.Name == "source" {
			return true
		}
	}
	return false
}

// walk adds to b what sel asks of a node of GraphQL type typ (an entity
// type, or the Entity interface: then every kind's fragments count).
func (p planner) walk(b *expandBuilder, typ string, sel ast.SelectionSet) {
	if len(sel) == 0 {
		return
	}
	if typ == "Entity" {
		for _, k := range kg.Kinds {
			p.walk(b, k.Label(), sel)
		}
		return
	}
	kind, ok := kg.KindOfLabel(typ)
	if !ok {
		return
	}
	for _, f := range p.fields(sel, typ) {
		if fi, ok := catalogue[typ][f.Name]; ok && fi.walk == walkEdge {
			e := b.edge(kind, fi.spec)
			// A single object (relatedOne) is the list's first entry.
			e.uncut = e.uncut || f.Definition == nil || f.Definition.Type.Elem == nil
			p.walk(e.node, fi.target, f.Selections)
			continue
		}
		switch {
		case f.Name == "citations":
			b.sources = b.sources || p.wantsSource(f.Selections)
		case typ == "Weapon" && (f.Name == "derivedFrom" || f.Name == "derivatives"):
			incoming := f.Name == "derivatives"
			other, self := "parent", "child"
			if incoming {
				other, self = "child", "parent"
			}
			e := b.edge(kind, kg.EdgeSpec{Type: kg.DerivedFrom, Incoming: incoming, Label: kg.Weapon.Label()})
			for _, df := range graphql.CollectFields(p.op, f.Selections, []string{"Derivation"}) {
				switch df.Name {
				case other:
					p.walk(e.node, "Weapon", df.Selections)
				case self:
					p.walk(b, "Weapon", df.Selections)
				case "citations":
					e.relSources = e.relSources || p.wantsSource(df.Selections)
				}
			}
		case typ == "Weapon" && f.Name == "lineage" && !p.inLineage:
			k, ok := p.lineageArgs(f)
			if !ok {
				continue // an invalid argument: the resolver reports it
			}
			if b.lineages == nil {
				b.lineages = map[lineageKey]*lineageBuilder{}
			}
			lb := b.lineages[k]
			if lb == nil {
				lb = &lineageBuilder{node: &expandBuilder{}}
				b.lineages[k] = lb
				b.lorder = append(b.lorder, k)
			}
			inner := p
			inner.inLineage = true
			rs, _ := inner.graphParts(lb.node, "Lineage", f.Selections)
			lb.relSources = rs || lb.relSources
		case typ == "Organization" && f.Name == "country":
			if b.orgCountry == nil {
				b.orgCountry = &expandBuilder{}
			}
			p.walk(b.orgCountry, "Country", f.Selections)
		case typ == "Transfer" && f.Name == "covers":
			if b.covers == nil {
				b.covers = &expandBuilder{}
			}
			p.walk(b.covers, "Transfer", f.Selections)
		// The walkByHand fields of the catalogue.
		case typ == "Resolution" && f.Name == "losses":
			e := b.edge(kind, specLosses)
			e.uncut = true // the resolver skips a loss without a value
			p.relObject(e, "SalesLoss", f.Selections, map[string]string{"country": "Country"})
		case typ == "Person" && f.Name == "positions":
			e := b.edge(kind, specPositions)
			p.relObject(e, "Position", f.Selections, map[string]string{"organization": "Organization", "country": "Country"})
			for _, pf := range graphql.CollectFields(p.op, f.Selections, []string{"Position"}) {
				if pf.Name == "country" {
					// The country is the relationship's other end or the
					// entity its country property names.
					if e.prop == nil {
						e.prop = &expandBuilder{}
					}
					p.walk(e.prop, "Country", pf.Selections)
				}
			}
		}
	}
}

// relObject walks the selection of an object of GraphQL type typ that
// stands for one relationship of e (a Position, a SalesLoss): the fields
// in ends lead to the node at the relationship's other end (of the GraphQL
// type ends names), citations to the relationship's sources.
func (p planner) relObject(e *edgeBuilder, typ string, sel ast.SelectionSet, ends map[string]string) {
	for _, f := range graphql.CollectFields(p.op, sel, []string{typ}) {
		if t, ok := ends[f.Name]; ok {
			p.walk(e.node, t, f.Selections)
		} else if f.Name == "citations" {
			e.relSources = e.relSources || p.wantsSource(f.Selections)
		}
	}
}

// lineageArgs reads the arguments of a Weapon.lineage field as its
// resolver does; ok is false when one is invalid.
func (p planner) lineageArgs(f graphql.CollectedField) (lineageKey, bool) {
	args := f.ArgumentMap(p.op.Variables)
	k := lineageKey{dir: kg.Both, maxDepth: schemaDefault("Weapon", "lineage", "maxDepth")}
	if d, ok := args["direction"].(string); ok {
		k.dir = kg.Direction(d)
	}
	switch v := args["maxDepth"].(type) {
	case int64:
		k.maxDepth = int(v)
	case int:
		k.maxDepth = v
	case nil:
	default:
		return k, false
	}
	if c, ok := args["minConfidence"].(string); ok {
		k.minConf = kg.Confidence(c)
	}
	if spec := sizeArgs["Weapon.lineage.maxDepth"]; k.maxDepth < spec.min || k.maxDepth > spec.cap(p.limits) {
		return k, false
	}
	switch k.dir {
	case kg.Ancestors, kg.Descendants, kg.Both:
	default:
		return k, false
	}
	return k, true
}

// graphParts walks the parts of a lineage, path or subgraph selection:
// entities under nodeFields (of type nodeType), the ends of relationships
// under relFieldName, whether the relationships' citations need their
// sources, and whether the relationships are selected at all
// (Lineage.derivations, Path or Subgraph relationships).
func (p planner) graphParts(b *expandBuilder, typ string, sel ast.SelectionSet) (relSources, rels bool) {
	for _, f := range graphql.CollectFields(p.op, sel, []string{typ}) {
		switch {
		case typ == "Lineage" && f.Name == "weapon":
			p.walk(b, "Weapon", f.Selections)
		case typ == "Lineage" && f.Name == "nodes":
			for _, nf := range graphql.CollectFields(p.op, f.Selections, []string{"LineageNode"}) {
				if nf.Name == "weapon" {
					p.walk(b, "Weapon", nf.Selections)
				}
			}
		case typ == "Lineage" && f.Name == "derivations":
			rels = true
			for _, df := range graphql.CollectFields(p.op, f.Selections, []string{"Derivation"}) {
				switch df.Name {
				case "child", "parent":
					p.walk(b, "Weapon", df.Selections)
				case "citations":
					relSources = relSources || p.wantsSource(df.Selections)
				}
			}
		case f.Name == "nodes":
			p.walk(b, "Entity", f.Selections)
		case f.Name == "relationships":
			rels = true
			for _, rf := range graphql.CollectFields(p.op, f.Selections, []string{"Relationship"}) {
				switch rf.Name {
				case "from", "to":
					p.walk(b, "Entity", rf.Selections)
				case "citations":
					relSources = relSources || p.wantsSource(rf.Selections)
				}
			}
		}
	}
	return relSources, rels
}

// rootPlan is the prefetch of the current root field, whose result is of
// GraphQL type typ: an entity type or Entity, a connection
// ("WeaponConnection", "PersonConnection"), "Lineage", "Path",
// "Subgraph", "Tenure" (Query.holders) or "TransferTotals". It is nil when
// the selection asks for nothing nested.
func (r *Resolver) rootPlan(ctx context.Context, typ string) *kg.Prefetch {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return nil
	}
	p := planner{op: graphql.GetOperationContext(ctx), limits: r.limits, inLineage: typ == "Lineage"}
	sel := fc.Field.Selections
	b := &expandBuilder{}
	pre := &kg.Prefetch{}
	switch typ {
	case "WeaponConnection", "PersonConnection":
		for _, f := range graphql.CollectFields(p.op, sel, []string{typ}) {
			if f.Name != "edges" {
				continue
			}
			node := strings.TrimSuffix(typ, "Connection")
			for _, ef := range graphql.CollectFields(p.op, f.Selections, []string{node + "Edge"}) {
				if ef.Name == "node" {
					p.walk(b, node, ef.Selections)
				}
			}
		}
	case "Lineage", "Path", "Subgraph", "NeighborGroup":
		var rels bool
		pre.RelSources, rels = p.graphParts(b, typ, sel)
		// Without derivations or relationships in the selection, the
		// store may leave them out (the lean statement of issue 10).
		pre.NoRels = !rels
	case "Tenure":
		// Query.holders: the people, the posts (organizations or countries
		// at the relationships' other end) and the countries the
		// relationships' country property names.
		for _, f := range graphql.CollectFields(p.op, sel, []string{typ}) {
			switch f.Name {
			case "person":
				p.walk(b, "Person", f.Selections)
			case "position":
				for _, pf := range graphql.CollectFields(p.op, f.Selections, []string{"Position"}) {
					switch pf.Name {
					case "organization":
						p.walk(b, "Organization", pf.Selections)
					case "country":
						p.walk(b, "Country", pf.Selections)
						pre.RelCountries = true
					case "citations":
						pre.RelSources = pre.RelSources || p.wantsSource(pf.Selections)
					}
				}
			}
		}
	case "TransferTotals":
		for _, f := range graphql.CollectFields(p.op, sel, []string{typ}) {
			if f.Name != "parts" {
				continue
			}
			for _, pf := range graphql.CollectFields(p.op, f.Selections, []string{"TransferTotalPart"}) {
				if pf.Name == "transfer" || pf.Name == "coveredBy" {
					p.walk(b, "Transfer", pf.Selections)
				}
			}
		}
	default:
		p.walk(b, typ, sel)
	}
	pre.Plan = b.build()
	pre.Props, pre.RelProps = r.requestProps(ctx)
	if !pre.Wants() && !pre.NoRels && pre.Props == nil && pre.RelProps == nil {
		return nil
	}
	if c, _ := ctx.Value(objectCountKey{}).(*objectCount); c != nil {
		pre.MaxObjects = int(c.max)
	}
	return pre
}
