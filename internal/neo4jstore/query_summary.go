package neo4jstore

import (
	"context"
	"fmt"
	"strings"

	"armsgraph/internal/kg"
)

// Summary counts what the graph holds: per kind and all relationships from
// the count store (COUNT { (:Weapon) } is NodeCountFromCountStore, constant
// time), the entities per dataset through the dataset index, and what
// each dataset's last load recorded (generation.go).
func (s *Store) Summary(ctx context.Context) (kg.GraphSummary, error) {
	kinds := make([]string, len(kg.Kinds))
	for i, k := range kg.Kinds {
		kinds[i] = fmt.Sprintf("%s: COUNT { (:%s) }", k.Label(), k.Label())
	}
	cypher := fmt.Sprintf(`
CALL () {
  MATCH (n:%s) WHERE n.%s IS NOT NULL
  WITH n.%s AS name, count(*) AS entities
  OPTIONAL MATCH (d:%s {name: name})
  WITH name, entities, d
  ORDER BY entities DESC, name
  RETURN collect({name: name, entities: entities, generation: d.generation, ingestedAt: d.ingestedAt, loading: coalesce(d.loading, false)}) AS datasets
}
OPTIONAL MATCH (g:%s {id: '%s'})
RETURN {%s} AS kinds, COUNT { ()-[]->() } AS relationships, datasets, coalesce(g.value, 0) AS generation`,
		kg.EntityLabel, kg.PropDataset, kg.PropDataset, DatasetLabel, GenerationLabel, graphGeneration, strings.Join(kinds, ", "))
	recs, err := s.query(ctx, "graphSummary", cypher, nil)
	if err != nil {
		return kg.GraphSummary{}, err
	}
	if len(recs) != 1 {
		return kg.GraphSummary{}, fmt.Errorf("graphSummary: %d rows, want 1", len(recs))
	}
	rec := recs[0]
	byLabel, err := value[map[string]any](rec, "kinds", "graphSummary")
	if err != nil {
		return kg.GraphSummary{}, err
	}
	rels, err := value[int64](rec, "relationships", "graphSummary")
	if err != nil {
		return kg.GraphSummary{}, err
	}
	datasets, err := value[[]any](rec, "datasets", "graphSummary")
	if err != nil {
		return kg.GraphSummary{}, err
	}
	gen, err := value[int64](rec, "generation", "graphSummary")
	if err != nil {
		return kg.GraphSummary{}, err
	}
	out := kg.GraphSummary{Kinds: map[kg.Kind]int{}, Relationships: int(rels), Generation: gen}
	for _, k := range kg.Kinds {
		n, _ := byLabel[k.Label()].(int64)
		out.Kinds[k] = int(n)
	}
	for _, d := range datasets {
		m, _ := d.(map[string]any)
		n, _ := m["entities"].(int64)
		d := kg.DatasetCount{Name: str(m["name"]), Entities: int(n)}
		readDatasetLoad(&d, m["generation"], m["ingestedAt"], m["loading"])
		out.Datasets = append(out.Datasets, d)
	}
	return out, nil
}
