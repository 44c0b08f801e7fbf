// Package graph is armsgraph's GraphQL layer: the resolvers gqlgen calls
// (one *.resolvers.go per schema file), the per-request loaders that batch
// nested fields, the field catalogue, the cost estimate and object budget,
// the depth limit and the error presenter that maps the error kinds of
// package kg to extensions.code.
package graph

// go generate runs gqlgen through graph/internal/generate, which makes the
// fields below the root resolve in the calling goroutine (see that command).
//
//go:generate go run ./internal/generate
