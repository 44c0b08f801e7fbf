package neo4jstore

import (
	"context"
	"fmt"
	"sync"

	"armsgraph/internal/kg"
)

// The statistics the API prices operations with (kg.GraphStats). Whether
// the graph changed is asked of Neo4j's count store, which answers
// `MATCH (n) RETURN count(n)` and `MATCH ()-[r]->() RETURN count(r)`
// without touching a node; only when those totals changed are the figures
// read again: per label, its nodes and their citations in one pass over its
// nodes, and its relationships grouped by type and node in one pass over
// them per direction (the average and the largest degree); per
// relationship type, its citations. A single statement of count-store branches per
// (label, type, direction) was tried first: planning 430 UNION branches
// took longer than the query timeout on a loaded machine.

// statsLabels are the labels counted: every entity kind and Source.
func statsLabels() []string {
	return append(kg.Labels(nil), "Source")
}

// totalsStatement reads the node and relationship totals from the count store.
const totalsStatement = `CALL { MATCH (n) RETURN count(n) AS nodes }
CALL { MATCH ()-[r]->() RETURN count(r) AS rels }
RETURN nodes, rels`

// statsCache holds the last figures and the totals they were read at.
type statsCache struct {
	mu          sync.Mutex
	stats       *kg.GraphStats
	nodes, rels int64
	// seen are the totals of the last call that found them changed: the
	// figures are read again once two calls in a row see the same new
	// totals, so that a graph being loaded is not read at every call.
	seen [2]int64
}

// Stats reads the graph's statistics: the count-store totals every time
// (cheap), the figures the first time and then when the totals have
// changed and stayed the same for two calls in a row (after an ingest, not
// during it); meanwhile it returns the last figures.
// Every statement names labels and types from kg's allow-lists only.
func (s *Store) Stats(ctx context.Context) (*kg.GraphStats, error) {
	recs, err := s.query(ctx, "stats totals", totalsStatement, nil)
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 {
		return nil, fmt.Errorf("stats totals: %d rows, want 1", len(recs))
	}
	nodes, _ := recs[0].Values[0].(int64)
	rels, _ := recs[0].Values[1].(int64)
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	if c := &s.stats; c.stats != nil && (c.nodes == nodes && c.rels == rels || c.seen != [2]int64{nodes, rels}) {
		// Unchanged, or changed since the last call: an ingest may be
		// under way, so keep the figures until the totals settle.
		c.seen = [2]int64{nodes, rels}
		return c.stats, nil
	}
	st, err := s.readStats(ctx)
	if err != nil {
		return nil, err
	}
	s.stats.stats, s.stats.nodes, s.stats.rels = st, nodes, rels
	return st, nil
}

// CachedStats is what the last successful Stats call read (nil before one).
func (s *Store) CachedStats() *kg.GraphStats {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return s.stats.stats
}

// citeCount is the number of citations of x, a node or relationship.
const citeCount = "size(coalesce(x." + kg.PropCiteSource + ", []))"

// readStats reads every figure of kg.GraphStats.
func (s *Store) readStats(ctx context.Context) (*kg.GraphStats, error) {
	st := &kg.GraphStats{
		Nodes:        map[string]int64{},
		Rels:         map[kg.RelType]int64{},
		Degrees:      map[kg.DegreeKey]kg.Degree{},
		Citations:    map[string]kg.Degree{},
		RelCitations: map[kg.RelType]kg.Degree{},
	}
	for _, label := range statsLabels() {
		recs, err := s.query(ctx, "stats "+label, "MATCH (x:"+label+")\nRETURN count(x), avg("+citeCount+"), max("+citeCount+")", nil)
		if err != nil {
			return nil, err
		}
		if len(recs) != 1 {
			return nil, fmt.Errorf("stats %s: %d rows, want 1", label, len(recs))
		}
		n, _ := recs[0].Values[0].(int64)
		if n == 0 {
			continue
		}
		st.Nodes[label] = n
		st.Citations[label] = degreeOf(recs[0].Values[1], recs[0].Values[2])
		if label == "Source" {
			continue // sources are reached through citations, not relationships
		}
		for _, incoming := range []bool{false, true} {
			pattern := "(x:" + label + ")-[r]->()"
			if incoming {
				pattern = "(x:" + label + ")<-[r]-()"
			}
			recs, err := s.query(ctx, "stats "+label+" degrees",
				"MATCH "+pattern+"\nWITH x, type(r) AS type, count(r) AS degree\nRETURN type, sum(degree), max(degree)", nil)
			if err != nil {
				return nil, err
			}
			for _, rec := range recs {
				t, err := kg.ParseRelType(str(rec.Values[0]))
				if err != nil {
					continue // a type the API does not read
				}
				total, _ := rec.Values[1].(int64)
				most, _ := rec.Values[2].(int64)
				st.Degrees[kg.DegreeKey{Label: label, Type: t, Incoming: incoming}] = kg.Degree{Avg: float64(total) / float64(n), Max: most}
				if !incoming {
					st.Rels[t] += total // each relationship once: at its start node
				}
			}
		}
	}
	for _, t := range kg.RelTypes {
		if st.Rels[t] == 0 {
			continue
		}
		recs, err := s.query(ctx, "stats "+string(t), "MATCH ()-[x:"+string(t)+"]->()\nRETURN avg("+citeCount+"), max("+citeCount+")", nil)
		if err != nil {
			return nil, err
		}
		if len(recs) == 1 {
			st.RelCitations[t] = degreeOf(recs[0].Values[0], recs[0].Values[1])
		}
	}
	return st, nil
}

func degreeOf(avg, max any) kg.Degree {
	d := kg.Degree{}
	d.Avg, _ = avg.(float64)
	d.Max, _ = max.(int64)
	return d
}
