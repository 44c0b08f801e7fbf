package neo4jstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/internal/kg"
)

// Changes counts what one batch write did (or, dry, would do); the type is
// the ingester's (kg.Changes), named here for the store's callers.
type Changes = kg.Changes

// nodeProps is the full property map of a node: SET n = props replaces every
// property, so a field removed from the seeds disappears from the graph too.
func nodeProps(n kg.Node, dataset string) map[string]any {
	p := make(map[string]any, len(n.Props)+12)
	for k, v := range n.Props {
		p[k] = v
	}
	p[kg.PropID] = n.ID
	p[kg.PropDataset] = dataset
	if n.Kind == "" {
		return p // a source: its props already hold title and the rest
	}
	p["kind"] = string(n.Kind)
	p["name"] = n.Name
	aliases := n.Aliases
	if aliases == nil {
		aliases = []string{}
	}
	p["aliases"] = aliases
	p["aliasText"] = strings.Join(aliases, " | ")
	keys := kg.NameKeys(n.Name, n.Aliases)
	p["keys"] = strings.Join(keys, " ")
	if len(keys) > 0 {
		p["nameKey"] = kg.NameKey(n.Name)
	}
	if n.Description != "" {
		p["description"] = n.Description
	}
	p[propGroupKey] = groupKeyOf(n)
	conf, _ := n.Props[kg.PropConfidence].(string)
	putCitations(p, n.Citations, kg.Confidence(conf))
	return p
}

func relProps(r kg.Rel, dataset string) map[string]any {
	p := make(map[string]any, len(r.Props)+6)
	for k, v := range r.Props {
		p[k] = v
	}
	p[kg.PropKey] = r.Key
	p[kg.PropDataset] = dataset
	p[kg.PropConfidence] = string(r.Confidence)
	putCitations(p, r.Citations, r.Confidence)
	return p
}

// putCitations stores citations as parallel lists, since Neo4j properties
// cannot hold maps; readers zip them back together. A citation without a
// confidence of its own stores the fact's (fact); claims are stored as a
// JSON list of [field, value] pairs, "" when the citation makes none.
func putCitations(p map[string]any, cs []kg.Citation, fact kg.Confidence) {
	n := len(cs)
	src, loc, note := make([]string, n), make([]string, n), make([]string, n)
	conf, claims := make([]string, n), make([]string, n)
	for i, c := range cs {
		src[i], loc[i], note[i] = c.Source, c.Locator, c.Note
		conf[i] = string(c.Confidence)
		if conf[i] == "" {
			conf[i] = string(fact)
		}
		claims[i] = kg.EncodeClaims(c.Claims)
	}
	p[kg.PropCiteSource], p[kg.PropCiteLocator], p[kg.PropCiteNote] = src, loc, note
	p[kg.PropCiteConfidence], p[kg.PropCiteClaims] = conf, claims
}

// UpsertNodes writes nodes that all carry one label, in one transaction:
// MERGE on the unique id, then replace the properties. With dry set nothing
// is written and the counts say what a write would change.
func (s *Store) UpsertNodes(ctx context.Context, label string, dataset string, nodes []kg.Node, dry bool) (Changes, error) {
	kindLabel := label
	base := kg.EntityLabel
	if label == kg.SourceLabel {
		base, kindLabel = kg.SourceLabel, ""
	} else if _, ok := kg.KindOfLabel(label); !ok {
		return Changes{}, fmt.Errorf("upsert nodes: unknown label %q", label)
	}
	rows := make([]map[string]any, len(nodes))
	for i, n := range nodes {
		rows[i] = map[string]any{"id": n.ID, "props": nodeProps(n, dataset)}
	}
	var cypher string
	if dry {
		cypher = fmt.Sprintf(`UNWIND $rows AS row
OPTIONAL MATCH (n:%s {id: row.id})
RETURN count(CASE WHEN n IS NULL THEN 1 END) AS created,
       count(CASE WHEN n IS NOT NULL AND properties(n) <> row.props THEN 1 END) AS updated,
       collect(CASE WHEN n IS NULL THEN row.id END)[..$listed] AS createdIDs,
       collect(CASE WHEN n IS NOT NULL AND properties(n) <> row.props THEN row.id END)[..$listed] AS updatedIDs`, base)
	} else {
		setLabel := ""
		if kindLabel != "" {
			setLabel = ", n:" + kindLabel
		}
		cypher = fmt.Sprintf(`UNWIND $rows AS row
MERGE (n:%s {id: row.id})
WITH n, row, n.dataset IS NULL AS isNew, properties(n) = row.props AS same
SET n = row.props%s
RETURN count(CASE WHEN isNew THEN 1 END) AS created,
       count(CASE WHEN NOT isNew AND NOT same THEN 1 END) AS updated,
       collect(CASE WHEN isNew THEN row.id END)[..$listed] AS createdIDs,
       collect(CASE WHEN NOT isNew AND NOT same THEN row.id END)[..$listed] AS updatedIDs`, base, setLabel)
	}
	return s.changes(ctx, "upsert."+label, cypher, rows, dry)
}

