package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/internal/neo4jtest"
)

func env(vars map[string]string) getenv {
	return func(k string) string { return vars[k] }
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), []string{c.name, "--help"}, env(nil), &out, &errOut)
			if err != nil {
				t.Fatalf("%s --help = %v", c.name, err)
			}
			if !strings.Contains(errOut.String(), "Usage: armsgraph "+c.name) || !strings.Contains(errOut.String(), "-") {
				t.Errorf("%s --help printed %q, want a usage with flags", c.name, errOut.String())
			}
		})
	}
	var out bytes.Buffer
	if err := run(context.Background(), nil, env(nil), &out, io.Discard); err != nil || !strings.Contains(out.String(), "Commands:") {
		t.Errorf("no arguments: err %v, output %q", err, out.String())
	}
	if err := run(context.Background(), []string{"serv"}, env(nil), io.Discard, io.Discard); !errors.Is(err, errUsageShown) || exitCode(err) != 2 {
		t.Errorf("unknown command: err %v, want usage error with exit 2", err)
	}
}

func writeBadSeeds(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"sources.yaml":   "sources:\n  - {id: source/doc, document: doc.txt, title: Doc}\n",
		"countries.yaml": "countries:\n  - {id: country/china, name: China, citations: [{source: source/doc, at: line 1}]}\n",
		"weapons.yaml":   "weapons:\n  - {id: weapon/c-802, name: C-802, category: anti-ship-missile, origin: country/chna, citations: [{source: source/doc, at: line 1}]}\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestValidateReportsFileAndLine(t *testing.T) {
	dir := writeBadSeeds(t)
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"validate", "--seeds", dir}, env(nil), &out, &errOut)
	if err == nil || exitCode(err) != 1 {
		t.Fatalf("validate of a bad folder = %v, want exit 1", err)
	}
	want := dir + "/weapons.yaml:2: weapon/c-802.origin: unknown country \"country/chna\" (did you mean \"country/china\"?)"
	if !strings.Contains(errOut.String(), want) {
		t.Errorf("validate printed:\n%s\nwant a line %q", errOut.String(), want)
	}
}

// A folder that fails validation must leave the graph exactly as it was.
func TestIngestOfInvalidSeedsWritesNothing(t *testing.T) {
	inst := neo4jtest.Get(t)
	vars := map[string]string{"NEO4J_URI": inst.URI, "NEO4J_USER": inst.User, "NEO4J_PASSWORD": inst.Password, "NEO4J_DATABASE": inst.Database}
	err := run(context.Background(), []string{"ingest", "--seeds", writeBadSeeds(t)}, env(vars), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "nothing was written") {
		t.Fatalf("ingest of a bad folder = %v, want a validation failure", err)
	}
	res, err := neo4j.ExecuteQuery(context.Background(), inst.Driver, "MATCH (n) WHERE NOT n:ArmsgraphTestMarker RETURN count(n) AS n", nil,
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database))
	if err != nil {
		t.Fatal(err)
	}
	if n := res.Records[0].Values[0].(int64); n != 0 {
		t.Errorf("graph holds %d nodes after a failed validation, want 0", n)
	}
}

// The server starts while Neo4j is unreachable: /healthz is 200 and /readyz
// 503 with the reason, and Ctrl-C stops it cleanly.
func TestServeStartsWithoutNeo4j(t *testing.T) {
	deadAddr := neo4jtest.RefusedAddr(t) // held, and nothing answers Bolt there

	ctx, cancel := context.WithCancel(context.Background())
	sv := startServe(t, ctx, nil, map[string]string{"NEO4J_URI": "bolt://" + deadAddr}, io.Discard)
	base, out, done := sv.base, &sv.out, sv.done
	if resp, err := http.Get(base + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz of a listening server = %v %v, want 200; output: %s", resp, err, out.String())
	} else {
		resp.Body.Close()
	}
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || len(bytes.TrimSpace(body)) == 0 {
		t.Errorf("/readyz = %d %q, want 503 with a reason", resp.StatusCode, body)
	}
	if !strings.Contains(out.String(), base+"/graphql") {
		t.Errorf("serve did not print its URLs: %q", out.String())
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve after Ctrl-C = %v, want a clean stop", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop within 15s of its context ending")
	}
}

// served is a serve command running in the test, on a port the kernel chose.
type served struct {
	base string     // http://127.0.0.1:<port>
	out  syncBuffer // its stdout
	done chan error // what run returned, once it has
}

