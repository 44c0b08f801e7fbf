package server

import (
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"
)

// ContentSecurityPolicy is sent with every response. It lets a page load
// scripts, styles, fonts and images only from the service itself (images
// also from data: and blob: URLs, which the explorer makes for exports),
// talk only to the service, never be framed, and run no inline script:
// so it both blocks injected markup and proves, in the browser, that the
// explorer fetches nothing from another host (the air gap).
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; " +
	"base-uri 'none'; frame-ancestors 'none'"

// CodeUnauthenticated, CodeForbidden and CodeRateLimited are the
// extensions.code of the answers the access checks give before GraphQL runs.
const (
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeRateLimited     = "RATE_LIMITED"
)

// Access says who may reach the server. The zero value answers to the
// loopback names only, sends no CORS headers and asks for no token.
type Access struct {
	// AllowedHosts are the names, besides localhost, 127.0.0.1 and ::1,
	// that a request's Host may carry (without the port); "*" allows any.
	// Refusing other names defeats DNS rebinding: a page whose domain is
	// made to resolve to 127.0.0.1 still sends its own name as Host.
	AllowedHosts []string
	// AllowedOrigins are the origins (scheme://host[:port]) of other sites
	// whose pages may call the API; they get CORS headers. Requests from
	// any other foreign Origin are refused.
	AllowedOrigins []string
	// Tokens, when set, makes /graphql (and, with TokensForOps, /readyz
	// and /metrics) require "Authorization: Bearer <token>".
	Tokens *Tokens
	// TokensForOps makes /readyz and /metrics require a token too.
	TokensForOps bool
	// Rate is how many requests per second one token may make, sustained,
	// and Burst how many at once; zero takes the defaults (20 and 40), a
	// negative Rate turns the limit off. It applies only with Tokens.
	Rate  float64
	Burst int
}

// Default rate limit per token.
const (
	DefaultRate  = 20
	DefaultBurst = 40
)

// protect wraps every route with the access checks, in this order: the
// security headers (on every answer, refusals included), the Host check,
// the Origin check (with CORS for configured origins), the token and the
// token's rate limit. Refusals are counted in reg, by reason.
func protect(a Access, reg prometheus.Registerer, next http.Handler) http.Handler {
	g := &guard{
		access:  a,
		next:    next,
		hosts:   map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true},
		origins: map[string]bool{},
		limits:  newLimiters(a.Rate, a.Burst),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "armsgraph_http_refused_total",
			Help: "Requests refused before any work, by reason (host, origin, no_token, bad_token, rate_limited).",
		}, []string{"reason"}),
	}
	if reg != nil {
		reg.MustRegister(g.refused)
	}
	for _, h := range a.AllowedHosts {
		h = normalizeHost(h)
		g.anyHost = g.anyHost || h == "*"
		g.hosts[h] = true
	}
	for _, o := range a.AllowedOrigins {
		g.origins[strings.ToLower(strings.TrimRight(o, "/"))] = true
	}
	return g
}

// guard is the handler protect returns.
type guard struct {
	access  Access
	next    http.Handler
	hosts   map[string]bool
	anyHost bool
	origins map[string]bool
	limits  *limiters
	refused *prometheus.CounterVec
}

func (g *guard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	// /healthz says "ok" and nothing else, to any caller: probes such as
	// Kubernetes' send the pod's IP as Host.
	if r.URL.Path == "/healthz" {
		g.next.ServeHTTP(w, r)
		return
	}
	if host := hostOnly(r.Host); !g.anyHost && !g.hosts[host] {
		g.refuse(w, "host", http.StatusForbidden, CodeForbidden, fmt.Sprintf(
			"this server does not answer to the host name %s; if it should, add it to ARMSGRAPH_ALLOWED_HOSTS (--allowed-hosts)", quoteShort(host)))
		return
	}
	if done := g.checkOrigin(w, r); done {
		return
	}
	if g.access.Tokens != nil && needsToken(r.URL.Path, g.access.TokensForOps) {
		if done := g.checkToken(w, r); done {
			return
		}
	}
	g.next.ServeHTTP(w, r)
}

// checkOrigin lets same-origin requests and those without Origin through,
// answers CORS for the configured origins (preflights entirely), and
// refuses the rest. It returns whether it answered.
func (g *guard) checkOrigin(w http.ResponseWriter, r *http.Request) (done bool) {
	h := w.Header()
	if len(g.origins) > 0 {
		h.Add("Vary", "Origin") // caches must not hand one origin's answer to another
	}
	origin := r.Header.Get("Origin")
	switch o := strings.ToLower(origin); {
	case origin == "", sameOrigin(o, r.Host):
		return false
	case g.origins[o]:
		h.Set("Access-Control-Allow-Origin", origin)
		if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
			return false
		}
		h.Set("Access-Control-Allow-Methods", "GET, POST")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
		h.Set("Access-Control-Max-Age", "600")
		w.WriteHeader(http.StatusNoContent)
		return true
	}
	g.refuse(w, "origin", http.StatusForbidden, CodeForbidden, fmt.Sprintf(
		"requests from pages of origin %s are not allowed; if they should be, add it to ARMSGRAPH_ALLOWED_ORIGINS (--allowed-origins)", quoteShort(origin)))
	return true
}

