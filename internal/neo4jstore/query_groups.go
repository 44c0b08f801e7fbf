package neo4jstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"armsgraph/internal/kg"
)

// This file answers grouped neighbourhoods: an entity's neighbours counted
// per relationship type, direction and neighbour kind, with the first page
// of each group, so that a hub of any size can be shown as a handful of
// groups. The counts avoid expanding the hub's relationships where the
// graph model allows: COUNT { (c)-[:T]->() } with an unlabelled far end is
// a degree lookup (getDegree in the plan: a dense node's relationship
// group, or a sparse node's short chain), and where the model puts one
// kind at T's far end (kg.RelEnds: a Country's incoming ORIGINATES_FROM
// come from weapons) the degree is the group's size. Only types whose far
// ends mix kinds (PARTY_TO, PARTICIPATED_IN, the generic ALLIED_WITH …) are
// counted by expanding, grouped by the neighbour's kind; those are small
// in practice. A group's first page expands that group, to order it by
// date and name; a text filter does too.

// groupOrder orders a group's members: dated first by their date (an
// agreement's or event's date, a transfer's order or delivery, a weapon's
// introduction), then by name and id.
const groupOrder = "coalesce(m." + kg.PropDate + ", m." + kg.PropOrdered + ", m." + kg.PropDelivered + ", m." + kg.PropIntroduced + "), m.name, m.id"

// groupDateProps are the properties groupOrder's coalesce reads, in order.
var groupDateProps = []string{kg.PropDate, kg.PropOrdered, kg.PropDelivered, kg.PropIntroduced}

// propGroupKey holds groupOrder as one string (groupKeyOf), written on
// every entity and indexed (entity_group_key), so that a large group's
// first page walks the index in order and stops after a page, instead of
// reading and sorting every member of the group.
const propGroupKey = "groupKey"

// groupKeySep sorts below every character of a name or date, so that a
// prefix sorts first, as Cypher orders strings.
const groupKeySep = "\u0001"

// groupKeyOf is n's place in groupOrder as a string, after its kind (so
// that a walk reads the entities of one kind only, whatever the others'
// dates): the kind, "0" and the date for a dated entity ("1" for an undated
// one: Cypher orders nulls last), then the name and the id. Comparing the
// keys of one kind compares (date, name, id) as groupOrder does.
func groupKeyOf(n kg.Node) string {
	date, dated := "", false
	for _, p := range groupDateProps {
		if v, ok := n.Props[p]; ok && v != nil {
			date, dated = fmt.Sprint(v), true
			break
		}
	}
	rank := "1"
	if dated {
		rank = "0"
	}
	return groupKeyPrefix(n.Kind) + rank + date + groupKeySep + n.Name + groupKeySep + n.ID
}

// groupKeyPrefix starts the group keys of the entities of kind k.
func groupKeyPrefix(k kg.Kind) string { return string(k) + groupKeySep }

// indexedPage is a CALL clause that reads the first $first members of a
// large group (c along pattern to m, the relationship in r) by walking the
// group-key index in order, checking each entity for the relationship and
// stopping after a page, into the column named into; its condition big
// (a Cypher boolean) says when the group is large enough for that: the
// walk meets about first × n / size entities of the kind (n of them)
// before a page is full, fewer than the size of the group once
// size² ≥ first × n.
// An empty list when big is false. The walk reads the keys of the
// group's kind only ($keyPrefix, groupKeyPrefix); label narrows the
// candidates to that kind.
func indexedPage(vars, big, pattern, label, into string) string {
	exists := strings.NewReplacer("[r:", "[:").Replace(pattern)
	// big gates the walk through the seek's own prefix (no key starts with
	// "~"): as a WHERE of its own it would be planned after the seek,
	// walking the whole index for a small group, and an UNWIND before the
	// seek loses the index order.
	return fmt.Sprintf(`CALL (%[1]s) {
  MATCH (m:Entity) USING INDEX SEEK m:Entity(%[6]s)
  WHERE m.%[6]s STARTS WITH CASE WHEN %[2]s THEN $keyPrefix ELSE '~' END AND m:%[4]s AND EXISTS { %[5]s }
  WITH %[1]s, m ORDER BY m.%[6]s LIMIT $first
  MATCH %[3]s
  WITH r, m ORDER BY m.%[6]s LIMIT $first
  RETURN collect({r: r, m: m}) AS %[7]s
}`, vars, big, pattern, label, exists, propGroupKey, into)
}

