package neo4jstore

import (
	"context"
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
