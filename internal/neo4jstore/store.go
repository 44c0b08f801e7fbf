// Package neo4jstore is the only package that knows Cypher and the Neo4j
// driver: it opens the connection, creates the schema, writes what the
// ingester plans, answers the traversals the API asks for, and translates
// driver errors into the error kinds of package kg.
package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"armsgraph/internal/kg"
)

// Config says where the graph lives and how long a query may run.
type Config struct {
	URI      string // bolt://, neo4j://, neo4j+s:// … (a cluster URI works unchanged)
	User     string
	Password string
	Database string // the database every query names, which saves a round trip
	// QueryTimeout bounds every read transaction inside Neo4j too, so a
	// runaway traversal is stopped by the server, not only abandoned.
	QueryTimeout time.Duration
	// WriteTimeout bounds each write transaction of the ingester.
	WriteTimeout time.Duration
	// MaxConnections caps the driver's connection pool.
	MaxConnections int
	// RetryTime bounds how long the driver retries a transaction that
	// failed for a transient reason (connection refused or cut, database
	// restarting) before it gives up with kg.ErrUnavailable. The driver
	// waits about 2 s before its first retry and 4 s before the second, so
	// up to about 1.8 s this means one retry (a failure after about 2 s),
	// plus immediate retries on pooled connections that died. Keep it well
	// under the server's request timeout.
	RetryTime time.Duration
	// BreakerCooldown is how long reads fail at once with kg.ErrUnavailable
	// after a query found Neo4j unreachable, before one read is let through
	// to see whether it is back (see breaker). Negative turns the breaker off.
	BreakerCooldown time.Duration
}

// DefaultConfig works with the development instance started by scripts/neo4j.
func DefaultConfig() Config {
	return Config{
		URI:             "bolt://127.0.0.1:7687",
		User:            "neo4j",
		Password:        "armsgraph-dev",
		Database:        "neo4j",
		QueryTimeout:    10 * time.Second,
		WriteTimeout:    5 * time.Minute,
		MaxConnections:  64,
		RetryTime:       time.Second,
		BreakerCooldown: DefaultBreakerCooldown,
	}
}

// QueryObserver is told about every Cypher query the store runs: its name,
// how long it took and its error (already translated). Metrics and the
// query-count tests hang off it.
type QueryObserver func(ctx context.Context, name string, took time.Duration, err error)

// Store runs armsgraph's Cypher against one Neo4j database.
type Store struct {
	driver   neo4j.DriverWithContext
	cfg      Config
	observer QueryObserver
	fallback FallbackObserver
	breaker  *breaker // nil when turned off
	stats    statsCache
	results  resultCache // off until EnableCache
}

// Open creates the driver. It does not wait for Neo4j: the server starts
// while the database is down and becomes ready when it answers (see Ping).
func Open(ctx context.Context, cfg Config) (*Store, error) {
	def := DefaultConfig()
	if cfg.Database == "" {
		cfg.Database = def.Database
	}
	if cfg.QueryTimeout <= 0 {
		cfg.QueryTimeout = def.QueryTimeout
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = def.WriteTimeout
	}
	if cfg.MaxConnections <= 0 {
		cfg.MaxConnections = def.MaxConnections
	}
	if cfg.RetryTime <= 0 {
		cfg.RetryTime = def.RetryTime
	}
	if cfg.BreakerCooldown == 0 {
		cfg.BreakerCooldown = def.BreakerCooldown
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""),
		func(c *config.Config) {
			c.MaxConnectionPoolSize = cfg.MaxConnections
			// Every bound on waiting for Neo4j is well under the server's
			// request timeout (15 s), so that a request finds out that the
			// database is unreachable (UNAVAILABLE) before its deadline
			// (which would say TIMEOUT).
			c.ConnectionAcquisitionTimeout = 5 * time.Second
			c.SocketConnectTimeout = 2 * time.Second
			c.MaxTransactionRetryTime = cfg.RetryTime
		})
	if err != nil {
		return nil, fmt.Errorf("open neo4j driver for %s: %w", cfg.URI, err)
	}
	return &Store{driver: driver, cfg: cfg, breaker: newBreaker(cfg.BreakerCooldown)}, nil
}

// SetObserver installs the query observer; call it before serving.
func (s *Store) SetObserver(o QueryObserver) { s.observer = o }

// Config returns the configuration the store was opened with.
func (s *Store) Config() Config { return s.cfg }

// Close stops the generation watcher (EnableCache) and releases the
// driver's connections.
func (s *Store) Close(ctx context.Context) error {
	s.results.stopWatching()
	return s.driver.Close(ctx)
}

