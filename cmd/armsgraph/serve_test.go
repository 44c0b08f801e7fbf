package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"armsgraph/internal/neo4jtest"
)

// neo4jVars is the environment that points serve at inst.
func neo4jVars(inst *neo4jtest.Instance) map[string]string {
	return map[string]string{"NEO4J_URI": inst.URI, "NEO4J_USER": inst.User, "NEO4J_PASSWORD": inst.Password, "NEO4J_DATABASE": inst.Database}
}

// signalOn returns a channel closed once the buffer holds want.
func signalOn(b *syncBuffer, want string) <-chan struct{} {
	seen := make(chan struct{})
	var once sync.Once
	b.onWrite = func(all string) {
		if strings.Contains(all, want) {
			once.Do(func() { close(seen) })
		}
	}
	return seen
}

// TestServeFinishesRequestsInFlight: Ctrl-C (the context ending) while a
// request is inside the handler lets it finish with its full answer, and
// serve then returns cleanly. No clock decides anything: the request is
// known to be in the handler when the server answers "100 Continue" (sent
// when the handler reads the body), the shutdown is known to have begun when
// serve logs it, and only then does the client send the body.
func TestServeFinishesRequestsInFlight(t *testing.T) {
	inst := neo4jtest.Get(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	shuttingDown := signalOn(&logs, `msg="shutting down"`)
	sv := startServe(t, ctx, nil, neo4jVars(inst), &logs)
	addr := strings.TrimPrefix(sv.base, "http://")

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"query":"{ agreements { id } }"}`
	fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", addr, len(body))
	replies := bufio.NewReader(conn)
	status, err := replies.ReadString('\n')
	if err != nil || !strings.Contains(status, "100 Continue") {
		t.Fatalf("before the body: %q, %v; want 100 Continue (the handler reading the body)", status, err)
	}
	if _, err := replies.ReadString('\n'); err != nil { // the blank line after 100 Continue
		t.Fatal(err)
	}

	cancel() // Ctrl-C, with the request in the handler
	select {
	case <-shuttingDown:
	case err := <-sv.done:
		t.Fatalf("serve returned (%v) before it logged the shutdown; logs:\n%s", err, logs.String())
	case <-time.After(time.Minute):
		t.Fatalf("serve did not log its shutdown within a minute of its context ending; logs:\n%s", logs.String())
	}
	select {
	case err := <-sv.done:
		t.Fatalf("serve returned (%v) while a request was still in its handler", err)
	default:
	}

	if _, err := io.WriteString(conn, body); err != nil {
		t.Fatalf("sending the body after the shutdown began: %v", err)
	}
	resp, err := http.ReadResponse(replies, nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v; logs:\n%s", err, logs.String())
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(answer)) != `{"data":{"agreements":[]}}` {
		t.Errorf("the request in flight = %d %s, want 200 with the (empty) agreements", resp.StatusCode, answer)
	}
	select {
	case err := <-sv.done:
		if err != nil {
			t.Errorf("serve after the shutdown = %v, want a clean stop", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("serve did not return within a minute of its last request ending")
	}
}

// TestServeKeepsSecretsOut: the Neo4j password appears in no log line at
// debug level, not in /metrics and not in an error answer, both with the
// right password and with a wrong one (whose failure is logged).
func TestServeKeepsSecretsOut(t *testing.T) {
	inst := neo4jtest.Get(t)
	// The wrong password goes with a user of its own: Neo4j locks a user
	// out for a few seconds after three failed logins, and the tests of
	// other packages log in as inst.User at the same time.
	for _, c := range []struct{ name, user, password string }{
		{"right password", inst.User, inst.Password},
		{"wrong password", "armsgraph-test-wrong-login", "wrong-" + inst.Password + "-x7q"},
	} {
		t.Run(c.name, func(t *testing.T) {
			vars := neo4jVars(inst)
			vars["NEO4J_USER"] = c.user
			vars["NEO4J_PASSWORD"] = c.password
			vars["ARMSGRAPH_LOG_LEVEL"] = "debug"
			ctx, cancel := context.WithCancel(context.Background())
			var logs syncBuffer
			sv := startServe(t, ctx, nil, vars, &logs)
			var seen []string
			for _, req := range []struct{ method, path, body string }{
				{http.MethodGet, "/readyz", ""},
				{http.MethodPost, "/graphql", `{"query":"{ agreements { id } }"}`},
				{http.MethodPost, "/graphql", `{"query":"{ paths(from: \"x\", to: \"y\") { length } }"}`},
				{http.MethodGet, "/metrics", ""},
			} {
				r, err := http.NewRequest(req.method, sv.base+req.path, strings.NewReader(req.body))
				if err != nil {
					t.Fatal(err)
				}
				r.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(r)
				if err != nil {
					t.Fatalf("%s %s: %v", req.method, req.path, err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				seen = append(seen, fmt.Sprintf("%s %s → %d %s", req.method, req.path, resp.StatusCode, b))
			}
			cancel()
			if err := <-sv.done; err != nil {
				t.Errorf("serve: %v", err)
			}
			all := strings.Join(seen, "\n")
			if !strings.Contains(all, "armsgraph_graphql_requests_total") {
				t.Fatalf("/metrics did not answer with the server's metrics:\n%s", all)
			}
			for what, text := range map[string]string{"the logs": logs.String(), "stdout": sv.out.String(), "the answers and /metrics": all} {
				if strings.Contains(text, c.password) {
					t.Errorf("%s hold the Neo4j password:\n%s", what, text)
				}
			}
			if !strings.Contains(logs.String(), "level=DEBUG") && !strings.Contains(logs.String(), `"level":"DEBUG"`) {
				t.Errorf("no debug line logged, so the check saw less than it should:\n%s", logs.String())
			}
		})
	}
}
