package neo4jstore

import (
	"context"
	"errors"
	"sync/atomic"
)

type counterKey struct{}

// QueryCounter counts the Cypher queries run under one context, for example
// one GraphQL request.
type QueryCounter struct{ n atomic.Int64 }

// Count is the number of queries counted so far.
func (c *QueryCounter) Count() int64 { return c.n.Load() }

// WithQueryCounter returns a context under which every query the store runs is counted.
func WithQueryCounter(ctx context.Context) (context.Context, *QueryCounter) {
	c := &QueryCounter{}
	return context.WithValue(ctx, counterKey{}, c), c
}

type captureKey struct{}

// errCaptured ends a read whose statement was captured instead of run.
var errCaptured = errors.New("query captured, not run")

// CaptureQuery returns a context under which the store's read methods hand
// the Cypher they would run, with its parameters, to fn and run nothing
// (they return an error). The benchmarks use it to time the very statement
// the API sends, through the bare driver.
func CaptureQuery(ctx context.Context, fn func(name, cypher string, params map[string]any)) context.Context {
	return context.WithValue(ctx, captureKey{}, fn)
}
