package reliability

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"armsgraph/cmd/wiring"
	"armsgraph/internal/ingest"
)

// TestLoad runs the query mix (loadMix) against the real server on a
// loopback listener over the project's seeds, with a fixed number of
// concurrent clients for a fixed time, and checks that no request fails and
// that the process's memory stays flat (the live heap with nothing in flight
// does not grow from quarter to quarter of the run). The figures are logged.
//
// make test: 6 s at concurrency 16; make soak: 60 s at concurrency 32.
// ARMSGRAPH_LOAD_DURATION and ARMSGRAPH_LOAD_CONCURRENCY override both.
func TestLoad(t *testing.T) {
	dur, conc := 6*time.Second, 16
	if soak {
		dur, conc = 60*time.Second, 32
	}
	dur = envDuration("ARMSGRAPH_LOAD_DURATION", dur)
	conc = envInt("ARMSGRAPH_LOAD_CONCURRENCY", conc)

	db := sharedDB(t)
	store := openStore(t, db, "")
	load(t, store, projectSeeds(t), ingest.Options{})
	a := startAPI(t, store, wiring.Config{}, conc)
	verifyMix(t, a)

	// Warm up: connections, the query cache, Neo4j's plan cache.
	warm, cancelWarm := context.WithTimeout(context.Background(), min(2*time.Second, dur/4))
	runLoad(warm, a, conc, func(outcome) {})
	cancelWarm()

	// The run is cut into four quarters. In the middle of each, a sample is
	// taken under load (what the requests in flight hold); at the end of
	// each, the clients pause and a sample is taken with nothing in flight.
	// Memory is flat when the idle samples do not grow from quarter to
	// quarter.
	start := time.Now()
	idle := []memSample{sampleMemory(start)}
	var busy []memSample
	var c collector
	var loadTime time.Duration
	for q := 0; q < 4; q++ {
		qStart := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), dur/4)
		sampled := make(chan memSample, 1)
		go func() {
			select {
			case <-time.After(dur / 8):
				sampled <- sampleMemory(start)
			case <-ctx.Done():
				sampled <- memSample{}
			}
		}()
		runLoad(ctx, a, conc, c.add)
		cancel()
		loadTime += time.Since(qStart)
		if s := <-sampled; s.HeapAlloc > 0 {
			busy = append(busy, s)
		}
		time.Sleep(300 * time.Millisecond) // let the connections go idle
		idle = append(idle, sampleMemory(start))
	}
	elapsed := loadTime

	all := c.snapshot()
	var failed []outcome
	byOp := map[string][]outcome{}
	for _, o := range all {
		byOp[o.Op] = append(byOp[o.Op], o)
		if !o.Success {
			failed = append(failed, o)
		}
	}
	var report strings.Builder
	fmt.Fprintf(&report, "load: %d requests in %s at concurrency %d = %.1f req/s, %d errors\n",
		len(all), elapsed.Round(time.Millisecond), conc, float64(len(all))/elapsed.Seconds(), len(failed))
	fmt.Fprintf(&report, "  all           %s\n", latencies(all))
	for _, op := range loadMix {
		fmt.Fprintf(&report, "  %-13s %s\n", op.name, latencies(byOp[op.name]))
	}
	for _, m := range busy {
		fmt.Fprintf(&report, "  memory under load %s\n", m)
	}
	for _, m := range idle {
		fmt.Fprintf(&report, "  memory idle       %s\n", m)
	}
	first, last := idle[0], idle[len(idle)-1]
	fmt.Fprintf(&report, "  heap %.1fMB → %.1fMB, rss %.1fMB → %.1fMB, goroutines %d → %d",
		mb(first.HeapAlloc), mb(last.HeapAlloc), mb(first.RSS), mb(last.RSS), first.Goroutines, last.Goroutines)
	t.Log(report.String())

	if len(all) == 0 {
		t.Fatal("no request completed")
	}
	if len(failed) > 0 {
		for _, o := range failed[:min(len(failed), 10)] {
			t.Errorf("failed: %s", o)
		}
		t.Fatalf("%d of %d requests failed", len(failed), len(all))
	}
	// Flat memory: the live heap after a GC, with nothing in flight, must
	// not grow with the number of requests served. The first quarter fills
	// the pools and caches (connections, parsed queries); from then on the
	// idle heap stays put.
	if q1, limit := idle[1].HeapAlloc, idle[1].HeapAlloc+idle[1].HeapAlloc/4+4<<20; last.HeapAlloc > limit {
		t.Errorf("idle live heap grew from %.1fMB after the first quarter to %.1fMB at the end (limit %.1fMB): a leak per request?", mb(q1), mb(last.HeapAlloc), mb(limit))
	}
	if limit := first.HeapAlloc*2 + 32<<20; last.HeapAlloc > limit {
		t.Errorf("idle live heap grew from %.1fMB to %.1fMB (limit %.1fMB)", mb(first.HeapAlloc), mb(last.HeapAlloc), mb(limit))
	}
	if last.Goroutines > first.Goroutines+conc/2+10 {
		t.Errorf("goroutines grew from %d to %d: a leak per request?", first.Goroutines, last.Goroutines)
	}
	if logs := a.logs.String(); logs != "" {
		t.Errorf("the server logged warnings or errors under load:\n%s", lastLines(logs, 20))
	}
}