// Ping checks that Neo4j answers and the credentials work. It is not held
// back by the circuit breaker (readiness must see the truth), but its
// outcome counts: a ping that finds Neo4j unreachable opens a closed
// breaker, one that reaches it closes an open one (see breaker.track).
func (s *Store) Ping(ctx context.Context) error {
	done := s.breaker.track()
	err := s.driver.VerifyConnectivity(ctx)
	err = s.translate(ctx, "ping", err)
	done(err)
	return err
}

// read runs one read statement (AccessModeRead, so a cluster routes it to a
// reader and the server refuses any write in it) with the query timeout,
// and collects its records. While the circuit breaker is open it fails at
// once with kg.ErrUnavailable, without touching the driver.
//
// The statement runs as an auto-commit transaction: RUN and PULL in one
// round trip, where a managed transaction adds BEGIN and a COMMIT round
// trip (a third of the server's and of Neo4j's CPU for a one-node lookup,
// issue 10). When that attempt fails the way the driver retries (the
// connection was lost or refused, a transient database error), the
// statement runs again as a managed transaction with the driver's retries,
// as every read did before: reads are idempotent.
func (s *Store) read(ctx context.Context, name, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	return s.readThen(ctx, name, cypher, params, nil)
}

// readThen is read, then, when the statement succeeded and then is not
// nil, then in the same session: a cluster routes it to a reader at least
// as up to date as the one that answered the statement (the session
// chains its bookmarks). Its error is the read's.
func (s *Store) readThen(ctx context.Context, name, cypher string, params map[string]any, then func(neo4j.SessionWithContext) error) ([]*neo4j.Record, error) {
	start := time.Now()
	done, err := s.breaker.allow()
	if err != nil {
		err = fmt.Errorf("%s: %w", name, err)
		if s.observer != nil {
			s.observer(ctx, name, time.Since(start), err)
		}
		return nil, err
	}
	// done must be called whatever happens: a probe that never reported
	// would keep the half-open breaker refusing reads for good.
	outcome := errAbandoned
	defer func() { done(outcome) }()
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead, DatabaseName: s.cfg.Database})
	defer session.Close(context.WithoutCancel(ctx))
	txConfig := []func(*neo4j.TransactionConfig){
		neo4j.WithTxTimeout(s.cfg.QueryTimeout),
		neo4j.WithTxMetadata(map[string]any{"app": "armsgraph", "query": name}),
	}
	recs, err := autoCommitRead(ctx, session, cypher, params, txConfig)
	if err != nil && ctx.Err() == nil && retriable(err) {
		recs, err = managedRead(ctx, session, cypher, params, txConfig)
	}
	if err == nil && then != nil {
		err = then(session)
	}
	err = s.translate(ctx, name, err)
	outcome = err
	s.observe(ctx, name, time.Since(start), err)
	if err != nil {
		return nil, err
	}
	return recs, nil
}

// autoCommitRead runs cypher in an auto-commit transaction of session and
// collects its records.
func autoCommitRead(ctx context.Context, session neo4j.SessionWithContext, cypher string, params map[string]any, txConfig []func(*neo4j.TransactionConfig)) ([]*neo4j.Record, error) {
	cur, err := session.Run(ctx, cypher, params, txConfig...)
	if err != nil {
		return nil, err
	}
	return cur.Collect(ctx)
}

// managedRead runs cypher in a managed read transaction of session, which
// the driver retries (Config.RetryTime), and collects its records.
func managedRead(ctx context.Context, session neo4j.SessionWithContext, cypher string, params map[string]any, txConfig []func(*neo4j.TransactionConfig)) ([]*neo4j.Record, error) {
	res, err := session.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		cur, err := tx.Run(ctx, cypher, params)
		if err != nil {
			return nil, err
		}
		return cur.Collect(ctx)
	}, txConfig...)
	if err != nil {
		return nil, err
	}
	return res.([]*neo4j.Record), nil
}

// retriable reports whether a failed auto-commit read should run again as
// a managed transaction: the errors the driver retries a managed
// transaction on (neo4j.IsRetryable), except that the pool had no
// connection to give in time, which waiting again would only double.
func retriable(err error) bool {
	var neoErr *neo4j.Neo4jError
	return neo4j.IsConnectivityError(err) || errors.As(err, &neoErr) && neoErr.IsRetriable()
}

// write runs one write transaction with the write timeout and returns its
// records. Writes are not held back by the circuit breaker (an ingest
// started after Neo4j came back must not wait for a probe), but their
// outcome counts as a ping's does (see breaker.track).
func (s *Store) write(ctx context.Context, name, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	start := time.Now()
	done := s.breaker.track()
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeWrite, DatabaseName: s.cfg.Database})
	defer session.Close(context.WithoutCancel(ctx))
	res, err := session.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		cur, err := tx.Run(ctx, cypher, params)
		if err != nil {
			return nil, err
		}
		return cur.Collect(ctx)
	}, neo4j.WithTxTimeout(s.cfg.WriteTimeout), neo4j.WithTxMetadata(map[string]any{"app": "armsgraph", "query": name}))
	err = s.translate(ctx, name, err)
	done(err)
	s.observe(ctx, name, time.Since(start), err)
	if err != nil {
		return nil, err
	}
	return res.([]*neo4j.Record), nil
}

