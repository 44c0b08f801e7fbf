package graph

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// The object budget: a root field's answer may hold at most MaxObjects
// objects (every value of an object, interface or union type counts one;
// scalars count nothing). The objects are counted as the answer is built,
// field by field; the field that passes the budget stops the root field,
// whose value becomes null, with one LIMIT_EXCEEDED error (limit
// "objects") that names the root field, the size reached, the budget and
// how to narrow the query. Nothing below the root is resolved after that.

// objectCount counts one root field's objects.
type objectCount struct {
	n, max  int64
	tripped atomic.Bool
}

type objectCountKey struct{}

// errOverBudget is what every field of a root field over its budget
// returns; the response leaves these out (dropOverBudget), keeping only the
// root field's one error.
var errOverBudget = errors.New("over the object budget")

// codeOverBudget marks the presented errOverBudget errors to drop.
const codeOverBudget = "ARMSGRAPH_OVER_BUDGET"

// countRoot gives each root field its own count and, when the field went
// over the budget, answers null with the one error that says so.
func countRoot(max int) graphql.RootFieldMiddleware {
	return func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
		fc := graphql.GetRootFieldContext(ctx)
		if fc == nil || strings.HasPrefix(fc.Field.Name, "__") {
			return next(ctx)
		}
		c := &objectCount{max: int64(max)}
		out := next(context.WithValue(ctx, objectCountKey{}, c))
		if !c.tripped.Load() {
			return out
		}
		graphql.AddError(ctx, budgetError(fc.Field.Field, atomic.LoadInt64(&c.n), c.max))
		return graphql.Null
	}
}

// countObjects adds the objects every field returns to its root field's
// count, and stops the field that passes the budget and every one after it.
func countObjects(ctx context.Context, next graphql.Resolver) (any, error) {
	// Scalars are not counted and cost nothing to let through: look at the
	// field first (its context is the nearest), the count after.
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Definition == nil || !compositeTypes[fc.Field.Definition.Type.Name()] {
		return next(ctx)
	}
	c, _ := ctx.Value(objectCountKey{}).(*objectCount)
	if c == nil {
		return next(ctx)
	}
	if c.tripped.Load() {
		return nil, errOverBudget
	}
	res, err := next(ctx)
	if err != nil || res == nil {
		return res, err
	}
	if atomic.AddInt64(&c.n, objectsIn(res)) > c.max {
		c.tripped.Store(true)
		return nil, errOverBudget
	}
	return res, nil
}

// objectsIn is the number of objects a resolver returned: a list's
// length, one for anything else that is not nil.
func objectsIn(res any) int64 {
	v := reflect.ValueOf(res)
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		return int64(v.Len())
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return 0
		}
	}
	return 1
}

// compositeTypes are the schema's object, interface and union types.
var compositeTypes = func() map[string]bool {
	m := map[string]bool{}
	for name, def := range parsedSchema.Types {
		switch def.Kind {
		case ast.Object, ast.Interface, ast.Union:
			m[name] = true
		}
	}
	return m
}()

// budgetError says which root field passed the budget, at what size, and
// how to narrow it.
func budgetError(f *ast.Field, size, max int64) *gqlerror.Error {
	how := "select fewer nested lists, or split the request"
	if name, ok := rootSizeArgs[f.Name]; ok {
		how = fmt.Sprintf("ask for a smaller %s, %s", name, how)
	} else if filters := filterArgs(f); len(filters) > 0 {
		how = fmt.Sprintf("filter it (%s), %s", strings.Join(filters, ", "), how)
	}
	err := limitError("objects", "%s: the answer reached %d objects, over the budget of %d objects per root field (the server's --max-objects); %s",
		f.Alias, size, max, how)
	err.Path = ast.Path{ast.PathName(f.Alias)}
	err.Extensions["size"] = size
	err.Extensions["budget"] = max
	err.Extensions["field"] = f.Name
	return err
}

// filterArgs names the arguments of root field f that narrow it.
func filterArgs(f *ast.Field) []string {
	if f.Definition == nil {
		return nil
	}
	var out []string
	for _, a := range f.Definition.Arguments {
		out = append(out, a.Name)
	}
	return out
}

// dropOverBudget leaves out of the response the errors of the fields
// stopped after their root field passed the budget: the root field's own
// error says it all.
func dropOverBudget(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || len(resp.Errors) == 0 {
		return resp
	}
	resp.Errors = slices.DeleteFunc(resp.Errors, func(e *gqlerror.Error) bool {
		return e.Extensions["code"] == codeOverBudget
	})
	return resp
}
