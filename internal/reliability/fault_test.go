package reliability

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"armsgraph/cmd/wiring"
	"armsgraph/internal/ingest"
	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jstore"
)

// These are the quick fault tests of make test. Neo4j "fails" behind a TCP
// proxy (boltProxy): the proxy drops new connections and cuts the open
// ones, which is what a client sees when Neo4j crashes or stops, and comes
// back on the same port. The soak tests (fault_soak_test.go) do the same
// with a real Neo4j that they stop and restart.

// tripWriter is the store as the ingester sees it, which calls trip once
// after at least after rows have been written (by every method that
// writes nodes or relationships).
type tripWriter struct {
	ingest.Writer
	after   int
	written atomic.Int64
	once    sync.Once
	trip    func()
	tripped chan struct{}
}

func newTripWriter(w ingest.Writer, after int, trip func()) *tripWriter {
	return &tripWriter{Writer: w, after: after, trip: trip, tripped: make(chan struct{})}
}

func (w *tripWriter) count(n int) {
	if int(w.written.Add(int64(n))) >= w.after {
		w.once.Do(func() {
			close(w.tripped)
			w.trip()
		})
	}
}

func (w *tripWriter) UpsertNodes(ctx context.Context, label, dataset string, nodes []kg.Node, dry bool) (neo4jstore.Changes, error) {
	ch, err := w.Writer.UpsertNodes(ctx, label, dataset, nodes, dry)
	if err == nil {
		w.count(len(nodes))
	}
	return ch, err
}

func (w *tripWriter) UpsertRels(ctx context.Context, t kg.RelType, dataset string, rels []kg.Rel, dry bool) (neo4jstore.Changes, error) {
	ch, err := w.Writer.UpsertRels(ctx, t, dataset, rels, dry)
	if err == nil {
		w.count(len(rels))
	}
	return ch, err
}

func (w *tripWriter) CreateRels(ctx context.Context, t kg.RelType, dataset string, rels []kg.Rel) (neo4jstore.Changes, error) {
	ch, err := w.Writer.CreateRels(ctx, t, dataset, rels)
	if err == nil {
		w.count(len(rels))
	}
	return ch, err
}

// TestFaultIngestInterrupted: Neo4j goes away in the middle of an ingest,
// once between two write transactions and once while one commits (the
// commit reaches Neo4j, its answer never reaches the ingester, which cannot
// know whether it took effect). Each time the ingest must fail with an
// error that says the database is unavailable (kg.ErrUnavailable) and leave
// a partial graph, and a second ingest once Neo4j is back must leave
// exactly the graph a clean ingest into an empty database leaves. Both
// interruptions hit a first load, which creates relationships without
// merging them: the repeated ingest must not duplicate any.
func TestFaultIngestInterrupted(t *testing.T) {
	db := sharedDB(t)
	folder, _, nodes, rels := synthSeeds(t, envInt("ARMSGRAPH_FAULT_WEAPONS", 200))
	total := nodes + rels

	load(t, openStore(t, db, ""), folder, ingest.Options{})
	clean := snapshot(t, db)

	for _, atCommit := range []bool{false, true} {
		name := map[bool]string{false: "between transactions", true: "during a commit"}[atCommit]
		t.Run(name, func(t *testing.T) {
			wipeGraph(t, db)
			px := newBoltProxy(t, strings.TrimPrefix(db.URI, "bolt://"), atCommit)
			store := openStore(t, db, px.URI())
			// Written by an ingest writer goroutine or the proxy's, read
			// here: atomic (go test -race).
			var tripAt atomic.Int64 // UnixNano of the cut, for the log
			var armed atomic.Bool
			w := newTripWriter(store, total/3, func() {
				tripAt.Store(time.Now().UnixNano())
				if atCommit {
					armed.Store(true) // cut at the next COMMIT
				} else {
					px.Down()
				}
			})
			px.CutAtCommit(func() bool {
				if armed.CompareAndSwap(true, false) {
					tripAt.Store(time.Now().UnixNano())
					return true
				}
				return false
			})
			// The ingest must give up by itself (the driver's retries
			// end): the deadline, far beyond them, only stops a hang, and
			// an ingest it stopped fails the ErrUnavailable check below.
			ctx, cancel := context.WithTimeoutCause(context.Background(), 5*time.Minute,
				errors.New("the ingest did not give up on an unreachable Neo4j within 5 minutes"))
			defer cancel()
			_, err := ingest.Run(ctx, w, folder, ingest.Options{BatchSize: 200})
			failAfter := time.Since(time.Unix(0, tripAt.Load())) // for the log only
			if ctx.Err() != nil {
				t.Fatalf("%v (err %v)", context.Cause(ctx), err)
			}
			select {
			case <-w.tripped:
			default:
				t.Fatalf("the ingest of %d rows ended (err %v) before a third was written", total, err)
			}
			if err == nil {
				t.Fatal("the ingest succeeded although Neo4j went away in its middle")
			}
			if !errors.Is(err, kg.ErrUnavailable) || !strings.Contains(err.Error(), "unavailable") {
				t.Errorf("ingest error = %v\nwant one that is kg.ErrUnavailable and says so", err)
			}
			t.Logf("ingest failed %s after Neo4j went away, after %d of %d rows: %v", failAfter.Round(time.Millisecond), w.written.Load(), total, err)
			partial := count(t, db, "MATCH (n) WHERE n:Entity OR n:Source RETURN count(n)") + count(t, db, "MATCH ()-[r]->() RETURN count(r)")
			if partial == 0 || partial >= int64(total) {
				t.Errorf("after the failure the graph holds %d of %d nodes and relationships, want a part", partial, total)
			}

			// Neo4j is back: the same store (whose pooled connections all
			// died) completes the load.
			px.Up(t)
			load(t, store, folder, ingest.Options{BatchSize: 200})
			if recovered := snapshot(t, db); recovered != clean {
				t.Fatalf("the graph after an interrupted and a repeated ingest differs from a clean ingest: %s", snapshotDiff(clean, recovered))
			}
			t.Logf("after the repeated ingest the graph equals a clean ingest (%d nodes, %d relationships)", nodes, rels)
		})
	}
}

