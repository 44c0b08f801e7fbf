package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// runHealth is the container's health check: images without a shell or an
// HTTP client (distroless) run the binary itself.
func runHealth(ctx context.Context, args []string, env getenv, stdout, stderr io.Writer) error {
	fs := newFlags("health", "Asks a running server whether it is ready (GET /readyz) and exits 0 if it answers 200,\nelse 1 with the reason: the HEALTHCHECK of the container image.", stderr)
	addr := fs.String("addr", envOr(env, "ARMSGRAPH_ADDR", "127.0.0.1:8080"), "address the server listens on; a wildcard host (0.0.0.0, ::) is asked on 127.0.0.1 [ARMSGRAPH_ADDR]")
	path := fs.String("path", "/readyz", "path to ask: /readyz (Neo4j answers too) or /healthz (process alive)")
	timeout := fs.Duration("timeout", 5*time.Second, "how long to wait for the answer")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return fmt.Errorf("health: bad address %q: %w (want host:port)", *addr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	url := "http://" + net.JoinHostPort(host, port) + *path
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("health: %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health: %s answered %d: %s", url, resp.StatusCode, body)
	}
	fmt.Fprintf(stdout, "%s: %s", url, body)
	return nil
}
