//go:build soak

package reliability

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/internal/ci"
	"armsgraph/internal/neo4jtest"
)

// privateNeo4j is a Neo4j of the soak tests' own, which they may stop and
// restart: scripts/neo4j's test instance moved to its own cache directory
// (ARMSGRAPH_CACHE, default $TMPDIR/armsgraph-reliability-neo4j), port
// (ARMSGRAPH_FAULT_PORT, default 7691) and password. The dev (7687), shared
// test (7688) and benchmark (7689) instances are never touched. It is
// started on first use, shared by the tests of the binary, and stopped when
// the binary ends. A lock file keeps two test binaries from using it at once.
type privateNeo4j struct {
	db     dbConn
	env    []string
	script string
	port   int
}

const faultPassword = "armsgraph-fault"

var (
	privateOnce sync.Once
	private     *privateNeo4j
	privateErr  error
)

// getPrivateNeo4j returns the running private instance, its database
// emptied. It skips the test when the instance cannot start, or fails it
// under CI=true.
func getPrivateNeo4j(t *testing.T) *privateNeo4j {
	t.Helper()
	privateOnce.Do(func() { private, privateErr = startPrivateNeo4j() })
	if privateErr != nil {
		ci.Missing(t, "private Neo4j for the fault tests cannot start: %v", privateErr)
	}
	if err := private.ensureRunning(); err != nil {
		t.Fatalf("private Neo4j: %v", err)
	}
	wipeGraph(t, private.db)
	return private
}

func startPrivateNeo4j() (*privateNeo4j, error) {
	root, err := neo4jtest.RepoRoot()
	if err != nil {
		return nil, err
	}
	port := envInt("ARMSGRAPH_FAULT_PORT", 7691)
	switch port {
	case 7687, 7688, 7689:
		return nil, fmt.Errorf("ARMSGRAPH_FAULT_PORT=%d is the port of another instance (dev 7687, test 7688, bench 7689)", port)
	}
	cache := os.Getenv("ARMSGRAPH_FAULT_CACHE")
	if cache == "" {
		cache = filepath.Join(os.TempDir(), "armsgraph-reliability-neo4j")
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return nil, err
	}
	// One test binary at a time: hold the lock until this binary exits.
	lock, err := os.OpenFile(filepath.Join(cache, fmt.Sprintf("fault-%d.lock", port)), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(20 * time.Minute)
	for syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%s is held by another test binary", lock.Name())
		}
		time.Sleep(time.Second)
	}
	env := append(os.Environ(),
		"ARMSGRAPH_CACHE="+cache,
		"ARMSGRAPH_NEO4J_TEST_PORT="+strconv.Itoa(port),
		"ARMSGRAPH_NEO4J_TEST_PASSWORD="+faultPassword,
		"ARMSGRAPH_NEO4J_TEST_HTTP_PORT="+strconv.Itoa(port+100), // used only by the server flavor
		"ARMSGRAPH_NEO4J_START_TIMEOUT="+strconv.Itoa(envInt("ARMSGRAPH_NEO4J_START_TIMEOUT", 300)),
	)
	for k, v := range map[string]string{
		// A small instance: the machine also runs the dev, test and bench ones.
		"ARMSGRAPH_NEO4J_HEAP": "1g", "ARMSGRAPH_NEO4J_PAGECACHE": "512m",
		// The launcher, not a Maven Central query for the server assembly in a fresh cache.
		"ARMSGRAPH_NEO4J_FLAVOR": "embedded",
	} {
		if os.Getenv(k) == "" {
			env = append(env, k+"="+v)
		}
	}
	p := &privateNeo4j{env: env, script: filepath.Join(root, "scripts", "neo4j"), port: port}
	p.db = dbConn{URI: fmt.Sprintf("bolt://127.0.0.1:%d", port), User: "neo4j", Password: faultPassword, Database: "neo4j"}
	if _, err := p.Start(); err != nil {
		return nil, err
	}
	d, err := neo4j.NewDriverWithContext(p.db.URI, neo4j.BasicAuth(p.db.User, p.db.Password, ""))
	if err != nil {
		return nil, err
	}
	p.db.Driver = d
	if err := p.ensureRunning(); err != nil {
		return nil, err
	}
	atExit = append(atExit, func() {
		_ = d.Close(context.Background())
		if _, err := p.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "reliability: stop the private Neo4j: %v\n", err)
		}
		lock.Close()
	})
	return p, nil
}

// run runs scripts/neo4j COMMAND --instance test in the private setting.
func (p *privateNeo4j) run(command string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, "bash", p.script, command, "--instance", "test")
	cmd.Env = p.env
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("scripts/neo4j %s (private, port %d): %v\n%s", command, p.port, err, lastLines(out.String(), 30))
	}
	return out.String(), nil
}

// Start starts the instance and returns how long it took.
func (p *privateNeo4j) Start() (time.Duration, error) {
	t0 := time.Now()
	_, err := p.run("start")
	return time.Since(t0), err
}

// Stop stops the instance (clean shutdown) and returns how long it took.
func (p *privateNeo4j) Stop() (time.Duration, error) {
	t0 := time.Now()
	_, err := p.run("stop")
	return time.Since(t0), err
}

// ensureRunning starts the instance if a test left it stopped, and waits
// until it accepts the login.
func (p *privateNeo4j) ensureRunning() error {
	if _, err := p.run("status"); err != nil {
		if _, err := p.Start(); err != nil {
			return err
		}
	}
	if p.db.Driver == nil {
		return nil
	}
	var last error
	ok := waitFor(2*time.Minute, 500*time.Millisecond, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		last = p.db.Driver.VerifyConnectivity(ctx)
		return last == nil
	})
	if !ok {
		return fmt.Errorf("%s does not accept the login: %w", p.db.URI, last)
	}
	return nil
}
