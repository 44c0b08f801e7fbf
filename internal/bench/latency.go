package bench

import (
	"context"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Latency summarises one timed run of a query at one concurrency.
type Latency struct {
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	Seconds  float64 `json:"seconds"`
	RPS      float64 `json:"rps"`
	MeanMs   float64 `json:"mean_ms"`
	P50Ms    float64 `json:"p50_ms"`
	P95Ms    float64 `json:"p95_ms"`
	P99Ms    float64 `json:"p99_ms"`
	MaxMs    float64 `json:"max_ms"`
	// FirstError is the first error seen, if any, so a failing side is explained.
	FirstError string `json:"first_error,omitempty"`
}

// percentile returns the p-th percentile (0-100) of sorted samples, by the
// nearest-rank method.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

func ms(d time.Duration) float64 { return math.Round(float64(d)/1e4) / 100 } // milliseconds, 2 decimals

// summarize turns latencies into a Latency.
func summarize(samples []time.Duration, errs int, firstErr error, wall time.Duration) Latency {
	slices.Sort(samples)
	l := Latency{Requests: len(samples) + errs, Errors: errs, Seconds: math.Round(wall.Seconds()*100) / 100}
	if firstErr != nil {
		l.FirstError = firstErr.Error()
	}
	if len(samples) == 0 {
		return l
	}
	var sum time.Duration
	for _, s := range samples {
		sum += s
	}
	l.MeanMs = ms(sum / time.Duration(len(samples)))
	l.P50Ms = ms(percentile(samples, 50))
	l.P95Ms = ms(percentile(samples, 95))
	l.P99Ms = ms(percentile(samples, 99))
	l.MaxMs = ms(samples[len(samples)-1])
	if wall > 0 {
		l.RPS = math.Round(float64(len(samples))/wall.Seconds()*10) / 10
	}
	return l
}

// load runs call from `workers` goroutines, issuing requests until
// duration has passed or maxRequests were issued, whichever comes first;
// call i gets the request number, so workers cycle through the targets.
// A request in flight when the time is up is let finish (each is bounded by
// the query timeout), so a query slower than the run still yields figures.
// Both bounds hold: the loop never runs unbounded.
func load(ctx context.Context, workers int, duration time.Duration, maxRequests int, call func(ctx context.Context, i int) error) Latency {
	run := loadRun(ctx, workers, duration, maxRequests, call)
	return summarize(run.samples, run.errs, run.firstErr, run.wall)
}

// run is the raw outcome of one timed run, so that runs can be pooled.
type run struct {
	samples  []time.Duration
	errs     int
	firstErr error
	wall     time.Duration
}

// add pools another run into r.
func (r *run) add(o run) {
	r.samples = append(r.samples, o.samples...)
	r.errs += o.errs
	if r.firstErr == nil {
		r.firstErr = o.firstErr
	}
	r.wall += o.wall
}

// loadRun is load without the summary.
func loadRun(ctx context.Context, workers int, duration time.Duration, maxRequests int, call func(ctx context.Context, i int) error) run {
	deadline := time.Now().Add(duration)
	var next atomic.Int64
	var mu sync.Mutex
	var all []time.Duration
	errs := 0
	var firstErr error
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			myErrs := 0
			var myErr error
			for ctx.Err() == nil && time.Now().Before(deadline) {
				i := int(next.Add(1)) - 1
				if i >= maxRequests {
					break
				}
				t := time.Now()
				err := call(ctx, i)
				took := time.Since(t)
				if err != nil {
					if ctx.Err() != nil {
						break // the whole benchmark was cancelled
					}
					myErrs++
					if myErr == nil {
						myErr = err
					}
					continue
				}
				mine = append(mine, took)
			}
			mu.Lock()
			all = append(all, mine...)
			errs += myErrs
			if firstErr == nil {
				firstErr = myErr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return run{samples: all, errs: errs, firstErr: firstErr, wall: time.Since(start)}
}
