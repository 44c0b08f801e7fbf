package graph

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"armsgraph/graph/model"
	"armsgraph/internal/kg"
)

// This file turns the store's kg values into the GraphQL model.

// entityOf converts an entity node to its GraphQL type (nil for a node of
// no known kind, which callers skip).
func entityOf(n kg.Node) model.Entity {
	switch n.Kind {
	case kg.Weapon:
		return weaponOf(n)
	case kg.Person:
		return personOf(n)
	case kg.Country:
		return countryOf(n)
	case kg.Organization:
		return organizationOf(n)
	case kg.Agreement:
		return agreementOf(n)
	case kg.Transfer:
		return transferOf(n)
	case kg.Event:
		return eventOf(n)
	case kg.Resolution:
		return resolutionOf(n)
	}
	return nil
}

func entitiesOf(nodes []kg.Node) []model.Entity {
	out := make([]model.Entity, 0, len(nodes))
	for _, n := range nodes {
		if e := entityOf(n); e != nil {
			out = append(out, e)
		}
	}
	return out
}

func baseOf(n kg.Node) model.Base {
	b := model.Base{
		ID:          n.ID,
		Kind:        model.EntityKind(n.Kind),
		Name:        n.Name,
		Aliases:     n.Aliases,
		Description: optString(n.Description),
		Citations:   citationsOf(n.Citations),
		Confidence:  confidenceOf(kg.Confidence(propString(n.Props, kg.PropConfidence))),
	}
	if b.Aliases == nil {
		b.Aliases = []string{}
	}
	return b
}

func weaponOf(n kg.Node) *model.Weapon {
	return &model.Weapon{
		Base:       baseOf(n),
		Category:   propString(n.Props, kg.PropCategory),
		RangeKm:    propFloat(n.Props, kg.PropRangeKm),
		RangeKmMin: propFloat(n.Props, kg.PropRangeKmMin),
		RangeKmMax: propFloat(n.Props, kg.PropRangeKm),
		Introduced: propDate(n.Props, kg.PropIntroduced),
	}
}

func personOf(n kg.Node) *model.Person   { return &model.Person{Base: baseOf(n)} }
func countryOf(n kg.Node) *model.Country { return &model.Country{Base: baseOf(n)} }

func organizationOf(n kg.Node) *model.Organization {
	return &model.Organization{Base: baseOf(n), Type: optString(propString(n.Props, kg.PropType))}
}

func agreementOf(n kg.Node) *model.Agreement {
	return &model.Agreement{
		Base:         baseOf(n),
		Date:         propDate(n.Props, kg.PropDate),
		DateInferred: propBool(n.Props, kg.PropDateInferred),
		Areas:        propStrings(n.Props, kg.PropAreas),
		Status:       propString(n.Props, kg.PropStatus),
		Location:     optString(propString(n.Props, kg.PropLocation)),
		From:         propDate(n.Props, kg.PropFrom),
		To:           propDate(n.Props, kg.PropTo),
	}
}

func transferOf(n kg.Node) *model.Transfer {
	return &model.Transfer{
		Base:              baseOf(n),
		Item:              optString(propString(n.Props, kg.PropItem)),
		QuantityOrdered:   propInt(n.Props, kg.PropQuantityOrdered),
		QuantityDelivered: propInt(n.Props, kg.PropQuantityDelivered),
		QuantityUnit:      optString(propString(n.Props, kg.PropQuantityUnit)),
		Ordered:           propDate(n.Props, kg.PropOrdered),
		Delivered:         propDate(n.Props, kg.PropDelivered),
		DateInferred:      propBool(n.Props, kg.PropDateInferred),
		ValueUsd:          propFloat(n.Props, kg.PropValueUSD),
		Status:            propString(n.Props, kg.PropStatus),
		From:              propDate(n.Props, kg.PropFrom),
		To:                propDate(n.Props, kg.PropTo),
		Aggregate:         propBool(n.Props, kg.PropAggregate),
		ValueEstimated:    propBool(n.Props, kg.PropValueEstimated),
		CoversIDs:         propStrings(n.Props, kg.PropCovers),
		Type:              optString(propString(n.Props, kg.PropType)),
		Reported:          propDate(n.Props, kg.PropReported),
		TivUnit:           propFloat(n.Props, kg.PropTIVUnit),
		TivOrder:          propFloat(n.Props, kg.PropTIVOrder),
		TivDelivered:      propFloat(n.Props, kg.PropTIVDelivered),
		Estimated:         propStrings(n.Props, kg.PropEstimated),
	}
}

