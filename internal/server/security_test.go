package server_test

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"armsgraph/cmd/wiring"
	"armsgraph/internal/server"
	"armsgraph/web"
)

// routeAccess says, for every route the server registers, who may call it
// with tokens in use: "token" (the API), "ops" (a token when TokensForOps),
// "open" (pages and assets, which hold no data, and /healthz).
// TestEveryRouteIsClassified fails when a route is missing here, so that
// whoever adds a route decides, and the header and Host tests cover it.
var routeAccess = map[string]string{
	"/graphql":       "token",
	"GET /{$}":       "open",
	"GET /entity/":   "open",
	"GET /lineage/":  "open",
	"GET /paths/":    "open",
	"GET /timeline/": "open",
	"GET /flows":     "open",
	"GET /flows/":    "open",
	"GET /graphiql":  "open",
	"GET /assets/":   "open",
	"GET /healthz":   "open",
	"GET /readyz":    "ops",
	"GET /metrics":   "ops",
}

// registeredRoutes reads, from the package's source, the patterns passed
// to Handle and HandleFunc: the routes the server has, whoever added them.
func registeredRoutes(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var routes []string
	for _, name := range files {
		// debug.go's profiles are served on their own loopback listener
		// (serve --debug-addr), never on the API's mux.
		if strings.HasSuffix(name, "_test.go") || name == "debug.go" {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "Handle" && sel.Sel.Name != "HandleFunc") {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				pattern, _ := strconv.Unquote(lit.Value)
				routes = append(routes, pattern)
			}
			return true
		})
	}
	// The explorer's routes are mounted from web.Routes in a loop.
	routes = append(routes, web.Routes...)
	if len(routes) < 3 {
		t.Fatalf("found only the routes %q in the package's source; has the mux moved?", routes)
	}
	return routes
}

// routePath turns a ServeMux pattern into a path that it serves.
func routePath(pattern string) string {
	if _, p, ok := strings.Cut(pattern, " "); ok {
		pattern = p
	}
	pattern = strings.ReplaceAll(pattern, "{$}", "")
	return regexp.MustCompile(`\{[^}]*\}`).ReplaceAllString(pattern, "x")
}

func TestEveryRouteIsClassified(t *testing.T) {
	for _, r := range registeredRoutes(t) {
		if _, ok := routeAccess[r]; !ok {
			t.Errorf("route %q is not in routeAccess: add it, saying whether it needs a token", r)
		}
	}
}

// send makes a request with the given Host and headers to the handler.
func send(t *testing.T, h http.Handler, method, target, host string, header map[string]string, body string) rawResponse {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	req.Host = host
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	res := w.Result()
	b, _ := io.ReadAll(res.Body)
	r := rawResponse{Status: res.StatusCode, Header: res.Header, Body: b}
	if json.Valid(b) {
		_ = json.Unmarshal(b, &r)
	}
	return r
}

const (
	c802Query = `{"query":"{ weapon(name: \"C-802\") { name } }"}`
	c802Data  = `{"data":{"weapon":{"name":"C-802"}}}`
)

var c802Get = "/graphql?query=" + url.QueryEscape(`{ weapon(name: "C-802") { name } }`)

// pagesAndAssets lists every route's path and every same-origin page or
// asset that the pages link to (src= and href=), found by following them.
func pagesAndAssets(t *testing.T, h http.Handler, host string) []string {
	t.Helper()
	var paths []string
	seen := map[string]bool{}
	link := regexp.MustCompile(`(?:src|href)\s*=\s*["']([^"']+)["']`)
	var visit func(p string, depth int)
	visit = func(p string, depth int) {
		if seen[p] || depth > 3 {
			return
		}
		seen[p] = true
		paths = append(paths, p)
		r := send(t, h, http.MethodGet, p, host, nil, "")
		if r.Status == http.StatusFound || r.Status == http.StatusMovedPermanently {
			if loc, err := url.Parse(r.Header.Get("Location")); err == nil && loc.Host == "" {
				visit(loc.String(), depth+1)
			}
			return
		}
		if !strings.Contains(r.Header.Get("Content-Type"), "html") && !strings.Contains(r.Header.Get("Content-Type"), "css") {
			return
		}
		for _, m := range link.FindAllStringSubmatch(string(r.Body), -1) {
			u, err := url.Parse(m[1])
			if err != nil || u.Host != "" || u.Scheme != "" || u.Path == "" {
				continue // another host, or data:, or a fragment
			}
			base, _ := url.Parse(p)
			visit(base.ResolveReference(u).RequestURI(), depth+1)
		}
	}
	for _, r := range registeredRoutes(t) {
		visit(routePath(r), 0)
	}
	return paths
}

