// Package server serves armsgraph's HTTP routes around a GraphQL handler the
// wiring builds (cmd/wiring): the request checks and limits, the browser
// explorer and GraphiQL (package web), health and readiness checks,
// Prometheus metrics and structured request logs.
package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"armsgraph/web"
)

// Config tunes the HTTP side of the server. Zero values take the defaults
// of DefaultConfig. The GraphQL handler it serves is built by the wiring
// (cmd/wiring) with its own limits.
type Config struct {
	// MaxBodyBytes caps a request body (and a GET query string).
	MaxBodyBytes int64
	// RequestTimeout bounds a GraphQL request; its context reaches every
	// Cypher query, which the driver then abandons. Keep the store's
	// QueryTimeout at or below it: that one stops the query inside Neo4j.
	RequestTimeout time.Duration
	// Registry holds the metrics served at /metrics; nil makes a new one.
	Registry *prometheus.Registry
	// Access checks Host, Origin and tokens on every route (security.go).
	Access Access
	// WebDir, when set, serves the explorer and GraphiQL from this directory
	// (a web/dist being rebuilt while editing) instead of the embedded build.
	WebDir string
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{MaxBodyBytes: 256 << 10, RequestTimeout: 15 * time.Second}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = d.MaxBodyBytes
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = d.RequestTimeout
	}
	if c.Registry == nil {
		c.Registry = prometheus.NewRegistry()
	}
	return c
}

// The GraphQL error codes the server answers with itself, before the
// GraphQL handler runs; the same values as CodeBadUserInput and
// ReasonLimitExceeded (the wiring's tests check they agree).
const (
	CodeBadUserInput    = "BAD_USER_INPUT"
	ReasonLimitExceeded = "LIMIT_EXCEEDED"
)

// Pinger is what the readiness check needs (the store).
type Pinger interface {
	Ping(ctx context.Context) error
}

// New builds the HTTP handler: graphQL at POST and GET /graphql (behind the
// transport, body-size, parameter and timeout checks), the explorer at /
// and its deep links, GraphiQL at /graphiql, /healthz, /readyz (asking
// ready) and /metrics. graphQL should call NoteOperation around every
// response, so that the request log names the operation and its errors.
func New(cfg Config, graphQL http.Handler, ready Pinger, logger *slog.Logger) http.Handler {
	cfg = cfg.withDefaults()
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	mux.Handle("/graphql", requireTransport(limitBody(cfg.MaxBodyBytes, checkParams(withTimeout(cfg.RequestTimeout, graphQL)))))
	ui := web.Handler(cfg.WebDir)
	for _, route := range web.Routes {
		mux.Handle(route, ui)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if err := ready.Ping(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, "not ready: %v\n", err)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(cfg.Registry, promhttp.HandlerOpts{}))
	return logRequests(logger, protect(cfg.Access, cfg.Registry, mux))
}

