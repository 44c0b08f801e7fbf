package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"armsgraph/internal/neo4jstore"
)

// peerPackages are the pinned packages of bench/peer/package.json that the
// result names.
var peerPackages = []string{"@neo4j/graphql", "@apollo/server", "neo4j-driver"}

// PeerInstalled reports whether dir holds the peer's node_modules at the
// versions its package.json pins (what `npm ci` installs).
func PeerInstalled(dir string) bool {
	pinned, err := pinnedVersions(dir)
	if err != nil {
		return false
	}
	for _, p := range peerPackages {
		if v, err := installedVersion(dir, p); err != nil || v != pinned[p] {
			return false
		}
	}
	return true
}

func pinnedVersions(dir string) (map[string]string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil, err
	}
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	if err := json.Unmarshal(data, &pkg); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "package.json"), err)
	}
	return pkg.Dependencies, nil
}

func installedVersion(dir, pkg string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "node_modules", pkg, "package.json"))
	if err != nil {
		return "", err
	}
	var p struct {
		Version string `json:"version"`
	}
	err = json.Unmarshal(data, &p)
	return p.Version, err
}

// installPeer runs `npm ci` in dir: exactly the versions of package-lock.json.
func installPeer(ctx context.Context, dir string, logf func(string, ...any)) error {
	npm, err := exec.LookPath("npm")
	if err != nil {
		return fmt.Errorf("the peer needs npm to install %s (Node.js 20+): %w", filepath.Join(dir, "package-lock.json"), err)
	}
	logf("  npm ci in %s (pinned @neo4j/graphql, @apollo/server, neo4j-driver; once)", dir)
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts")
	cmd.Dir = dir
	var out tailBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("npm ci in %s: %w\n%s", dir, err, out.String())
	}
	return nil
}

// startPeer installs the peer when asked and needed, starts `node
// server.mjs` over the benchmark's Neo4j on a free loopback port, and waits
// until it listens.
func startPeer(ctx context.Context, dir string, cfg neo4jstore.Config, install bool, nodeArgs []string, logf func(string, ...any)) (*Server, PeerVersion, error) {
	var version PeerVersion
	if dir == "" {
		dir = filepath.Join("bench", "peer")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, version, fmt.Errorf("the peer runs on Node.js 20+, and no `node` is on PATH: %w", err)
	}
	if !PeerInstalled(dir) {
		if !install {
			return nil, version, fmt.Errorf("the peer's packages are not installed in %s: run `npm ci` there (or let the benchmark do it)", dir)
		}
		if err := installPeer(ctx, dir, logf); err != nil {
			return nil, version, err
		}
		if !PeerInstalled(dir) {
			return nil, version, fmt.Errorf("npm ci in %s did not install the versions package.json pins", dir)
		}
	}
	version.Library, _ = installedVersion(dir, "@neo4j/graphql")
	version.Server, _ = installedVersion(dir, "@apollo/server")
	version.Driver, _ = installedVersion(dir, "neo4j-driver")
	if out, err := exec.CommandContext(ctx, node, "--version").Output(); err == nil {
		version.Node = strings.TrimSpace(string(out))
	}
	env := []string{
		"NEO4J_URI=" + cfg.URI, "NEO4J_USER=" + cfg.User, "NEO4J_PASSWORD=" + cfg.Password,
		"NEO4J_DATABASE=" + cfg.Database, "PEER_PORT=0", "NODE_ENV=production",
	}
	args := append(append([]string(nil), nodeArgs...), "server.mjs")
	s, err := startListening(ctx, exec.Command(node, args...), dir, env, "peer: listening on ", 90*time.Second)
	if err != nil {
		return nil, version, fmt.Errorf("start the peer (%s): %w", filepath.Join(dir, "server.mjs"), err)
	}
	logf("  peer: @neo4j/graphql %s on @apollo/server %s, Node %s, pid %d at %s", version.Library, version.Server, version.Node, s.PID, s.URL)
	return s, version, nil
}

// StartServer starts a server process that prints a line starting with
// marker and followed by its GraphQL URL on stdout once it listens; env is
// added to a minimal environment (PATH, HOME). The returned Stop ends it
// (SIGTERM, then SIGKILL after 10 s). armsgraph's own server is started this
// way too.
func StartServer(ctx context.Context, cmd *exec.Cmd, dir string, env []string, marker string, wait time.Duration) (*Server, error) {
	return startListening(ctx, cmd, dir, env, marker, wait)
}

func startListening(ctx context.Context, cmd *exec.Cmd, dir string, env []string, marker string, wait time.Duration) (*Server, error) {
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr tailBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	var once sync.Once
	stop := func() {
		once.Do(func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				<-exited
			}
		})
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		found := false
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if rest, ok := strings.CutPrefix(line, marker); ok && !found {
				found = true
				urls <- strings.TrimSpace(rest)
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		_ = cmd.Wait()
		close(exited)
	}()
	select {
	case u := <-urls:
		return &Server{URL: u, PID: cmd.Process.Pid, Stop: stop}, nil
	case <-exited:
		return nil, fmt.Errorf("exited before listening: %s", stderr.String())
	case <-time.After(wait):
		stop()
		return nil, fmt.Errorf("not listening after %s: %s", wait, stderr.String())
	case <-ctx.Done():
		stop()
		return nil, ctx.Err()
	}
}

// tailBuffer keeps the last 4-8 KB written to it (a child's output); String
// gives the last 2 KB.
type tailBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if t.buf.Len() > 8192 {
		keep := t.buf.Bytes()[t.buf.Len()-4096:]
		t.buf = *bytes.NewBuffer(append([]byte(nil), keep...))
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := strings.TrimSpace(t.buf.String())
	if s == "" {
		return "(no output)"
	}
	if len(s) > 2048 {
		s = "…" + s[len(s)-2048:]
	}
	return s
}
