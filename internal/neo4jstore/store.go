// Package neo4jstore is the only package that knows Cypher and the Neo4j
// driver: it opens the connection, creates the schema, writes what the
// ingester plans, answers the traversals the API asks for, and translates
// driver errors into the error kinds of package kg.
package neo4jstore

import (
	"context"
	"errors"
	"fmt"
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
}

// DefaultConfig works with the development instance started by scripts/neo4j.
func DefaultConfig() Config {
	return Config{
		URI:            "bolt://127.0.0.1:7687",
		User:           "neo4j",
		Password:       "armsgraph-dev",
		Database:       "neo4j",
		QueryTimeout:   10 * time.Second,
		WriteTimeout:   5 * time.Minute,
		MaxConnections: 64,
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
	driver, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""),
		func(c *config.Config) {
			c.MaxConnectionPoolSize = cfg.MaxConnections
			c.ConnectionAcquisitionTimeout = 5 * time.Second
			c.SocketConnectTimeout = 3 * time.Second
			// Managed transactions retry transient errors; keep that window
			// shorter than a request's timeout so clients get an answer.
			c.MaxTransactionRetryTime = 3 * time.Second
		})
	if err != nil {
		return nil, fmt.Errorf("open neo4j driver for %s: %w", cfg.URI, err)
	}
	return &Store{driver: driver, cfg: cfg}, nil
}

// SetObserver installs the query observer; call it before serving.
func (s *Store) SetObserver(o QueryObserver) { s.observer = o }

// Config returns the configuration the store was opened with.
func (s *Store) Config() Config { return s.cfg }

// Close releases the driver's connections.
func (s *Store) Close(ctx context.Context) error { return s.driver.Close(ctx) }

// Ping checks that Neo4j answers and the credentials work.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.driver.VerifyConnectivity(ctx); err != nil {
		return translate(ctx, "ping", err)
	}
	return nil
}

// read runs one read transaction (AccessModeRead, so a cluster routes it to
// a reader and the server refuses any write in it) with the query timeout,
// and collects its records.
func (s *Store) read(ctx context.Context, name, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	start := time.Now()
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead, DatabaseName: s.cfg.Database})
	defer session.Close(context.WithoutCancel(ctx))
	res, err := session.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		cur, err := tx.Run(ctx, cypher, params)
		if err != nil {
			return nil, err
		}
		return cur.Collect(ctx)
	}, neo4j.WithTxTimeout(s.cfg.QueryTimeout), neo4j.WithTxMetadata(map[string]any{"app": "armsgraph", "query": name}))
	err = translate(ctx, name, err)
	s.observe(ctx, name, time.Since(start), err)
	if err != nil {
		return nil, err
	}
	return res.([]*neo4j.Record), nil
}

// write runs one write transaction with the write timeout and returns its records.
func (s *Store) write(ctx context.Context, name, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	start := time.Now()
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeWrite, DatabaseName: s.cfg.Database})
	defer session.Close(context.WithoutCancel(ctx))
	res, err := session.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		cur, err := tx.Run(ctx, cypher, params)
		if err != nil {
			return nil, err
		}
		return cur.Collect(ctx)
	}, neo4j.WithTxTimeout(s.cfg.WriteTimeout), neo4j.WithTxMetadata(map[string]any{"app": "armsgraph", "query": name}))
	err = translate(ctx, name, err)
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

// translate maps a driver error to the kg error kinds, keeping the cause.
// When the caller's context has run out the error is ErrTimeout, whatever the
// driver made of it (it may report a connectivity error).
func translate(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	var neoErr *neo4j.Neo4jError
	var retriesExhausted *neo4j.TransactionExecutionLimit
	switch {
	case ctx.Err() != nil, errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
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
