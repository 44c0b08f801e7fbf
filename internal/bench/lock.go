package bench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// The benchmark shares the test instance with the integration tests
// (internal/neo4jtest), so it follows their rules: it holds the same
// per-database lock while it runs, it leaves their marker node alone, and
// when it is done it leaves the marker in place, saying the database holds
// only throwaway data that the tests may empty.
const (
	testMarkerLabel = "ArmsgraphTestMarker"
	testMarkerID    = "armsgraph-test-database"
)

// lockPath is neo4jtest's lock file for a database URI.
func lockPath(uri string) string {
	sum := sha256.Sum256([]byte(uri))
	return filepath.Join(os.TempDir(), "armsgraph-neo4jtest-"+hex.EncodeToString(sum[:8])+".lock")
}

// lockDatabase takes the database's lock, waiting up to timeout.
func (r *runner) lockDatabase(ctx context.Context, timeout time.Duration) (func(), error) {
	path := lockPath(r.cfg.Neo4j.URI)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	deadline := time.Now().Add(timeout)
	told := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
		}
		if err != syscall.EWOULDBLOCK {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("%s is in use by tests or another benchmark (lock %s) after waiting %s", r.cfg.Neo4j.URI, path, timeout)
		}
		if !told {
			r.logf("waiting for %s: in use by tests or another benchmark (lock %s)", r.cfg.Neo4j.URI, path)
			told = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// markThrowaway leaves the tests' marker node, so that they may empty what
// the benchmark loaded.
func (r *runner) markThrowaway(ctx context.Context) {
	_, err := r.collect(ctx, "MERGE (m:"+testMarkerLabel+" {id: $id}) RETURN m.id", map[string]any{"id": testMarkerID}, false)
	if err != nil {
		r.logf("could not leave the test marker: %v", err)
	}
}
