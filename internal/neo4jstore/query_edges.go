package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"armsgraph/internal/kg"
)

// Edges loads, for many entities at once, the relationships that spec names
// and the node at their other end: one query for all ids, which is what the
// API's per-request loaders call. Each list is ordered by the other node's
// name, then id, then the relationship's key.
func (s *Store) Edges(ctx context.Context, ids []string, spec kg.EdgeSpec) (map[string][]kg.Edge, error) {
	t, err := kg.ParseRelType(string(spec.Type))
	if err != nil {
		return nil, kg.Invalid("type", err.Error())
	}
	label := ""
	if spec.Label != "" {
		k, ok := kg.KindOfLabel(spec.Label)
		if !ok {
			return nil, kg.Invalid("label", fmt.Sprintf("unknown label %q", spec.Label))
		}
		label = ":" + k.Label()
	}
	// Both the type and the label come from allow-lists.
	pattern := fmt.Sprintf("(n)-[r:%s]->(m%s)", t, label)
	if spec.Incoming {
		pattern = fmt.Sprintf("(n)<-[r:%s]-(m%s)", t, label)
	}
	q := `
UNWIND $ids AS id
MATCH (n:Entity {id: id})
MATCH ` + pattern + `
RETURN id, r, m
ORDER BY id, m.name, m.id, r.key`
	name := "edges " + string(t)
	if spec.Incoming {
		name += " in"
	}
	recs, err := s.query(ctx, name, q, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	out := make(map[string][]kg.Edge, len(ids))
	for _, rec := range recs {
		id, err := value[string](rec, "id", name)
		if err != nil {
			return nil, err
		}
		r, err := value[dbtype.Relationship](rec, "r", name)
		if err != nil {
			return nil, err
		}
		m, err := value[dbtype.Node](rec, "m", name)
		if err != nil {
			return nil, err
		}
		other := toNode(m)
		from, to := id, other.ID
		if spec.Incoming {
			from, to = other.ID, id
		}
		out[id] = append(out[id], kg.Edge{Rel: toRel(r, from, to), Node: other})
	}
	return out, nil
}

// OrganizationCountries finds, for many organizations at once, the country
// each belongs to: the nearest country up its PART_OF chain.
func (s *Store) OrganizationCountries(ctx context.Context, ids []string) (map[string]kg.Node, error) {
	const q = `
UNWIND $ids AS id
MATCH (o:Entity:Organization {id: id})
CALL (o) {
  MATCH p = ANY SHORTEST (o)-[:PART_OF]->{1,10}(c:Country)
  RETURN c
  ORDER BY length(p), c.id
  LIMIT 1
}
RETURN id, c`
	recs, err := s.query(ctx, "organization countries", q, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	out := make(map[string]kg.Node, len(recs))
	for _, rec := range recs {
		id, err := value[string](rec, "id", "organization countries")
		if err != nil {
			return nil, err
		}
		c, err := value[dbtype.Node](rec, "c", "organization countries")
		if err != nil {
			return nil, err
		}
		out[id] = toNode(c)
	}
	return out, nil
}
