package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
)

// BenchmarkAccessChecks measures what the access checks add to a request,
// around a handler that does nothing: the headers and Host/Origin checks
// alone, and with a bearer token checked against a file of 100 (one stat
// of the file, one SHA-256, 100 constant-time compares, one rate-limit
// reservation).
func BenchmarkAccessChecks(b *testing.B) {
	path := filepath.Join(b.TempDir(), "tokens")
	var token string
	for i := range 100 {
		tok, err := AddToken(path, fmt.Sprintf("user%d", i))
		if err != nil {
			b.Fatal(err)
		}
		token = tok
	}
	tokens, err := LoadTokens(path, nil)
	if err != nil {
		b.Fatal(err)
	}
	noop := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	for _, bc := range []struct {
		name   string
		access Access
	}{
		{"headers+host+origin", Access{}},
		{"with-token-of-100", Access{Tokens: tokens, Rate: -1}},
		{"with-token-and-rate-limit", Access{Tokens: tokens, Rate: 1e9, Burst: 1 << 30}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			h := protect(bc.access, nil, noop)
			req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
			req.Host = "127.0.0.1:8080"
			req.Header.Set("Origin", "http://127.0.0.1:8080")
			req.Header.Set("Authorization", "Bearer "+token)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}