// checkToken wants a valid bearer token within its rate limit, and notes
// the token's name for the request log. It returns whether it answered.
func (g *guard) checkToken(w http.ResponseWriter, r *http.Request) (done bool) {
	h := w.Header()
	token, present := bearerToken(r.Header.Get("Authorization"))
	if !present {
		h.Set("WWW-Authenticate", `Bearer realm="armsgraph"`)
		g.refuse(w, "no_token", http.StatusUnauthorized, CodeUnauthenticated,
			"this server needs an access token: send the header Authorization: Bearer <token> (the operator makes tokens with armsgraph token)")
		return true
	}
	name, ok := g.access.Tokens.Check(token)
	if !ok {
		h.Set("WWW-Authenticate", `Bearer realm="armsgraph", error="invalid_token"`)
		g.refuse(w, "bad_token", http.StatusUnauthorized, CodeUnauthenticated,
			"the access token is not valid: it is unknown or has been revoked; ask the operator for a new one")
		return true
	}
	if info, ok := r.Context().Value(operationKey{}).(*operationInfo); ok {
		info.token = name // the request log says whose request it was
	}
	if wait := g.limits.reserve(name); wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		h.Set("Retry-After", strconv.Itoa(secs))
		g.refuse(w, "rate_limited", http.StatusTooManyRequests, CodeRateLimited, fmt.Sprintf(
			"too many requests with token %q: the limit is %g a second (bursts of %d); retry after %d s", name, g.limits.rate, g.limits.burst, secs))
		return true
	}
	return false
}

func (g *guard) refuse(w http.ResponseWriter, reason string, status int, code, msg string) {
	g.refused.WithLabelValues(reason).Inc()
	refuse(w, status, code, msg)
}

// needsToken says which paths a token guards: the API, and the operations
// endpoints when asked. Pages and assets stay open, so that the explorer
// can load and then ask for a token; they hold no data.
func needsToken(path string, ops bool) bool {
	switch {
	case path == "/graphql" || strings.HasPrefix(path, "/graphql/"):
		return true
	case path == "/readyz" || path == "/metrics":
		return ops
	}
	return false
}

// refuse answers with a GraphQL-shaped error, so that GraphQL clients and
// the explorer read every refusal the same way.
func refuse(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{"message": msg, "extensions": map[string]any{"code": code}}}})
}

// sameOrigin says whether a (lower-cased) Origin names the host and port
// the request was sent to. The scheme is not compared: behind a TLS proxy
// the page is https while the server sees plain HTTP.
func sameOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false // includes "null", sent by sandboxed frames and file: pages
	}
	return u.Host == strings.ToLower(host)
}

// hostOnly is the lower-cased name of a Host header, without port or the
// brackets of an IPv6 address.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return normalizeHost(h)
	}
	return normalizeHost(hostport)
}

func normalizeHost(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	return strings.TrimSuffix(h, ".") // "localhost." is localhost
}

// quoteShort quotes a client-sent value for an error message, cut short.
func quoteShort(s string) string {
	if len(s) > 100 {
		s = s[:100] + "…"
	}
	return strconv.Quote(s)
}

// limiters holds one token bucket per token name (golang.org/x/time/rate).
type limiters struct {
	rate  float64
	burst int
	mu    sync.Mutex
	by    map[string]*rate.Limiter
}

func newLimiters(r float64, burst int) *limiters {
	if r == 0 {
		r = DefaultRate
	}
	if burst <= 0 {
		burst = DefaultBurst
	}
	return &limiters{rate: r, burst: burst, by: map[string]*rate.Limiter{}}
}

// reserve takes one request from the name's bucket and returns zero, or,
// when the bucket is empty, how long until it would not be (and takes
// nothing).
func (l *limiters) reserve(name string) time.Duration {
	if l.rate < 0 {
		return 0
	}
	l.mu.Lock()
	lim, ok := l.by[name]
	if !ok {
		lim = rate.NewLimiter(rate.Limit(l.rate), l.burst)
		l.by[name] = lim
	}
	l.mu.Unlock()
	res := lim.Reserve()
	if !res.OK() {
		return time.Second
	}
	if d := res.Delay(); d > 0 {
		res.Cancel()
		return d
	}
	return 0
}
