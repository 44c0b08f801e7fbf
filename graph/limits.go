package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

func init() {
	// A request refused before it runs — over the depth or complexity limit —
	// is answered like a request that does not validate: 200 under
	// application/json, 400 under application/graphql-response+json (overhttp.go).
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