// UpsertRels writes relationships of one type in one transaction; both ends
// must exist (the ingester writes every node first).
func (s *Store) UpsertRels(ctx context.Context, t kg.RelType, dataset string, rels []kg.Rel, dry bool) (Changes, error) {
	if _, err := kg.ParseRelType(string(t)); err != nil {
		return Changes{}, fmt.Errorf("upsert relationships: %w", err)
	}
	rows := make([]map[string]any, len(rels))
	for i, r := range rels {
		rows[i] = map[string]any{"from": r.From, "to": r.To, "key": r.Key, "props": relProps(r, dataset)}
	}
	var cypher string
	if dry {
		cypher = fmt.Sprintf(`UNWIND $rows AS row
OPTIONAL MATCH ()-[r:%s {key: row.key}]->()
RETURN count(CASE WHEN r IS NULL THEN 1 END) AS created,
       count(CASE WHEN r IS NOT NULL AND properties(r) <> row.props THEN 1 END) AS updated,
       collect(CASE WHEN r IS NULL THEN row.key END)[..$listed] AS createdIDs,
       collect(CASE WHEN r IS NOT NULL AND properties(r) <> row.props THEN row.key END)[..$listed] AS updatedIDs`, t)
	} else {
		cypher = fmt.Sprintf(`UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
MATCH (b:Entity {id: row.to})
MERGE (a)-[r:%s {key: row.key}]->(b)
WITH r, row, r.dataset IS NULL AS isNew, properties(r) = row.props AS same
SET r = row.props
RETURN count(CASE WHEN isNew THEN 1 END) AS created,
       count(CASE WHEN NOT isNew AND NOT same THEN 1 END) AS updated,
       collect(CASE WHEN isNew THEN row.key END)[..$listed] AS createdIDs,
       collect(CASE WHEN NOT isNew AND NOT same THEN row.key END)[..$listed] AS updatedIDs,
       count(*) AS written`, t)
	}
	ch, err := s.changes(ctx, "upsert."+string(t), cypher, rows, dry)
	return ch, err
}

// CreateRels writes relationships of one type with CREATE instead of MERGE,
// which is much cheaper. Only for a first load: the caller must know that no
// relationship of the dataset exists yet (Owns), or it would duplicate them.
func (s *Store) CreateRels(ctx context.Context, t kg.RelType, dataset string, rels []kg.Rel) (Changes, error) {
	if _, err := kg.ParseRelType(string(t)); err != nil {
		return Changes{}, fmt.Errorf("create relationships: %w", err)
	}
	rows := make([]map[string]any, len(rels))
	for i, r := range rels {
		rows[i] = map[string]any{"from": r.From, "to": r.To, "props": relProps(r, dataset)}
	}
	cypher := fmt.Sprintf(`UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
MATCH (b:Entity {id: row.to})
CREATE (a)-[r:%s]->(b)
SET r = row.props
RETURN count(*) AS created, 0 AS updated, count(*) AS written`, t)
	return s.changes(ctx, "create."+string(t), cypher, rows, false)
}

// Owns reports whether the dataset owns any node in the graph.
func (s *Store) Owns(ctx context.Context, dataset string) (bool, error) {
	recs, err := s.read(ctx, "owns", `CALL {
  MATCH (n:Entity {dataset: $ds}) RETURN n LIMIT 1
  UNION ALL
  MATCH (n:Source {dataset: $ds}) RETURN n LIMIT 1
}
RETURN count(n) > 0 AS owns`, map[string]any{"ds": dataset})
	if err != nil {
		return false, err
	}
	owns, _ := recs[0].Get("owns")
	return owns.(bool), nil
}

