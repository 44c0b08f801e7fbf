package ingest

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// pool runs batch writes on at most n goroutines (an errgroup with a
// limit). The first error cancels the others' context, and every later
// submit and wait returns it.
type pool struct {
	g   *errgroup.Group
	ctx context.Context
}

func startPool(ctx context.Context, n int) *pool {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(n)
	return &pool{g: g, ctx: gctx}
}

// submit hands a job to the next free writer, waiting for one.
func (p *pool) submit(job func(context.Context) error) error {
	if p.ctx.Err() != nil {
		if err := p.g.Wait(); err != nil {
			return err
		}
		return p.ctx.Err()
	}
	p.g.Go(func() error { return job(p.ctx) })
	return nil
}

// wait lets the running jobs finish and returns the first error. It may be
// called more than once.
func (p *pool) wait() error {
	return p.g.Wait()
}
