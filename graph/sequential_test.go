package graph

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestGeneratedIsSequential fails when generated.go was generated without
// graph/internal/generate (go generate ./graph runs it): below the root,
// no field is resolved in a goroutine of its own, lists go through
// marshalSlice, and no object builds a DeferredGroup.
func TestGeneratedIsSequential(t *testing.T) {
	src, err := os.ReadFile("generated.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range []string{"graphql.MarshalSliceConcurrently(", ".ResolveConcurrently(", "graphql.NewDeferredGroup("} {
		if n := bytes.Count(src, []byte(call)); n > 0 {
			t.Errorf("generated.go has %d calls of %s; regenerate with go generate ./graph", n, call)
		}
	}
	if !bytes.Contains(src, []byte("marshalSlice(")) {
		t.Error("generated.go never calls marshalSlice; regenerate with go generate ./graph")
	}
}

// listContext is the context of a list field "list" of an operation, with
// the operation's loaders.
func listContext() (context.Context, *loaders) {
	l := &loaders{}
	ctx := context.WithValue(context.Background(), loadersKey{}, l)
	ctx = graphql.WithResponseContext(ctx, graphql.DefaultErrorPresenter, func(_ context.Context, r any) error {
		return fmt.Errorf("recovered: %v", r)
	})
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "list", Name: "list"}}})
	return ctx, l
}

// TestMarshalSlice checks marshalSlice against what gqlgen's
// MarshalSliceConcurrently guarantees: each element under its own field
// context with its index (its path), a panic reported on the element's path
// with the element null, the other elements kept. Elements run in order in
// the caller's goroutine until the loaders start batching; the rest then
// run concurrently.
func TestMarshalSlice(t *testing.T) {
	t.Run("in order, a panic on its element", func(t *testing.T) {
		ctx, _ := listContext()
		var order []int
		ret := marshalSlice(ctx, 4, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
			order = append(order, i) // no lock: the race detector objects if elements overlap
			if got := *graphql.GetFieldContext(ctx).Index; got != i {
				t.Errorf("element %d: field context index %d", i, got)
			}
			if i == 2 {
				panic("element 2")
			}
			return graphql.MarshalInt(i)
		})
		if !slices.Equal(order, []int{0, 1, 2, 3}) {
			t.Errorf("elements ran in order %v, want 0 1 2 3", order)
		}
		if ret[2] != graphql.Null || ret[3] == graphql.Null || len(ret) != 4 {
			t.Errorf("result %v, want element 2 null and the others set", ret)
		}
		errs := graphql.GetErrors(ctx)
		if len(errs) != 1 || errs[0].Message != "recovered: element 2" || fmt.Sprint(errs[0].Path) != "list[2]" {
			t.Errorf("errors = %v, want one at list[2] saying recovered: element 2", errs)
		}
	})

	t.Run("concurrent once the loaders batch", func(t *testing.T) {
		ctx, l := listContext()
		// Elements 2 and 3 each wait for the other: only concurrent
		// elements get past the barrier.
		var barrier sync.WaitGroup
		barrier.Add(2)
		ret := marshalSlice(ctx, 4, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
			switch i {
			case 1:
				l.batching.Store(true)
			case 2, 3:
				barrier.Done()
				done := make(chan struct{})
				go func() { barrier.Wait(); close(done) }()
				select {
				case <-done:
				case <-time.After(10 * time.Second):
					t.Errorf("element %d: element %d never ran beside it", i, 5-i)
				}
				if i == 3 {
					panic("element 3")
				}
			}
			if got := *graphql.GetFieldContext(ctx).Index; got != i {
				t.Errorf("element %d: field context index %d", i, got)
			}
			return graphql.MarshalInt(i)
		})
		if ret[3] != graphql.Null || ret[2] == graphql.Null {
			t.Errorf("result %v, want element 3 null", ret)
		}
		if errs := graphql.GetErrors(ctx); len(errs) != 1 || fmt.Sprint(errs[0].Path) != "list[3]" {
			t.Errorf("errors = %v, want one at list[3]", errs)
		}
	})
}
