package ingest

import (
	"context"
	"sync"
)

// pool runs batch writes on a fixed number of goroutines. The first error
// cancels the rest, and every later submit and wait returns it.
type pool struct {
	ctx    context.Context
	cancel context.CancelFunc
	jobs   chan func(context.Context) error
	wg     sync.WaitGroup
	once   sync.Once
	mu     sync.Mutex
	err    error
}

func startPool(ctx context.Context, n int) *pool {
	p := &pool{jobs: make(chan func(context.Context) error)}
	p.ctx, p.cancel = context.WithCancel(ctx)
	for range n {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for job := range p.jobs {
				if p.failed() != nil {
					continue // drain: the load is failing
				}
				if err := job(p.ctx); err != nil {
					p.fail(err)
				}
			}
		}()
	}
	return p
}

func (p *pool) fail(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err == nil {
		p.err = err
		p.cancel()
	}
}

func (p *pool) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// submit hands a job to the next free writer, waiting for one.
func (p *pool) submit(job func(context.Context) error) error {
	if err := p.failed(); err != nil {
		return err
	}
	select {
	case p.jobs <- job:
		return nil
	case <-p.ctx.Done():
		if err := p.failed(); err != nil {
			return err
		}
		return p.ctx.Err()
	}
}

// wait lets the running jobs finish and returns the first error. It may be
// called more than once.
func (p *pool) wait() error {
	p.once.Do(func() {
		close(p.jobs)
		p.wg.Wait()
		p.cancel()
	})
	return p.failed()
}
