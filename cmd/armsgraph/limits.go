package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"armsgraph/cmd/wiring"
	"armsgraph/internal/neo4jstore"
)

// limitOptions are serve's limits on what one GraphQL request may ask:
// the object budget, the up-front estimate, the nesting, the argument caps.
type limitOptions struct {
	cfg           wiring.Config
	statsInterval time.Duration
	envErrs       []error
}

// intLimit registers one integer limit flag, defaulting to the environment
// variable key, then to def.
func (o *limitOptions) intLimit(fs *flag.FlagSet, env getenv, p *int, name, key string, def int, usage string) {
	*p = def
	if v := env(key); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			o.envErrs = append(o.envErrs, fmt.Errorf("%s=%q is not a whole number (the default is %d)", key, v, def))
		} else {
			*p = n
		}
	}
	fs.IntVar(p, name, *p, usage+" ["+key+"]")
}

// limitFlags registers the limit flags over the server's defaults.
func limitFlags(fs *flag.FlagSet, env getenv) *limitOptions {
	o := &limitOptions{cfg: wiring.DefaultConfig()}
	c := &o.cfg
	l := &c.Limits
	o.intLimit(fs, env, &c.MaxObjects, "max-objects", "ARMSGRAPH_MAX_OBJECTS", c.MaxObjects,
		"object budget of one root field's answer: the field whose answer passes it is stopped with LIMIT_EXCEEDED, naming the size reached")
	o.intLimit(fs, env, &c.MaxComplexity, "max-complexity", "ARMSGRAPH_MAX_COMPLEXITY", 0,
		"estimated answer size, in objects from the graph's statistics, above which an operation is refused before it runs; 0 means 10 × --max-objects")
	o.intLimit(fs, env, &c.MaxDepth, "max-depth", "ARMSGRAPH_MAX_DEPTH", c.MaxDepth, "how deeply an operation may nest fields")
	o.intLimit(fs, env, &c.MaxRootFields, "max-root-fields", "ARMSGRAPH_MAX_ROOT_FIELDS", c.MaxRootFields, "top-level fields (aliases count) of one operation")
	o.intLimit(fs, env, &l.MaxLineageDepth, "max-lineage-depth", "ARMSGRAPH_MAX_LINEAGE_DEPTH", l.MaxLineageDepth, "cap of lineage maxDepth")
	o.intLimit(fs, env, &l.MaxPathHops, "max-path-hops", "ARMSGRAPH_MAX_PATH_HOPS", l.MaxPathHops, "cap of paths maxHops")
	o.intLimit(fs, env, &l.MaxPaths, "max-paths", "ARMSGRAPH_MAX_PATHS", l.MaxPaths, "cap of paths limit")
	o.intLimit(fs, env, &l.MaxNeighborhoodDepth, "max-neighborhood-depth", "ARMSGRAPH_MAX_NEIGHBORHOOD_DEPTH", l.MaxNeighborhoodDepth, "cap of neighborhood depth")
	o.intLimit(fs, env, &l.MaxNeighborhoodNodes, "max-neighborhood-nodes", "ARMSGRAPH_MAX_NEIGHBORHOOD_NODES", l.MaxNeighborhoodNodes, "cap of neighborhood limit")
	o.intLimit(fs, env, &l.MaxPageSize, "max-page-size", "ARMSGRAPH_MAX_PAGE_SIZE", l.MaxPageSize, "cap of weapons and people first")
	o.intLimit(fs, env, &l.MaxSearchResults, "max-search-results", "ARMSGRAPH_MAX_SEARCH_RESULTS", l.MaxSearchResults, "cap of search first")
	o.intLimit(fs, env, &l.MaxResolveResults, "max-resolve-results", "ARMSGRAPH_MAX_RESOLVE_RESULTS", l.MaxResolveResults, "cap of resolve limit")
	o.statsInterval = time.Minute
	if v := env("ARMSGRAPH_STATS_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			o.envErrs = append(o.envErrs, fmt.Errorf("ARMSGRAPH_STATS_INTERVAL=%q is not a positive duration (such as 1m)", v))
		} else {
			o.statsInterval = d
		}
	}
	fs.DurationVar(&o.statsInterval, "stats-interval", o.statsInterval,
		"how often to look for a changed graph (count-store lookups) and, when it changed, re-read the statistics the cost estimate uses [ARMSGRAPH_STATS_INTERVAL]")
	return o
}

// check reports the environment values that did not parse.
func (o *limitOptions) check() error { return errors.Join(o.envErrs...) }

// attrs are the limits for the start-up log.
func (o *limitOptions) attrs() []any {
	c := o.cfg
	est := c.MaxComplexity
	if est == 0 {
		est = 10 * c.MaxObjects
	}
	return []any{"max_objects", c.MaxObjects, "max_complexity", est, "max_depth", c.MaxDepth, "max_root_fields", c.MaxRootFields,
		"limits", fmt.Sprintf("%+v", c.Limits), "stats_interval", o.statsInterval}
}

// watchStats reads the graph's statistics now, then in a goroutine every
// interval until ctx ends; the returned stop ends that goroutine and waits
// for it, so that the store can be closed after it. The first read runs in
// the caller's goroutine, before the server takes requests: the driver's
// first connection is then made by one goroutine alone. Each round costs a
// few count-store lookups; the scans behind the largest degrees run only
// when the counts changed (an ingest).
func watchStats(ctx context.Context, store *neo4jstore.Store, every time.Duration, logger *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	read := func() {
		start := time.Now()
		before := store.CachedStats()
		st, err := store.Stats(ctx)
		if err != nil {
			if ctx.Err() == nil {
				logger.Warn("graph statistics not read; the cost estimate uses its priors until they are", "err", err)
			}
			return
		}
		if st != before {
			logger.Info("graph statistics read", "entities", st.Entities(), "took", since(start))
		}
	}
	read()
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				read()
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}
