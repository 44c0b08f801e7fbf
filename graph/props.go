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

// requestProps is the request's property list, worked out once per
// request (nil: some field needs whole nodes).
func (r *Resolver) requestProps(ctx context.Context) []string {
	if !graphql.HasOperationContext(ctx) {
		return nil
	}
	l := r.loadersFor(ctx)
	l.propsOnce.Do(func() { l.props = operationProps(graphql.GetOperationContext(ctx)) })
	return l.props
}

// operationProps lists the entity properties that the fields of op read,
// sorted; nil when a field reads something the rules above do not know
// (then whole nodes are fetched, as before).
func operationProps(op *graphql.OperationContext) []string {
	if op == nil || op.Operation == nil {
		return nil
	}
	set := map[string]bool{}
	if !selectionProps(op.Operation.SelectionSet, set, map[string]bool{}) {
		return nil
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// selectionProps adds to set what the fields of sel (and below) read of
// entity nodes; false when one needs whole nodes. @skip and @include are
// ignored: a field left out still counts, which only widens the list.
func selectionProps(sel ast.SelectionSet, set, fragments map[string]bool) bool {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if s.ObjectDefinition != nil && entityType(s.ObjectDefinition.Name) && !fieldProps(s, set) {
				return false
			}
			if !selectionProps(s.SelectionSet, set, fragments) {
				return false
			}
		case *ast.InlineFragment:
			if !selectionProps(s.SelectionSet, set, fragments) {
				return false
			}
		case *ast.FragmentSpread:
			if s.Definition == nil {
				return false
			}
			if !fragments[s.Name] {
				fragments[s.Name] = true
				if !selectionProps(s.Definition.SelectionSet, set, fragments) {
					return false
				}
			}
		}
	}
	return true
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
