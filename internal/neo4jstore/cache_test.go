package neo4jstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jstore"
)

// testResultCache drives one store's result cache through a load's two
// generation bumps, statement by statement, so that each step of the
// protocol (cache.go) is checked without timing luck: a miss that finds
// the generation moved is not cached and marks its request; a request
// pinned while a load runs is answered from the cache alone; the load's
// end lets the next request run on the new generation.
func testResultCache(t *testing.T, s *neo4jstore.Store) {
	ctx := context.Background()
	// One load first: the graph's Generation node and its epoch exist.
	if err := s.BeginLoad(ctx, "fixture"); err != nil {
		t.Fatal(err)
	}
	if err := s.EndLoad(ctx, "fixture", 1, 0); err != nil {
		t.Fatal(err)
	}
	s.EnableCache(1 << 20)
	known := func(t *testing.T, what string, ok func(neo4jstore.Generation) bool) neo4jstore.Generation {
		t.Helper()
		wait, cancel := context.WithTimeout(ctx, neo4jstore.MaxStaleness+time.Second)
		defer cancel()
		for {
			g, at := s.KnownGeneration()
			if !at.IsZero() && ok(g) {
				return g
			}
			if wait.Err() != nil {
				t.Fatalf("the store's generation watcher never saw %s (last: %+v at %v)", what, g, at)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	stable := known(t, "a generation with no load", func(g neo4jstore.Generation) bool { return !g.Loading && g.Epoch != "" })
	iran, china := []string{"country/iran"}, []string{"country/china"}

	pctx, pin := s.PinGeneration(ctx)
	if !pin.Cached() || pin.Frozen() || pin.Generation() != stable {
		t.Fatalf("pin with no load running: cached %v frozen %v generation %+v, want cached, not frozen, %+v", pin.Cached(), pin.Frozen(), pin.Generation(), stable)
	}
	before := s.CacheStats()
	if _, _, err := s.Nodes(pctx, iran); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Nodes(pctx, iran); err != nil {
		t.Fatal(err)
	}
	if got := s.CacheStats(); got.Misses != before.Misses+1 || got.Hits != before.Hits+1 || got.Entries != before.Entries+1 {
		t.Fatalf("CacheStats after the same statement twice = %+v, want one more miss, hit and entry than %+v", got, before)
	}

	if err := s.BeginLoad(ctx, "fixture"); err != nil {
		t.Fatal(err)
	}
	entries := s.CacheStats().Entries
	if _, _, err := s.Nodes(pctx, china); err != nil {
		t.Fatal(err)
	}
	if !pin.Straddled() || s.CacheStats().Entries != entries {
		t.Errorf("a miss after a load began: Straddled() = %v, entries %d → %d; want true and nothing cached", pin.Straddled(), entries, s.CacheStats().Entries)
	}

	// The miss's check told the store a load is running.
	fctx, frozen := s.PinGeneration(ctx)
	if !frozen.Frozen() || frozen.Generation() != stable {
		t.Fatalf("pin while a load runs: frozen %v generation %+v, want frozen on %+v", frozen.Frozen(), frozen.Generation(), stable)
	}
	if got, _, err := s.Nodes(fctx, iran); err != nil || len(got) != 1 || frozen.Straddled() {
		t.Errorf("a cached statement of a frozen request = %v, %v (straddled %v), want Iran from the cache", got, err, frozen.Straddled())
	}
	if _, _, err := s.Nodes(fctx, china); !errors.Is(err, kg.ErrUnavailable) || !frozen.Straddled() {
		t.Errorf("a statement not cached of a frozen request = %v (straddled %v), want ErrUnavailable and straddled", err, frozen.Straddled())
	}
	if !frozen.Dropped() || neo4jstore.PinOf(fctx) != frozen {
		t.Errorf("a straddled frozen pin: Dropped() = %v, PinOf = %p; want true and the pin %p", frozen.Dropped(), neo4jstore.PinOf(fctx), frozen)
	}
	if uctx, unfrozen := s.PinGenerationUnfrozen(ctx); unfrozen.Cached() {
		t.Errorf("an unfrozen pin while a load runs reads through the cache, want it to bypass it")
	} else if _, _, err := s.Nodes(uctx, china); err != nil || unfrozen.Dropped() {
		t.Errorf("a last answer while a load runs = %v, dropped %v; want it read from Neo4j and sent", err, unfrozen.Dropped())
	}

	if err := s.EndLoad(ctx, "fixture", 1, 0); err != nil {
		t.Fatal(err)
	}
	s.AwaitLoad(ctx, frozen)
	next := known(t, "the load's end", func(g neo4jstore.Generation) bool { return !g.Loading && g.Value == stable.Value+2 })
	nctx, live := s.PinGeneration(ctx)
	if !live.Cached() || live.Frozen() || live.Generation() != next {
		t.Errorf("pin after the load: cached %v frozen %v generation %+v, want cached on %+v", live.Cached(), live.Frozen(), live.Generation(), next)
	}
	if got, _, err := s.Nodes(nctx, china); err != nil || len(got) != 1 || live.Straddled() {
		t.Errorf("a statement after the load = %v, %v (straddled %v), want China from Neo4j", got, err, live.Straddled())
	}
}
