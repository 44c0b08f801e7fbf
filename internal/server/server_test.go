package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"armsgraph/cmd/wiring"
	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jstore"
	"armsgraph/internal/neo4jtest"
	"armsgraph/internal/server"
)

// downStore is a store whose Neo4j does not answer (nothing listens on port 1).
func downStore(t *testing.T) *neo4jstore.Store {
	t.Helper()
	return storeAt(t, "127.0.0.1:1")
}

// storeAt is a store whose Neo4j is at addr.
func storeAt(t *testing.T, addr string) *neo4jstore.Store {
	t.Helper()
	s, err := neo4jstore.Open(context.Background(), neo4jstore.Config{URI: "bolt://" + addr, User: "neo4j", Password: "x"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

func TestHealth(t *testing.T) {
	h := newServer(t, wiring.Config{}, downStore(t))
	r := do(t, h, http.MethodGet, "/healthz", nil)
	if r.Status != http.StatusOK || strings.TrimSpace(string(r.Body)) != "ok" {
		t.Errorf("GET /healthz = %d %q, want 200 ok", r.Status, r.Body)
	}
	r = do(t, h, http.MethodGet, "/readyz", nil)
	if r.Status != http.StatusServiceUnavailable || !strings.Contains(string(r.Body), "unavailable") || r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("GET /readyz with Neo4j down = %d %q (Cache-Control %q), want 503 naming the reason, not cached", r.Status, r.Body, r.Header.Get("Cache-Control"))
	}
}

// TestUnavailable checks that a query while Neo4j is down is UNAVAILABLE
// and leaks nothing of the driver's error, and that once the first request
// has found Neo4j down, the store's circuit breaker refuses the next ones
// without the driver dialling Neo4j again (the dead end counts the dials).
func TestUnavailable(t *testing.T) {
	neo4j := neo4jtest.NewDeadEnd(t) // accepts and drops each connection
	h := newServer(t, wiring.Config{}, storeAt(t, neo4j.Addr))
	var dialsAfterFirst int64
	for i := range 5 {
		r := postQuery(t, h, `{ weapon(name: "C-802") { id derivatives { child { name } } } }`, nil)
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "UNAVAILABLE" {
			t.Fatalf("query %d with Neo4j down: %s", i, r.Body)
		}
		if msg := r.Errors[0].Message; strings.Contains(msg, "127.0.0.1") || strings.Contains(msg, "Connectivity") || strings.Contains(msg, "Neo4j") {
			t.Errorf("message %q leaks the driver's error", msg)
		}
		if i == 0 {
			dialsAfterFirst = neo4j.Dials()
		}
	}
	if dialsAfterFirst == 0 {
		t.Fatal("the first query never dialled Neo4j, so the test proves nothing")
	}
	if extra := neo4j.Dials() - dialsAfterFirst; extra != 0 {
		t.Errorf("with the breaker open the next 4 queries dialled Neo4j %d times, want 0 (refused before the driver)", extra)
	}
}

// TestUnavailableFast checks that a Neo4j that refuses connections is
// UNAVAILABLE even when the request's deadline comes before the driver gives
// up retrying: the driver was waiting to retry a refused connection, so the
// database is away, whatever the clock says.
func TestUnavailableFast(t *testing.T) {
	// The driver's retry window (about 2 s) is far longer than 300 ms: the
	// deadline comes first, and the answer must still say UNAVAILABLE.
	h := newServer(t, wiring.Config{RequestTimeout: 300 * time.Millisecond}, downStore(t))
	r := postQuery(t, h, `{ agreements { id } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "UNAVAILABLE" {
		t.Fatalf("query with Neo4j down and a short deadline: %s, want UNAVAILABLE", r.Body)
	}
}

// silentStore is a store whose Neo4j accepts connections and never
// answers, as a hung server does.
func silentStore(t *testing.T) *neo4jstore.Store {
	t.Helper()
	return storeAt(t, neo4jtest.NewSilent(t).Addr)
}

// TestRequestTimeout checks that the request's deadline reaches the store
// and comes back as TIMEOUT: a Neo4j that accepts the connection and then
// says nothing keeps the query waiting until the request's 300 ms are over.
func TestRequestTimeout(t *testing.T) {
	// Only the deadline can end this query (Neo4j never answers), so a
	// TIMEOUT is the deadline reaching the store; no clock needed.
	h := newServer(t, wiring.Config{RequestTimeout: 300 * time.Millisecond}, silentStore(t))
	r := postQuery(t, h, `{ agreements { id } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "TIMEOUT" {
		t.Fatalf("query past its deadline: %s", r.Body)
	}
}

// TestLimits checks the limits enforced before any query runs.
func TestLimits(t *testing.T) {
	// A graph of a thousand weapons: a page of 200 weapons is estimated at
	// 401 objects, over the 300 allowed here.
	weapons := &kg.GraphStats{Nodes: map[string]int64{"Weapon": 1000}}
	h := newServer(t, wiring.Config{MaxBodyBytes: 1000, MaxDepth: 5, MaxComplexity: 300, Stats: func() *kg.GraphStats { return weapons }}, downStore(t))
	tests := []struct {
		name   string
		query  string
		status int
		limit  string
	}{
		{"body", `{ search(text: "` + strings.Repeat("x", 1000) + `") { id } }`, http.StatusRequestEntityTooLarge, "bodySize"},
		// Refused before it runs, under application/json: 200 (TestRefusalsOverHTTP).
		{"depth", `{ weapons { edges { node { derivedFrom { parent { name } } } } } }`, http.StatusOK, "depth"},
		{"complexity", `{ weapons(first: 200) { edges { node { name rangeKm } } } }`, http.StatusOK, "complexity"},
	}
	for _, tt := range tests {
		r := postQuery(t, h, tt.query, nil)
		if r.Status != tt.status || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" ||
			r.Errors[0].Extensions["reason"] != "LIMIT_EXCEEDED" || r.Errors[0].Extensions["limit"] != tt.limit {
			t.Errorf("%s over its limit = %d %s, want %d BAD_USER_INPUT LIMIT_EXCEEDED %s", tt.name, r.Status, r.Body, tt.status, tt.limit)
		}
	}
	// A body without a declared length is measured too.
	req := httptest.NewRequest(http.MethodPost, "/graphql", io.NopCloser(strings.NewReader(`{"query": "{ search(text: \"`+strings.Repeat("x", 1000)+`\") { id } }"}`)))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), "bodySize") {
		t.Errorf("chunked body over the limit = %d %s, want 413 naming bodySize", w.Code, w.Body)
	}
	// A body that is not JSON is the client's error (TestMalformedParams).
	r := do(t, h, http.MethodPost, "/graphql", strings.NewReader(`{"query": `))
	if r.Status != http.StatusBadRequest || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Errorf("malformed JSON = %d %s, want 400 BAD_USER_INPUT", r.Status, r.Body)
	}

	// The same requests within the default limits are not refused for them.
	h = newServer(t, wiring.Config{}, downStore(t))
	for _, tt := range tests[1:] {
		r := postQuery(t, h, tt.query, nil)
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "UNAVAILABLE" {
			t.Errorf("%s within the default limits: %s, want only the store's UNAVAILABLE", tt.name, r.Body)
		}
	}
}

// TestMalformedParams checks that a request whose parameters cannot be
// decoded is refused with 400 BAD_USER_INPUT and a message that names the
// problem and where it is, and never echoes the body (gqlgen's own
// message would quote it whole, up to the body limit).
func TestMalformedParams(t *testing.T) {
	h := newServer(t, wiring.Config{}, downStore(t))
	secret := strings.Repeat("SECRET", 20000) // 120 KB, under the 256 KiB limit
	tests := []struct {
		name, method, target, body string
		want                       string // the whole message
	}{
		{"not JSON", http.MethodPost, "/graphql", `{"query": x` + secret,
			`the request body is not valid JSON: invalid character 'x' looking for beginning of value at offset 11`},
		{"cut short", http.MethodPost, "/graphql", `{"query": "` + secret,
			`the request body is not valid JSON: it ends early, at offset 120011; send a JSON object such as {"query": "{ __typename }", "variables": {}}`},
		{"empty", http.MethodPost, "/graphql", ``,
			`the request body is empty; send a JSON object such as {"query": "{ __typename }", "variables": {}}`},
		{"query not a string", http.MethodPost, "/graphql", `{"variables": {"s": "` + secret + `"}, "query": 42}`,
			`the request body: field "query" must be a string, not a JSON number (the value that ends at offset 120036)`},
		{"variables not an object", http.MethodPost, "/graphql", `{"query": "{ __typename }", "variables": "` + secret + `"}`,
			`the request body: field "variables" must be an object, not a JSON string (the value that ends at offset 120043)`},
		{"batch", http.MethodPost, "/graphql", `[{"query": "{ sources { id } }"}, {"query": "` + secret + `"}]`,
			`the request body must be a JSON object, not a JSON array (one operation per request; batches are not supported); send a JSON object such as {"query": "{ __typename }", "variables": {}}`},
		{"GET variables not JSON", http.MethodGet, "/graphql?query=%7B__typename%7D&variables=" + url.QueryEscape(`{"a": `+secret[:300]), "",
			`the variables parameter is not valid JSON: invalid character 'S' looking for beginning of value at offset 7`},
		{"GET query string malformed", http.MethodGet, "/graphql?query=%zz", "",
			`the query string is malformed: invalid URL escape "%zz"`},
		{"no query", http.MethodPost, "/graphql", `{"qeury": "{ __typename }", "variables": {"s": "` + secret + `"}}`,
			`the request body has no "query" parameter (is it misspelt?); send the GraphQL document in it, e.g. {"query": "{ __typename }"}`},
		{"GET no query", http.MethodGet, "/graphql?qeury=%7B__typename%7D", "",
			`the query string has no "query" parameter (is it misspelt?); send the GraphQL document in it, e.g. /graphql?query={__typename}`},
	}
	for _, tt := range tests {
		var body io.Reader
		if tt.method == http.MethodPost {
			body = strings.NewReader(tt.body)
		}
		r := do(t, h, tt.method, tt.target, body)
		if r.Status != http.StatusBadRequest || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
			t.Errorf("%s: %d %s, want 400 and one BAD_USER_INPUT error", tt.name, r.Status, trunc(string(r.Body), 300))
			continue
		}
		if msg := r.Errors[0].Message; msg != tt.want {
			t.Errorf("%s: message\n%s\nwant\n%s", tt.name, trunc(msg, 300), tt.want)
		}
		if strings.Contains(string(r.Body), "SECRET") || len(r.Body) > 1000 {
			t.Errorf("%s: the answer (%d bytes) echoes the request: %s", tt.name, len(r.Body), trunc(string(r.Body), 300))
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s: Content-Type %q, want JSON", tt.name, ct)
		}
	}
	// A well-formed request still reaches GraphQL (and here the store).
	r := do(t, h, http.MethodPost, "/graphql", strings.NewReader(`{"query": "{ __typename }", "variables": null, "extensions": {}}`))
	if r.Status != http.StatusOK || len(r.Errors) != 0 || !strings.Contains(string(r.Body), `"Query"`) {
		t.Errorf("a well-formed request: %d %s", r.Status, r.Body)
	}
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func TestIntrospection(t *testing.T) {
	const q = `{ __schema { queryType { name } } }`
	r := postQuery(t, newServer(t, wiring.Config{}, downStore(t)), q, nil)
	if len(r.Errors) != 0 || !strings.Contains(string(r.Body), `"Query"`) {
		t.Errorf("introspection by default: %s, want it on", r.Body)
	}
	r = postQuery(t, newServer(t, wiring.Config{DisableIntrospection: true}, downStore(t)), q, nil)
	if len(r.Errors) == 0 {
		t.Errorf("introspection disabled: %s, want an error", r.Body)
	}
}

func TestTransportsAndGraphiQL(t *testing.T) {
	h := newServer(t, wiring.Config{}, downStore(t))
	r := do(t, h, http.MethodGet, "/graphql?query="+url.QueryEscape(`{ __typename }`), nil)
	if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"Query"`) {
		t.Errorf("GET /graphql = %d %s", r.Status, r.Body)
	}
	// The explorer's page answers / and every deep-link form (ids hold a
	// slash); GraphiQL has its own page; both load only local assets.
	for _, path := range []string{"/", "/entity/person/hossein-dehghan", "/lineage/weapon/c-802", "/paths/person/sergei-shoigu/person/chang-wanquan", "/timeline/country/iran/country/china"} {
		r = do(t, h, http.MethodGet, path, nil)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `src="/assets/explorer.js"`) {
			t.Errorf("GET %s = %d, want the explorer page", path, r.Status)
		}
	}
	r = do(t, h, http.MethodGet, "/graphiql", nil)
	if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `src="/assets/graphiql.js"`) {
		t.Errorf("GET /graphiql = %d, want the GraphiQL page", r.Status)
	}
	for _, path := range []string{"/assets/explorer.js", "/assets/graphiql.js", "/assets/graphiql.css"} {
		r = do(t, h, http.MethodGet, path, nil)
		if r.Status != http.StatusOK || len(r.Body) < 1000 {
			t.Errorf("GET %s = %d (%d bytes), want the asset", path, r.Status, len(r.Body))
		}
	}
	if r = do(t, h, http.MethodGet, "/nowhere", nil); r.Status != http.StatusNotFound {
		t.Errorf("GET /nowhere = %d, want 404", r.Status)
	}
}

// TestMetricsAndLogs checks the Prometheus series and the request log.
func TestMetricsAndLogs(t *testing.T) {
	var logs bytes.Buffer
	reg := prometheus.NewRegistry()
	h := wiring.New(wiring.Config{Registry: reg, Access: server.Access{AllowedHosts: []string{"example.com"}}}, downStore(t), slog.New(slog.NewJSONHandler(&logs, nil)))
	postQuery(t, h, `query FindC802 { weapon(name: "C-802") { id } }`, nil)
	postQuery(t, h, `{ lineage(weapon: "C-802", maxDepth: -1) { direction } }`, nil)
	r := do(t, h, http.MethodGet, "/metrics", nil)
	body := string(r.Body)
	for _, want := range []string{
		`,query="resolve"} 1`,
		`armsgraph_graphql_requests_total{operation="FindC802"} 1`,
		`armsgraph_graphql_requests_total{operation="anonymous"} 1`,
		`armsgraph_graphql_request_duration_seconds_count{operation="FindC802"} 1`,
		`armsgraph_graphql_errors_total{code="UNAVAILABLE"} 1`,
		`armsgraph_graphql_errors_total{code="BAD_USER_INPUT"} 1`,
		`armsgraph_neo4j_query_duration_seconds_count{outcome=`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	var found bool
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if entry["msg"] == "request" && entry["operation"] == "FindC802" {
			found = true
			if entry["status"] != float64(200) || entry["path"] != "/graphql" || entry["took"] == nil {
				t.Errorf("request log = %v", entry)
			}
		}
	}
	if !found {
		t.Errorf("no request log line for FindC802:\n%s", logs.String())
	}
}
