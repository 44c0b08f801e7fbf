package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"armsgraph/internal/kg"
)

func weaponNode(id, name string) kg.Node {
	return kg.Node{ID: id, Kind: kg.Weapon, Name: name, Citations: []kg.Citation{{Source: "source/a", Locator: "line 1"}},
		Props: map[string]any{"category": "anti-ship-missile", "introduced": "1992"}}
}

// TestErrors checks the error of every kind of bad request: its
// extensions.code, the argument it names, the limit it names, and that it
// says what is wrong.
func TestErrors(t *testing.T) {
	tests := []struct {
		name     string
		query    string
		storeErr map[string]error
		code     string
		argument string // extensions.argument, "" for none
		limit    string // extensions.limit, "" when no limit was exceeded
		message  string // a part of the message
	}{
		{"negative depth", `{ lineage(weapon: "C-802", maxDepth: -1) { direction } }`, nil,
			"BAD_USER_INPUT", "maxDepth", "", "maxDepth: must be at least 0, got -1"},
		{"depth over its cap", `{ lineage(weapon: "C-802", maxDepth: 21) { direction } }`, nil,
			"BAD_USER_INPUT", "maxDepth", "maxDepth", "maxDepth: must be at most 20, got 21"},
		{"nested lineage depth over its cap", `{ weapons { edges { node { lineage(maxDepth: 99) { direction } } } } }`, nil,
			"BAD_USER_INPUT", "maxDepth", "maxDepth", "must be at most 20"},
		{"malformed date", `{ agreements(from: "2016-13") { id } }`, nil,
			"BAD_USER_INPUT", "from", "", `from: date "2016-13": month 13 is not 01-12`},
		{"malformed date in a variable", `query($to: PartialDate) { events(to: $to) { id } }`, nil,
			"BAD_USER_INPUT", "to", "", `to: date "16": want YYYY, YYYY-MM or YYYY-MM-DD`},
		{"from after to", `{ resolutions(from: "2017", to: "2016-12") { id } }`, nil,
			"BAD_USER_INPUT", "from", "", "2017 is after to (2016-12)"},
		{"bad cursor", `{ weapons(after: "not-a-cursor") { totalCount } }`, nil,
			"BAD_USER_INPUT", "after", "", "malformed cursor"},
		{"cursor of another list", `{ weapons(after: "YWcxOnBlcnNvbi94") { totalCount } }`, nil,
			"BAD_USER_INPUT", "after", "", "malformed cursor"},
		{"page over its cap", `{ people(first: 201) { totalCount } }`, nil,
			"BAD_USER_INPUT", "first", "first", "first: must be at most 200, got 201"},
		{"negative page", `{ weapons(first: -1) { totalCount } }`, nil,
			"BAD_USER_INPUT", "first", "", "must be at least 0"},
		{"search over its cap", `{ search(text: "x", first: 101) { id } }`, nil,
			"BAD_USER_INPUT", "first", "first", "at most 100"},
		{"resolve limit zero", `{ resolve(name: "x", limit: 0) { id } }`, nil,
			"BAD_USER_INPUT", "limit", "", "at least 1"},
		{"hops over the cap", `{ paths(from: "a/b", to: "c/d", maxHops: 9) { length } }`, nil,
			"BAD_USER_INPUT", "maxHops", "maxHops", "maxHops: must be at most 8, got 9"},
		{"paths over the cap", `{ paths(from: "a/b", to: "c/d", limit: 26) { length } }`, nil,
			"BAD_USER_INPUT", "limit", "limit", "limit: must be at most 25, got 26"},
		{"neighbourhood too deep", `{ neighborhood(id: "a/b", depth: 4) { truncated } }`, nil,
			"BAD_USER_INPUT", "depth", "depth", "depth: must be at most 3, got 4"},
		{"neighbourhood depth zero", `{ neighborhood(id: "a/b", depth: 0) { truncated } }`, nil,
			"BAD_USER_INPUT", "depth", "", "depth: must be at least 1"},
		{"neighbourhood too wide", `{ neighborhood(id: "a/b", limit: 1001) { truncated } }`, nil,
			"BAD_USER_INPUT", "limit", "limit", "at most 1000"},
		{"unknown relationship type", `{ paths(from: "a/b", to: "c/d", relationshipTypes: ["FRIEND_OF"]) { length } }`,
			map[string]error{"Paths": kg.Invalid("relationshipTypes", `unknown relationship type "FRIEND_OF" (allowed: DERIVED_FROM, …)`)},
			"BAD_USER_INPUT", "relationshipTypes", "", `unknown relationship type "FRIEND_OF"`},
		{"unknown id", `{ paths(from: "person/nobody", to: "c/d") { length } }`,
			map[string]error{"Paths": &kg.InputError{Arg: "from", Msg: `no entity has id "person/nobody"`, Err: kg.ErrNotFound}},
			"NOT_FOUND", "from", "", `from: no entity has id "person/nobody"`},
		{"too many results", `{ transfers { id } }`,
			map[string]error{"Transfers": kg.OverLimit("filter", "more than 1000 transfers match; narrow the filter")},
			"BAD_USER_INPUT", "filter", "filter", "narrow the filter"},
		{"database down", `{ agreements { id } }`,
			map[string]error{"Agreements": fmt.Errorf("agreements: %w: ConnectivityError: dial tcp 10.1.2.3:7687", kg.ErrUnavailable)},
			"UNAVAILABLE", "", "", "the graph database is unavailable"},
		{"query too slow", `{ events { id } }`,
			map[string]error{"Events": fmt.Errorf("events: %w: Neo.ClientError.Transaction.TransactionTimedOut", kg.ErrTimeout)},
			"TIMEOUT", "", "", "took longer than the server allows"},
		{"deadline while the database was away", `{ events { id } }`,
			map[string]error{"Events": fmt.Errorf("events: %w: ran out of time while the database could not be reached: %w", kg.ErrUnavailable, context.DeadlineExceeded)},
			"UNAVAILABLE", "", "", "the graph database is unavailable"},
		{"request deadline", `{ events { id } }`,
			map[string]error{"Events": fmt.Errorf("events: %w", context.DeadlineExceeded)},
			"TIMEOUT", "", "", "took longer"},
		{"a bug", `{ events { id } }`,
			map[string]error{"Events": errors.New("secret: MATCH (n) password=hunter2")},
			"INTERNAL_SERVER_ERROR", "", "", "internal error"},
		{"a panic", `{ sources { id } }`, nil, "INTERNAL_SERVER_ERROR", "", "", "internal error"},
		{"too deep", `{ weapons { edges { node { derivedFrom { parent { derivedFrom { parent { derivedFrom { parent { name } } } } } } } } } }`, nil,
			"BAD_USER_INPUT", "", "depth", "query depth 9 exceeds the limit of 8"},
		{"too complex", `{ search(text: "x", first: 100) { ... on Country { people { agreements { parties { people { agreements { parties { id } } } } } } } } }`, nil,
			"BAD_USER_INPUT", "", "complexity", "far over the budget of 10000 objects"},
		{"unknown field", `{ weapons { nope } }`, nil, "GRAPHQL_VALIDATION_FAILED", "", "", `Cannot query field "nope"`},
		{"unknown enum value", `{ lineage(weapon: "x", direction: UP) { direction } }`, nil, "GRAPHQL_VALIDATION_FAILED", "", "", "UP"},
		{"syntax", `{ weapons(`, nil, "GRAPHQL_PARSE_FAILED", "", "", "Expected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newFakeStore()
			store.addNode(weaponNode("weapon/c-802", "C-802"))
			for k, v := range tt.storeErr {
				store.errs[k] = v
			}
			var logs bytes.Buffer
			h := newServer(store, slog.New(slog.NewJSONHandler(&logs, nil)))
			vars := map[string]any{}
			if strings.Contains(tt.query, "$to") {
				vars["to"] = "16"
			}
			resp := post(t, h, tt.query, vars)
			if len(resp.Errors) != 1 {
				t.Fatalf("%s: %d errors, want 1 (%s)", tt.query, len(resp.Errors), resp)
			}
			e := resp.Errors[0]
			if e.Extensions["code"] != tt.code {
				t.Errorf("code = %v, want %s (%s)", e.Extensions["code"], tt.code, resp)
			}
			if arg, _ := e.Extensions["argument"].(string); arg != tt.argument {
				t.Errorf("argument = %q, want %q (%s)", arg, tt.argument, resp)
			}
			limit, _ := e.Extensions["limit"].(string)
			reason, _ := e.Extensions["reason"].(string)
			if limit != tt.limit || (tt.limit != "") != (reason == "LIMIT_EXCEEDED") {
				t.Errorf("limit = %q, reason %q; want limit %q (%s)", limit, reason, tt.limit, resp)
			}
			if !strings.Contains(e.Message, tt.message) {
				t.Errorf("message = %q, want it to contain %q", e.Message, tt.message)
			}
			for _, secret := range []string{"hunter2", "10.1.2.3", "MATCH", "Neo.ClientError", "panic"} {
				if strings.Contains(e.Message, secret) {
					t.Errorf("message %q leaks %q", e.Message, secret)
				}
			}
			if tt.code == "INTERNAL_SERVER_ERROR" {
				if n := strings.Count(logs.String(), `"level":"ERROR"`); n != 1 {
					t.Errorf("internal error logged %d times, want once:\n%s", n, logs.String())
				}
				if tt.storeErr != nil && !strings.Contains(logs.String(), "hunter2") {
					t.Errorf("the log lacks the cause:\n%s", logs.String())
				}
			}
		})
	}
}

