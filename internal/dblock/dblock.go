// Package dblock is the cross-process lock of a Neo4j database that the
// integration tests (internal/neo4jtest) and the benchmark (internal/bench)
// share, so that they never empty a database the other is using, and the
// marker that says a database holds only throwaway data.
package dblock

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

const (
	// MarkerLabel is the only label of the marker node of a test database.
	MarkerLabel = "ArmsgraphTestMarker"
	// MarkerID is the id property of the marker node.
	MarkerID = "armsgraph-test-database"
)

// ErrBusy is returned (wrapped) when the lock stayed held for the whole wait.
var ErrBusy = errors.New("database in use")

// Path is the lock file of a database URI.
func Path(uri string) string {
	sum := sha256.Sum256([]byte(uri))
	return filepath.Join(os.TempDir(), "armsgraph-neo4jtest-"+hex.EncodeToString(sum[:8])+".lock")
}

// Acquire takes the exclusive lock of a database across processes (and
// within one: each call opens its own file description), waiting up to
// timeout or until ctx ends. waiting, if not nil, is called once if the lock
// is busy. The returned unlock may be called more than once.
func Acquire(ctx context.Context, uri string, timeout time.Duration, waiting func()) (unlock func(), err error) {
	path := Path(uri)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	deadline := time.Now().Add(timeout)
	told := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("%w: %s still locked after %s (lock %s)", ErrBusy, uri, timeout, path)
		}
		if !told && waiting != nil {
			waiting()
			told = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
			_ = f.Close()
		})
	}, nil
}