// withTimeout bounds every request's context.
func withTimeout(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// requireTransport answers, with a GraphQL error carrying extensions.code,
// the requests that no transport of the GraphQL handler takes (gqlgen would
// answer 400 "transport not supported" without a code): a POST that is not
// Content-Type application/json gets 415, a method other than GET, POST,
// HEAD and OPTIONS 405, a protocol upgrade (websocket) 400.
func requireTransport(next http.Handler) http.Handler {
	refuse := func(w http.ResponseWriter, status int, msg string) {
		writeError(w, status, map[string]any{"message": msg, "extensions": map[string]any{"code": CodeBadUserInput}})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodHead, http.MethodOptions:
		case http.MethodGet, http.MethodPost:
			if r.Header.Get("Upgrade") != "" {
				refuse(w, http.StatusBadRequest, "protocol upgrades (websockets) are not supported; send GET or POST")
				return
			}
			if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); r.Method == http.MethodPost && (err != nil || mt != "application/json") {
				refuse(w, http.StatusUnsupportedMediaType, "a POST to /graphql needs Content-Type: application/json")
				return
			}
		default:
			w.Header().Set("Allow", "GET, POST, HEAD, OPTIONS")
			refuse(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s is not allowed; send GET or POST", r.Method))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody refuses a request whose body (or GET query string) is larger
// than max bytes with 413 and a GraphQL error naming the limit. The body is
// read here, at most max+1 bytes of it, so a body that does not declare its
// length is measured too.
func limitBody(max int64, next http.Handler) http.Handler {
	tooLarge := func(w http.ResponseWriter) {
		writeError(w, http.StatusRequestEntityTooLarge, map[string]any{
			"message": fmt.Sprintf("request larger than the limit of %d bytes", max),
			"extensions": map[string]any{
				"code": CodeBadUserInput, "reason": ReasonLimitExceeded, "limit": "bodySize",
			},
		})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max || int64(len(r.URL.RawQuery)) > max {
			tooLarge(w)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, max+1))
		if err != nil {
			writeError(w, http.StatusBadRequest, map[string]any{
				"message":    "could not read the request body",
				"extensions": map[string]any{"code": CodeBadUserInput},
			})
			return
		}
		if int64(len(body)) > max {
			tooLarge(w)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// checkParams refuses, with 400 and a GraphQL error that says what is
// wrong, a request whose parameters gqlgen's transports could not decode:
// a POST body that is not a JSON object of GraphQL parameters, or a GET
// whose query string or variables/extensions are malformed, or a request
// with no query (nor a persisted query's hash). gqlgen would refuse them too, but its POST transport echoes the whole body (up to the
// body limit) in the message, and its GET transport answers without
// extensions.code. The message names the problem and its offset, never
// the body. The body has been read into memory already (limitBody).
func checkParams(next http.Handler) http.Handler {
	refuse := func(w http.ResponseWriter, msg string) {
		writeError(w, http.StatusBadRequest, map[string]any{"message": msg, "extensions": map[string]any{"code": CodeBadUserInput}})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost:
			body, err := io.ReadAll(r.Body)
			if err != nil {
				refuse(w, "could not read the request body")
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			if msg := paramsProblem(body); msg != "" {
				refuse(w, msg)
				return
			}
		case http.MethodGet:
			q, err := url.ParseQuery(r.URL.RawQuery)
			if err != nil {
				refuse(w, "the query string is malformed: "+err.Error())
				return
			}
			for _, name := range []string{"variables", "extensions"} {
				if v := q.Get(name); v != "" {
					if msg := jsonObjectProblem(name, []byte(v)); msg != "" {
						refuse(w, msg)
						return
					}
				}
			}
			var extensions map[string]any
			_ = json.Unmarshal([]byte(q.Get("extensions")), &extensions) // checked above
			if msg := missingQuery("the query string", q.Get("query"), extensions, "/graphql?query={__typename}"); msg != "" {
				refuse(w, msg)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// paramsProblem decodes a POST body as gqlgen's POST transport does and
// says what is wrong with it, or "" when gqlgen can take it.
func paramsProblem(body []byte) string {
	var params graphql.RawParams
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	err := dec.Decode(&params)
	if err == nil {
		return missingQuery("the request body", params.Query, params.Extensions, `{"query": "{ __typename }"}`)
	}
	return describeJSONError("the request body", body, err,
		`send a JSON object such as {"query": "{ __typename }", "variables": {}}`)
}

// missingQuery says what is wrong with a request that has no query and no
// persisted query's hash to look one up by (extensions.persistedQuery):
// it is not a GraphQL-over-HTTP request at all, which gqlgen would answer as
// a failed validation ("no operation provided"). "" when it has either.
func missingQuery(where, query string, extensions map[string]any, example string) string {
	if query != "" || extensions["persistedQuery"] != nil {
		return ""
	}
	return fmt.Sprintf(`%s has no "query" parameter (is it misspelt?); send the GraphQL document in it, e.g. %s`, where, example)
}

// jsonObjectProblem checks a GET parameter that must be a JSON object.
func jsonObjectProblem(name string, v []byte) string {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	err := dec.Decode(&m)
	if err == nil {
		return ""
	}
	return describeJSONError("the "+name+" parameter", v, err, "send a JSON object")
}

// describeJSONError says, without quoting the input, why what (the body or
// a parameter) could not be decoded: encoding/json's errors name at most
// one character of it, an offset, a field and the JSON type found.
func describeJSONError(what string, data []byte, err error, hint string) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return fmt.Sprintf("%s is empty; %s", what, hint)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Sprintf("%s is not valid JSON: it ends early, at offset %d; %s", what, len(data), hint)
	case errors.As(err, &syntax):
		return fmt.Sprintf("%s is not valid JSON: %s at offset %d", what, strings.TrimPrefix(syntax.Error(), "json: "), syntax.Offset)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return fmt.Sprintf("%s must be a JSON object, not a JSON %s (one operation per request; batches are not supported); %s", what, typ.Value, hint)
		}
		return fmt.Sprintf("%s: field %q must be %s, not a JSON %s (the value that ends at offset %d)", what, typ.Field, jsonTypeName(typ.Type.Kind()), typ.Value, typ.Offset)
	}
	return fmt.Sprintf("%s could not be decoded; %s", what, hint)
}

// jsonTypeName names in JSON terms the Go kind a field decodes into.
func jsonTypeName(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "a string"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Bool:
		return "a boolean"
	}
	return "a " + k.String()
}

func writeError(w http.ResponseWriter, status int, gqlErr map[string]any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{gqlErr}})
}

// operationKey carries, per request, the operation name and error codes of
// the response to the request log.
type operationKey struct{}

type operationInfo struct {
	name  string
	codes []string
	token string // the name of the request's access token (security.go)
}

// NoteOperation is the GraphQL handler's response hook for the request
// log: it records the operation's name and its errors' codes.
func NoteOperation(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if info, ok := ctx.Value(operationKey{}).(*operationInfo); ok && resp != nil {
		info.name = OperationName(ctx)
		for _, e := range resp.Errors {
			code, _ := e.Extensions["code"].(string)
			info.codes = append(info.codes, code)
		}
	}
	return resp
}

// OperationName is the request's operation name, or "anonymous".
func OperationName(ctx context.Context) string {
	if !graphql.HasOperationContext(ctx) {
		return "anonymous"
	}
	op := graphql.GetOperationContext(ctx)
	switch {
	case op.OperationName != "":
		return op.OperationName
	case op.Operation != nil && op.Operation.Name != "":
		return op.Operation.Name
	}
	return "anonymous"
}

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests writes one structured log line per request.
func logRequests(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &operationInfo{}
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), operationKey{}, info)))
		level := slog.LevelInfo
		if r.URL.Path == "/healthz" || r.URL.Path == "/metrics" {
			level = slog.LevelDebug
		}
		if !logger.Enabled(r.Context(), level) {
			return
		}
		// Typed attributes: no value is boxed into an interface.
		attrs := make([]slog.Attr, 0, 9)
		attrs = append(attrs,
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", sw.status), slog.Int("bytes", sw.bytes),
			slog.Duration("took", time.Since(start)), slog.String("remote", r.RemoteAddr),
		)
		if info.name != "" {
			attrs = append(attrs, slog.String("operation", info.name))
		}
		if len(info.codes) > 0 {
			attrs = append(attrs, slog.Any("errors", info.codes))
		}
		if info.token != "" {
			attrs = append(attrs, slog.String("token", info.token))
		}
		logger.LogAttrs(r.Context(), level, "request", attrs...)
	})
}
