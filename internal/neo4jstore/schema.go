package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/internal/kg"
)

// datedLabels are the labels whose nodes carry spanFrom/spanTo for date filters.
var datedLabels = []kg.Kind{kg.Agreement, kg.Transfer, kg.Event, kg.Resolution}

// schemaStatements are the constraints and indexes the graph relies on; every
// statement is idempotent (IF NOT EXISTS). Labels and types come from kg.
func schemaStatements() []string {
	stmts := []string{
		"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE",
		"CREATE CONSTRAINT source_id IF NOT EXISTS FOR (n:Source) REQUIRE n.id IS UNIQUE",
		"CREATE INDEX entity_name_key IF NOT EXISTS FOR (n:Entity) ON (n.nameKey)",
		"CREATE INDEX entity_dataset IF NOT EXISTS FOR (n:Entity) ON (n.dataset)",
		"CREATE INDEX source_dataset IF NOT EXISTS FOR (n:Source) ON (n.dataset)",
		"CREATE INDEX weapon_category IF NOT EXISTS FOR (n:Weapon) ON (n.category)",
		// The order of a group's members (query_groups.go): a large group's
		// first page walks this index in order instead of sorting the group.
		"CREATE INDEX entity_group_key IF NOT EXISTS FOR (n:Entity) ON (n." + propGroupKey + ")",
	}
	stmts = append(stmts, generationStatements...)
	for _, k := range datedLabels {
		l := k.Label()
		stmts = append(stmts,
			fmt.Sprintf("CREATE INDEX %s_span_from IF NOT EXISTS FOR (n:%s) ON (n.spanFrom)", strings.ToLower(l), l),
			fmt.Sprintf("CREATE INDEX %s_span_to IF NOT EXISTS FOR (n:%s) ON (n.spanTo)", strings.ToLower(l), l))
	}
	// Tenures carry spans too, for Query.holders.
	stmts = append(stmts,
		"CREATE INDEX rel_holds_position_span_from IF NOT EXISTS FOR ()-[r:HOLDS_POSITION]-() ON (r.spanFrom)",
		"CREATE INDEX rel_holds_position_span_to IF NOT EXISTS FOR ()-[r:HOLDS_POSITION]-() ON (r.spanTo)")
	for _, t := range kg.RelTypes {
		stmts = append(stmts, fmt.Sprintf("CREATE INDEX rel_%s_key IF NOT EXISTS FOR ()-[r:%s]-() ON (r.key)", strings.ToLower(string(t)), t))
	}
	labels := strings.Join(kg.Labels(nil), "|")
	stmts = append(stmts,
		fmt.Sprintf("CREATE FULLTEXT INDEX entity_search IF NOT EXISTS FOR (n:%s) ON EACH [n.name, n.aliasText, n.description]", labels),
		// The whitespace analyzer keeps each name key whole, so a key matches exactly.
		fmt.Sprintf("CREATE FULLTEXT INDEX entity_keys IF NOT EXISTS FOR (n:%s) ON EACH [n.keys] OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}", labels),
	)
	return stmts
}

// createdMeanwhile reports whether a schema statement failed because
// another client created the same index or constraint between its IF NOT
// EXISTS check and its creation (two ingests started side by side on a new
// database): what the statement wanted exists.
func createdMeanwhile(err error) bool {
	var neoErr *neo4j.Neo4jError
	return errors.As(err, &neoErr) && neoErr.Code == "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists"
}

// EnsureSchema creates the constraints and indexes and waits until they are online.
func (s *Store) EnsureSchema(ctx context.Context) error {
	for _, stmt := range schemaStatements() {
		if err := s.schemaWrite(ctx, stmt); err != nil && !createdMeanwhile(err) {
			return fmt.Errorf("ensure schema: %w", err)
		}
	}
	if _, err := s.write(ctx, "schema.await", "CALL db.awaitIndexes(300)", nil); err != nil {
		return fmt.Errorf("await indexes: %w", err)
	}
	return nil
}

// schemaWrite runs one schema statement. Two loads at once (two datasets)
// each ensure the schema while the other writes: an index being created
// and a write can deadlock on the label's lock, which the driver retries
// only within its short retry budget (TransactionExecutionLimit); the
// statement is idempotent, so it is tried again a few times, with a pause.
func (s *Store) schemaWrite(ctx context.Context, stmt string) error {
	for attempt := 1; ; attempt++ {
		_, err := s.write(ctx, "schema", stmt, nil)
		var limit *neo4j.TransactionExecutionLimit
		if err == nil || attempt == 5 || !errors.As(err, &limit) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
		}
	}
}