// TestHeadersOnEveryRoute checks the Content-Security-Policy and the other
// security headers on every route, page and asset, refusals included.
func TestHeadersOnEveryRoute(t *testing.T) {
	h := newServer(t, wiring.Config{Access: server.Access{AllowedHosts: []string{"armsgraph.internal"}}}, seededStore(t))
	want := map[string]string{
		"Content-Security-Policy": server.ContentSecurityPolicy,
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
	}
	paths := pagesAndAssets(t, h, "armsgraph.internal:8080")
	for _, p := range paths {
		for _, host := range []string{"armsgraph.internal:8080", "attacker.example"} {
			r := send(t, h, http.MethodGet, p, host, nil, "")
			for k, v := range want {
				if got := r.Header.Get(k); got != v {
					t.Errorf("GET %s (Host %s) = %d with %s %q, want %q", p, host, r.Status, k, got, v)
				}
			}
		}
	}
	for i, p := range paths {
		if len(p) > 40 {
			paths[i] = p[:40] + "…"
		}
	}
	t.Logf("checked %d paths: %q", len(paths), paths)
	if !strings.Contains(server.ContentSecurityPolicy, "default-src 'self'") || !strings.Contains(server.ContentSecurityPolicy, "frame-ancestors 'none'") {
		t.Errorf("policy %q does not confine the pages to the service", server.ContentSecurityPolicy)
	}
}

// TestHostCheck sends what a DNS-rebinding page would: the server's
// address with the attacker's name as Host, on every route.
func TestHostCheck(t *testing.T) {
	store := seededStore(t)
	h := newServer(t, wiring.Config{Access: server.Access{AllowedHosts: []string{"armsgraph.internal"}}}, store)
	for _, host := range []string{"attacker.example:8080", "attacker.example", "example.com", "127.0.0.1.attacker.example", "localhost.attacker.example:8080", ""} {
		refused := []rawResponse{
			send(t, h, http.MethodPost, "/graphql", host, nil, c802Query),
			send(t, h, http.MethodGet, c802Get, host, nil, ""),
		}
		for _, r := range registeredRoutes(t) {
			if routePath(r) != "/healthz" {
				refused = append(refused, send(t, h, http.MethodGet, routePath(r), host, nil, ""))
			}
		}
		for i, r := range refused {
			if r.Status != http.StatusForbidden || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "FORBIDDEN" ||
				!strings.Contains(r.Errors[0].Message, "ARMSGRAPH_ALLOWED_HOSTS") || bytes.Contains(r.Body, []byte("C-802")) {
				t.Errorf("request %d with Host %q = %d %s, want 403 naming ARMSGRAPH_ALLOWED_HOSTS", i, host, r.Status, r.Body)
			}
		}
	}
	for _, host := range []string{"127.0.0.1:8080", "localhost:8080", "LOCALHOST", "localhost.", "[::1]:8080", "armsgraph.internal", "Armsgraph.Internal:443"} {
		for _, r := range []rawResponse{
			send(t, h, http.MethodPost, "/graphql", host, nil, c802Query),
			send(t, h, http.MethodGet, c802Get, host, nil, ""),
		} {
			if r.Status != http.StatusOK || strings.TrimSpace(string(r.Body)) != c802Data {
				t.Errorf("query with Host %q = %d %s, want %s", host, r.Status, r.Body, c802Data)
			}
		}
	}
	if r := send(t, h, http.MethodGet, "/metrics", "localhost", nil, ""); !strings.Contains(string(r.Body), `armsgraph_http_refused_total{reason="host"}`) {
		t.Errorf("/metrics does not count the refused hosts")
	}
	// /healthz answers probes that send the pod's address as Host.
	if r := send(t, h, http.MethodGet, "/healthz", "10.1.2.3:8080", nil, ""); r.Status != http.StatusOK {
		t.Errorf("/healthz with Host 10.1.2.3 = %d, want 200", r.Status)
	}
	anyHost := newServer(t, wiring.Config{Access: server.Access{AllowedHosts: []string{"*"}}}, store)
	if r := send(t, anyHost, http.MethodPost, "/graphql", "whatever.example", nil, c802Query); r.Status != http.StatusOK {
		t.Errorf("with hosts * a query with Host whatever.example = %d %s, want 200", r.Status, r.Body)
	}
}

