package neo4jstore

import (
	"context"
	"fmt"
	"strings"

	"armsgraph/internal/kg"
)

// Summary counts what the graph holds: per kind and all relationships from
// the count store (COUNT { (:Weapon) } is NodeCountFromCountStore, constant
// time), and the entities per dataset through the dataset index.
func (s *Store) Summary(ctx context.Context) (kg.GraphSummary, error) {
	kinds := make([]string, len(kg.Kinds))
	for i, k := range kg.Kinds {
		kinds[i] = fmt.Sprintf("%s: COUNT { (:%s) }", k.Label(), k.Label())
	}
	cypher := fmt.Sprintf(`
CALL () {
  MATCH (n:%s) WHERE n.%s IS NOT NULL
  WITH n.%s AS name, count(*) AS entities
  ORDER BY entities DESC, name
  RETURN collect({name: name, entities: entities}) AS datasets
}
RETURN {%s} AS kinds, COUNT { ()-[]->() } AS relationships, datasets`,
		kg.EntityLabel, kg.PropDataset, kg.PropDataset, strings.Join(kinds, ", "))
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
	out := kg.GraphSummary{Kinds: map[kg.Kind]int{}, Relationships: int(rels)}
	for _, k := range kg.Kinds {
		n, _ := byLabel[k.Label()].(int64)
		out.Kinds[k] = int(n)
	}
	for _, d := range datasets {
		m, _ := d.(map[string]any)
		n, _ := m["entities"].(int64)
		out.Datasets = append(out.Datasets, kg.DatasetCount{Name: str(m["name"]), Entities: int(n)})
	}
	return out, nil
}