// servedURL finds the base URL in the lines serve prints once it listens.
var servedURL = regexp.MustCompile(`GraphQL +(http://\S+)/graphql`)

// startServe runs "serve --addr 127.0.0.1:0 args..." until ctx ends and
// returns once it listens: the kernel picks the port while serve holds it
// (never a port freed for it), and serve prints the address after
// listening, so no poll of a port that may not be open yet. The wait is
// bounded only against a serve that hangs before listening.
func startServe(t *testing.T, ctx context.Context, args []string, vars map[string]string, stderr io.Writer) *served {
	t.Helper()
	sv := &served{done: make(chan error, 1)}
	listening := make(chan string, 1)
	sv.out.onWrite = func(all string) {
		if m := servedURL.FindStringSubmatch(all); m != nil {
			select {
			case listening <- m[1]:
			default:
			}
		}
	}
	go func() {
		sv.done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), env(vars), &sv.out, stderr)
	}()
	select {
	case sv.base = <-listening:
	case err := <-sv.done:
		t.Fatalf("serve stopped before it listened: %v; output: %s", err, sv.out.String())
	case <-time.After(2 * time.Minute):
		t.Fatalf("serve did not print its address within 2 minutes (it prints it once it listens); output: %s", sv.out.String())
	}
	return sv
}

// syncBuffer is a bytes.Buffer the server goroutine and the test can share;
// onWrite, when set, sees the whole content after each write.
type syncBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	onWrite func(all string)
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.buf.Write(p)
	if b.onWrite != nil {
		b.onWrite(b.buf.String())
	}
	return n, err
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestSecretsNeverInHelp: a password from the environment is used, but no
// command's --help prints it (flag prints defaults, and the default of
// --neo4j-password comes from NEO4J_PASSWORD).
func TestSecretsNeverInHelp(t *testing.T) {
	const pw = "s3cret-from-env"
	vars := map[string]string{"NEO4J_PASSWORD": pw, "ARMSGRAPH_BENCH_NEO4J_PASSWORD": pw}
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if err := run(context.Background(), []string{c.name, "--help"}, env(vars), &out, &errOut); err != nil {
				t.Fatalf("%s --help = %v", c.name, err)
			}
			if all := out.String() + errOut.String(); strings.Contains(all, pw) {
				t.Errorf("%s --help shows the password from the environment:\n%s", c.name, all)
			}
		})
	}
	// The value is still the one from the environment, or the flag's.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, pw},
		{[]string{"--neo4j-password", "from-flag-1"}, "from-flag-1"},
	} {
		fs := newFlags("serve", "", io.Discard)
		cfg := neo4jFlags(fs, env(vars))
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		if cfg.Password != tc.want {
			t.Errorf("neo4jFlags(%v).Password = %q, want %q", tc.args, cfg.Password, tc.want)
		}
		if got := describe(cfg); strings.Contains(got, tc.want) {
			t.Errorf("describe() = %q shows the password", got)
		}
	}
}

// TestHealthCommand runs "armsgraph health" against the real server built
// by "serve" (through run), whose Neo4j does not answer: /healthz is 200,
// /readyz is 503, and the command says so with exit 1.
func TestHealthCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	sv := startServe(t, ctx, []string{"--neo4j-uri", "bolt://" + neo4jtest.RefusedAddr(t)}, nil, io.Discard)
	t.Cleanup(func() { cancel(); <-sv.done })
	addr := strings.TrimPrefix(sv.base, "http://")
	health := func(path string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), []string{"health", "--addr", addr, "--path", path, "--timeout", "10s"}, env(nil), &out, io.Discard)
		return out.String(), err
	}
	if _, err := health("/healthz"); err != nil {
		t.Fatalf("health --path /healthz = %v, want success: the server listens", err)
	}
	if _, err := health("/readyz"); err == nil || exitCode(err) != 1 || !strings.Contains(err.Error(), "503") {
		t.Errorf("health with Neo4j down = %v, want an error naming 503 (exit 1)", err)
	}
	// A wildcard listen address (the container's 0.0.0.0:8080) is asked on loopback.
	_, port, _ := net.SplitHostPort(addr)
	if err := run(context.Background(), []string{"health", "--addr", "0.0.0.0:" + port, "--path", "/healthz"}, env(nil), io.Discard, io.Discard); err != nil {
		t.Errorf("health --addr 0.0.0.0:%s = %v, want success", port, err)
	}
}
