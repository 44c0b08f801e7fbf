package graph

import (
	"fmt"
	"strconv"

	"armsgraph/internal/kg"
)

// The field catalogue: what the API knows of each object field that is
// not a scalar read from the property of its name. The planner (plan.go)
// follows the relationship of a walkEdge field in the root field's one
// statement and walks the walkByHand ones itself; the property selection
// (props.go) reads what reads names; the cost estimate (cost.go) prices
// the field with price, or with the average degree of its relationship
// (the statistics' figure for its type, label and direction), or as one
// object. The resolvers load a field's relationship through the same
// EdgeSpec value (fetch.go). A field added to the schema and missing here
// is named by TestCatalogue.

// walk says how the planner reaches a field.
type walk int

const (
	// walkNone: nothing to fetch with the node (a scalar, an object made
	// of the node's own properties).
	walkNone walk = iota
	// walkEdge: the planner follows spec to a node of type target.
	walkEdge
	// walkByHand: plan.go walks it (a derivation, a lineage, a position
	// or a sales loss that stands for a relationship, an organization's
	// country up its PART_OF chain, the transfers a property names).
	walkByHand
)

// fieldInfo is one entry of the catalogue.
type fieldInfo struct {
	walk   walk
	spec   kg.EdgeSpec // the relationship followed (walkEdge, and by hand where one)
	target string      // the GraphQL type reached (walkEdge)
	// reads are the node properties the resolver reads besides the id
	// (entity fields only; nil: none).
	reads []string
	// price is the number of objects the field holds on average, for an
	// object of GraphQL type typ (nil: the average degree of spec, at most
	// one for a single object, or one when there is no spec).
	price func(e *estimator, typ string, args map[string]any) float64
}

// edge is a field that follows spec to a node of type target.
func edge(spec kg.EdgeSpec, target string) fieldInfo {
	return fieldInfo{walk: walkEdge, spec: spec, target: target}
}

// byHand is a field plan.go walks, priced by price.
func byHand(price func(e *estimator, typ string, args map[string]any) float64) fieldInfo {
	return fieldInfo{walk: walkByHand, price: price}
}

// priced is a field priced by price that the planner does not walk.
func priced(price func(e *estimator, typ string, args map[string]any) float64) fieldInfo {
	return fieldInfo{price: price}
}