// groupPattern is the pattern from c along t in one direction to m, with
// the relationship in r; t comes from the kg allow-list, label from kg.Kind.
func groupPattern(c, r, m string, t kg.RelType, incoming bool, label string) string {
	if label != "" {
		label = ":" + label
	}
	if incoming {
		return fmt.Sprintf("(%s)<-[%s:%s]-(%s%s)", c, r, t, m, label)
	}
	return fmt.Sprintf("(%s)-[%s:%s]->(%s%s)", c, r, t, m, label)
}

// kindLabels maps kind names to labels for the statements ([[kind, label]]).
func kindLabels() [][]string {
	out := make([][]string, len(kg.Kinds))
	for i, k := range kg.Kinds {
		out[i] = []string{string(k), k.Label()}
	}
	return out
}

// NeighborGroups returns the entity id and its neighbour groups, each with
// its count and its first `first` members, largest groups first.
func (s *Store) NeighborGroups(ctx context.Context, id string, first int, prefetch ...*kg.Prefetch) (kg.Node, []kg.NeighborGroup, *kg.Fetched, error) {
	pre, got := prefetchOf(prefetch), &fetched{}
	if err := checkRange("first", first, 0, kg.MaxGroupPage); err != nil {
		return kg.Node{}, nil, nil, err
	}
	notFound := &kg.InputError{Arg: "id", Msg: fmt.Sprintf("no entity has id %q", id), Err: kg.ErrNotFound}
	kind, ok := kg.KindOfID(id)
	if !ok {
		return kg.Node{}, nil, nil, notFound
	}
	// One spec per type and direction an entity of this kind can stand at
	// one end of: its degree (a degree lookup) and, when the model puts one
	// kind at the far end, that kind. The pages then come from four
	// branches whatever the kind, with the type as a dynamic type (the
	// statement stays small, so Neo4j plans it quickly).
	var specs []string
	for _, t := range kg.RelTypes {
		for _, incoming := range []bool{false, true} {
			far, ok := kg.FarKinds(t, kind, incoming)
			if !ok {
				continue
			}
			single := "null"
			if len(far) == 1 {
				single = "'" + string(far[0]) + "'"
			}
			specs = append(specs, fmt.Sprintf("{t: '%s', incoming: %t, kind: %s, degree: COUNT { %s }}", t, incoming, single, groupPattern("c", "", "", t, incoming, "")))
		}
	}
	props, relProps := projected(pre), relProjected(pre)
	var b strings.Builder
	fmt.Fprintf(&b, `
MATCH (c:Entity {id: $id})
CALL (c) {
  UNWIND [s IN [%s] WHERE s.degree > 0] AS s
  CALL (c, s) {
    WITH c, s WHERE s.kind IS NOT NULL AND NOT s.incoming
    CALL (c, s) {
      WITH c, s WHERE $first > 0
      MATCH (c)-[r:$(s.t)]->(m)
      WITH r, m ORDER BY %[2]s LIMIT $first
      RETURN collect({r: r, m: m}) AS page
    }
    RETURN s.kind AS kind, s.degree AS count, page
    UNION ALL
    WITH c, s WHERE s.kind IS NOT NULL AND s.incoming
    CALL (c, s) {
      WITH c, s WHERE $first > 0
      MATCH (c)<-[r:$(s.t)]-(m)
      WITH r, m ORDER BY %[2]s LIMIT $first
      RETURN collect({r: r, m: m}) AS page
    }
    RETURN s.kind AS kind, s.degree AS count, page
    UNION ALL
    WITH c, s WHERE s.kind IS NULL AND NOT s.incoming
    MATCH (c)-[r:$(s.t)]->(m:Entity)
    WITH m.kind AS kind, r, m ORDER BY %[2]s
    WITH kind, collect({r: r, m: m}) AS members
    RETURN kind, size(members) AS count, members[..$first] AS page
    UNION ALL
    WITH c, s WHERE s.kind IS NULL AND s.incoming
    MATCH (c)<-[r:$(s.t)]-(m:Entity)
    WITH m.kind AS kind, r, m ORDER BY %[2]s
    WITH kind, collect({r: r, m: m}) AS members
    RETURN kind, size(members) AS count, members[..$first] AS page
  }
  RETURN collect({type: s.t, incoming: s.incoming, label: [k IN $kinds WHERE k[0] = kind][0][1], count: count, page: page}) AS groups
}
WITH c, groups, reduce(acc = [], g IN groups | acc + [p IN g.page | p.m]) AS members`, strings.Join(specs, ",\n    "), groupOrder)
	tail, cols, err := expandTail("c, members, groups", "[c] + members", "reduce(acc = [], g IN groups | acc + [p IN g.page | p.r])", pre)
	if err != nil {
		return kg.Node{}, nil, nil, err
	}
	fmt.Fprintf(&b, "%s\nRETURN %s AS c, [g IN groups | g {.type, .incoming, .label, .count, page: [p IN g.page | {r: %s, m: %s}]}] AS groups%s",
		tail, projectNode("c", props), projectRel("p.r", relProps), projectNode("p.m", props), cols)
	recs, err := s.query(ctx, "neighborhoodSummary", b.String(), planParams(pre, map[string]any{"id": id, "first": first, "kinds": kindLabels()}))
	if err != nil {
		return kg.Node{}, nil, nil, err
	}
	if len(recs) == 0 {
		return kg.Node{}, nil, nil, notFound
	}
	rec := recs[0]
	centre, groups, err := readGroups(rec, "neighborhoodSummary")
	if err != nil {
		return kg.Node{}, nil, nil, err
	}
	readExpand(rec, pre, got)
	slices.SortStableFunc(groups, func(a, b kg.NeighborGroup) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Type, b.Type), cmp.Compare(a.Kind, b.Kind), cmp.Compare(fmt.Sprint(a.Incoming), fmt.Sprint(b.Incoming)))
	})
	return centre, groups, got.result(), nil
}

