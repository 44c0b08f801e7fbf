package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"armsgraph/cmd/wiring"
	"armsgraph/internal/ingest"
	"armsgraph/internal/neo4jstore"
	"armsgraph/internal/neo4jtest"
	"armsgraph/internal/neo4jtest/storetest"
)

// seededStore returns a store over the test's own database, loaded with
// the project's seeds/ by the ingester.
func seededStore(t testing.TB) *neo4jstore.Store {
	t.Helper()
	return seedInto(t, openStore(t))
}

// seedInto loads the project's seeds/ into store with the ingester.
func seedInto(t testing.TB, store *neo4jstore.Store) *neo4jstore.Store {
	t.Helper()
	storetest.Load(t, store, storetest.ProjectSeeds(t), ingest.Options{})
	return store
}

// openStore returns a store over the test's own empty database.
func openStore(t testing.TB) *neo4jstore.Store {
	t.Helper()
	return openStoreOn(t, neo4jtest.Get(t))
}

// openStoreOn returns a store over inst.
func openStoreOn(t testing.TB, inst *neo4jtest.Instance) *neo4jstore.Store {
	t.Helper()
	cfg := storetest.Config(inst)
	queryTimeout(&cfg)
	store := storetest.Open(t, cfg)
	return store
}

func queryTimeout(c *neo4jstore.Config) { c.QueryTimeout = 20 * time.Second }

// testLogger logs to the test's output.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

// query runs a query that must succeed and decodes its data into out.
func query(t *testing.T, h http.Handler, q string, out any, vars ...client.Option) {
	t.Helper()
	if err := client.New(h, client.Path("/graphql")).Post(q, out, vars...); err != nil {
		t.Fatalf("query %s: %v", q, err)
	}
}

type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

type rawResponse struct {
	Status int
	Header http.Header
	Body   []byte
	Data   map[string]any `json:"data"`
	Errors []gqlError     `json:"errors"`
}

// do sends any request and decodes the answer, whatever its status.
func do(t *testing.T, h http.Handler, method, target string, body io.Reader) rawResponse {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	r := rawResponse{Status: w.Code, Header: w.Header(), Body: w.Body.Bytes()}
	if json.Valid(r.Body) {
		_ = json.Unmarshal(r.Body, &r)
	}
	return r
}

// postQuery sends a GraphQL request with POST and decodes the answer.
func postQuery(t *testing.T, h http.Handler, q string, vars map[string]any) rawResponse {
	t.Helper()
	b, err := json.Marshal(map[string]any{"query": q, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	return do(t, h, http.MethodPost, "/graphql", bytes.NewReader(b))
}

// newServer builds the real server. httptest's requests, and gqlgen's
// client built on them, carry Host example.com, so unless a test sets its
// own, the server answers to that name, as a deployment to its own.
func newServer(t testing.TB, cfg wiring.Config, store *neo4jstore.Store) http.Handler {
	t.Helper()
	if cfg.Access.AllowedHosts == nil {
		cfg.Access.AllowedHosts = []string{"example.com"}
	}
	return wiring.New(cfg, store, testLogger(t))
}
