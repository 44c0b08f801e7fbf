package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"

	"armsgraph/internal/server"
)

// accessOptions are serve's flags for who may reach the server (issue 13).
type accessOptions struct {
	hosts, origins, tokensFile string
	tokensForOps, noTokens     bool
	rate                       float64
	burst                      int
	envErr                     error // a malformed environment variable, reported after parsing
}

// accessFlags registers the access flags, defaulting to the environment.
// No default ever holds a token: the file holds hashes, and its path is
// all that is printed.
func accessFlags(fs *flag.FlagSet, env getenv) *accessOptions {
	o := &accessOptions{}
	fs.StringVar(&o.hosts, "allowed-hosts", env("ARMSGRAPH_ALLOWED_HOSTS"),
		"more host names the server answers to, comma-separated, besides localhost, 127.0.0.1, ::1 and the --addr host; * for any [ARMSGRAPH_ALLOWED_HOSTS]")
	fs.StringVar(&o.origins, "allowed-origins", env("ARMSGRAPH_ALLOWED_ORIGINS"),
		"origins (https://host:port) of other sites whose pages may call the API, with CORS, comma-separated [ARMSGRAPH_ALLOWED_ORIGINS]")
	fs.StringVar(&o.tokensFile, "tokens-file", env("ARMSGRAPH_TOKENS_FILE"),
		"file of hashed access tokens (armsgraph token makes them); when set, /graphql needs Authorization: Bearer <token> [ARMSGRAPH_TOKENS_FILE]")
	o.tokensForOps = o.envBool(env, "ARMSGRAPH_TOKENS_FOR_OPS")
	fs.BoolVar(&o.tokensForOps, "tokens-for-ops", o.tokensForOps, "with a tokens file, /readyz and /metrics need a token too [ARMSGRAPH_TOKENS_FOR_OPS]")
	o.noTokens = o.envBool(env, "ARMSGRAPH_INSECURE_NO_TOKENS")
	fs.BoolVar(&o.noTokens, "insecure-no-tokens", o.noTokens,
		"serve a non-loopback address without tokens, so that anyone who reaches it reads the whole graph [ARMSGRAPH_INSECURE_NO_TOKENS]")
	o.rate = server.DefaultRate
	if v := env("ARMSGRAPH_RATE_LIMIT"); v != "" {
		var err error
		if o.rate, err = strconv.ParseFloat(v, 64); err != nil {
			o.envErr = fmt.Errorf("ARMSGRAPH_RATE_LIMIT=%q is not a number of requests a second (such as 20, or -1 for no limit)", v)
		}
	}
	fs.Float64Var(&o.rate, "rate-limit", o.rate, "requests a second one token may make, sustained; negative for no limit [ARMSGRAPH_RATE_LIMIT]")
	o.burst = server.DefaultBurst
	if v := env("ARMSGRAPH_RATE_BURST"); v != "" {
		var err error
		if o.burst, err = strconv.Atoi(v); err != nil || o.burst < 1 {
			o.envErr = fmt.Errorf("ARMSGRAPH_RATE_BURST=%q is not a whole number of requests (such as 40)", v)
		}
	}
	fs.IntVar(&o.burst, "rate-burst", o.burst, "requests one token may make at once [ARMSGRAPH_RATE_BURST]")
	return o
}

func (o *accessOptions) envBool(env getenv, key string) bool {
	v := env(key)
	if v == "" {
		return false
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		o.envErr = fmt.Errorf("%s=%q is not true or false", key, v)
	}
	return b
}

// build checks the options against the listen address and returns the
// server's access settings: on a non-loopback address it refuses to go on
// without tokens unless --insecure-no-tokens says so, and then it says so
// loudly.
func (o *accessOptions) build(addr string, logger *slog.Logger) (server.Access, error) {
	if o.envErr != nil {
		return server.Access{}, o.envErr
	}
	if o.burst < 1 {
		return server.Access{}, fmt.Errorf("--rate-burst %d: want at least 1", o.burst)
	}
	a := server.Access{
		AllowedHosts:   splitList(o.hosts),
		AllowedOrigins: splitList(o.origins),
		TokensForOps:   o.tokensForOps,
		Rate:           o.rate,
		Burst:          o.burst,
	}
	for _, origin := range a.AllowedOrigins {
		if !strings.HasPrefix(origin, "http://") && !strings.HasPrefix(origin, "https://") || strings.Count(origin, "/") != 2 {
			return server.Access{}, fmt.Errorf("allowed origin %q: want scheme://host[:port] with no path, such as https://notebook.example (ARMSGRAPH_ALLOWED_ORIGINS, --allowed-origins)", origin)
		}
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return server.Access{}, fmt.Errorf("listen address %q: %w (want host:port, such as 127.0.0.1:8080; set ARMSGRAPH_ADDR or --addr)", addr, err)
	}
	switch ip := net.ParseIP(host); {
	case host == "", ip != nil && ip.IsUnspecified(): // every interface: no name of its own
	case host == "localhost", host == "127.0.0.1", host == "::1": // allowed already
	default:
		a.AllowedHosts = append(a.AllowedHosts, host)
	}
	loopback := server.IsLoopbackHost(host)
	if o.tokensFile != "" {
		tokens, err := server.LoadTokens(o.tokensFile, logger)
		if err != nil {
			return server.Access{}, err
		}
		a.Tokens = tokens
	} else if !loopback && !o.noTokens {
		return server.Access{}, fmt.Errorf("listening on %s, which other machines can reach, without access tokens would let anyone read the whole graph: "+
			"set ARMSGRAPH_TOKENS_FILE (--tokens-file; make tokens with armsgraph token), or listen on 127.0.0.1, "+
			"or, to serve without tokens all the same, set ARMSGRAPH_INSECURE_NO_TOKENS=true (--insecure-no-tokens)", addr)
	}
	if a.Tokens == nil && !loopback {
		logger.Warn("SECURITY: access tokens are OFF on a non-loopback address: anyone who can reach it can read the whole graph",
			"addr", addr, "setting", "ARMSGRAPH_INSECURE_NO_TOKENS")
	}
	attrs := []any{"allowed_hosts", append([]string{"localhost", "127.0.0.1", "::1"}, a.AllowedHosts...), "allowed_origins", a.AllowedOrigins}
	if a.Tokens != nil {
		attrs = append(attrs, "tokens_file", a.Tokens.Path(), "tokens", len(a.Tokens.Names()), "tokens_for_ops", a.TokensForOps, "rate_limit", a.Rate, "rate_burst", a.Burst)
		if len(a.Tokens.Names()) == 0 {
			logger.Warn("the tokens file holds no token: every API request will be refused until one is added", "tokens_file", a.Tokens.Path())
		}
	} else {
		attrs = append(attrs, "tokens", "off")
	}
	logger.Info("access", attrs...)
	return a, nil
}

// splitList splits a comma-separated setting, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
