package ingest

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
)

// The first failing job cancels the others and is what submit and wait
// report afterwards; at most n jobs run at once.
func TestPoolFirstErrorWins(t *testing.T) {
	p := startPool(context.Background(), 2)
	boom := errors.New("boom")
	var running, most atomic.Int64
	block := make(chan struct{})
	for i := range 2 {
		if err := p.submit(func(ctx context.Context) error {
			n := running.Add(1)
			defer running.Add(-1)
			for {
				m := most.Load()
				if n <= m || most.CompareAndSwap(m, n) {
					break
				}
			}
			if i == 0 {
				<-block
				return boom
			}
			<-ctx.Done() // cancelled by the other job's failure
			return ctx.Err()
		}); err != nil {
			t.Fatalf("submit %d: %v", i, err)
		}
	}
	close(block)
	if err := p.wait(); !errors.Is(err, boom) {
		t.Fatalf("wait = %v, want boom", err)
	}
	if err := p.submit(func(context.Context) error { t.Error("a job ran after the failure"); return nil }); !errors.Is(err, boom) {
		t.Errorf("submit after failure = %v, want boom", err)
	}
	if err := p.wait(); !errors.Is(err, boom) {
		t.Errorf("second wait = %v, want boom", err)
	}
	if most.Load() > 2 {
		t.Errorf("%d jobs ran at once, limit 2", most.Load())
	}
}
