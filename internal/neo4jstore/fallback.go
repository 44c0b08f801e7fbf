package neo4jstore

import (
	"context"
	"errors"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/internal/kg"
)

// FallbackObserver is told when Neo4j refused a root field's compiled
// statement (its selection compiled in, query_expand.go) as a statement
// error and the store answered without the selection instead: name is the
// query's name, err Neo4j's error. The refusal is a bug of the compiler;
// the request is still answered (the API's dataloaders fetch what the
// statement left out), so the server logs and counts it.
type FallbackObserver func(ctx context.Context, name string, err error)

// SetFallbackObserver installs the fallback observer; call it before serving.
func (s *Store) SetFallbackObserver(o FallbackObserver) { s.fallback = o }

// compiledOrPlain runs read with the prefetch pre and returns what it
// fetched for it. When Neo4j refuses the statement as a statement error
// (syntax, semantics, types: Cypher the compiler should not have written),
// it tells the fallback observer and runs read again without the
// prefetch: the plain statement of the root field, whose nested levels the
// loaders then load (the Fetched is nil). Any other error (a timeout, an
// unreachable database, bad input) is returned as it is: running again
// would not help.
func compiledOrPlain[T any](ctx context.Context, s *Store, name string, pre *kg.Prefetch, read func(*kg.Prefetch, *fetched) (T, error)) (T, *kg.Fetched, error) {
	got := &fetched{}
	out, err := read(pre, got)
	if err == nil || pre == nil || !statementError(err) {
		if err != nil {
			return out, nil, err
		}
		return out, got.result(), nil
	}
	if s.fallback != nil {
		s.fallback(ctx, name, err)
	}
	out, err = read(nil, &fetched{})
	return out, nil, err
}

// statementError reports whether err is Neo4j refusing a statement's text.
func statementError(err error) bool {
	var neoErr *neo4j.Neo4jError
	return errors.As(err, &neoErr) && strings.HasPrefix(neoErr.Code, "Neo.ClientError.Statement.")
}

type rewriteKey struct{}

// RewriteQuery returns a context under which the store passes each read's
// Cypher through fn before running it. Tests use it to make a compiled
// statement fail as a compiler bug would, and check the fallback.
func RewriteQuery(ctx context.Context, fn func(name, cypher string) string) context.Context {
	return context.WithValue(ctx, rewriteKey{}, fn)
}
