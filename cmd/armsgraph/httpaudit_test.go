package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"armsgraph/internal/ci"
	"armsgraph/internal/neo4jtest"
)

// auditDir is scripts/http-audit, from this package's directory: the pinned
// graphql-http package and the script that runs its audit.
var auditDir = filepath.Join("..", "..", "scripts", "http-audit")

// TestGraphQLOverHTTPAudit runs graphql-http's audit of the GraphQL over
// HTTP specification (scripts/http-audit/audit.mjs) against the real
// server — "armsgraph serve" on 127.0.0.1:0 over a real Neo4j, the test's
// own (empty) database — and wants no MUST failure and no SHOULD warning.
func TestGraphQLOverHTTPAudit(t *testing.T) {
	node := requireAudit(t)
	inst := neo4jtest.Get(t)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var out, logs syncBuffer
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, env(map[string]string{
			"NEO4J_URI": inst.URI, "NEO4J_USER": inst.User, "NEO4J_PASSWORD": inst.Password, "NEO4J_DATABASE": inst.Database,
		}), &out, &logs)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve after its context ended = %v, want a clean stop", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop within 15s of its context ending")
		}
	})

	// serve prints its URLs once it listens, on the port the kernel chose.
	graphqlURL := regexp.MustCompile(`GraphQL\s+(http://127\.0\.0\.1:\d+/graphql)`)
	var url string
	for deadline := time.Now().Add(time.Minute); url == "" && time.Now().Before(deadline); {
		select {
		case err := <-done:
			t.Fatalf("serve stopped before listening: %v\n%s%s", err, out.String(), logs.String())
		case <-time.After(20 * time.Millisecond):
		}
		if m := graphqlURL.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
		}
	}
	if url == "" {
		t.Fatalf("serve printed no GraphQL URL within a minute:\n%s%s", out.String(), logs.String())
	}

	audit := exec.CommandContext(ctx, node, "audit.mjs", url)
	audit.Dir = auditDir
	report, err := audit.CombinedOutput()
	t.Logf("node audit.mjs %s:\n%s", url, report)
	if err != nil {
		t.Fatalf("graphql-http's audit of %s: %v (see its report above; the server's log:\n%s)", url, err, logs.String())
	}
}

// requireAudit returns the path of node, or skips the test when the audit
// cannot run here: no Node.js, or the pinned packages not installed
// (`npm ci` in scripts/http-audit; .ci/run does it). Under CI it fails
// instead of skipping.
func requireAudit(t *testing.T) string {
	t.Helper()
	const fix = "install Node.js 20+ and npm, then run: cd scripts/http-audit && npm ci --prefer-offline --no-audit --no-fund"
	node, err := exec.LookPath("node")
	if err != nil {
		ci.Missing(t, "graphql-http's audit needs Node.js: %v; %s", err, fix)
	}
	if _, err := os.Stat(filepath.Join(auditDir, "node_modules", "graphql-http", "package.json")); err != nil {
		ci.Missing(t, "graphql-http is not installed in scripts/http-audit (%v); %s", err, fix)
	}
	return node
}
