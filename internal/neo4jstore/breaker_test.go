package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jtest"
)

var (
	errDown = fmt.Errorf("nodes: %w: ConnectivityError: connection refused", kg.ErrUnavailable)
	// Neo4j answered, with an error of its own: Neo4j is reachable.
	errNeo4j = fmt.Errorf("nodes: %w", &neo4j.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError"})
	// The query ran out of time: says nothing about reachability.
	errSlow = fmt.Errorf("nodes: %w: %w", kg.ErrTimeout, context.DeadlineExceeded)
)

func mustAllow(t *testing.T, b *breaker, step string) func(error) {
	t.Helper()
	done, err := b.allow()
	if err != nil {
		t.Fatalf("%s: allow() = %v, want the read let through", step, err)
	}
	return done
}

func mustRefuse(t *testing.T, b *breaker, step string) {
	t.Helper()
	done, err := b.allow()
	if err == nil {
		done(nil)
		t.Fatalf("%s: allow() let the read through, want it refused", step)
	}
	if !errors.Is(err, kg.ErrUnavailable) || !strings.Contains(err.Error(), "unreachable") || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("%s: allow() = %v, want kg.ErrUnavailable saying Neo4j is unreachable and naming the last failure", step, err)
	}
}

// awaitProbe waits (boundedly) for the cool-down to pass and returns the
// probe's done.
func awaitProbe(t *testing.T, b *breaker, step string) func(error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second) // the cool-down is 50ms: generous
	for {
		done, err := b.allow()
		if err == nil {
			return done
		}
		if !errors.Is(err, kg.ErrUnavailable) {
			t.Fatalf("%s: allow() = %v, want kg.ErrUnavailable while waiting for the probe", step, err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no probe let through within 10s of a 50ms cool-down: %v", step, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestBreakerTrip: only kg.ErrUnavailable opens the breaker, on the first
// one; while open, reads are refused at once and writes and pings are not,
// and one that reaches Neo4j closes it. The cool-down is long, so nothing
// here depends on timing.
func TestBreakerTrip(t *testing.T) {
	b := newBreaker(time.Hour)

	// Closed: successes, Neo4j's own errors and timeouts keep it closed.
	for _, err := range []error{nil, errNeo4j, errSlow, errSlow, nil, errSlow} {
		mustAllow(t, b, "closed")(err)
		b.track()(err)
	}
	if b.isOpen() {
		t.Fatal("a breaker that saw no kg.ErrUnavailable is open")
	}

	// One unreachable read opens it: reads are refused.
	mustAllow(t, b, "closed")(errDown)
	if !b.isOpen() {
		t.Fatal("the breaker stayed closed after a kg.ErrUnavailable")
	}
	for i := 0; i < 3; i++ {
		mustRefuse(t, b, "open")
	}

	// Writes and pings still run. One that does not reach Neo4j leaves it
	// open.
	for _, err := range []error{errDown, errSlow} {
		b.track()(err)
	}
	if !b.isOpen() {
		t.Fatal("a write or ping that did not reach Neo4j closed the breaker")
	}
	mustRefuse(t, b, "open after failed writes")

	// One that reaches Neo4j closes it, and reads pass at once. A read
	// that started before (here: a write that started while it was closed)
	// and fails afterwards is ignored.
	b = newBreaker(time.Hour)
	before := b.track()
	mustAllow(t, b, "closed")(errDown)
	mustRefuse(t, b, "open again")
	ping := b.track()
	ping(errNeo4j)
	if b.isOpen() {
		t.Fatal("a ping Neo4j answered left the breaker open")
	}
	mustAllow(t, b, "closed by a ping")(nil)
	before(errDown)
	if b.isOpen() {
		t.Fatal("a failure of a write that started before the breaker was closed opened it")
	}

	// A write or a ping that finds Neo4j unreachable opens a closed breaker.
	b = newBreaker(time.Hour)
	b.track()(errDown)
	if !b.isOpen() {
		t.Fatal("a write that found Neo4j unreachable did not open the breaker")
	}
	mustRefuse(t, b, "opened by a write")
}

// TestBreakerProbe walks the breaker through an outage with a short
// cool-down: opened by a failure, one probe at a time after the cool-down,
// a probe that times out giving its place to the next, a failed probe
// opening it again, a successful one closing it, and a failure of a query
// that started before all this ignored. It asserts states, not durations.
func TestBreakerProbe(t *testing.T) {
	b := newBreaker(50 * time.Millisecond)

	// A read that starts before the outage and fails at the end of it.
	stale := mustAllow(t, b, "before the outage")

	mustAllow(t, b, "closed")(errDown)
	if !b.isOpen() {
		t.Fatal("the breaker stayed closed after a kg.ErrUnavailable")
	}

	// After the cool-down one probe passes, and only one.
	probe := awaitProbe(t, b, "first probe")
	for i := 0; i < 3; i++ {
		mustRefuse(t, b, "while the probe runs")
	}
	b.track()(errSlow) // a write meanwhile neither waits nor takes the probe's place
	mustRefuse(t, b, "while the probe runs, after a write")

	// The probe times out: no news, the next read is the probe.
	probe(errSlow)
	probe = mustAllow(t, b, "after a probe that timed out")
	mustRefuse(t, b, "while the second probe runs")

	// The probe fails: open again, another probe after another cool-down.
	probe(errDown)
	if !b.isOpen() {
		t.Fatal("a failed probe closed the breaker")
	}
	probe = awaitProbe(t, b, "third probe")

	// The probe succeeds: closed, everything passes.
	probe(nil)
	if b.isOpen() {
		t.Fatal("the breaker is still open after a successful probe")
	}
	for i := 0; i < 3; i++ {
		mustAllow(t, b, "closed again")(nil)
	}

	// The read that started before the outage fails at last: it says
	// nothing about Neo4j now and the breaker stays closed.
	stale(errDown)
	if b.isOpen() {
		t.Fatal("a failure of a read that started before the breaker closed opened it")
	}
	mustAllow(t, b, "after a stale failure")(nil)

	// A probe that Neo4j answers with an error of its own closes it too.
	mustAllow(t, b, "second outage")(errDown)
	awaitProbe(t, b, "second outage")(errNeo4j)
	if b.isOpen() {
		t.Fatal("the breaker is still open after a probe Neo4j answered")
	}

	// A write that succeeds while a probe runs closes the breaker; the
	// probe failing afterwards is ignored.
	mustAllow(t, b, "third outage")(errDown)
	probe = awaitProbe(t, b, "third outage")
	b.track()(nil)
	if b.isOpen() {
		t.Fatal("the breaker is still open after a successful write")
	}
	probe(errDown)
	if b.isOpen() {
		t.Fatal("a probe that started before a write closed the breaker opened it again")
	}
	mustAllow(t, b, "closed by a write")(nil)
}

// TestBreakerOff: a cool-down <= 0 gives a breaker that never refuses.
func TestBreakerOff(t *testing.T) {
	b := newBreaker(-1)
	if b != nil {
		t.Fatal("a negative cool-down gave a breaker")
	}
	mustAllow(t, b, "off")(errDown)
	b.track()(errDown)
	if b.isOpen() {
		t.Fatal("a breaker turned off is open")
	}
	mustAllow(t, b, "off")(nil)
}

// TestTranslateContextExpiry: an expired request context is TIMEOUT for a
// query that was slow, and UNAVAILABLE when the database could not be
// reached while the time ran out.
func TestTranslateContextExpiry(t *testing.T) {
	expired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	tests := []struct {
		name        string
		ctx         context.Context
		err         error
		unreachable bool
		want        error
	}{
		{"slow query, context expired", expired, context.DeadlineExceeded, false, kg.ErrTimeout},
		{"slow query, driver reports the expiry as a connectivity error", expired,
			&neo4j.ConnectivityError{Inner: context.DeadlineExceeded}, false, kg.ErrTimeout},
		{"expired while waiting to retry a refused connection", expired,
			&neo4j.TransactionExecutionLimit{Cause: "context deadline exceeded", Errors: []error{&neo4j.ConnectivityError{Inner: refused}}},
			false, kg.ErrUnavailable},
		{"expired while waiting to retry a cut connection", expired,
			&neo4j.TransactionExecutionLimit{Cause: "context deadline exceeded", Errors: []error{io.EOF}},
			false, kg.ErrUnavailable},
		{"expired while waiting to retry a database that is starting", expired,
			&neo4j.TransactionExecutionLimit{Cause: "context deadline exceeded", Errors: []error{
				&neo4j.Neo4jError{Code: "Neo.TransientError.General.DatabaseUnavailable"}}},
			false, kg.ErrUnavailable},
		{"expired while waiting to retry a deadlock", expired,
			&neo4j.TransactionExecutionLimit{Cause: "context deadline exceeded", Errors: []error{
				&neo4j.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected"}}},
			false, kg.ErrTimeout},
		{"expired while the breaker is open", expired, &neo4j.ConnectivityError{Inner: context.DeadlineExceeded}, true, kg.ErrUnavailable},
		{"retries exhausted on a refused connection", context.Background(),
			&neo4j.TransactionExecutionLimit{Cause: "timeout (exceeded max retry time: 1s)", Errors: []error{&neo4j.ConnectivityError{Inner: refused}}},
			false, kg.ErrUnavailable},
		{"the server's transaction timeout", context.Background(),
			&neo4j.Neo4jError{Code: "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"}, false, kg.ErrTimeout},
		{"the server's transaction timeout, breaker open", context.Background(),
			&neo4j.Neo4jError{Code: "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"}, true, kg.ErrTimeout},
	}
	for _, tt := range tests {
		got := translateErr(tt.ctx, "q", tt.err, tt.unreachable)
		other := kg.ErrTimeout
		if tt.want == kg.ErrTimeout {
			other = kg.ErrUnavailable
		}
		if !errors.Is(got, tt.want) || errors.Is(got, other) {
			t.Errorf("%s: translate = %v, want %v (and not %v)", tt.name, got, tt.want, other)
		}
	}
}

// TestStoreBreaker: against a Neo4j that drops every connection, the first
// read pays the driver's retry window and fails UNAVAILABLE, and the next
// reads fail without reaching the driver: the query counter does not count
// them, and Neo4j's address sees no further connection.
func TestStoreBreaker(t *testing.T) {
	neo4j := neo4jtest.NewDeadEnd(t)
	ctx := context.Background()
	s, err := Open(ctx, Config{URI: "bolt://" + neo4j.Addr, User: "neo4j", Password: "x", BreakerCooldown: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)

	cctx, counter := WithQueryCounter(ctx)
	_, firstErr := s.read(cctx, "first", "RETURN 1", nil)
	if !errors.Is(firstErr, kg.ErrUnavailable) {
		t.Fatalf("first read: %v, want kg.ErrUnavailable", firstErr)
	}
	dials := neo4j.Dials()
	if dials == 0 {
		t.Fatal("the first read never dialled Neo4j")
	}
	for i := 0; i < 10; i++ {
		_, err = s.read(cctx, "next", "RETURN 1", nil)
		if !errors.Is(err, kg.ErrUnavailable) {
			t.Fatalf("read %d with the breaker open: %v, want kg.ErrUnavailable", i, err)
		}
	}
	if n := counter.Count(); n != 1 {
		t.Errorf("the query counter counted %d queries, want 1 (the refused ones never ran)", n)
	}
	if extra := neo4j.Dials() - dials; extra != 0 {
		t.Errorf("the 10 reads refused by the open breaker dialled Neo4j %d times, want 0", extra)
	}
	// Readiness is not held back by the breaker: it asks Neo4j.
	if err := s.Ping(ctx); !errors.Is(err, kg.ErrUnavailable) {
		t.Errorf("Ping with Neo4j down: %v, want kg.ErrUnavailable", err)
	}
	t.Logf("first read failed: %v\nthen: %v", firstErr, err)
}
