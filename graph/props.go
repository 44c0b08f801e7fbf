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

// derivationProps are the relationship properties each Derivation field
// reads (graph/convert.go derivationOf); child and parent read none.
var derivationProps = map[string][]string{
	"kind": {kg.PropKind}, "note": {kg.PropNote}, "confidence": {kg.PropConfidence},
	"citations": kg.CiteProps, "child": nil, "parent": nil, "__typename": nil,
}

// wholeRelTypes are the GraphQL types that stand for a relationship and
// read more of it than a Derivation (every property, a position's
// country): selecting any of their fields means whole relationships.
var wholeRelTypes = map[string]bool{"Relationship": true, "Position": true, "SalesLoss": true}

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
	case typ == "Derivation":
		props, ok := derivationProps[f.Name]
		if !ok {
			w.wholeRels = true
		}
		for _, p := range props {
			w.rels[p] = true
		}
	case wholeRelTypes[typ]:
		w.wholeRels = true
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
