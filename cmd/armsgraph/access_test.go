package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"armsgraph/internal/neo4jtest"
)

// serveUntilDone runs serve with args and returns what it returned, or
// fails the test if it is still running after a few seconds (it should
// have stopped at its checks or at listen).
func serveUntilDone(t *testing.T, args []string, vars map[string]string) (logs string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if vars == nil {
		vars = map[string]string{}
	}
	vars["NEO4J_URI"] = "bolt://127.0.0.1:1" // nothing answers; serve starts without Neo4j
	var errOut syncBuffer
	err = run(ctx, append([]string{"serve"}, args...), env(vars), io.Discard, &errOut)
	if ctx.Err() != nil {
		t.Fatalf("serve %q was still running after 10s; stderr: %s", args, errOut.String())
	}
	return errOut.String(), err
}

// The addresses are documentation ones (RFC 5737, 3849) that no machine
// has, so a serve that gets past its checks stops at listen, never serving
// beyond loopback.
func TestServeRefusesNonLoopbackWithoutTokens(t *testing.T) {
	for _, addr := range []string{"192.0.2.1:0", "[2001:db8::1]:0", "armsgraph.example:0"} {
		_, err := serveUntilDone(t, []string{"--addr", addr}, nil)
		if err == nil || !strings.Contains(err.Error(), "ARMSGRAPH_TOKENS_FILE") || !strings.Contains(err.Error(), "ARMSGRAPH_INSECURE_NO_TOKENS") || strings.Contains(err.Error(), "listen on "+addr) {
			t.Errorf("serve --addr %s without tokens = %v, want a refusal naming ARMSGRAPH_TOKENS_FILE and ARMSGRAPH_INSECURE_NO_TOKENS", addr, err)
		}
	}
	// Explicitly allowed, it goes on (to listen, which fails here), saying so loudly.
	for _, tc := range []struct {
		args []string
		vars map[string]string
	}{
		{[]string{"--addr", "192.0.2.1:0", "--insecure-no-tokens"}, nil},
		{[]string{"--addr", "192.0.2.1:0"}, map[string]string{"ARMSGRAPH_INSECURE_NO_TOKENS": "true"}},
	} {
		logs, err := serveUntilDone(t, tc.args, tc.vars)
		if err == nil || !strings.Contains(err.Error(), "listen on 192.0.2.1:0") {
			t.Errorf("serve %q %v = %v, want it past the checks, failing at listen", tc.args, tc.vars, err)
		}
		if !strings.Contains(logs, "level=WARN") || !strings.Contains(logs, "SECURITY: access tokens are OFF") {
			t.Errorf("serve %q %v logged:\n%s\nwant a SECURITY warning", tc.args, tc.vars, logs)
		}
	}
	// With tokens, it goes on quietly.
	path := filepath.Join(t.TempDir(), "tokens")
	if err := run(context.Background(), []string{"token", "--file", path, "--name", "ci"}, env(nil), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	logs, err := serveUntilDone(t, []string{"--addr", "192.0.2.1:0", "--tokens-file", path}, nil)
	if err == nil || !strings.Contains(err.Error(), "listen on 192.0.2.1:0") || strings.Contains(logs, "SECURITY") {
		t.Errorf("serve on 192.0.2.1 with tokens = %v, logs:\n%s\nwant it past the checks with no warning", err, logs)
	}
	// A tokens file that is not there is an error that says how to make one.
	_, err = serveUntilDone(t, []string{"--addr", "192.0.2.1:0", "--tokens-file", path + ".missing"}, nil)
	if err == nil || !strings.Contains(err.Error(), "armsgraph token --file "+path+".missing --name") {
		t.Errorf("serve with a missing tokens file = %v, want how to make one", err)
	}
	_, err = serveUntilDone(t, []string{"--addr", "127.0.0.1:0"}, map[string]string{"ARMSGRAPH_INSECURE_NO_TOKENS": "yes please"})
	if err == nil || !strings.Contains(err.Error(), "ARMSGRAPH_INSECURE_NO_TOKENS") {
		t.Errorf("serve with ARMSGRAPH_INSECURE_NO_TOKENS=\"yes please\" = %v, want it named", err)
	}
}

var tokenLine = regexp.MustCompile(`^agt_[A-Za-z0-9_-]{43}\n$`)

func TestTokenCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens")
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"token", "--file", path, "--name", "alice"}, env(nil), &out, &errOut); err != nil {
		t.Fatalf("token --name alice = %v (%s)", err, errOut.String())
	}
	token := out.String()
	if !tokenLine.MatchString(token) {
		t.Fatalf("token printed %q, want one agt_ line", token)
	}
	token = strings.TrimSpace(token)
	if strings.Contains(errOut.String(), token) {
		t.Errorf("the token was printed twice (stderr: %s)", errOut.String())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if strings.Contains(string(data), token) || !strings.Contains(string(data), "alice sha256:") || st.Mode().Perm() != 0o600 {
		t.Errorf("tokens file (mode %v):\n%s\nwant alice's hash only, readable by its owner only", st.Mode().Perm(), data)
	}
	// A second token by another name, via the environment; a taken name refused.
	vars := map[string]string{"ARMSGRAPH_TOKENS_FILE": path}
	out.Reset()
	if err := run(context.Background(), []string{"token", "--name", "bob"}, env(vars), &out, io.Discard); err != nil || !tokenLine.MatchString(out.String()) || strings.TrimSpace(out.String()) == token {
		t.Errorf("token --name bob = %v %q, want a new token", err, out.String())
	}
	if err := run(context.Background(), []string{"token", "--name", "alice"}, env(vars), io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "already has a token named \"alice\"") {
		t.Errorf("token --name alice again = %v, want a refusal", err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"token", "--list"}, env(vars), &out, io.Discard); err != nil || out.String() != "alice\nbob\n" {
		t.Errorf("token --list = %v %q, want alice and bob", err, out.String())
	}
	if err := run(context.Background(), []string{"token", "--revoke", "alice"}, env(vars), io.Discard, io.Discard); err != nil {
		t.Errorf("token --revoke alice = %v", err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"token", "--list"}, env(vars), &out, io.Discard); err != nil || out.String() != "bob\n" {
		t.Errorf("token --list after revoking alice = %v %q, want bob", err, out.String())
	}
	if err := run(context.Background(), []string{"token", "--revoke", "alice"}, env(vars), io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "no token named \"alice\"") {
		t.Errorf("token --revoke alice twice = %v, want an error naming it", err)
	}
	for _, args := range [][]string{{"token", "--name", "x"}, {"token", "--file", path}, {"token", "--file", path, "--name", "x", "--list"}} {
		if err := run(context.Background(), args, env(nil), io.Discard, io.Discard); exitCode(err) != 2 {
			t.Errorf("%q = %v, want a usage error", args, err)
		}
	}
	if err := run(context.Background(), []string{"token", "--file", path, "--name", "no spaces"}, env(nil), io.Discard, io.Discard); err == nil {
		t.Errorf("token --name \"no spaces\" succeeded, want a refusal")
	}
}

