package neo4jstore

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/sony/gobreaker/v2"

	"armsgraph/internal/kg"
)

// DefaultBreakerCooldown is how long the store refuses reads at once after
// a query found Neo4j unreachable (see breaker).
const DefaultBreakerCooldown = time.Second

// breaker is the store's circuit breaker, a thin adapter over gobreaker's
// TwoStepCircuitBreaker. Once a query has found Neo4j unreachable (the
// driver gave up, after its own retries, with what translate calls
// kg.ErrUnavailable), every other query would pay the same retry window,
// and a request that queries level after level (nested loaders) would pay
// it per level. So the breaker opens on the first such failure, and while
// it is open reads fail at once with kg.ErrUnavailable, without touching
// the driver. After a cool-down it lets one read through as a probe (half
// open): if Neo4j answers it (a result or an error of Neo4j's own) the
// breaker closes and the store serves again by itself; if the probe finds
// Neo4j unreachable the breaker opens for another cool-down; if it neither
// reaches Neo4j nor fails to (it ran out of time, was cancelled), the next
// read is let through as the probe instead. gobreaker ignores the outcome
// of a query that started before the breaker last changed state, so a
// query that began its retries while Neo4j was away and fails after it came
// back does not open the breaker again.
//
// Only reads are held back (allow). Writes and Ping must not be: they use
// track. While the breaker is closed their outcome counts like a read's (a
// ping or a write that finds Neo4j unreachable opens it). While it is open
// or half open gobreaker is not told (it would count them as the probe, and
// a write may run for minutes), but one that reaches Neo4j closes the
// breaker all the same: gobreaker has no reset, so the adapter replaces it
// with a new, closed one (reset). Without that an ingest started just after
// Neo4j came back would write its schema and then have its first read
// refused until the cool-down ran out.
type breaker struct {
	settings gobreaker.Settings
	cb       atomic.Pointer[gobreaker.TwoStepCircuitBreaker[struct{}]]

	mu       sync.Mutex
	openedAt time.Time // when the breaker last opened from closed: the outage began
	lastErr  error     // the last kg.ErrUnavailable a query reported
}

// errAbandoned is the outcome a read reports when it ended without one
// (it panicked): neither a success nor a failure, so a probe that panics
// frees its place for the next one.
var errAbandoned = errors.New("neo4jstore: query ended without an outcome")

// newBreaker returns a closed breaker; a cool-down <= 0 returns nil, a
// breaker that never opens.
func newBreaker(cooldown time.Duration) *breaker {
	if cooldown <= 0 {
		return nil
	}
	b := &breaker{}
	b.settings = gobreaker.Settings{
		Name:        "neo4j",
		MaxRequests: 1,        // one probe at a time while half open; its success closes it
		Interval:    0,        // no periodic reset of the counts while closed
		Timeout:     cooldown, // open for this long, then half open
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= 1 },
		// Only an unreachable Neo4j is a failure, and only a query that
		// reached Neo4j a success; anything else (the query ran out of
		// time, was cancelled) says nothing about reachability and is not
		// counted.
		IsSuccessful: func(err error) bool { return !unreachable(err) },
		IsExcluded:   func(err error) bool { return !reached(err) && !unreachable(err) },
		// Called with gobreaker's lock held: must not call b.cb.
		OnStateChange: func(_ string, from, to gobreaker.State) {
			if from == gobreaker.StateClosed && to == gobreaker.StateOpen {
				b.mu.Lock()
				b.openedAt = time.Now()
				b.mu.Unlock()
			}
		},
	}
	b.cb.Store(gobreaker.NewTwoStepCircuitBreaker[struct{}](b.settings))
	return b
}

// unreachable reports whether a query's translated error says Neo4j could
// not be reached.
func unreachable(err error) bool { return errors.Is(err, kg.ErrUnavailable) }

// reached reports whether a query's translated error shows that Neo4j was
// reached: no error, or an error Neo4j itself answered with (other than
// the ones translate counts as unavailable: the database is down, the
// credentials are refused).
func reached(err error) bool {
	var neoErr *neo4j.Neo4jError
	return err == nil || (!unreachable(err) && errors.As(err, &neoErr))
}

// allow says whether a read may run now. If so it returns done, which the
// caller must call once with the read's translated error (nil on success).
// Otherwise it returns an error that is kg.ErrUnavailable and names the
// failure that opened the breaker.
func (b *breaker) allow() (done func(error), err error) {
	if b == nil {
		return func(error) {}, nil
	}
	done, err = b.cb.Load().Allow()
	if err == nil {
		return b.recording(done), nil
	}
	b.mu.Lock()
	since, last := time.Since(b.openedAt).Round(time.Millisecond), b.lastErr
	b.mu.Unlock()
	probe := ""
	if errors.Is(err, gobreaker.ErrTooManyRequests) {
		probe = ", a probe is under way"
	}
	return nil, fmt.Errorf("%w: not tried, Neo4j has been unreachable for %s%s; last error: %v",
		kg.ErrUnavailable, since, probe, last)
}

// track is allow for writes and Ping, which are never refused: done
// reports their outcome (see breaker).
func (b *breaker) track() (done func(error)) {
	if b == nil {
		return func(error) {}
	}
	cb := b.cb.Load()
	if cb.State() == gobreaker.StateClosed {
		if done, err := cb.Allow(); err == nil {
			if cb.State() == gobreaker.StateClosed {
				return b.recording(done)
			}
			// The breaker opened and its cool-down passed between the
			// two calls, so this may hold the probe's place: give it back.
			done(errAbandoned)
		}
	}
	return func(err error) {
		if reached(err) {
			b.reset(cb)
		}
	}
}

// reset replaces cb, if it is still the breaker's, with a new, closed
// gobreaker. Outcomes still to be reported to cb are then ignored, as
// gobreaker ignores those from before a change of state.
func (b *breaker) reset(cb *gobreaker.TwoStepCircuitBreaker[struct{}]) {
	if cb.State() != gobreaker.StateClosed {
		b.cb.CompareAndSwap(cb, gobreaker.NewTwoStepCircuitBreaker[struct{}](b.settings))
	}
}

// recording wraps gobreaker's done to keep the last unreachable error for
// the message of refused reads.
func (b *breaker) recording(done func(error)) func(error) {
	return func(err error) {
		if unreachable(err) {
			b.mu.Lock()
			b.lastErr = err
			b.mu.Unlock()
		}
		done(err)
	}
}

// isOpen reports whether the breaker holds Neo4j unreachable now: open, or
// half open waiting for a probe to show it back.
func (b *breaker) isOpen() bool {
	return b != nil && b.cb.Load().State() != gobreaker.StateClosed
}