func eventOf(n kg.Node) *model.Event {
	return &model.Event{
		Base:         baseOf(n),
		Type:         propString(n.Props, kg.PropType),
		Date:         propDate(n.Props, kg.PropDate),
		EndDate:      propDate(n.Props, kg.PropEndDate),
		DateInferred: propBool(n.Props, kg.PropDateInferred),
		Status:       optString(propString(n.Props, kg.PropStatus)),
		Location:     optString(propString(n.Props, kg.PropLocation)),
	}
}

func resolutionOf(n kg.Node) *model.Resolution {
	return &model.Resolution{
		Base:         baseOf(n),
		Date:         propDate(n.Props, kg.PropDate),
		Restrictions: propStrings(n.Props, kg.PropRestrictions),
		Exemptions:   propStrings(n.Props, kg.PropExemptions),
		From:         propDate(n.Props, kg.PropFrom),
		To:           propDate(n.Props, kg.PropTo),
	}
}

func sourceOf(n kg.Node) *model.Source {
	return &model.Source{
		ID:                n.ID,
		Document:          propString(n.Props, kg.PropDocument),
		Title:             propString(n.Props, kg.PropTitle),
		Author:            optString(propString(n.Props, kg.PropAuthor)),
		Publisher:         optString(propString(n.Props, kg.PropPublisher)),
		Published:         propDate(n.Props, kg.PropPublished),
		PublishedInferred: propBool(n.Props, kg.PropPublishedInferred),
	}
}

func citationsOf(cs []kg.Citation) []*model.Citation {
	out := make([]*model.Citation, 0, len(cs))
	for _, c := range cs {
		out = append(out, &model.Citation{SourceID: c.Source, Locator: c.Locator, Note: optString(c.Note),
			Confidence: confidenceOf(c.Confidence), Claims: claimsOf(c.Claims)})
	}
	return out
}

func confidenceOf(c kg.Confidence) *model.Confidence {
	if c.Rank() == 0 {
		return nil
	}
	m := model.Confidence(c)
	return &m
}

// relationshipOf converts a relationship whose end nodes are in nodes (by
// id, converted: nil for a node of no known kind).
func relationshipOf(r kg.Rel, nodes map[string]model.Entity) *model.Relationship {
	props := make([]*model.Property, 0, len(r.Props))
	for k, v := range r.Props {
		if k == "note" || (r.Type == kg.DerivedFrom && k == "kind") {
			continue
		}
		props = append(props, &model.Property{Key: k, Value: propText(v)})
	}
	slices.SortFunc(props, func(a, b *model.Property) int { return strings.Compare(a.Key, b.Key) })
	out := &model.Relationship{
		Type:       string(r.Type),
		From:       nodes[r.From],
		To:         nodes[r.To],
		Confidence: confidenceOf(r.Confidence),
		Citations:  citationsOf(r.Citations),
		Key:        r.Key,
		Note:       optString(propString(r.Props, kg.PropNote)),
		Properties: props,
	}
	if r.Type == kg.DerivedFrom {
		out.Kind = optString(propString(r.Props, kg.PropKind))
	}
	return out
}

// derivationOf converts a DERIVED_FROM relationship between two weapons.
func derivationOf(r kg.Rel, child, parent *model.Weapon) *model.Derivation {
	return &model.Derivation{
		Child:      child,
		Parent:     parent,
		Kind:       propString(r.Props, kg.PropKind),
		Confidence: model.Confidence(r.Confidence), // the ingester writes one on every relationship
		Citations:  citationsOf(r.Citations),
		Note:       optString(propString(r.Props, kg.PropNote)),
	}
}

// positionOf converts a HOLDS_POSITION edge seen from the person.
func positionOf(e kg.Edge) *model.Position {
	p := &model.Position{
		Title:      propString(e.Rel.Props, kg.PropTitle),
		From:       propDate(e.Rel.Props, kg.PropFrom),
		To:         propDate(e.Rel.Props, kg.PropTo),
		Confidence: model.Confidence(e.Rel.Confidence),
		Citations:  citationsOf(e.Rel.Citations),
		CountryID:  propString(e.Rel.Props, kg.PropCountry),
		Attested:   propBool(e.Rel.Props, kg.PropAttested),
	}
	switch e.Node.Kind {
	case kg.Organization:
		p.OrganizationID = e.Node.ID
	case kg.Country:
		p.CountryID = e.Node.ID
	}
	return p
}