// TestFaultServerRecovers: Neo4j goes away while the server is under load.
// Requests must fail with extensions.code UNAVAILABLE (no other code, no
// TIMEOUT, no panic), each within half the request timeout, /readyz must
// turn 503, and when Neo4j is back the same server must turn ready and
// answer again by itself. (faultRun.run says what exactly it checks.)
func TestFaultServerRecovers(t *testing.T) {
	db := sharedDB(t)
	load(t, openStore(t, db, ""), projectSeeds(t), ingest.Options{})
	px := newBoltProxy(t, strings.TrimPrefix(db.URI, "bolt://"), false)
	store := openStore(t, db, px.URI())
	cfg := wiring.Config{RequestTimeout: 10 * time.Second}
	a := startAPI(t, store, cfg, 8)
	verifyMix(t, a)

	f := faultRun{t: t, a: a, conc: 8, timeout: cfg.RequestTimeout}
	f.run(func() { px.Down() },
		func() { px.Up(t) })
}

// faultRun drives a server under load through Neo4j going down and coming
// back, and checks and reports what the clients saw.
type faultRun struct {
	t       *testing.T
	a       *api
	conc    int
	timeout time.Duration // the server's request timeout

	// Figures, for the report.
	TimeToFail, MaxLatencyDown, ReadyAfter, AnswersAfter time.Duration
	SlowestFailure                                       time.Duration // of the UNAVAILABLE failures while Neo4j was away
	Timeouts                                             int           // requests with TIMEOUT (slow queries once Neo4j was back)
}

