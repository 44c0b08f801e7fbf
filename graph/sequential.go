package graph

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
)

// marshalSlice marshals the elements of a list of objects. generated.go
// calls it where gqlgen generates graphql.MarshalSliceConcurrently (the
// rewrite is graph/internal/generate's), with the same arguments and the
// same outcome: one field context per element carrying its index, and,
// unless omitPanicHandler, a panic in an element reported on that
// element's path with the element null.
//
// gqlgen starts a goroutine per element so that elements whose resolvers
// wait overlap their waits. armsgraph's nested resolvers read what the root
// field's statement returned and do not wait, so the elements are
// marshalled here, in order, in the calling goroutine: no goroutine, no
// stack growth, no scheduling per element. When the request's loaders have
// had to wait for a batch (a selection no statement covered, or a store
// that ignores the plan; see loaders.batching), the elements still to do get
// their goroutines, so that their loads share a batch as before.
func marshalSlice(ctx context.Context, length int, workerLimit int64, omitPanicHandler bool, marshalElement func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	l, _ := ctx.Value(loadersKey{}).(*loaders)
	if l == nil || workerLimit > 0 {
		return graphql.MarshalSliceConcurrently(ctx, length, workerLimit, omitPanicHandler, marshalElement)
	}
	ret := make(graphql.Array, length)
	for i := range length {
		if l.batching.Load() {
			marshalConcurrently(ctx, ret, i, omitPanicHandler, marshalElement)
			break
		}
		marshalOne(ctx, ret, i, omitPanicHandler, marshalElement)
	}
	return ret
}

// marshalOne marshals element i into ret[i] under its own field context.
func marshalOne(ctx context.Context, ret graphql.Array, i int, omitPanicHandler bool, marshalElement func(ctx context.Context, i int) graphql.Marshaler) {
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
	if !omitPanicHandler {
		defer func() {
			if r := recover(); r != nil {
				graphql.AddError(ctx, graphql.Recover(ctx, r))
				ret[i] = graphql.Null
			}
		}()
	}
	ret[i] = marshalElement(ctx, i)
}

// marshalConcurrently marshals elements from, from+1, … of ret, one
// goroutine each, as graphql.MarshalSliceConcurrently does.
func marshalConcurrently(ctx context.Context, ret graphql.Array, from int, omitPanicHandler bool, marshalElement func(ctx context.Context, i int) graphql.Marshaler) {
	var wg sync.WaitGroup
	for i := from; i < len(ret); i++ {
		wg.Go(func() { marshalOne(ctx, ret, i, omitPanicHandler, marshalElement) })
	}
	wg.Wait()
}