// TestOriginCheck refuses pages of other origins, lets same-origin pages
// and configured origins through, and sends CORS headers only to the latter.
func TestOriginCheck(t *testing.T) {
	h := newServer(t, wiring.Config{Access: server.Access{AllowedOrigins: []string{"https://notebook.example"}}}, seededStore(t))
	const host = "127.0.0.1:8080"
	for _, origin := range []string{"http://attacker.example", "null", "http://localhost:9999", "http://127.0.0.1:8081", "https://notebook.example.attacker.example", "file://"} {
		for i, r := range []rawResponse{
			send(t, h, http.MethodPost, "/graphql", host, map[string]string{"Origin": origin}, c802Query),
			send(t, h, http.MethodGet, c802Get, host, map[string]string{"Origin": origin}, ""),
			send(t, h, http.MethodGet, "/", host, map[string]string{"Origin": origin}, ""),
			send(t, h, http.MethodOptions, "/graphql", host, map[string]string{"Origin": origin, "Access-Control-Request-Method": "POST"}, ""),
		} {
			if r.Status != http.StatusForbidden || len(r.Errors) != 1 || !strings.Contains(r.Errors[0].Message, "ARMSGRAPH_ALLOWED_ORIGINS") ||
				bytes.Contains(r.Body, []byte("C-802")) || r.Header.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("request %d with Origin %q = %d %s, want 403 naming ARMSGRAPH_ALLOWED_ORIGINS", i, origin, r.Status, r.Body)
			}
		}
	}
	for _, origin := range []string{"http://127.0.0.1:8080", "https://127.0.0.1:8080"} {
		r := send(t, h, http.MethodPost, "/graphql", host, map[string]string{"Origin": origin}, c802Query)
		if r.Status != http.StatusOK || strings.TrimSpace(string(r.Body)) != c802Data || r.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("same-origin POST from %s = %d %s (CORS %q), want the data and no CORS header", origin, r.Status, r.Body, r.Header.Get("Access-Control-Allow-Origin"))
		}
	}
	r := send(t, h, http.MethodPost, "/graphql", host, map[string]string{"Origin": "https://notebook.example"}, c802Query)
	if r.Status != http.StatusOK || strings.TrimSpace(string(r.Body)) != c802Data || r.Header.Get("Access-Control-Allow-Origin") != "https://notebook.example" || r.Header.Get("Vary") != "Origin" {
		t.Errorf("POST from the configured origin = %d %s (CORS %q, Vary %q), want the data with its CORS header, varying by Origin", r.Status, r.Body, r.Header.Get("Access-Control-Allow-Origin"), r.Header.Get("Vary"))
	}
	r = send(t, h, http.MethodOptions, "/graphql", host, map[string]string{"Origin": "https://notebook.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type"}, "")
	if r.Status != http.StatusNoContent || !strings.Contains(r.Header.Get("Access-Control-Allow-Headers"), "Authorization") || !strings.Contains(r.Header.Get("Access-Control-Allow-Methods"), "POST") {
		t.Errorf("preflight from the configured origin = %d %v, want 204 allowing POST and Authorization", r.Status, r.Header)
	}
	if r := send(t, h, http.MethodGet, "/healthz", host, nil, ""); r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("a request without Origin got CORS headers: %v", r.Header)
	}
}

// tokensFile makes a tokens file with the named tokens and returns its
// path and the tokens by name.
func tokensFile(t *testing.T, names ...string) (string, map[string]string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tokens")
	tokens := map[string]string{}
	for _, n := range names {
		tok, err := server.AddToken(path, n)
		if err != nil {
			t.Fatalf("AddToken(%q) = %v", n, err)
		}
		tokens[n] = tok
	}
	return path, tokens
}

