//go:build soak

package reliability

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"armsgraph/cmd/wiring"
	"armsgraph/internal/ingest"
	"armsgraph/internal/neo4jtest"
	"armsgraph/internal/synth"
)

// The soak fault tests stop and restart a real Neo4j: a private instance
// (privateNeo4j), never the shared ones.

// buildCLI builds cmd/armsgraph into a temporary directory.
func buildCLI(t *testing.T) string {
	t.Helper()
	root, err := neo4jtest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "armsgraph")
	cmd := exec.Command(goBin, "build", "-o", bin, "./cmd/armsgraph")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/armsgraph: %v\n%s", err, out)
	}
	return bin
}

// cliRun is one run of `armsgraph ingest` against the private Neo4j.
type cliRun struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	done           chan struct{}
	err            error
	took           time.Duration
}

func startIngestCLI(t *testing.T, bin, seedsDir string, p *privateNeo4j) *cliRun {
	t.Helper()
	r := &cliRun{done: make(chan struct{})}
	r.cmd = exec.Command(bin, "ingest", "--seeds", seedsDir, "--documents", filepath.Join(seedsDir, synth.DocumentsDir), "--batch", "500")
	r.cmd.Env = append(os.Environ(), "NEO4J_URI="+p.db.URI, "NEO4J_USER="+p.db.User, "NEO4J_PASSWORD="+p.db.Password,
		"NEO4J_DATABASE="+p.db.Database, "ARMSGRAPH_LOG_LEVEL=info")
	r.cmd.Stdout, r.cmd.Stderr = &r.stdout, &r.stderr
	start := time.Now()
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		r.err = r.cmd.Wait()
		r.took = time.Since(start)
		close(r.done)
	}()
	t.Cleanup(func() {
		select {
		case <-r.done:
		default:
			_ = r.cmd.Process.Kill()
			<-r.done
		}
	})
	return r
}

func (r *cliRun) wait(t *testing.T, timeout time.Duration) (exitCode int) {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(timeout):
		t.Fatalf("armsgraph ingest still runs after %s\nstderr:\n%s", timeout, lastLines(r.stderr.String(), 20))
	}
	var exit *exec.ExitError
	switch {
	case r.err == nil:
		return 0
	case errors.As(r.err, &exit):
		return exit.ExitCode()
	}
	t.Fatalf("armsgraph ingest: %v", r.err)
	return -1
}

