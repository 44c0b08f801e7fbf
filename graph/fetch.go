package graph

import (
	"context"

	"armsgraph/graph/model"
	"armsgraph/internal/kg"
)

// Helpers that resolve nested fields through the request's loaders.

// edgesOf loads the relationships spec names of the entity id.
func (r *Resolver) edgesOf(ctx context.Context, id string, spec kg.EdgeSpec) ([]kg.Edge, error) {
	return r.loadersFor(ctx).edgesOf(ctx, spec, id)
}

// related loads the entities at the other end of spec's relationships.
func related[T any](ctx context.Context, r *Resolver, id string, spec kg.EdgeSpec, conv func(kg.Node) T) ([]T, error) {
	edges, err := r.edgesOf(ctx, id, spec)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(edges))
	for _, e := range edges {
		out = append(out, conv(e.Node))
	}
	return out, nil
}

// relatedOne loads the first entity at the other end of spec's
// relationships, or nil.
func relatedOne[T any](ctx context.Context, r *Resolver, id string, spec kg.EdgeSpec, conv func(kg.Node) *T) (*T, error) {
	edges, err := r.edgesOf(ctx, id, spec)
	if err != nil || len(edges) == 0 {
		return nil, err
	}
	return conv(edges[0].Node), nil
}

// nodeByID loads one entity or source by id (nil when there is none).
func (r *Resolver) nodeByID(ctx context.Context, id string) (*kg.Node, error) {
	if id == "" {
		return nil, nil
	}
	return r.loadersFor(ctx).node(ctx, id)
}

// countryByID loads a country by id (nil when there is none or it is not a country).
func (r *Resolver) countryByID(ctx context.Context, id string) (*model.Country, error) {
	n, err := r.nodeByID(ctx, id)
	if err != nil || n == nil || n.Kind != kg.Country {
		return nil, err
	}
	return countryOf(*n), nil
}

// derivations loads the DERIVED_FROM edges of a weapon: to its parents, or
// (incoming) from its children.
func (r *Resolver) derivations(ctx context.Context, w *model.Weapon, incoming bool) ([]*model.Derivation, error) {
	edges, err := r.edgesOf(ctx, w.ID, kg.EdgeSpec{Type: kg.DerivedFrom, Incoming: incoming, Label: kg.Weapon.Label()})
	if err != nil {
		return nil, err
	}
	out := make([]*model.Derivation, 0, len(edges))
	for _, e := range edges {
		other := weaponOf(e.Node)
		if incoming {
			out = append(out, derivationOf(e.Rel, other, w))
		} else {
			out = append(out, derivationOf(e.Rel, w, other))
		}
	}
	return out, nil
}

// lookup resolves a name to the best entity of kind by id, name or alias
// key (never by a partial match), or nil, fetching the field's selection
// in the same statement.
func (r *Resolver) lookup(ctx context.Context, name string, kind kg.Kind) (*kg.Node, error) {
	pre := r.rootPlan(ctx, kind.Label())
	matches, got, err := r.store.Resolve(ctx, name, []kg.Kind{kind}, false, 1, pre)
	if err != nil || len(matches) == 0 {
		return nil, err
	}
	r.loadersFor(ctx).roots([]kg.Node{matches[0].Node}, nil, pre, got)
	return &matches[0].Node, nil
}

// rootNode loads one entity or source by id with the field's selection
// (a root field of type typ), or nil.
func (r *Resolver) rootNode(ctx context.Context, id, typ string) (*kg.Node, error) {
	pre := r.rootPlan(ctx, typ)
	nodes, got, err := r.store.Nodes(ctx, []string{id}, pre)
	if err != nil {
		return nil, err
	}
	for i := range nodes {
		if nodes[i].ID == id {
			r.loadersFor(ctx).roots(nodes[i:i+1], nil, pre, got)
			return &nodes[i], nil
		}
	}
	return nil, nil
}

// Edge specs of the nested fields.
var (
	specOrigin       = kg.EdgeSpec{Type: kg.OriginatesFrom, Label: "Country"}
	specManufacturer = kg.EdgeSpec{Type: kg.ManufacturedBy, Label: "Organization"}
	specItemOf       = kg.EdgeSpec{Type: kg.Item, Incoming: true, Label: "Transfer"}
	specNationality  = kg.EdgeSpec{Type: kg.NationalOf, Label: "Country"}
	specPositions    = kg.EdgeSpec{Type: kg.HoldsPosition}
	specSigned       = kg.EdgeSpec{Type: kg.Signed, Label: "Agreement"}
	specPartOfOrg    = kg.EdgeSpec{Type: kg.PartOf, Label: "Organization"}
	specMembers      = kg.EdgeSpec{Type: kg.PartOf, Incoming: true, Label: "Organization"}
	specNationals    = kg.EdgeSpec{Type: kg.NationalOf, Incoming: true, Label: "Person"}
	specPartyTo      = kg.EdgeSpec{Type: kg.PartyTo, Label: "Agreement"}
	specSupplied     = kg.EdgeSpec{Type: kg.Supplier, Incoming: true, Label: "Transfer"}
	specReceived     = kg.EdgeSpec{Type: kg.Recipient, Incoming: true, Label: "Transfer"}
	specOriginated   = kg.EdgeSpec{Type: kg.OriginatesFrom, Incoming: true, Label: "Weapon"}
	specParties      = kg.EdgeSpec{Type: kg.PartyTo, Incoming: true, Label: "Country"}
	specPartyOrgs    = kg.EdgeSpec{Type: kg.PartyTo, Incoming: true, Label: "Organization"}
	specSignatories  = kg.EdgeSpec{Type: kg.Signed, Incoming: true, Label: "Person"}
	specLocatedIn    = kg.EdgeSpec{Type: kg.LocatedIn, Label: "Country"}
	specParticipants = kg.EdgeSpec{Type: kg.ParticipatedIn, Incoming: true}
	specParticipated = kg.EdgeSpec{Type: kg.ParticipatedIn, Label: "Event"}
	specSupplier     = kg.EdgeSpec{Type: kg.Supplier, Label: "Country"}
	specSupplierOrg  = kg.EdgeSpec{Type: kg.SupplierOrganization, Label: "Organization"}
	specRecipient    = kg.EdgeSpec{Type: kg.Recipient, Label: "Country"}
	specItem         = kg.EdgeSpec{Type: kg.Item, Label: "Weapon"}
	specAdoptedBy    = kg.EdgeSpec{Type: kg.Adopted, Incoming: true, Label: "Organization"}
	specTargets      = kg.EdgeSpec{Type: kg.Targets, Label: "Country"}
	specSupporters   = kg.EdgeSpec{Type: kg.Supported, Incoming: true, Label: "Country"}
	specAdvocates    = kg.EdgeSpec{Type: kg.Advocated, Incoming: true, Label: "Country"}
	specLosses       = kg.EdgeSpec{Type: kg.LostSalesUnder, Incoming: true, Label: "Country"}
	specProducedWith = kg.EdgeSpec{Type: kg.ProducedWith, Label: "Organization"}
)

// listOf converts the result of a root list query, priming the loaders
// with it and with what its statement fetched for the selection.
func listOf[T any](ctx context.Context, r *Resolver, nodes []kg.Node, pre *kg.Prefetch, got *kg.Fetched, err error, conv func(kg.Node) *T) ([]*T, error) {
	if err != nil {
		return nil, err
	}
	r.loadersFor(ctx).roots(nodes, nil, pre, got)
	out := make([]*T, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, conv(n))
	}
	return out, nil
}