// run loads the server until every client has had an answer, calls down
// (which returns when Neo4j is down), keeps loading until every client has
// sent a request wholly while Neo4j was down (so none is stuck on the
// request it had in flight), calls up (which returns when Neo4j answers
// again), and keeps loading until every client has had an answer to a
// request it sent once the server answered again. The phases end on these
// events, not after fixed durations; each wait is bounded, and what did
// not happen in time is reported by the checks that follow.
func (f *faultRun) run(down, up func()) {
	t, a := f.t, f.a
	var c collector
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	loadDone := make(chan struct{})
	go func() { defer close(loadDone); runLoad(ctx, a, f.conc, c.add) }()
	if !waitFor(time.Minute, 50*time.Millisecond, func() bool {
		return c.everyClient(f.conc, func(o outcome) bool { return o.Success })
	}) {
		t.Errorf("before the fault: not every one of %d clients had an answer within a minute", f.conc)
	}

	// Down.
	downStart := time.Now()
	down()
	downDone := time.Now()
	if !waitFor(30*time.Second, 100*time.Millisecond, func() bool { return f.ready() == http.StatusServiceUnavailable }) {
		t.Errorf("/readyz did not turn 503 within 30s of Neo4j going down")
	}
	notReady := time.Since(downStart)
	// Until every client has sent a request wholly while Neo4j was down:
	// then no request is left waiting on the database. A request that
	// waits for its deadline instead keeps the outage going for at most
	// the request timeout, ends with TIMEOUT before Neo4j is back, and
	// fails the checks below.
	waitFor(f.timeout+2*time.Second, 50*time.Millisecond, func() bool {
		return c.everyClient(f.conc, func(o outcome) bool { return o.Start.After(downDone) })
	})

	// Up.
	upStart := time.Now()
	up()
	upDone := time.Now()
	var readyAt time.Time
	if waitFor(2*time.Minute, 100*time.Millisecond, func() bool { return f.ready() == http.StatusOK }) {
		readyAt = time.Now()
	} else {
		t.Errorf("/readyz did not turn 200 within 2 minutes of Neo4j coming back")
	}
	var answersAt time.Time
	if waitFor(2*time.Minute, 100*time.Millisecond, func() bool {
		for _, o := range c.snapshot() {
			if o.Success && o.Start.After(upDone) {
				return true
			}
		}
		return false
	}) {
		answersAt = time.Now()
	} else {
		t.Errorf("no query succeeded within 2 minutes of Neo4j coming back")
	}
	// Every client's requests once the server answers again (a second
	// after the first answer, the classification's "recovered") must all
	// succeed: wait until each client has ended one.
	if !answersAt.IsZero() && !waitFor(2*time.Minute, 50*time.Millisecond, func() bool {
		return c.everyClient(f.conc, func(o outcome) bool { return o.Start.After(answersAt.Add(time.Second)) })
	}) {
		t.Errorf("after recovery: not every one of %d clients ended a request within 2 minutes", f.conc)
	}
	cancel()
	<-loadDone

	// What the clients saw.
	all := c.snapshot()
	var healthy, transition, downPhase, recovering, recovered []outcome
	for _, o := range all {
		end := o.Start.Add(o.Took)
		switch {
		case end.Before(downStart):
			healthy = append(healthy, o)
		case o.Start.After(downDone) && end.Before(upStart):
			downPhase = append(downPhase, o) // wholly while Neo4j was down
		case !answersAt.IsZero() && o.Start.After(answersAt.Add(time.Second)):
			recovered = append(recovered, o)
		case o.Start.Before(downDone):
			transition = append(transition, o)
		default:
			recovering = append(recovering, o)
		}
	}
	var firstFail time.Time
	codes := map[string]int{}
	for _, o := range all {
		if !o.Success && o.Start.Add(o.Took).After(downStart) && (firstFail.IsZero() || o.Start.Add(o.Took).Before(firstFail)) {
			firstFail = o.Start.Add(o.Took)
		}
		for _, code := range o.Codes {
			codes[code]++
		}
	}
	if !firstFail.IsZero() {
		f.TimeToFail = firstFail.Sub(downStart)
	}
	f.MaxLatencyDown = latencies(slices.Concat(transition, downPhase, recovering)).Max
	if !readyAt.IsZero() {
		f.ReadyAfter = readyAt.Sub(upDone)
	}
	if !answersAt.IsZero() {
		f.AnswersAfter = answersAt.Sub(upDone)
	}
	t.Logf("fault run: %d requests; Neo4j down took %s, up took %s\n"+
		"  healthy     %s\n  transition  %s\n  down        %s\n  recovering  %s\n  recovered   %s\n"+
		"  error codes %v\n  first failure %s after going down, /readyz 503 after %s; max latency while down %s (request timeout %s)\n"+
		"  /readyz 200 %s and first answer %s after Neo4j was back\n"+
		"  clock: down %s → %s, up %s → %s, ready %s, answers %s",
		len(all), downDone.Sub(downStart).Round(time.Millisecond), upDone.Sub(upStart).Round(time.Millisecond),
		summary(healthy), summary(transition), summary(downPhase), summary(recovering), summary(recovered),
		codes, f.TimeToFail.Round(time.Millisecond), notReady.Round(time.Millisecond), f.MaxLatencyDown.Round(time.Millisecond), f.timeout,
		f.ReadyAfter.Round(time.Millisecond), f.AnswersAfter.Round(time.Millisecond),
		clock(downStart), clock(downDone), clock(upStart), clock(upDone), clock(readyAt), clock(answersAt))

	for _, o := range healthy {
		if !o.Success {
			t.Errorf("before Neo4j went down: %s", o)
		}
	}
	if len(downPhase) == 0 {
		t.Errorf("no request ran wholly while Neo4j was down")
	}
	// Every failure while Neo4j was away or coming back is a GraphQL
	// answer (HTTP 200) whose errors are all UNAVAILABLE: never another
	// code (above all no INTERNAL_SERVER_ERROR), never a transport error,
	// and never TIMEOUT for want of the database (the store gives up on an
	// unreachable Neo4j, and its circuit breaker then refuses at once, well
	// before the request's deadline). The one TIMEOUT allowed is a slow
	// query on a Neo4j that was back: stopped by Neo4j's own transaction
	// timeout, in a request that ended after Neo4j was started again (a
	// database just restarted is cold; the soak test sees such queries).
	var unavailable, slow []outcome
	for _, o := range slices.Concat(transition, downPhase, recovering) {
		if o.Success {
			continue
		}
		bad := o.Status != http.StatusOK || len(o.Codes) == 0 || (o.Err != nil && !strings.HasPrefix(o.Err.Error(), "errors:"))
		timeout := false
		for _, code := range o.Codes {
			bad = bad || (code != "UNAVAILABLE" && code != "TIMEOUT")
			timeout = timeout || code == "TIMEOUT"
		}
		switch {
		case bad:
			t.Errorf("while Neo4j was away: %s, want only UNAVAILABLE errors", o)
		case timeout && o.Start.Add(o.Took).Before(upStart):
			t.Errorf("while Neo4j was away: %s, want UNAVAILABLE, not TIMEOUT", o)
		case timeout:
			slow = append(slow, o)
		default:
			unavailable = append(unavailable, o)
		}
	}
	if len(slow) > 0 {
		// Each TIMEOUT is logged with its cause: all must be Neo4j's
		// transaction timeout, none the request's deadline.
		var notNeo4j []string
		for _, line := range strings.Split(a.logs.String(), "\n") {
			if strings.Contains(line, `msg="query timed out"`) && !strings.Contains(line, "TransactionTimedOut") {
				notNeo4j = append(notNeo4j, trunc(line, 400))
			}
		}
		if len(notNeo4j) > 0 {
			t.Errorf("%d TIMEOUT errors while Neo4j was away or coming back, not all of them Neo4j's transaction timeout:\n%s",
				len(slow), strings.Join(notNeo4j[:min(len(notNeo4j), 5)], "\n"))
		}
		for _, o := range slow {
			t.Logf("a slow query on the restarted Neo4j: %s", trunc(o.String(), 200))
		}
	}
	// While Neo4j refused connections, every request failed.
	for _, o := range downPhase {
		if o.Success {
			t.Errorf("while Neo4j was down a request succeeded: %s", o)
		}
	}
	f.Timeouts = len(slow)
	f.SlowestFailure = latencies(unavailable).Max
	downLat := latencies(downPhase)
	t.Logf("failures while Neo4j was away: %d UNAVAILABLE, the slowest after %s; %d TIMEOUT (slow queries once Neo4j was back); while down p50 %s, max %s",
		len(unavailable), f.SlowestFailure.Round(time.Millisecond), len(slow), downLat.P50.Round(time.Millisecond), downLat.Max.Round(time.Millisecond))
	// No wall-clock bound here: a request that waited for its deadline
	// while Neo4j was away ends with TIMEOUT, which the checks above
	// refuse; an UNAVAILABLE is the store giving up (the driver's retries,
	// then the open breaker), whatever the machine's speed.
	if len(recovered) == 0 {
		t.Errorf("no request ran after recovery")
	}
	for _, o := range recovered {
		if !o.Success {
			t.Errorf("after recovery: %s", o)
		}
	}
	if strings.Contains(a.logs.String(), "panic") {
		t.Errorf("the server logged a panic:\n%s", lastLines(a.logs.String(), 30))
	}
}

func (f *faultRun) ready() int {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := f.a.get(ctx, "/readyz")
	if err != nil {
		return 0
	}
	return r.Status
}

func clock(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.Format("15:04:05.000")
}

// summary counts successes and failures and their latencies.
func summary(outs []outcome) string {
	ok := 0
	for _, o := range outs {
		if o.Success {
			ok++
		}
	}
	return fmt.Sprintf("%4d ok %4d failed, %s", ok, len(outs)-ok, latencies(outs))
}
