package dblock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"
)

// A held lock makes a second Acquire wait, call waiting once, and give up
// with ErrBusy, or with the context's error when that ends first; once
// released, the lock can be taken again.
func TestAcquireWaitsAndGivesUp(t *testing.T) {
	uri := fmt.Sprintf("bolt://dblock-test-%d.invalid:1", time.Now().UnixNano())
	t.Cleanup(func() { os.Remove(Path(uri)) })
	unlock, err := Acquire(context.Background(), uri, time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	if _, err := Acquire(context.Background(), uri, 200*time.Millisecond, func() { calls++ }); !errors.Is(err, ErrBusy) {
		t.Fatalf("second Acquire: %v, want ErrBusy", err)
	}
	if calls != 1 {
		t.Errorf("waiting called %d times, want 1", calls)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := Acquire(ctx, uri, time.Minute, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Acquire with an ending context: %v, want context.DeadlineExceeded", err)
	}
	unlock()
	unlock() // idempotent
	again, err := Acquire(context.Background(), uri, time.Second, nil)
	if err != nil {
		t.Fatalf("lock not released: %v", err)
	}
	again()
}
