package graph

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"armsgraph/internal/kg"
)

// This file works out which entity properties a request reads, so that
// the store returns those instead of whole nodes (kg.Prefetch.Props). A
// large answer (a lineage of 150 weapons, a neighbourhood of 200 entities)
// asks for two or three fields of nodes that hold about sixteen
// properties; reading, sending and decoding the rest was most of its cost
// in Neo4j and in this process.
//
// The list covers the whole operation, every root field and fragment,
// because the request's loaders share nodes between root fields: a node
// one root field fetched must serve every field another one selects.

// propsOfObjectField lists the entity fields of object type that read
// node properties, and which.
var propsOfObjectField = map[string][]string{
	"citations": kg.CiteProps,
	"covers":    {kg.PropCovers}, // Transfer.covers reads the ids it holds

	// Weapon.rangeKmMax is rangeKm under the name that pairs it with rangeKmMin.
	"rangeKmMax": {kg.PropRangeKm},
}

// idOnlyFields are the entity fields of object type whose resolvers read
// nothing of the node but its id: they follow relationships (relFields and
// the few walked by hand in plan.go).
var idOnlyFields = func() map[string]bool {
	m := map[string]bool{"derivedFrom": true, "derivatives": true, "lineage": true,
		"country": true, "positions": true, "losses": true}
	for _, fields := range relFields {
		for name := range fields {
			m[name] = true
		}
	}
	return m
}()

// requestProps is the request's entity and relationship property lists,
// worked out once per request (nil: some field needs whole nodes, or whole
// relationships).
func (r *Resolver) requestProps(ctx context.Context) (nodes, rels []string) {
	if !graphql.HasOperationContext(ctx) {
		return nil, nil
	}
	l := r.loadersFor(ctx)
	l.propsOnce.Do(func() { l.props, l.relProps = operationProps(graphql.GetOperationContext(ctx)) })
	return l.props, l.relProps
}

// relTypeFields lists, per GraphQL type that stands for a relationship,
// the relationship properties each of its fields reads (graph/convert.go:
// derivationOf, relationshipOf, positionOf; time.resolvers.go for a
// SalesLoss). Fields that lead to an entity read none. A field missing
// here (Relationship.properties reads them all) means whole relationships.
var relTypeFields = map[string]map[string][]string{
	"Derivation": {
		"kind": {kg.PropKind}, "note": {kg.PropNote}, "confidence": {kg.PropConfidence},
		"citations": kg.CiteProps, "child": nil, "parent": nil, "__typename": nil,
	},
	"Relationship": {
		"kind": {kg.PropKind}, "note": {kg.PropNote}, "confidence": {kg.PropConfidence},
		"citations": kg.CiteProps, "key": {kg.PropKey}, "type": nil, "from": nil, "to": nil, "__typename": nil,
	},
	"Position": {
		"title": {kg.PropTitle}, "from": {kg.PropFrom}, "to": {kg.PropTo}, "confidence": {kg.PropConfidence},
		"citations": kg.CiteProps, "attested": {kg.PropAttested},
		// The post's country is the far end or the entity this property names.
		"country": {kg.PropCountry}, "organization": nil, "__typename": nil,
	},
	"SalesLoss": {
		"valueUsd": {kg.PropValueUSD}, "valueEstimated": {kg.PropValueEstimated}, "estimatedBy": {kg.PropEstimatedBy},
		"confidence": {kg.PropConfidence}, "citations": kg.CiteProps, "country": nil, "__typename": nil,
	},
}

// propsWalk gathers what the fields of an operation read of nodes and of
// relationships.
type propsWalk struct {
	nodes, rels           map[string]bool
	wholeNodes, wholeRels bool
	fragments             map[string]bool
}

// operationProps lists the entity properties and the relationship
// properties that the fields of op read, sorted; nil when a field reads
// something the rules above do not know (then whole nodes, or whole
// relationships, are fetched, as before).
func operationProps(op *graphql.OperationContext) (nodes, rels []string) {
	if op == nil || op.Operation == nil {
		return nil, nil
	}
	w := &propsWalk{nodes: map[string]bool{}, rels: map[string]bool{}, fragments: map[string]bool{}}
	w.selection(op.Operation.SelectionSet)
	if !w.wholeNodes {
		nodes = sortedKeys(w.nodes)
	}
	if !w.wholeRels {
		rels = sortedKeys(w.rels)
	}
	return nodes, rels
}

func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// selection adds what the fields of sel (and below) read. @skip and
// @include are ignored: a field left out still counts, which only widens
// the lists.
func (w *propsWalk) selection(sel ast.SelectionSet) {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if s.ObjectDefinition != nil {
				w.field(s.ObjectDefinition.Name, s)
			}
			w.selection(s.SelectionSet)
		case *ast.InlineFragment:
			w.selection(s.SelectionSet)
		case *ast.FragmentSpread:
			if s.Definition == nil {
				w.wholeNodes, w.wholeRels = true, true
			} else if !w.fragments[s.Name] {
				w.fragments[s.Name] = true
				w.selection(s.Definition.SelectionSet)
			}
		}
	}
}

// field adds what field f of GraphQL type typ reads.
func (w *propsWalk) field(typ string, f *ast.Field) {
	switch {
	case entityType(typ):
		if !fieldProps(f, w.nodes) {
			w.wholeNodes = true
		}
	case relTypeFields[typ] != nil:
		props, ok := relTypeFields[typ][f.Name]
		if !ok {
			w.wholeRels = true
		}
		for _, p := range props {
			w.rels[p] = true
		}
	}
}

// fieldProps adds what the entity field f reads; false when it is not known.
func fieldProps(f *ast.Field, set map[string]bool) bool {
	if f.Name == "__typename" {
		return true
	}
	if props, ok := propsOfObjectField[f.Name]; ok {
		for _, p := range props {
			set[p] = true
		}
		return true
	}
	if idOnlyFields[f.Name] {
		return true
	}
	if f.Definition == nil || f.Definition.Type == nil {
		return false
	}
	def := parsedSchema.Types[f.Definition.Type.Name()]
	if def == nil || (def.Kind != ast.Scalar && def.Kind != ast.Enum) || !kg.IsNodeProp(f.Name) {
		return false
	}
	// A scalar field reads the property of its name (graph/convert.go).
	set[f.Name] = true
	return true
}

// entityType reports whether the GraphQL type name is Entity or one of
// its kinds.
func entityType(name string) bool {
	if name == "Entity" {
		return true
	}
	_, ok := kg.KindOfLabel(name)
	return ok
}
