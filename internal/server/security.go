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
// token's rate limit.
func protect(a Access, reg prometheus.Registerer, next http.Handler) http.Handler {
	refused := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "armsgraph_http_refused_total",
		Help: "Requests refused before any work, by reason (host, origin, no_token, bad_token, rate_limited).",
	}, []string{"reason"})
	if reg != nil {
		reg.MustRegister(refused)
	}
	hosts := map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true}
	anyHost := false
	for _, h := range a.AllowedHosts {
		h = normalizeHost(h)
		anyHost = anyHost || h == "*"
		hosts[h] = true
	}
	origins := map[string]bool{}
	for _, o := range a.AllowedOrigins {
		origins[strings.ToLower(strings.TrimRight(o, "/"))] = true
	}
	limits := newLimiters(a.Rate, a.Burst)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")

		// /healthz says "ok" and nothing else, to any caller: probes such
		// as Kubernetes' send the pod's IP as Host.
		if r.URL.Path == "/healthz" {
			next.ServeHTTP(w, r)
			return
		}
		host := hostOnly(r.Host)
		if !anyHost && !hosts[host] {
			refused.WithLabelValues("host").Inc()
			refuse(w, http.StatusForbidden, CodeForbidden, fmt.Sprintf(
				"this server does not answer to the host name %s; if it should, add it to ARMSGRAPH_ALLOWED_HOSTS (--allowed-hosts)", quoteShort(host)))
			return
		}
		if origin := r.Header.Get("Origin"); origin != "" {
			switch o := strings.ToLower(origin); {
			case sameOrigin(o, r.Host):
			case origins[o]:
				h.Set("Access-Control-Allow-Origin", origin)
				h.Add("Vary", "Origin")
				if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
					h.Set("Access-Control-Allow-Methods", "GET, POST")
					h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
					h.Set("Access-Control-Max-Age", "600")
					w.WriteHeader(http.StatusNoContent)
					return
				}
			default:
				refused.WithLabelValues("origin").Inc()
				refuse(w, http.StatusForbidden, CodeForbidden, fmt.Sprintf(
					"requests from pages of origin %s are not allowed; if they should be, add it to ARMSGRAPH_ALLOWED_ORIGINS (--allowed-origins)", quoteShort(origin)))
				return
			}
		}
		if a.Tokens != nil && needsToken(r.URL.Path, a.TokensForOps) {
			token, present := bearerToken(r.Header.Get("Authorization"))
			if !present {
				refused.WithLabelValues("no_token").Inc()
				h.Set("WWW-Authenticate", `Bearer realm="armsgraph"`)
				refuse(w, http.StatusUnauthorized, CodeUnauthenticated,
					"this server needs an access token: send the header Authorization: Bearer <token> (the operator makes tokens with armsgraph token)")
				return
			}
			name, ok := a.Tokens.Check(token)
			if !ok {
				refused.WithLabelValues("bad_token").Inc()
				h.Set("WWW-Authenticate", `Bearer realm="armsgraph", error="invalid_token"`)
				refuse(w, http.StatusUnauthorized, CodeUnauthenticated,
					"the access token is not valid: it is unknown or has been revoked; ask the operator for a new one")
				return
			}
			if info, ok := r.Context().Value(operationKey{}).(*operationInfo); ok {
				info.token = name // the request log says whose request it was
			}
			if wait := limits.reserve(name); wait > 0 {
				secs := int(math.Ceil(wait.Seconds()))
				refused.WithLabelValues("rate_limited").Inc()
				h.Set("Retry-After", strconv.Itoa(secs))
				refuse(w, http.StatusTooManyRequests, CodeRateLimited, fmt.Sprintf(
					"too many requests with token %q: the limit is %g a second (bursts of %d); retry after %d s", name, limits.rate, limits.burst, secs))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
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
