package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"armsgraph/cmd/wiring"
	"armsgraph/internal/ingest"
	"armsgraph/internal/neo4jstore"
	"armsgraph/internal/server"
)

func runServe(ctx context.Context, args []string, env getenv, stdout, stderr io.Writer) error {
	fs := newFlags("serve", "Serves the GraphQL API on /graphql, the browser explorer on / (deep links /entity/<id>,\n/lineage/<weapon id>, /paths/<from id>/<to id>, /timeline/<country id>[/<country id>]),\nGraphiQL on /graphiql, /healthz, /readyz and /metrics; every page is embedded (no CDN).\nThe server starts even when Neo4j is down: /readyz answers 503 until Neo4j answers, and\nqueries fail with UNAVAILABLE meanwhile. With --ingest it first loads a seed folder,\nwaiting up to --wait for Neo4j.", stderr)
	addr := fs.String("addr", envOr(env, "ARMSGRAPH_ADDR", "127.0.0.1:8080"), "listen address [ARMSGRAPH_ADDR]")
	seedDir := fs.String("ingest", "", "seed folder to validate and ingest before serving (empty: serve what the graph holds)")
	docs := fs.String("documents", "", "with --ingest: source documents to check citation lines against")
	dataset := fs.String("dataset", "seeds", "with --ingest: owner tag of what the load writes; a later load with the same tag replaces it (as ingest --dataset)")
	wait := fs.Duration("wait", 2*time.Minute, "with --ingest: how long to wait for Neo4j to answer")
	introspection, _ := strconv.ParseBool(envOr(env, "ARMSGRAPH_INTROSPECTION", "true"))
	fs.BoolVar(&introspection, "introspection", introspection, "allow schema introspection [ARMSGRAPH_INTROSPECTION]")
	limits := limitFlags(fs, env)
	def := limits.cfg
	reqTimeout := fs.Duration("request-timeout", def.RequestTimeout, "limit on one GraphQL request")
	webDir := fs.String("web-dir", envOr(env, "ARMSGRAPH_WEB_DIR", ""), "serve the explorer from this built folder (web/dist, see web/README.md) instead of the embedded copy [ARMSGRAPH_WEB_DIR]")
	shutdownGrace := fs.Duration("shutdown-grace", 10*time.Second, "how long in-flight requests may finish on shutdown")
	gcPercent := fs.Int("gc-percent", 400, "Go GC target percentage (GOGC) unless GOGC is set: 400 spends about a third less CPU per request on garbage collection than Go's 100, for more heap; the heap stays under GOMEMLIMIT, 1 GiB unless set")
	debugAddr := fs.String("debug-addr", envOr(env, "ARMSGRAPH_DEBUG_ADDR", ""), "serve Go profiles (net/http/pprof) on this loopback address, e.g. 127.0.0.1:6060; off when empty [ARMSGRAPH_DEBUG_ADDR]")
	cacheBytes, cacheCheck := cacheBytesFlag(fs, env)
	cfg := neo4jFlags(fs, env)
	access := accessFlags(fs, env)
	if done, err := parseFlags(fs, args); done {
		return err
	}
	if err := errors.Join(limits.check(), cacheCheck()); err != nil {
		return err
	}
	def = limits.cfg
	logger := newLogger(stderr, env)
	acc, err := access.build(*addr, logger)
	if err != nil {
		return err
	}
	def.Access = acc
	if env("GOGC") == "" && *gcPercent > 0 {
		debug.SetGCPercent(*gcPercent)
		if env("GOMEMLIMIT") == "" {
			debug.SetMemoryLimit(1 << 30)
		}
	}
	def.RequestTimeout = *reqTimeout
	if cfg.QueryTimeout > def.RequestTimeout {
		// The request's deadline must cover the query's, or clients see a
		// timeout while Neo4j keeps working.
		cfg.QueryTimeout = def.RequestTimeout
	}

	store, err := neo4jstore.Open(ctx, *cfg)
	if err != nil {
		return err
	}
	defer store.Close(context.WithoutCancel(ctx))
	logger.Info("neo4j", "config", describe(cfg), "query_timeout", cfg.QueryTimeout)

	if *seedDir != "" {
		if err := ingestBeforeServing(ctx, store, *seedDir, *dataset, documentsDir(*docs, env), *wait, stdout, stderr); err != nil {
			return err
		}
	}

	scfg := def
	scfg.DisableIntrospection = !introspection
	scfg.WebDir = *webDir
	handler := wiring.New(scfg, store, logger)
	logger.Info("limits", limits.attrs()...)
	stopStats := watchStats(ctx, store, limits.statsInterval, logger)
	defer stopStats() // before the deferred store.Close
	// After the first statistics read: the driver's first connection is
	// made by one goroutine alone. Close stops the generation watcher.
	store.EnableCache(int64(*cacheBytes))
	logger.Info("result cache", "bytes", cacheBytes.String(), "generation_poll", neo4jstore.GenerationPoll, "max_staleness", neo4jstore.MaxStaleness)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (set ARMSGRAPH_ADDR or --addr to a free address)", *addr, err)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      scfg.RequestTimeout + 5*time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	if *debugAddr != "" {
		dln, err := server.ListenDebug(*debugAddr)
		if err != nil {
			ln.Close()
			return err
		}
		dsrv := &http.Server{Handler: server.DebugHandler(), ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = dsrv.Serve(dln) }()
		defer dsrv.Close()
		fmt.Fprintf(stdout, "pprof     http://%s/debug/pprof/\n", dln.Addr())
	}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "explorer  %s/\nGraphQL   %s/graphql\nGraphiQL  %s/graphiql\nhealth    %s/healthz   ready %s/readyz   metrics %s/metrics\n", base, base, base, base, base, base)
	if err := store.Ping(ctx); err != nil {
		logger.Warn("neo4j is not reachable yet; /readyz answers 503 until it is", "err", err)
	}

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve %s: %w", *addr, err)
	case <-ctx.Done():
	}
	logger.Info("shutting down", "grace", *shutdownGrace)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), *shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}

// ingestBeforeServing validates a seed folder, waits for Neo4j and loads it.
func ingestBeforeServing(ctx context.Context, store *neo4jstore.Store, dir, dataset, docs string, wait time.Duration, stdout, stderr io.Writer) error {
	folder, _, err := loadSeeds(ctx, dir, "", docs, stderr)
	if err != nil {
		return err
	}
	if err := waitForNeo4j(ctx, store, wait, stderr); err != nil {
		return err
	}
	sum, err := ingest.Run(ctx, store, folder, ingest.Options{Dataset: dataset, Progress: stderr})
	if err != nil {
		return fmt.Errorf("ingest %s: %w", dir, err)
	}
	sum.Write(stdout)
	return nil
}

func waitForNeo4j(ctx context.Context, store *neo4jstore.Store, wait time.Duration, stderr io.Writer) error {
	deadline := time.Now().Add(wait)
	for {
		err := store.Ping(ctx)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("Neo4j did not answer within %s: %w", wait, err)
		}
		fmt.Fprintf(stderr, "waiting for Neo4j: %v\n", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}