func lineageOf(l kg.Lineage) *model.Lineage {
	weapons := make(map[string]*model.Weapon, len(l.Nodes))
	out := &model.Lineage{Direction: model.LineageDirection(l.Direction)}
	for i, n := range l.Nodes {
		w := weaponOf(n)
		weapons[n.ID] = w
		out.Nodes = append(out.Nodes, &model.LineageNode{Weapon: w, Depth: l.Depths[i]})
	}
	out.Weapon = weapons[l.Root.ID]
	if out.Weapon == nil {
		out.Weapon = weaponOf(l.Root)
	}
	out.Derivations = make([]*model.Derivation, 0, len(l.Rels))
	for _, r := range l.Rels {
		child, parent := weapons[r.From], weapons[r.To]
		if child != nil && parent != nil {
			out.Derivations = append(out.Derivations, derivationOf(r, child, parent))
		}
	}
	if out.Nodes == nil {
		out.Nodes = []*model.LineageNode{}
	}
	return out
}

// graphOf converts the nodes and relationships of a path or subgraph. A
// relationship's ends are the same model values as the nodes list's (each
// node is converted once: the values are read, never changed).
func graphOf(nodes []kg.Node, rels []kg.Rel) ([]model.Entity, []*model.Relationship) {
	out := make([]model.Entity, 0, len(nodes))
	byID := make(map[string]model.Entity, len(nodes))
	for i := range nodes {
		e := entityOf(nodes[i])
		byID[nodes[i].ID] = e // nil for a node of no known kind: its relationships keep a null end
		if e != nil {
			out = append(out, e)
		}
	}
	outRels := make([]*model.Relationship, 0, len(rels))
	for _, r := range rels {
		if _, ok := byID[r.From]; !ok {
			continue
		}
		if _, ok := byID[r.To]; !ok {
			continue
		}
		outRels = append(outRels, relationshipOf(r, byID))
	}
	return out, outRels
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func propString(p map[string]any, k string) string {
	s, _ := p[k].(string)
	return s
}

func propBool(p map[string]any, k string) bool {
	b, _ := p[k].(bool)
	return b
}

func propInt(p map[string]any, k string) *int {
	switch v := p[k].(type) {
	case int64:
		i := int(v)
		return &i
	case float64:
		i := int(v)
		return &i
	}
	return nil
}

func propFloat(p map[string]any, k string) *float64 {
	switch v := p[k].(type) {
	case float64:
		return &v
	case int64:
		f := float64(v)
		return &f
	}
	return nil
}

func propStrings(p map[string]any, k string) []string {
	out := []string{}
	switch v := p[k].(type) {
	case []string:
		out = append(out, v...)
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// propDate reads a partial-date property; a value that does not parse is
// treated as unknown rather than failing the whole answer.
func propDate(p map[string]any, k string) *kg.PartialDate {
	s, ok := p[k].(string)
	if !ok || s == "" {
		return nil
	}
	d, err := kg.ParsePartialDate(s)
	if err != nil {
		return nil
	}
	return &d
}

// propText renders a property value as text.
func propText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, propText(e))
		}
		return strings.Join(parts, ", ")
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// neighborGroupsOf converts the groups of one centre and hands every node
// and relationship they hold to the request's loaders (roots).
func (r *Resolver) neighborGroupsOf(ctx context.Context, centre kg.Node, groups []kg.NeighborGroup, pre *kg.Prefetch, got *kg.Fetched) []*model.NeighborGroup {
	all := kg.Subgraph{Nodes: []kg.Node{centre}}
	for _, g := range groups {
		all.Nodes, all.Rels = append(all.Nodes, g.Nodes...), append(all.Rels, g.Rels...)
	}
	r.loadersFor(ctx).roots(all.Nodes, all.Rels, pre, got)
	out := make([]*model.NeighborGroup, 0, len(groups))
	for _, g := range groups {
		dir := model.RelationshipDirectionOutgoing
		if g.Incoming {
			dir = model.RelationshipDirectionIncoming
		}
		nodes, rels := graphOf(append([]kg.Node{centre}, g.Nodes...), g.Rels)
		out = append(out, &model.NeighborGroup{Type: string(g.Type), Direction: dir, Kind: model.EntityKind(g.Kind), Count: g.Count, Nodes: nodes[1:], Relationships: rels})
	}
	return out
}

// datasetCount is the API's view of a dataset: its load's time in RFC 3339
// (UTC, milliseconds), its generation as a GraphQL Int.
func datasetCount(d kg.DatasetCount) *model.DatasetCount {
	out := &model.DatasetCount{Name: d.Name, Entities: d.Entities, Loading: d.Loading}
	if d.Generation != nil {
		g := int(*d.Generation)
		out.Generation = &g
	}
	if d.IngestedAt != nil {
		at := d.IngestedAt.UTC().Format("2006-01-02T15:04:05.000Z07:00")
		out.LastIngested = &at
	}
	return out
}
