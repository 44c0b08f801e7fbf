package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

type flakyPinger struct{ err error }

func (p *flakyPinger) Ping(context.Context) error { return p.err }

// TestReadyRecovers checks that /readyz asks Neo4j every time, so it turns
// ready again by itself when Neo4j comes back.
func TestReadyRecovers(t *testing.T) {
	p := &flakyPinger{err: errors.New("graph database unavailable: connection refused")}
	cfg := DefaultConfig().withDefaults()
	cfg.Access.AllowedHosts = []string{"example.com"} // the Host of httptest's requests

	h := New(cfg, http.NotFoundHandler(), p, slog.New(slog.DiscardHandler)) // /graphql is never reached
	ready := func() (int, string) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		return w.Code, w.Body.String()
	}
	if code, body := ready(); code != http.StatusServiceUnavailable || body != "not ready: graph database unavailable: connection refused\n" {
		t.Errorf("readyz while down = %d %q", code, body)
	}
	p.err = nil
	if code, body := ready(); code != http.StatusOK || body != "ready\n" {
		t.Errorf("readyz after recovery = %d %q, want 200 ready", code, body)
	}
}
