package neo4jstore

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/internal/kg"
)

// The graph's generation. armsgraph owns every write to the graph (its
// ingester), so it can say when the graph changed: a load bumps the
// overall generation, the value of the one (:Generation {id: "graph"})
// node, twice, in transactions of their own:
//
//   - BeginLoad, before the load's first write: the generation goes up and
//     the dataset's (:Dataset {name}) node is marked loading;
//   - EndLoad, after the load's last write has committed: the generation
//     goes up again, the dataset's node is unmarked and records the
//     generation, the time and the totals of the load.
//
// A load writes in many transactions (batches of thousands of rows, two
// writers), so no single transaction could carry both the data and the
// bump. Bumping before the first write and after the last one brackets
// every data change between two bumps: whoever reads the same generation
// before and after reading data, with no dataset loading, read data no
// load was changing. That is what the result cache relies on (cache.go);
// while a dataset is loading it is not used at all.

// GenerationLabel and DatasetLabel label the generation nodes: the one
// (:Generation {id: "graph"}) and a (:Dataset {name}) per dataset loaded.
const (
	GenerationLabel = "Generation"
	DatasetLabel    = "Dataset"
	graphGeneration = "graph" // the id of the one Generation node
)

// generationStatements are the constraints of the generation nodes: they
// make BeginLoad's and EndLoad's MERGE safe when two loads run at once,
// and the generation read an index lookup.
var generationStatements = []string{
	"CREATE CONSTRAINT generation_id IF NOT EXISTS FOR (g:" + GenerationLabel + ") REQUIRE g.id IS UNIQUE",
	"CREATE CONSTRAINT dataset_name IF NOT EXISTS FOR (d:" + DatasetLabel + ") REQUIRE d.name IS UNIQUE",
}

// Generation is the graph's generation as one read saw it.
type Generation struct {
	// Value goes up by one when a load begins and again when it ends; 0
	// before any load that records generations.
	Value int64
	// Loading is true while some dataset's load has begun and not ended
	// (or was interrupted: it stays true until a load of that dataset
	// completes).
	Loading bool
	// Epoch is a random id the Generation node got when it was created: a
	// graph emptied and loaded anew counts again from 1 under another epoch,
	// so its generations are not mistaken for the old ones.
	Epoch string
}

// generationStatement reads the generation: one index lookup and a scan
// of the few Dataset nodes. It is what servers poll.
const generationStatement = `OPTIONAL MATCH (g:` + GenerationLabel + ` {id: '` + graphGeneration + `'})
RETURN coalesce(g.value, 0) AS generation, COUNT { (d:` + DatasetLabel + `) WHERE d.loading } > 0 AS loading,
  coalesce(g.epoch, '') AS epoch`

// bumpStatement raises the generation and updates the dataset's node;
// $end says whether the load begins or ends. The second SET sees the
// first one's new value.
const bumpStatement = `MERGE (g:` + GenerationLabel + ` {id: '` + graphGeneration + `'})
  ON CREATE SET g.value = 0, g.epoch = randomUUID()
MERGE (d:` + DatasetLabel + ` {name: $dataset})
SET g.value = g.value + 1, g.changedAt = datetime()
SET d.loading = NOT $end,
    d.loadStartedAt = CASE WHEN $end THEN d.loadStartedAt ELSE g.changedAt END,
    d.generation = CASE WHEN $end THEN g.value ELSE d.generation END,
    d.ingestedAt = CASE WHEN $end THEN g.changedAt ELSE d.ingestedAt END,
    d.nodes = CASE WHEN $end THEN $nodes ELSE d.nodes END,
    d.relationships = CASE WHEN $end THEN $rels ELSE d.relationships END
RETURN g.value AS generation`

// BeginLoad marks the start of a load of dataset: it raises the graph's
// generation and marks the dataset loading, in one transaction committed
// before the load writes anything.
func (s *Store) BeginLoad(ctx context.Context, dataset string) error {
	_, err := s.write(ctx, "generation.begin", bumpStatement,
		map[string]any{"dataset": dataset, "end": false, "nodes": 0, "rels": 0})
	if err != nil {
		return fmt.Errorf("mark the load of dataset %q begun: %w", dataset, err)
	}
	return nil
}

// EndLoad marks the end of a load of dataset, after its last write has
// committed: it raises the graph's generation, unmarks the dataset and
// records on its node the generation, the time and the load's totals
// (nodes and relationships the folder holds).
func (s *Store) EndLoad(ctx context.Context, dataset string, nodes, rels int) error {
	_, err := s.write(ctx, "generation.end", bumpStatement,
		map[string]any{"dataset": dataset, "end": true, "nodes": nodes, "rels": rels})
	if err != nil {
		return fmt.Errorf("mark the load of dataset %q done: %w", dataset, err)
	}
	return nil
}

// ReadGeneration reads the graph's generation from Neo4j.
func (s *Store) ReadGeneration(ctx context.Context) (Generation, error) {
	recs, err := s.read(ctx, "generation", generationStatement, nil)
	if err != nil {
		return Generation{}, err
	}
	return generationOf(recs)
}

func generationOf(recs []*neo4j.Record) (Generation, error) {
	if len(recs) != 1 || len(recs[0].Values) != 3 {
		return Generation{}, fmt.Errorf("generation: %d rows, want 1", len(recs))
	}
	v, _ := recs[0].Values[0].(int64)
	loading, _ := recs[0].Values[1].(bool)
	epoch, _ := recs[0].Values[2].(string)
	return Generation{Value: v, Loading: loading, Epoch: epoch}, nil
}

// readDatasetLoad fills d with what its Dataset node records (EndLoad):
// gen, at and loading, each left nil or false when absent.
func readDatasetLoad(d *kg.DatasetCount, gen, at, loading any) {
	if g, ok := gen.(int64); ok {
		d.Generation = &g
	}
	if t, ok := at.(time.Time); ok {
		t = t.UTC()
		d.IngestedAt = &t
	}
	d.Loading, _ = loading.(bool)
}