func (r *cliRun) exited() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// TestFaultStopNeo4jMidIngest stops Neo4j while `armsgraph ingest` loads a
// synthetic folder: the command must exit non-zero with a message saying
// that Neo4j is unavailable; run again while Neo4j is down it must say so
// at once; and after Neo4j restarts, a repeated ingest must leave exactly
// the graph a clean ingest into an empty database leaves.
//
// The command is frozen (SIGSTOP) from the moment the first relationships
// are in until Neo4j has stopped, so that it is in its middle when Neo4j
// goes, whatever the machine's speed: the folder need not be large enough
// to outlast a clean stop (300 weapons, not 2,000; make soak loads more).
func TestFaultStopNeo4jMidIngest(t *testing.T) {
	p := getPrivateNeo4j(t)
	_, dir, nodes, rels := synthSeeds(t, envInt("ARMSGRAPH_FAULT_SOAK_WEAPONS", 300))
	bin := buildCLI(t)

	run := startIngestCLI(t, bin, dir, p)
	// Stop Neo4j once every node and the first relationships are in: the
	// relationships of a first load are created, not merged, so this is
	// where an interrupted load could leave duplicates behind.
	var seen int64
	if !waitFor(10*time.Minute, 50*time.Millisecond, func() bool {
		if run.exited() {
			return true
		}
		recs, err := query(context.Background(), p.db, "MATCH ()-[r]->() RETURN count(r)", nil)
		if err == nil {
			seen = recs[0].Values[0].(int64)
		}
		return seen >= 500
	}) || run.exited() {
		t.Fatalf("the ingest ended (or wrote no relationship in 10 minutes) before Neo4j could be stopped; %d relationships seen\nstderr:\n%s", seen, run.stderr.String())
	}
	if err := run.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatalf("freeze armsgraph ingest: %v", err)
	}
	stopAt := time.Now()
	stopTook, err := p.Stop()
	if err != nil {
		t.Fatalf("stop Neo4j: %v", err)
	}
	// Neo4j is down; the ingest, frozen in its middle, goes on against it.
	if err := run.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatalf("resume armsgraph ingest: %v", err)
	}
	code := run.wait(t, 5*time.Minute)
	failAfter := time.Since(stopAt)
	stderr := run.stderr.String()
	t.Logf("stopped Neo4j after %d relationships were written; the stop took %s; armsgraph ingest, resumed then, exited %d, %s after the stop began\nlast lines of its stderr:\n%s",
		seen, stopTook.Round(time.Millisecond), code, failAfter.Round(time.Millisecond), lastLines(stderr, 4))
	if code == 0 {
		t.Fatalf("armsgraph ingest succeeded although Neo4j stopped in its middle")
	}
	last := lastLines(stderr, 1)
	if !strings.Contains(last, "unavailable") || !strings.Contains(last, "run ingest again") {
		t.Errorf("the error line does not say that Neo4j is unavailable and what to do:\n%s", last)
	}

	// While Neo4j is down, the command says so at once.
	down := startIngestCLI(t, bin, dir, p)
	if code := down.wait(t, time.Minute); code == 0 || !strings.Contains(down.stderr.String(), "unavailable") ||
		!strings.Contains(down.stderr.String(), "connect to Neo4j") {
		t.Errorf("armsgraph ingest with Neo4j down: exit %d after %s\n%s", code, down.took, down.stderr.String())
	} else {
		t.Logf("armsgraph ingest with Neo4j down: exit %d after %s: %s", code, down.took.Round(time.Millisecond), lastLines(down.stderr.String(), 1))
	}

	startTook, err := p.Start()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.ensureRunning(); err != nil {
		t.Fatal(err)
	}
	partial := count(t, p.db, "MATCH (n) WHERE n:Entity OR n:Source RETURN count(n)") + count(t, p.db, "MATCH ()-[r]->() RETURN count(r)")
	t.Logf("Neo4j restarted in %s; the interrupted ingest left %d of %d nodes and relationships", startTook.Round(time.Millisecond), partial, nodes+rels)
	if partial == 0 || partial >= int64(nodes+rels) {
		t.Errorf("the interrupted ingest left %d of %d nodes and relationships, want a part", partial, nodes+rels)
	}

	again := startIngestCLI(t, bin, dir, p)
	if code := again.wait(t, 10*time.Minute); code != 0 {
		t.Fatalf("the repeated ingest exited %d:\n%s", code, again.stderr.String())
	}
	t.Logf("the repeated ingest took %s", again.took.Round(time.Millisecond))
	recovered := snapshot(t, p.db)

	wipeGraph(t, p.db)
	clean := startIngestCLI(t, bin, dir, p)
	if code := clean.wait(t, 10*time.Minute); code != 0 {
		t.Fatalf("the clean ingest exited %d:\n%s", code, clean.stderr.String())
	}
	if want := snapshot(t, p.db); want != recovered {
		t.Fatalf("the graph after an interrupted and a repeated ingest differs from a clean ingest: %s", snapshotDiff(want, recovered))
	}
	t.Logf("the graph after the repeated ingest equals a clean ingest (%d nodes, %d relationships)", nodes, rels)
}

// TestFaultStopNeo4jUnderLoad stops Neo4j while the server is under load
// and starts it again: requests must fail with UNAVAILABLE, within the
// request timeout, /readyz must turn 503, and the same server must recover
// by itself (no restart).
func TestFaultStopNeo4jUnderLoad(t *testing.T) {
	p := getPrivateNeo4j(t)
	store := openStore(t, p.db, "")
	load(t, store, projectSeeds(t), ingest.Options{})
	cfg := wiring.DefaultConfig()
	// The outage lasts until every client has had a request refused while
	// Neo4j is down (faultRun.run), at most the request timeout.
	cfg.RequestTimeout = envDuration("ARMSGRAPH_FAULT_REQUEST_TIMEOUT", cfg.RequestTimeout)
	conc := envInt("ARMSGRAPH_FAULT_CONCURRENCY", 16)
	a := startAPI(t, store, cfg, conc)
	verifyMix(t, a)

	f := faultRun{t: t, a: a, conc: conc, timeout: cfg.RequestTimeout}
	f.run(
		func() {
			if d, err := p.Stop(); err != nil {
				t.Fatalf("stop Neo4j: %v", err)
			} else {
				t.Logf("Neo4j stopped in %s", d.Round(time.Millisecond))
			}
		},
		func() {
			if d, err := p.Start(); err != nil {
				t.Fatalf("start Neo4j: %v", err)
			} else {
				t.Logf("Neo4j started in %s", d.Round(time.Millisecond))
			}
		})
}