func (s *Store) observe(ctx context.Context, name string, took time.Duration, err error) {
	if c, ok := ctx.Value(counterKey{}).(*QueryCounter); ok {
		c.n.Add(1)
	}
	if s.observer != nil {
		s.observer(ctx, name, took, err)
	}
}

// translate is the package's translate, which also counts a request that
// ran out of time while the circuit breaker held Neo4j unreachable as
// kg.ErrUnavailable: it waited on the driver's retries while another query
// found out the database is away.
func (s *Store) translate(ctx context.Context, op string, err error) error {
	return translateErr(ctx, op, err, s.breaker.isOpen())
}

// translate maps a driver error to the kg error kinds, keeping the cause.
func translate(ctx context.Context, op string, err error) error {
	return translateErr(ctx, op, err, false)
}

// translateErr maps a driver error to the kg error kinds, keeping the
// cause. When the caller's context has run out the error is ErrTimeout,
// whatever the driver made of it (it reports an expired context as a
// connectivity error), unless the database was unreachable while the time
// ran out: the driver's last attempt failed on the connection and it was
// waiting to retry, or unreachable says so (the circuit breaker is open).
// Then it is ErrUnavailable, which is what the client should hear.
func translateErr(ctx context.Context, op string, err error, unreachable bool) error {
	if err == nil {
		return nil
	}
	var neoErr *neo4j.Neo4jError
	var retriesExhausted *neo4j.TransactionExecutionLimit
	switch {
	case ctx.Err() != nil, errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		if unreachable || lastAttemptUnreachable(err) {
			return fmt.Errorf("%s: %w: ran out of time while the database could not be reached: %w", op, kg.ErrUnavailable, err)
		}
		return fmt.Errorf("%s: %w: %w", op, kg.ErrTimeout, err)
	case errors.As(err, &neoErr):
		switch {
		case neoErr.Code == "Neo.ClientError.Transaction.TransactionTimedOut",
			neoErr.Code == "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
			neoErr.Code == "Neo.TransientError.Transaction.Terminated",
			neoErr.Code == "Neo.ClientError.Transaction.Terminated":
			return fmt.Errorf("%s: %w: %w", op, kg.ErrTimeout, err)
		case neoErr.Code == "Neo.ClientError.Security.Unauthorized",
			neoErr.Code == "Neo.ClientError.Security.AuthenticationRateLimit",
			neoErr.Code == "Neo.TransientError.General.DatabaseUnavailable",
			neoErr.Code == "Neo.ClientError.Database.DatabaseNotFound":
			return fmt.Errorf("%s: %w: %w", op, kg.ErrUnavailable, err)
		}
		return fmt.Errorf("%s: %w", op, err)
	case neo4j.IsConnectivityError(err), neo4j.IsRetryable(err),
		// When managed transactions give up retrying (connection refused, the
		// database restarting) the driver returns this, without an error chain.
		errors.As(err, &retriesExhausted):
		return fmt.Errorf("%s: %w: %w", op, kg.ErrUnavailable, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// lastAttemptUnreachable reports whether err is the driver giving up its
// retries because the context ran out while it waited to retry an attempt
// that could not reach Neo4j: the TransactionExecutionLimit whose last
// error is a connectivity error (connection refused, cut, no connection
// to be had) or the database being unavailable, not the context itself.
func lastAttemptUnreachable(err error) bool {
	var limit *neo4j.TransactionExecutionLimit
	if !errors.As(err, &limit) || len(limit.Errors) == 0 {
		return false
	}
	last := limit.Errors[len(limit.Errors)-1]
	if conn, ok := last.(*neo4j.ConnectivityError); ok {
		last = conn.Inner
		if last == nil {
			return true
		}
	} else if !isConnectionFailure(last) {
		var neoErr *neo4j.Neo4jError
		return errors.As(last, &neoErr) && neoErr.Code == "Neo.TransientError.General.DatabaseUnavailable"
	}
	return !errors.Is(last, context.DeadlineExceeded) && !errors.Is(last, context.Canceled)
}

// isConnectionFailure reports whether err, as the driver recorded it for
// one attempt before wrapping, is a broken or refused connection.
func isConnectionFailure(err error) bool {
	var netErr net.Error
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &netErr)
}
