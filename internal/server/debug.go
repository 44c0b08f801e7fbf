package server

import (
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"strings"
)

// DebugHandler serves net/http/pprof's profiles under /debug/pprof/. Mount
// it only on the debug listener (ListenDebug), never on the API address.
func DebugHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// ListenDebug opens the debug listener on addr, which must be a loopback
// address: profiles reveal the process's internals and cost CPU, so they
// are never reachable from another host.
func ListenDebug(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("debug address %q: %w (give host:port, e.g. 127.0.0.1:6060)", addr, err)
	}
	if !IsLoopbackHost(host) {
		return nil, fmt.Errorf("debug address %q is not a loopback address; use 127.0.0.1:<port> or [::1]:<port>", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on debug address %s: %w", addr, err)
	}
	return ln, nil
}

// IsLoopbackHost says whether a listen host is reachable from this machine
// only. An empty host or 0.0.0.0 is every interface; a name other than
// localhost is taken as reachable, since what it resolves to may change.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
