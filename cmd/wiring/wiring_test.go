package wiring

import (
	"testing"

	"armsgraph/graph"
	"armsgraph/internal/server"
)

// TestServerCodesAreGraphs checks that the error codes internal/server
// answers with before the GraphQL handler runs are the ones package graph
// answers with, so that a client sees one vocabulary.
func TestServerCodesAreGraphs(t *testing.T) {
	if server.CodeBadUserInput != graph.CodeBadUserInput {
		t.Errorf("server.CodeBadUserInput = %q, graph.CodeBadUserInput = %q", server.CodeBadUserInput, graph.CodeBadUserInput)
	}
	if server.ReasonLimitExceeded != graph.ReasonLimitExceeded {
		t.Errorf("server.ReasonLimitExceeded = %q, graph.ReasonLimitExceeded = %q", server.ReasonLimitExceeded, graph.ReasonLimitExceeded)
	}
}
