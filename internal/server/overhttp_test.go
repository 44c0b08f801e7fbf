package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"armsgraph/cmd/wiring"
)

// TestRefusalsOverHTTP checks what the GraphQL over HTTP specification
// recommends for a request refused before it runs (it does not parse, does
// not validate, its variables do not coerce, it is over a limit): status
// 200 when the client accepts application/json (or says nothing), 400 when
// it accepts application/graphql-response+json, and under both no "data"
// entry, since the operation never ran. An operation that runs and fails
// keeps its "data": null and status 200. No query reaches the store.
func TestRefusalsOverHTTP(t *testing.T) {
	h := newServer(t, wiring.Config{MaxDepth: 5}, downStore(t))
	refusals := []struct {
		name, query, variables, code string
	}{
		{"parse failure", `{`, ``, "GRAPHQL_PARSE_FAILED"},
		{"validation failure", `{ noSuchField }`, ``, "GRAPHQL_VALIDATION_FAILED"},
		{"variable coercion failure", `query Q($name: String!) { weapon(name: $name) { id } }`, `{"name": null}`, "GRAPHQL_VALIDATION_FAILED"},
		{"over the depth limit", `{ weapons { edges { node { derivedFrom { parent { name } } } } } }`, ``, "BAD_USER_INPUT"},
	}
	accepts := []struct {
		accept, contentType string
		status              int
	}{
		{"", "application/json", http.StatusOK},
		{"application/json", "application/json", http.StatusOK},
		{"application/graphql-response+json", "application/graphql-response+json", http.StatusBadRequest},
		{"application/graphql-response+json, application/json;q=0.9", "application/graphql-response+json", http.StatusBadRequest},
	}
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		for _, rf := range refusals {
			for _, a := range accepts {
				t.Run(method+"/"+rf.name+"/accept "+a.accept, func(t *testing.T) {
					status, ct, body := sendAccepting(t, h, method, rf.query, rf.variables, a.accept)
					if status != a.status || !strings.HasPrefix(ct, a.contentType) {
						t.Errorf("status %d, Content-Type %q, want %d %s; body %s", status, ct, a.status, a.contentType, body)
					}
					if _, ok := body["data"]; ok {
						t.Errorf("the refusal has a data entry: %s", body)
					}
					var errs []gqlError
					if err := json.Unmarshal(body["errors"], &errs); err != nil || len(errs) == 0 || errs[0].Extensions["code"] != rf.code {
						t.Errorf("errors %s, want the first with code %s", body["errors"], rf.code)
					}
				})
			}
		}
	}
	// An operation that runs keeps gqlgen's answer: its data entry (null,
	// the store being down) and 200, under either media type.
	for _, a := range accepts {
		t.Run("executed/accept "+a.accept, func(t *testing.T) {
			status, ct, body := sendAccepting(t, h, http.MethodPost, `{ agreements { id } }`, ``, a.accept)
			if status != http.StatusOK || !strings.HasPrefix(ct, a.contentType) || string(body["data"]) != "null" || !strings.Contains(string(body["errors"]), "UNAVAILABLE") {
				t.Errorf("status %d, Content-Type %q, body %s; want 200 %s with data null and UNAVAILABLE", status, ct, body, a.contentType)
			}
		})
	}
	// A request with no query but a persisted query's hash is well-formed: it
	// reaches gqlgen, which asks for the query (automatic persisted queries).
	r := do(t, h, http.MethodPost, "/graphql", strings.NewReader(
		`{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38"}}}`))
	if r.Status != http.StatusOK || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "PERSISTED_QUERY_NOT_FOUND" {
		t.Errorf("a persisted query's hash alone: %d %s, want 200 PERSISTED_QUERY_NOT_FOUND", r.Status, r.Body)
	}
}

// sendAccepting sends a GraphQL request by POST or GET with the Accept
// header accept (none when empty) and returns the status, the
// Content-Type and the top-level entries of the JSON body.
func sendAccepting(t *testing.T, h http.Handler, method, query, variables, accept string) (int, string, map[string]json.RawMessage) {
	t.Helper()
	var req *http.Request
	if method == http.MethodGet {
		q := url.Values{"query": {query}}
		if variables != "" {
			q.Set("variables", variables)
		}
		req = httptest.NewRequest(method, "/graphql?"+q.Encode(), nil)
	} else {
		params := map[string]any{"query": query}
		if variables != "" {
			params["variables"] = json.RawMessage(variables)
		}
		b, err := json.Marshal(params)
		if err != nil {
			t.Fatal(err)
		}
		req = httptest.NewRequest(method, "/graphql", strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var body map[string]json.RawMessage
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("the answer (%d) is not a JSON object: %v: %s", w.Code, err, w.Body)
	}
	return w.Code, w.Header().Get("Content-Type"), body
}