// catalogue lists the fields by GraphQL type. The entries of "Entity"
// apply to every entity type.
var catalogue = map[string]map[string]fieldInfo{
	"Entity": {
		"citations": {reads: kg.CiteProps, price: citationsPrice},
	},
	"Weapon": {
		"origin":       edge(specOrigin, "Country"),
		"manufacturer": edge(specManufacturer, "Organization"),
		"transfers":    edge(specItemOf, "Transfer"),
		"producedWith": edge(specProducedWith, "Organization"),
		"derivedFrom":  byHand(relPrice(kg.Weapon, kg.DerivedFrom, false)),
		"derivatives":  byHand(relPrice(kg.Weapon, kg.DerivedFrom, true)),
		"lineage":      byHand(one),
		// rangeKmMax is rangeKm under the name that pairs it with rangeKmMin.
		"rangeKmMax": {reads: []string{kg.PropRangeKm}},
	},
	"Country": {
		"organizations":     edge(specMembers, "Organization"),
		"people":            edge(specNationals, "Person"),
		"agreements":        edge(specPartyTo, "Agreement"),
		"transfersSupplied": edge(specSupplied, "Transfer"),
		"transfersReceived": edge(specReceived, "Transfer"),
		"weaponsOriginated": edge(specOriginated, "Weapon"),
	},
	"Organization": {
		"parent":  edge(specPartOfOrg, "Organization"),
		"country": byHand(one),
	},
	"Person": {
		"country":    edge(specNationality, "Country"),
		"agreements": edge(specSigned, "Agreement"),
		"events":     edge(specParticipated, "Event"),
		"positions":  byHand(relPrice(kg.Person, kg.HoldsPosition, false)),
	},
	"Agreement": {
		"parties":            edge(specParties, "Country"),
		"partyOrganizations": edge(specPartyOrgs, "Organization"),
		"signatories":        edge(specSignatories, "Person"),
		"country":            edge(specLocatedIn, "Country"),
	},
	"Transfer": {
		"supplier":             edge(specSupplier, "Country"),
		"supplierOrganization": edge(specSupplierOrg, "Organization"),
		"recipient":            edge(specRecipient, "Country"),
		"weapon":               edge(specItem, "Weapon"),
		// Transfer.covers reads the ids its property holds.
		"covers": {walk: walkByHand, reads: []string{kg.PropCovers}, price: constant(priorFanout)},
	},
	"Event": {
		"country":      edge(specLocatedIn, "Country"),
		"participants": edge(specParticipants, "Entity"),
	},
	"Resolution": {
		"body":       edge(specAdoptedBy, "Organization"),
		"target":     edge(specTargets, "Country"),
		"supporters": edge(specSupporters, "Country"),
		"advocates":  edge(specAdvocates, "Country"),
		"losses":     byHand(relPrice(kg.Resolution, kg.LostSalesUnder, true)),
	},
	// The objects that stand for one relationship: their citations are the
	// relationship's.
	"Derivation":   {"citations": priced(relCitationsPrice(kg.DerivedFrom))},
	"Position":     {"citations": priced(relCitationsPrice(kg.HoldsPosition))},
	"SalesLoss":    {"citations": priced(relCitationsPrice(kg.LostSalesUnder))},
	"Relationship": {"citations": priced(relCitationsPrice("")), "properties": priced(constant(priorFanout))},
	"Citation":     {"claims": priced(constant(1))},
	// The home page's summary: a count per kind and per dataset.
	"GraphSummary": {"kinds": priced(constant(float64(len(kg.Kinds)))), "datasets": priced(constant(priorFanout))},
	// The root fields' lists; the lists inside a root field's answer that
	// its arguments size are priced in scopes (cost.go).
	"Query": {
		// One group per relationship type, direction and kind that the
		// entity has: at most one per relationship it has.
		"neighborhoodSummary": priced(func(e *estimator, _ string, _ map[string]any) float64 {
			return e.summaryGroups()
		}),
		"resolve": priced(func(e *estimator, _ string, a map[string]any) float64 {
			return min(float64(e.sizeOf(a, "Query", "resolve", "limit")), e.entities())
		}),
		"search": priced(func(e *estimator, _ string, a map[string]any) float64 {
			return min(float64(e.sizeOf(a, "Query", "search", "first")), e.entities())
		}),
		"paths": priced(func(e *estimator, _ string, a map[string]any) float64 {
			return float64(e.sizeOf(a, "Query", "paths", "limit"))
		}),
		"holders": priced(func(e *estimator, _ string, _ map[string]any) float64 {
			if e.stats == nil {
				return priorList
			}
			return min(float64(e.stats.Rels[kg.HoldsPosition]), maxListResults)
		}),
		"sources": priced(func(e *estimator, _ string, _ map[string]any) float64 { return e.count("Source", maxListResults) }),
		"agreements": priced(func(e *estimator, _ string, a map[string]any) float64 {
			return e.anchoredList(kg.Agreement.Label(), a, map[string]kg.RelType{"parties": kg.PartyTo}, false)
		}),
		"transfers": priced(func(e *estimator, _ string, a map[string]any) float64 {
			return e.anchoredList(kg.Transfer.Label(), a, map[string]kg.RelType{"supplier": kg.Supplier, "recipient": kg.Recipient, "weapon": kg.Item}, true)
		}),
		"events": priced(func(e *estimator, _ string, a map[string]any) float64 {
			return e.anchoredList(kg.Event.Label(), a, map[string]kg.RelType{"participant": kg.ParticipatedIn}, false)
		}),
		"resolutions": priced(func(e *estimator, _ string, _ map[string]any) float64 {
			return e.count(kg.Resolution.Label(), maxListResults)
		}),
	},
}

// fieldOf is the catalogue's entry for field of GraphQL type typ, the
// Entity entry for an entity type.
func fieldOf(typ, field string) (fieldInfo, bool) {
	if fi, ok := catalogue[typ][field]; ok {
		return fi, true
	}
	if entityType(typ) {
		fi, ok := catalogue["Entity"][field]
		return fi, ok
	}
	return fieldInfo{}, false
}

func one(*estimator, string, map[string]any) float64 { return 1 }

func constant(v float64) func(*estimator, string, map[string]any) float64 {
	return func(*estimator, string, map[string]any) float64 { return v }
}