// TestUndecodableBody checks that a POST body gqlgen cannot decode is
// refused as BAD_USER_INPUT with a message that says so without echoing
// the body (gqlgen's own message ends with the whole body).
func TestUndecodableBody(t *testing.T) {
	h := newServer(newFakeStore(), nil)
	secret := strings.Repeat("SECRET", 10000)
	for _, body := range []string{
		`{"query": x` + secret,
		`{"query": "{ __typename }", "variables": "` + secret + ` body:` + secret + `"}`,
		`[{"query": "` + secret + `"}]`,
	} {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		var out struct {
			Errors []gqlError `json:"errors"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatalf("decode %q: %v", trunc(w.Body.String(), 300), err)
		}
		if w.Code != http.StatusBadRequest || len(out.Errors) != 1 || out.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
			t.Errorf("%s: %d %s, want 400 and one BAD_USER_INPUT", trunc(body, 40), w.Code, trunc(w.Body.String(), 300))
			continue
		}
		msg := out.Errors[0].Message
		if cause, ok := strings.CutPrefix(msg, "the request body is not valid JSON: "); !ok || len(cause) < 10 {
			t.Errorf("%s: message %q, want it to say the body is not valid JSON and why", trunc(body, 40), trunc(msg, 300))
		}
		if strings.Contains(w.Body.String(), "SECRET") || w.Body.Len() > 600 {
			t.Errorf("%s: the answer (%d bytes) echoes the body: %s", trunc(body, 40), w.Body.Len(), trunc(w.Body.String(), 300))
		}
	}
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// TestDateBounds checks that PartialDate arguments reach the store as
// given: the store compares from.First() and to.Last().
func TestDateBounds(t *testing.T) {
	store := newFakeStore()
	h := newServer(store, nil)
	resp := post(t, h, `{ agreements(parties: ["country/iran"], from: "2016", to: "2016-02") { id } }`, nil)
	if len(resp.Errors) > 0 {
		t.Fatalf("agreements: %s", resp)
	}
	f, ok := store.args().(kg.AgreementFilter)
	if !ok {
		t.Fatalf("store got %T, want kg.AgreementFilter", store.args())
	}
	if f.Dates.From.First() != "2016-01-01" || f.Dates.To.Last() != "2016-02-29" || len(f.Parties) != 1 {
		t.Errorf("agreements filter = %+v: from %s, to %s; want from 2016-01-01, to 2016-02-29", f, f.Dates.From.First(), f.Dates.To.Last())
	}
}