func bearer(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

// TestTokens checks that /graphql wants a token, a wrong or revoked one is
// refused, a correct one passes, and that no token reaches the logs.
func TestTokens(t *testing.T) {
	path, tok := tokensFile(t, "alice", "bob", "carol")
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	tokens, err := server.LoadTokens(path, logger)
	if err != nil {
		t.Fatal(err)
	}
	store := seededStore(t)
	h := wiring.New(wiring.Config{Access: server.Access{AllowedHosts: []string{"example.com"}, Tokens: tokens}}, store, logger)
	const host = "localhost:8080"
	unauthenticated := func(what string, r rawResponse, invalid bool) {
		t.Helper()
		www := r.Header.Get("WWW-Authenticate")
		if r.Status != http.StatusUnauthorized || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "UNAUTHENTICATED" ||
			!strings.HasPrefix(www, "Bearer") || strings.Contains(www, "invalid_token") != invalid || bytes.Contains(r.Body, []byte("C-802")) ||
			r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s = %d %s (WWW-Authenticate %q), want 401 UNAUTHENTICATED", what, r.Status, r.Body, www)
		}
	}
	ok := func(what string, r rawResponse) {
		t.Helper()
		if r.Status != http.StatusOK || strings.TrimSpace(string(r.Body)) != c802Data {
			t.Errorf("%s = %d %s, want %s", what, r.Status, r.Body, c802Data)
		}
	}
	unauthenticated("POST without a token", send(t, h, http.MethodPost, "/graphql", host, nil, c802Query), false)
	unauthenticated("GET without a token", send(t, h, http.MethodGet, c802Get, host, nil, ""), false)
	unauthenticated("POST with Basic auth", send(t, h, http.MethodPost, "/graphql", host, map[string]string{"Authorization": "Basic YWxpY2U6eA=="}, c802Query), false)
	unauthenticated("POST with a wrong token", send(t, h, http.MethodPost, "/graphql", host, bearer(server.TokenPrefix+"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), c802Query), true)
	unauthenticated("POST with a hash as token", send(t, h, http.MethodPost, "/graphql", host, bearer(server.HashToken(tok["alice"])), c802Query), true)
	ok("POST with alice's token", send(t, h, http.MethodPost, "/graphql", host, bearer(tok["alice"]), c802Query))
	ok("GET with alice's token", send(t, h, http.MethodGet, c802Get, host, map[string]string{"Authorization": "bearer  " + tok["alice"]}, ""))
	for _, p := range []string{"/", "/healthz", "/readyz", "/metrics"} {
		if r := send(t, h, http.MethodGet, p, host, nil, ""); r.Status == http.StatusUnauthorized {
			t.Errorf("GET %s without a token = 401, want it open (TokensForOps is off)", p)
		}
	}

	// Revoked with the command's helper (a new file renamed over the old).
	if err := server.RevokeToken(path, "alice"); err != nil {
		t.Fatal(err)
	}
	unauthenticated("POST with alice's revoked token", send(t, h, http.MethodPost, "/graphql", host, bearer(tok["alice"]), c802Query), true)
	ok("POST with bob's token after alice's revocation", send(t, h, http.MethodPost, "/graphql", host, bearer(tok["bob"]), c802Query))
	// Revoked by hand: the line deleted in place, as an editor would.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, "bob ") {
			kept = append(kept, line)
		}
	}
	if err := os.WriteFile(path, []byte(strings.Join(kept, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	unauthenticated("POST with bob's token deleted by hand", send(t, h, http.MethodPost, "/graphql", host, bearer(tok["bob"]), c802Query), true)
	ok("POST with carol's token", send(t, h, http.MethodPost, "/graphql", host, bearer(tok["carol"]), c802Query))
	// A broken file lets no token through until it is fixed.
	good, _ := os.ReadFile(path)
	if err := os.WriteFile(path, append(append([]byte{}, good...), "dave "+tok["carol"]+"\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	unauthenticated("POST with carol's token while the file is broken", send(t, h, http.MethodPost, "/graphql", host, bearer(tok["carol"]), c802Query), true)
	if err := os.WriteFile(path, good, 0o600); err != nil {
		t.Fatal(err)
	}
	ok("POST with carol's token once the file is fixed", send(t, h, http.MethodPost, "/graphql", host, bearer(tok["carol"]), c802Query))
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	unauthenticated("POST with carol's token once the file is gone", send(t, h, http.MethodPost, "/graphql", host, bearer(tok["carol"]), c802Query), true)

	metrics := send(t, h, http.MethodGet, "/metrics", host, nil, "")
	for _, want := range []string{`armsgraph_http_refused_total{reason="no_token"} 3`, `armsgraph_http_refused_total{reason="bad_token"} 6`} {
		if !strings.Contains(string(metrics.Body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for name, secret := range tok {
		if strings.Contains(string(metrics.Body), secret) {
			t.Errorf("/metrics holds %s's token", name)
		}
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the logs hold %s's token:\n%s", name, logs.String())
		}
	}
	if !strings.Contains(logs.String(), "tokens file invalid") || !strings.Contains(logs.String(), "tokens file unreadable") {
		t.Errorf("the logs do not report the broken and the missing file:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "status=401") || !regexp.MustCompile(`status=200 .* token=carol`).MatchString(logs.String()) {
		t.Errorf("the request log lacks the refused requests, or the answered ones with their token's name:\n%s", logs.String())
	}
}

// TestTokensForOps puts /readyz and /metrics behind the token too; /healthz
// and the pages stay open.
func TestTokensForOps(t *testing.T) {
	path, tok := tokensFile(t, "prometheus")
	tokens, err := server.LoadTokens(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := newServer(t, wiring.Config{Access: server.Access{Tokens: tokens, TokensForOps: true}}, openStore(t))
	for _, p := range []string{"/readyz", "/metrics"} {
		if r := send(t, h, http.MethodGet, p, "localhost", nil, ""); r.Status != http.StatusUnauthorized {
			t.Errorf("GET %s without a token = %d, want 401", p, r.Status)
		}
		if r := send(t, h, http.MethodGet, p, "localhost", bearer(tok["prometheus"]), ""); r.Status != http.StatusOK {
			t.Errorf("GET %s with a token = %d %s, want 200", p, r.Status, r.Body)
		}
	}
	for _, p := range []string{"/healthz", "/"} {
		if r := send(t, h, http.MethodGet, p, "localhost", nil, ""); r.Status == http.StatusUnauthorized {
			t.Errorf("GET %s without a token = 401, want it open", p)
		}
	}
}

// TestRateLimit drains one token's bucket and expects 429 with
// Retry-After, while another token is still served.
func TestRateLimit(t *testing.T) {
	path, tok := tokensFile(t, "alice", "bob")
	tokens, err := server.LoadTokens(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	// One token per 1000 s: no token comes back while the test runs, however
	// slow the machine, so exactly the burst passes.
	h := newServer(t, wiring.Config{Access: server.Access{Tokens: tokens, Rate: 0.001, Burst: 3}}, openStore(t))
	const q = `{"query":"{ agreements(parties: [\"country/iran\"]) { id } }"}`
	passed, limited := 0, rawResponse{}
	for i := 0; i < 10 && limited.Status == 0; i++ {
		r := send(t, h, http.MethodPost, "/graphql", "localhost", bearer(tok["alice"]), q)
		switch r.Status {
		case http.StatusOK:
			if len(r.Errors) != 0 {
				t.Fatalf("request %d = %s", i, r.Body)
			}
			passed++
		case http.StatusTooManyRequests:
			limited = r
		default:
			t.Fatalf("request %d = %d %s", i, r.Status, r.Body)
		}
	}
	if passed != 3 || limited.Status != http.StatusTooManyRequests {
		t.Fatalf("%d requests passed before a 429 (%d), want the burst of 3", passed, limited.Status)
	}
	secs, err := strconv.Atoi(limited.Header.Get("Retry-After"))
	// Retry-After is the next token's 1000 s less the time since the burst
	// began (a few seconds); the bound below only guards the arithmetic.
	if err != nil || secs < 900 || secs > 1000 || len(limited.Errors) != 1 || limited.Errors[0].Extensions["code"] != "RATE_LIMITED" {
		t.Errorf("429 answer: Retry-After %q, body %s; want about 1000 seconds (one token at 0.001/s) and code RATE_LIMITED", limited.Header.Get("Retry-After"), limited.Body)
	}
	if r := send(t, h, http.MethodGet, "/metrics", "localhost", nil, ""); !strings.Contains(string(r.Body), `armsgraph_http_refused_total{reason="rate_limited"} 1`) {
		t.Errorf("/metrics does not count the 429")
	}
	if r := send(t, h, http.MethodPost, "/graphql", "localhost", bearer(tok["bob"]), q); r.Status != http.StatusOK || len(r.Errors) != 0 {
		t.Errorf("bob while alice is limited = %d %s, want 200", r.Status, r.Body)
	}
}

func TestParseTokensErrors(t *testing.T) {
	secret, err := server.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ file, want string }{
		{"# c\nalice\n", "tokens:2: want \"name sha256:<hex>\""},
		{"alice " + secret + "\n", "tokens:1: the hash of token \"alice\" is not"},
		{"alice " + server.HashToken("a") + "\nalice " + server.HashToken("b") + "\n", "tokens:2: token name \"alice\" is already used on line 1"},
		{"al/ice " + server.HashToken("a") + "\n", "tokens:1: token name \"al/ice\""},
	} {
		_, err := server.ParseTokens("tokens", []byte(tc.file))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), secret) {
			t.Errorf("ParseTokens(%q) = %v, want an error with %q and no token", tc.file, err, tc.want)
		}
	}
}