// relPrice prices a list of the relationships of type t leaving (incoming:
// entering) an entity of kind k.
func relPrice(k kg.Kind, t kg.RelType, incoming bool) func(*estimator, string, map[string]any) float64 {
	return func(e *estimator, _ string, _ map[string]any) float64 { return e.degree(k.Label(), t, incoming) }
}

// citationsPrice prices an entity's citations.
func citationsPrice(e *estimator, typ string, _ map[string]any) float64 { return e.citations(typ) }

// relCitationsPrice prices the citations of a relationship of type t (any
// type when empty: the largest average).
func relCitationsPrice(t kg.RelType) func(*estimator, string, map[string]any) float64 {
	return func(e *estimator, _ string, _ map[string]any) float64 {
		if e.stats == nil {
			return priorCitations
		}
		if t != "" {
			return e.stats.RelCitations[t].Avg
		}
		var most float64
		for _, d := range e.stats.RelCitations {
			most = max(most, d.Avg)
		}
		return most
	}
}

// sizeArg is an argument that sizes a field's answer (first, limit,
// maxDepth, maxHops, depth): its least value and its cap, from the
// server's Limits. Its default is the one the schema declares, read from
// the schema (schemaDefault), so it is written once.
type sizeArg struct {
	min int
	cap func(Limits) int
}

// sizeArgs lists the size arguments, by "Type.field.argument". The
// resolvers check them (Resolver.sizeArg), the planner reads them for
// nested lineages, and the cost estimate prices the field with them.
var sizeArgs = map[string]sizeArg{
	"Query.resolve.limit":             {1, func(l Limits) int { return l.MaxResolveResults }},
	"Query.search.first":              {0, func(l Limits) int { return l.MaxSearchResults }},
	"Query.people.first":              {0, func(l Limits) int { return l.MaxPageSize }},
	"Query.weapons.first":             {0, func(l Limits) int { return l.MaxPageSize }},
	"Query.lineage.maxDepth":          {0, func(l Limits) int { return l.MaxLineageDepth }},
	"Weapon.lineage.maxDepth":         {0, func(l Limits) int { return l.MaxLineageDepth }},
	"Query.paths.maxHops":             {1, func(l Limits) int { return l.MaxPathHops }},
	"Query.paths.limit":               {1, func(l Limits) int { return l.MaxPaths }},
	"Query.neighborhood.depth":        {1, func(l Limits) int { return l.MaxNeighborhoodDepth }},
	"Query.neighborhood.limit":        {1, func(l Limits) int { return l.MaxNeighborhoodNodes }},
	"Query.neighborhoodSummary.first": {0, func(Limits) int { return kg.MaxGroupPage }},
	"Query.neighborGroup.first":       {0, func(Limits) int { return kg.MaxGroupPage }},
}

// schemaDefault is the default the schema gives argument arg of
// typ.field; it panics when there is none, which a test catches for every
// entry of sizeArgs.
func schemaDefault(typ, field, arg string) int {
	def := parsedSchema.Types[typ]
	if def == nil {
		panic("schemaDefault: no type " + typ)
	}
	f := def.Fields.ForName(field)
	if f == nil {
		panic("schemaDefault: no field " + typ + "." + field)
	}
	a := f.Arguments.ForName(arg)
	if a == nil || a.DefaultValue == nil {
		panic("schemaDefault: no default for " + typ + "." + field + "(" + arg + ")")
	}
	v, err := strconv.Atoi(a.DefaultValue.Raw)
	if err != nil {
		panic("schemaDefault: " + typ + "." + field + "(" + arg + "): " + err.Error())
	}
	return v
}

// sizeArg reads size argument arg of typ.field: the schema's default when
// absent, an ErrInvalid error below its least value, an ErrLimit error
// above its cap; both name the argument.
func (r *Resolver) sizeArg(typ, field, arg string, p *int) (int, error) {
	spec, ok := sizeArgs[typ+"."+field+"."+arg]
	if !ok {
		panic("sizeArg: " + typ + "." + field + "." + arg + " is not in sizeArgs")
	}
	v := schemaDefault(typ, field, arg)
	if p != nil {
		v = *p
	}
	switch hi := spec.cap(r.limits); {
	case v < spec.min:
		return 0, kg.Invalid(arg, fmt.Sprintf("must be at least %d, got %d", spec.min, v))
	case v > hi:
		return 0, kg.OverLimit(arg, fmt.Sprintf("must be at most %d, got %d", hi, v))
	}
	return v, nil
}
