// Command armsgraph loads curated defence-relations facts into Neo4j and
// serves traversal questions over GraphQL. Run `armsgraph help` for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	if err != nil && !errors.Is(err, errUsageShown) {
		fmt.Fprintln(os.Stderr, "armsgraph:", err)
	}
	os.Exit(exitCode(err))
}

// errUsageShown marks an error whose message has already been printed with the usage.
var errUsageShown = errors.New("usage shown")

func exitCode(err error) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsageShown):
		return 2
	}
	return 1
}

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, env getenv, stdout, stderr io.Writer) error
}

type getenv func(string) string

func commands() []command {
	return []command{
		{"serve", "serve the GraphQL API (optionally ingesting a seed folder first)", runServe},
		{"ingest", "validate a seed folder and load it into Neo4j", runIngest},
		{"validate", "check a seed folder without touching Neo4j", runValidate},
		{"import", "convert a register of arms transfers (SIPRI trade register) into a seed folder", runImport},
		{"synth", "write a synthetic seed folder of any size, for benchmarks", runSynth},
		{"bench", "measure ingest and query speed against Neo4j", runBench},
		{"token", "make, revoke or list access tokens for serve --tokens-file", runToken},
		{"health", "exit 0 if a running server is ready (the container health check)", runHealth},
	}
}

func run(ctx context.Context, args []string, env getenv, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], env, stdout, stderr)
		}
	}
	usage(stderr)
	fmt.Fprintf(stderr, "\nunknown command %q\n", args[0])
	return errUsageShown
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "armsgraph: a knowledge graph of defence relations over Neo4j, served as GraphQL.")
	fmt.Fprintln(w, "\nUsage: armsgraph <command> [flags]   (armsgraph <command> --help for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEnvironment: NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE, ARMSGRAPH_ADDR, ARMSGRAPH_LOG_LEVEL,\nARMSGRAPH_ALLOWED_HOSTS, ARMSGRAPH_ALLOWED_ORIGINS, ARMSGRAPH_TOKENS_FILE (serve --help lists the rest).")
}