// NeighborGroupPage returns one page of one group of an entity's
// neighbours, and the entity.
func (s *Store) NeighborGroupPage(ctx context.Context, q kg.NeighborGroupQuery, prefetch ...*kg.Prefetch) (kg.Node, kg.NeighborGroup, *kg.Fetched, error) {
	pre, got := prefetchOf(prefetch), &fetched{}
	t, err := kg.ParseRelType(q.Type)
	if err != nil {
		return kg.Node{}, kg.NeighborGroup{}, nil, kg.Invalid("type", err.Error())
	}
	if !q.Kind.Valid() {
		return kg.Node{}, kg.NeighborGroup{}, nil, kg.Invalid("kind", fmt.Sprintf("unknown entity kind %q", q.Kind))
	}
	if err := checkRange("first", q.First, 0, kg.MaxGroupPage); err != nil {
		return kg.Node{}, kg.NeighborGroup{}, nil, err
	}
	if q.Offset < 0 {
		return kg.Node{}, kg.NeighborGroup{}, nil, kg.Invalid("offset", fmt.Sprintf("must be at least 0, got %d", q.Offset))
	}
	label := q.Kind.Label()
	// The degree is the count when nothing filters and the model puts
	// only this kind at the far end.
	match := "($text = '' OR toLower(m.name) CONTAINS $text OR any(a IN coalesce(m.aliases, []) WHERE toLower(a) CONTAINS $text))"
	count := fmt.Sprintf("COUNT { MATCH %s WHERE %s }", groupPattern("c", "r", "m", t, q.Incoming, label), match)
	centreKind, _ := kg.KindOfID(q.ID)
	if far, _ := kg.FarKinds(t, centreKind, q.Incoming); len(far) == 1 && far[0] == q.Kind && strings.TrimSpace(q.Text) == "" {
		count = fmt.Sprintf("COUNT { %s }", groupPattern("c", "", "", t, q.Incoming, ""))
	}
	// The first page of a large group without a text walks the group-key
	// index (indexedPage) when the degree is the group's size; any other
	// page expands the group and orders it.
	big, indexed := "false", "WITH c, count, [] AS indexed"
	if far, _ := kg.FarKinds(t, centreKind, q.Incoming); len(far) == 1 && far[0] == q.Kind && strings.TrimSpace(q.Text) == "" && q.Offset == 0 {
		big = fmt.Sprintf("count * count >= $first * COUNT { (:%s) }", label)
		indexed = indexedPage("c, count", big, groupPattern("c", "r", "m", t, q.Incoming, ""), label, "indexed")
	}
	// The group is expanded and ordered when the walk does not apply, and
	// also when it found less than a page: a graph loaded before entities
	// carried group keys (re-ingest it to give them keys) answers as before.
	props, relProps := projected(pre), relProjected(pre)
	var b strings.Builder
	fmt.Fprintf(&b, `
MATCH (c:Entity {id: $id})
WITH c, %[4]s AS count
%[6]s
CALL (c, count, indexed) {
  WITH c WHERE NOT (%[5]s) OR size(indexed) < CASE WHEN count < $first THEN count ELSE $first END
  MATCH %[1]s
  WHERE %[2]s
  WITH r, m ORDER BY %[3]s SKIP $offset LIMIT $first
  RETURN collect({r: r, m: m}) AS page
}
WITH c, CASE WHEN size(page) > 0 THEN page ELSE indexed END AS page, count`,
		groupPattern("c", "r", "m", t, q.Incoming, label), match, groupOrder, count, big, indexed)
	tail, cols, err := expandTail("c, page", "[c] + [p IN page | p.m]", "[p IN page | p.r]", pre)
	if err != nil {
		return kg.Node{}, kg.NeighborGroup{}, nil, err
	}
	fmt.Fprintf(&b, "%s\nRETURN %s AS c, [{type: '%s', incoming: %t, label: '%s', count: count, page: [p IN page | {r: %s, m: %s}]}] AS groups%s",
		tail, projectNode("c", props), t, q.Incoming, label, projectRel("p.r", relProps), projectNode("p.m", props), cols)
	recs, err := s.query(ctx, "neighborGroup", b.String(), planParams(pre, map[string]any{
		"id": q.ID, "first": q.First, "offset": q.Offset, "text": strings.ToLower(strings.TrimSpace(q.Text)), "keyPrefix": groupKeyPrefix(q.Kind),
	}))
	if err != nil {
		return kg.Node{}, kg.NeighborGroup{}, nil, err
	}
	if len(recs) == 0 {
		return kg.Node{}, kg.NeighborGroup{}, nil, &kg.InputError{Arg: "id", Msg: fmt.Sprintf("no entity has id %q", q.ID), Err: kg.ErrNotFound}
	}
	rec := recs[0]
	centre, groups, err := readGroups(rec, "neighborGroup")
	if err != nil || len(groups) != 1 {
		return kg.Node{}, kg.NeighborGroup{}, nil, cmp.Or(err, fmt.Errorf("neighborGroup: %d groups, want 1", len(groups)))
	}
	readExpand(rec, pre, got)
	return centre, groups[0], got.result(), nil
}

