package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"armsgraph/graph/model"
	"armsgraph/internal/kg"
)

// Fanout is the number of items the complexity calculation assumes for a
// nested list that has no size argument (a weapon's derivatives, a
// country's people …). Lists with a size argument (first, limit, maxDepth,
// maxHops) count that many.
const Fanout = 5

// complexity returns the complexity functions: every list multiplies the
// cost of what is selected inside it by its size, so nested lists and big
// pages add up quickly and extension.FixedComplexityLimit refuses them
// before any query runs. Arguments are clamped to their caps here, so an
// argument over its cap is refused by the resolver with an error naming it,
// not by the complexity limit.
func complexity(l Limits) ComplexityRoot {
	var c ComplexityRoot
	size := func(p *int, def, hi int) int {
		v := def
		if p != nil {
			v = *p
		}
		return min(max(v, 1), hi)
	}
	list := func(child int) int { return 1 + Fanout*child }

	c.Query.Weapons = func(child int, _, _ *string, first *int, _ *string) int {
		return 1 + size(first, 50, l.MaxPageSize)*child
	}
	c.Query.People = func(child int, _ *string, first *int, _ *string) int {
		return 1 + size(first, 50, l.MaxPageSize)*child
	}
	c.Query.Search = func(child int, _ string, _ []model.EntityKind, first *int) int {
		return 1 + size(first, 20, l.MaxSearchResults)*child
	}
	c.Query.Resolve = func(child int, _ string, _ *model.EntityKind, limit *int) int {
		return 1 + size(limit, 10, l.MaxResolveResults)*child
	}
	c.Query.Lineage = func(child int, _ string, _ *model.LineageDirection, maxDepth *int, _ *model.Confidence) int {
		return 1 + (size(maxDepth, 10, l.MaxLineageDepth)+1)*child
	}
	c.Weapon.Lineage = func(child int, _ *model.LineageDirection, maxDepth *int, _ *model.Confidence) int {
		return 1 + (size(maxDepth, 10, l.MaxLineageDepth)+1)*child
	}
	c.Query.Paths = func(child int, _, _ string, maxHops *int, _ []string, _ []model.EntityKind, limit *int) int {
		return 1 + size(limit, 5, l.MaxPaths)*size(maxHops, 6, l.MaxPathHops)*child
	}
	c.Query.Neighborhood = func(child int, _ string, _ *int, _ []string, limit *int) int {
		return 1 + size(limit, 200, l.MaxNeighborhoodNodes)*child
	}
	c.Query.Agreements = func(child int, _ []string, _, _ *kg.PartialDate) int { return list(child) }
	c.Query.Transfers = func(child int, _, _, _ *string, _, _ *kg.PartialDate) int { return list(child) }
	c.Query.Events = func(child int, _ *string, _, _ *kg.PartialDate) int { return list(child) }
	c.Query.Resolutions = func(child int, _, _ *kg.PartialDate) int { return list(child) }
	c.Query.Sources = list

	c.Weapon.DerivedFrom = list
	c.Weapon.Derivatives = list
	c.Weapon.Transfers = list
	c.Country.Organizations = list
	c.Country.People = list
	c.Country.Agreements = list
	c.Country.TransfersSupplied = list
	c.Country.TransfersReceived = list
	c.Country.WeaponsOriginated = list
	c.Person.Positions = list
	c.Person.Agreements = list
	c.Person.Events = list
	c.Agreement.Parties = list
	c.Agreement.PartyOrganizations = list
	c.Agreement.Signatories = list
	c.Event.Participants = list
	c.Resolution.Supporters = list
	return c
}

func init() {
	// A request refused before it runs — over the depth or complexity limit —
	// is answered with HTTP 422, like a request that does not validate.
	errcode.RegisterErrorType(CodeBadUserInput, errcode.KindProtocol)
	errcode.RegisterErrorType("COMPLEXITY_LIMIT_EXCEEDED", errcode.KindProtocol)
}

// DepthLimit refuses an operation whose selections nest deeper than Max
// fields (fragments do not count as a level; introspection is not
// counted), or that has more than MaxRootFields top-level fields (each is at
// least one Cypher query, so aliasing a cheap lookup hundreds of times would
// otherwise slip under the complexity limit), before any resolver runs.
type DepthLimit struct{ Max, MaxRootFields int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = DepthLimit{}

// ExtensionName names the extension.
func (DepthLimit) ExtensionName() string { return "DepthLimit" }

// Validate accepts any schema.
func (DepthLimit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext measures the operation's depth.
func (d DepthLimit) MutateOperationContext(_ context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	if opCtx.Operation == nil {
		return nil
	}
	if depth := selectionDepth(opCtx.Operation.SelectionSet, 0, d.Max+1); depth > d.Max {
		return limitError("depth", "query depth %d exceeds the limit of %d nested fields", depth, d.Max)
	}
	if n := rootFields(opCtx.Operation.SelectionSet, d.MaxRootFields+1); d.MaxRootFields > 0 && n > d.MaxRootFields {
		return limitError("rootFields", "the operation has more than %d top-level fields (aliases count); split it into several requests", d.MaxRootFields)
	}
	return nil
}

// rootFields counts the top-level fields of set, through fragments, stopping past stop.
func rootFields(set ast.SelectionSet, stop int) int {
	n := 0
	for _, sel := range set {
		if n >= stop {
			break
		}
		switch s := sel.(type) {
		case *ast.Field:
			if !strings.HasPrefix(s.Name, "__") {
				n++
			}
		case *ast.InlineFragment:
			n += rootFields(s.SelectionSet, stop-n)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				n += rootFields(s.Definition.SelectionSet, stop-n)
			}
		}
	}
	return n
}

// selectionDepth is the depth of the deepest field in set; it stops
// counting past stop, so a deep or cyclic document costs little.
func selectionDepth(set ast.SelectionSet, depth, stop int) int {
	if depth >= stop {
		return depth
	}
	deepest := depth
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				continue
			}
			d = selectionDepth(s.SelectionSet, depth+1, stop)
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, depth, stop)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				d = selectionDepth(s.Definition.SelectionSet, depth, stop)
			}
		}
		deepest = max(deepest, d)
	}
	return deepest
}
