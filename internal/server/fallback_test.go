package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"armsgraph/cmd/wiring"
	"armsgraph/graph"
	"armsgraph/internal/neo4jstore"
	"armsgraph/internal/server"
)

// TestCompiledFallback makes Neo4j refuse every compiled statement (a
// statement with the selection's column, broken as a compiler bug would
// break it) and checks that the server still answers, through the
// dataloaders, exactly as the reference path does; that the refusal is
// counted in /metrics per query; and that it is logged once per
// operation, with the operation's hash, however often the operation comes.
func TestCompiledFallback(t *testing.T) {
	store := seededStore(t)
	// slog's handlers serialize their writes: the concurrent root fields'
	// lines do not interleave, and the buffer is read once they are done.
	var logs bytes.Buffer
	reg := prometheus.NewRegistry()
	h := wiring.New(wiring.Config{Registry: reg, Access: server.Access{AllowedHosts: []string{"example.com"}}}, store,
		slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn})))
	reference := graph.NewHandler(uncompiled{store}, graph.HandlerConfig{}, nil)
	// An undefined variable in the ORDER BY: a SyntaxError, as Neo4j
	// answered the lineage nested under a list before issue 17.
	var broken atomic.Int64
	breakCompiled := func(_, cypher string) string {
		if !strings.Contains(cypher, " AS pre") && !strings.Contains(cypher, ", pre") {
			return cypher
		}
		broken.Add(1)
		return cypher + "\nORDER BY undefinedByTheTest"
	}
	queries := []string{
		`{ weapon(name: "C-802") { name origin { name weaponsOriginated { name } } derivatives { child { name lineage { nodes { depth weapon { name } } } } } } }`,
		`{ transfers(supplier: "country/china") { id weapon { name origin { name } } } events(participant: "country/iran") { name participants { id ... on Person { country { name } } } } }`,
	}
	for _, q := range queries {
		op := map[string]any{"query": q}
		want, _ := post(t, reference, op, context.Background())
		for range 3 {
			got, code := post(t, h, op, neo4jstore.RewriteQuery(context.Background(), breakCompiled))
			if code != http.StatusOK || !bytes.Equal(got, want) {
				t.Fatalf("%s with its compiled statement refused: %d %s\nwant the reference's %s", q, code, got, want)
			}
		}
	}
	if broken.Load() == 0 {
		t.Fatal("no compiled statement was broken: the test's rewrite did not recognise one")
	}
	metrics := do(t, h, http.MethodGet, "/metrics", nil)
	for _, want := range []string{
		`armsgraph_compiled_fallbacks_total{query="resolve"} 3`,
		`armsgraph_compiled_fallbacks_total{query="transfers"} 3`,
		`armsgraph_compiled_fallbacks_total{query="events"} 3`,
	} {
		if !bytes.Contains(metrics.Body, []byte(want)) {
			t.Errorf("/metrics lacks %s:\n%s", want, grepLines(metrics.Body, "fallbacks"))
		}
	}
	// One line per operation, with the operation's hash.
	lines := grepLines(logs.Bytes(), "compiled statement refused")
	if n := strings.Count(lines, "\n"); n != len(queries) {
		t.Errorf("logged %d fallbacks, want one per operation (%d):\n%s", n, len(queries), lines)
	}
	if strings.Count(lines, "operation_hash=") != len(queries) || strings.Contains(lines, "operation_hash=none") {
		t.Errorf("a fallback log line lacks the operation's hash:\n%s", lines)
	}
}

// post sends op to h under ctx and returns the body and status.
func post(t *testing.T, h http.Handler, op map[string]any, ctx context.Context) ([]byte, int) {
	t.Helper()
	b, err := json.Marshal(op)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	body, _ := io.ReadAll(w.Body)
	return body, w.Code
}

// grepLines returns the lines of b that contain s.
func grepLines(b []byte, s string) string {
	var out strings.Builder
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, s) {
			out.WriteString(l + "\n")
		}
	}
	return out.String()
}