// readGroups reads the c and groups columns of a group statement.
func readGroups(rec interface{ Get(string) (any, bool) }, query string) (kg.Node, []kg.NeighborGroup, error) {
	rawC, _ := rec.Get("c")
	centre, ok := nodeOf(rawC)
	if !ok {
		return kg.Node{}, nil, fmt.Errorf("%s: column c is %T, want a node", query, rawC)
	}
	rawG, _ := rec.Get("groups")
	list, _ := rawG.([]any)
	out := make([]kg.NeighborGroup, 0, len(list))
	for _, x := range list {
		g, _ := x.(map[string]any)
		kind, ok := kg.KindOfLabel(str(g["label"]))
		if !ok {
			return kg.Node{}, nil, fmt.Errorf("%s: unknown label %v", query, g["label"])
		}
		count, _ := g["count"].(int64)
		incoming, _ := g["incoming"].(bool)
		grp := kg.NeighborGroup{Type: kg.RelType(str(g["type"])), Incoming: incoming, Kind: kind, Count: int(count)}
		page, _ := g["page"].([]any)
		for _, y := range page {
			p, _ := y.(map[string]any)
			m, ok := nodeOf(p["m"])
			if !ok {
				continue
			}
			from, to := centre.ID, m.ID
			if incoming {
				from, to = to, from
			}
			if r, ok := relOf(p["r"], from, to); ok {
				grp.Nodes, grp.Rels = append(grp.Nodes, m), append(grp.Rels, r)
			}
		}
		out = append(out, grp)
	}
	return centre, out, nil
}