func (s *Store) changes(ctx context.Context, name, cypher string, rows []map[string]any, dry bool) (Changes, error) {
	run := s.write
	if dry {
		run = s.read
	}
	recs, err := run(ctx, name, cypher, map[string]any{"rows": rows, "listed": kg.MaxChangedIDs})
	if err != nil {
		return Changes{}, err
	}
	if len(recs) != 1 {
		return Changes{}, fmt.Errorf("%s: want one summary row, got %d", name, len(recs))
	}
	created, _ := recs[0].Get("created")
	updated, _ := recs[0].Get("updated")
	if w, ok := recs[0].Get("written"); ok && w.(int64) != int64(len(rows)) {
		return Changes{}, fmt.Errorf("%s: wrote %d of %d relationships: an end node is missing", name, w, len(rows))
	}
	ch := Changes{Created: int(created.(int64)), Updated: int(updated.(int64))}
	createdIDs, _ := recs[0].Get("createdIDs")
	updatedIDs, _ := recs[0].Get("updatedIDs")
	ch.CreatedIDs, ch.UpdatedIDs = strs(createdIDs), strs(updatedIDs)
	return ch, nil
}

// OwnedNodes streams the id and label of every node the dataset owns.
func (s *Store) OwnedNodes(ctx context.Context, dataset string, fn func(label, id string) error) error {
	return s.stream(ctx, "owned.nodes", `MATCH (n:Entity {dataset: $ds}) RETURN n.id AS id, [l IN labels(n) WHERE l <> 'Entity'][0] AS label
UNION ALL
MATCH (n:Source {dataset: $ds}) RETURN n.id AS id, 'Source' AS label`, map[string]any{"ds": dataset},
		func(r *neo4j.Record) error {
			id, _ := r.Get("id")
			label, _ := r.Get("label")
			l, _ := label.(string)
			return fn(l, id.(string))
		})
}

// OwnedRels streams the key of every relationship of type t the dataset owns.
func (s *Store) OwnedRels(ctx context.Context, dataset string, t kg.RelType, fn func(key string) error) error {
	if _, err := kg.ParseRelType(string(t)); err != nil {
		return err
	}
	return s.stream(ctx, "owned.rels", fmt.Sprintf("MATCH ()-[r:%s]->() WHERE r.dataset = $ds RETURN r.key AS key", t), map[string]any{"ds": dataset},
		func(r *neo4j.Record) error {
			key, _ := r.Get("key")
			k, _ := key.(string)
			return fn(k)
		})
}

// DeleteNodes removes the dataset's nodes with the given ids and their
// relationships; label is a kind's label or "Source".
func (s *Store) DeleteNodes(ctx context.Context, dataset, label string, ids []string) error {
	base := kg.EntityLabel
	if label == kg.SourceLabel {
		base = kg.SourceLabel
	}
	_, err := s.write(ctx, "delete.nodes", fmt.Sprintf(`UNWIND $ids AS id
MATCH (n:%s {id: id}) WHERE n.dataset = $ds
DETACH DELETE n`, base), map[string]any{"ids": ids, "ds": dataset})
	return err
}

// DeleteRels removes the dataset's relationships of type t with the given keys.
func (s *Store) DeleteRels(ctx context.Context, dataset string, t kg.RelType, keys []string) error {
	if _, err := kg.ParseRelType(string(t)); err != nil {
		return err
	}
	_, err := s.write(ctx, "delete.rels", fmt.Sprintf(`UNWIND $keys AS key
MATCH ()-[r:%s {key: key}]->() WHERE r.dataset = $ds
DELETE r`, t), map[string]any{"keys": keys, "ds": dataset})
	return err
}

// stream runs a read query and hands each record to fn without collecting them all.
func (s *Store) stream(ctx context.Context, name, cypher string, params map[string]any, fn func(*neo4j.Record) error) error {
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead, DatabaseName: s.cfg.Database})
	defer session.Close(context.WithoutCancel(ctx))
	_, err := session.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		cur, err := tx.Run(ctx, cypher, params)
		if err != nil {
			return nil, err
		}
		for cur.Next(ctx) {
			if err := fn(cur.Record()); err != nil {
				return nil, err
			}
		}
		return nil, cur.Err()
	}, neo4j.WithTxTimeout(s.cfg.WriteTimeout))
	err = translate(ctx, name, err)
	s.observe(ctx, name, 0, err)
	return err
}
