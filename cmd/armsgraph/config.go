package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"armsgraph/internal/neo4jstore"
)

// newFlags builds a subcommand's flag set whose --help prints a summary first.
func newFlags(name, summary string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: armsgraph %s [flags]\n\n%s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; --help prints usage and ends the command successfully.
func parseFlags(fs *flag.FlagSet, args []string) (done bool, err error) {
	err = fs.Parse(args)
	if err == flag.ErrHelp {
		return true, nil
	}
	if err != nil {
		return true, errUsageShown
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return true, errUsageShown
	}
	return false, nil
}

// neo4jFlags registers the connection flags, defaulting to the environment,
// then to the development instance of scripts/neo4j.
func neo4jFlags(fs *flag.FlagSet, env getenv) *neo4jstore.Config {
	def := neo4jstore.DefaultConfig()
	cfg := &neo4jstore.Config{}
	fs.StringVar(&cfg.URI, "neo4j-uri", envOr(env, "NEO4J_URI", def.URI), "Neo4j URI (bolt://, neo4j://, neo4j+s:// …) [NEO4J_URI]")
	fs.StringVar(&cfg.User, "neo4j-user", envOr(env, "NEO4J_USER", def.User), "Neo4j user [NEO4J_USER]")
	secretVar(fs, &cfg.Password, "neo4j-password", envOr(env, "NEO4J_PASSWORD", def.Password),
		"Neo4j `password` [NEO4J_PASSWORD] (default: the development instance's; never printed)")
	fs.StringVar(&cfg.Database, "neo4j-database", envOr(env, "NEO4J_DATABASE", def.Database), "Neo4j database [NEO4J_DATABASE]")
	fs.DurationVar(&cfg.QueryTimeout, "query-timeout", def.QueryTimeout, "limit on one read query, enforced inside Neo4j too")
	fs.DurationVar(&cfg.WriteTimeout, "write-timeout", def.WriteTimeout, "limit on one write transaction")
	return cfg
}

// secret is a flag value that never shows itself: flag's --help prints a
// flag's default through String, and so would print a password taken from
// the environment (NEO4J_PASSWORD=… armsgraph serve --help).
type secret struct{ p *string }

func (s secret) String() string     { return "" }
func (s secret) Set(v string) error { *s.p = v; return nil }

// secretVar registers a string flag whose value, set from the environment
// or the command line, is never printed in the usage.
func secretVar(fs *flag.FlagSet, p *string, name, value, usage string) {
	*p = value
	fs.Var(secret{p}, name, usage)
}

func envOr(env getenv, key, fallback string) string {
	if v := env(key); v != "" {
		return v
	}
	return fallback
}

// describe prints a Neo4j configuration with the password masked.
func describe(cfg *neo4jstore.Config) string {
	pw := "(none)"
	if cfg.Password != "" {
		pw = "****"
	}
	return fmt.Sprintf("uri=%s user=%s password=%s database=%s", cfg.URI, cfg.User, pw, cfg.Database)
}

// documentsDir picks the folder of source documents citations are checked
// against: the flag, else the collection beside the repository if present.
func documentsDir(flagValue string, env getenv) string {
	if flagValue != "" {
		return flagValue
	}
	if v := env("ARMSGRAPH_DOCUMENTS"); v != "" {
		return v
	}
	for _, candidate := range []string{"../shared/seed-documents", "../../shared/seed-documents"} {
		if st, err := os.Stat(candidate); err == nil && st.IsDir() {
			abs, _ := filepath.Abs(candidate)
			return abs
		}
	}
	return ""
}

func newLogger(w io.Writer, env getenv) *slog.Logger {
	level := slog.LevelInfo
	switch strings.ToLower(env("ARMSGRAPH_LOG_LEVEL")) {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

func since(t time.Time) string { return time.Since(t).Round(time.Millisecond).String() }