// TestServeWithTokens runs the real command on loopback with a tokens file
// and a real Neo4j: Host checked, the token wanted, then revoked by the
// token command while the server runs; no token in the logs or --help.
func TestServeWithTokens(t *testing.T) {
	inst := neo4jtest.Get(t)
	path := filepath.Join(t.TempDir(), "tokens")
	var tokOut bytes.Buffer
	if err := run(context.Background(), []string{"token", "--file", path, "--name", "analyst"}, env(nil), &tokOut, io.Discard); err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(tokOut.String())
	vars := map[string]string{"NEO4J_URI": inst.URI, "NEO4J_USER": inst.User, "NEO4J_PASSWORD": inst.Password, "NEO4J_DATABASE": inst.Database,
		"ARMSGRAPH_TOKENS_FILE": path, "ARMSGRAPH_LOG_LEVEL": "debug"}
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	sv := startServe(t, ctx, nil, vars, &logs)
	defer func() {
		cancel()
		select {
		case <-sv.done:
		case <-time.After(time.Minute):
			t.Error("serve did not stop within a minute of its context ending")
		}
	}()
	base := sv.base
	addr := strings.TrimPrefix(base, "http://")
	post := func(host, auth string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(`{"query":"{ agreements(parties: [\"country/iran\"]) { id } }"}`))
		req.Header.Set("Content-Type", "application/json")
		if host != "" {
			req.Host = host
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("POST /graphql: %v", err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK && !bytes.Contains(body, []byte(`"agreements":[]`)) {
			t.Errorf("POST /graphql = 200 %s, want the (empty) agreements", body)
		}
		return resp.StatusCode
	}
	if resp, err := http.Get(base + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz of the listening server = %v %v, want 200; logs:\n%s", resp, err, logs.String())
	} else {
		resp.Body.Close()
	}
	if got := post("", ""); got != http.StatusUnauthorized {
		t.Errorf("POST without a token = %d, want 401", got)
	}
	if got := post("", "Bearer "+token); got != http.StatusOK {
		t.Errorf("POST with the token = %d, want 200", got)
	}
	if got := post("attacker.example:"+strings.Split(addr, ":")[1], "Bearer "+token); got != http.StatusForbidden {
		t.Errorf("POST with the token and a foreign Host = %d, want 403", got)
	}
	if err := run(context.Background(), []string{"token", "--file", path, "--revoke", "analyst"}, env(nil), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if got := post("", "Bearer "+token); got != http.StatusUnauthorized {
		t.Errorf("POST with the revoked token = %d, want 401", got)
	}
	if strings.Contains(logs.String(), token) {
		t.Errorf("the server's logs hold the token:\n%s", logs.String())
	}
	var help bytes.Buffer
	_ = run(context.Background(), []string{"serve", "--help"}, env(vars), io.Discard, &help)
	if strings.Contains(help.String(), token) || !strings.Contains(help.String(), "ARMSGRAPH_TOKENS_FILE") {
		t.Errorf("serve --help holds the token or lacks ARMSGRAPH_TOKENS_FILE:\n%s", help.String())
	}
}
