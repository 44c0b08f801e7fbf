package kg

import (
	"fmt"
	"slices"
	"strings"
)

// Citation says where a claim comes from: a source id, a locator in that
// source ("line 12", "lines 12-14") and an optional note in the curator's
// words. Confidence is how firmly this source states the fact (the fact's own
// confidence follows OverallConfidence); Claims are the values only this
// source gives, or gives differently from the others.
type Citation struct {
	Source     string
	Locator    string
	Note       string
	Confidence Confidence
	Claims     []Claim
}

// Changes counts what one batch write did (or, dry, would do): the
// ingester's Writer reports it, the store computes it. CreatedIDs and
// UpdatedIDs name the first MaxChangedIDs of each (ids of nodes, keys of
// relationships), so a summary can say which facts a load changed.
type Changes struct {
	Created, Updated       int
	CreatedIDs, UpdatedIDs []string
}

// MaxChangedIDs bounds the ids one batch write names in its Changes.
const MaxChangedIDs = 20

// Node is one entity or source as the ingester writes it. Props hold the
// kind-specific properties under their Neo4j names (category, rangeKm, date …).
type Node struct {
	ID          string
	Kind        Kind // empty for a source
	Name        string
	Aliases     []string
	Description string
	Citations   []Citation
	Props       map[string]any
}

// Label is the node's kind label ("Source" for a source).
func (n Node) Label() string {
	if n.Kind == "" {
		return SourceLabel
	}
	return n.Kind.Label()
}

// Rel is one relationship as the ingester writes it. Key tells two
// relationships of the same type between the same nodes apart (two positions,
// two meetings); it is stable across ingests.
type Rel struct {
	Type       RelType
	From, To   string
	Key        string
	Confidence Confidence
	Citations  []Citation
	Props      map[string]any
}

// RelType is a Neo4j relationship type from the allow-list below. Types are
// spliced into Cypher text, so nothing else may ever become one.
type RelType string

// The relationship types the graph knows.
const (
	DerivedFrom          RelType = "DERIVED_FROM"
	OriginatesFrom       RelType = "ORIGINATES_FROM"
	ManufacturedBy       RelType = "MANUFACTURED_BY"
	NationalOf           RelType = "NATIONAL_OF"
	HoldsPosition        RelType = "HOLDS_POSITION"
	PartOf               RelType = "PART_OF"
	Signed               RelType = "SIGNED"
	PartyTo              RelType = "PARTY_TO"
	Supplier             RelType = "SUPPLIER"
	SupplierOrganization RelType = "SUPPLIER_ORGANIZATION"
	Recipient            RelType = "RECIPIENT"
	Item                 RelType = "ITEM"
	ParticipatedIn       RelType = "PARTICIPATED_IN"
	LocatedIn            RelType = "LOCATED_IN"
	Met                  RelType = "MET"
	Adopted              RelType = "ADOPTED"
	Targets              RelType = "TARGETS"
	Supported            RelType = "SUPPORTED"
	AlliedWith           RelType = "ALLIED_WITH"
	Succeeded            RelType = "SUCCEEDED"
	CooperatesWith       RelType = "COOPERATES_WITH"
	ProducedWith         RelType = "PRODUCED_WITH"
	Advocated            RelType = "ADVOCATED"
	LostSalesUnder       RelType = "LOST_SALES_UNDER"
)

// RelTypes is the allow-list of relationship types, in a stable order.
var RelTypes = []RelType{
	DerivedFrom, OriginatesFrom, ManufacturedBy, NationalOf, HoldsPosition, PartOf,
	Signed, PartyTo, Supplier, SupplierOrganization, Recipient, Item,
	ParticipatedIn, LocatedIn, Met, Adopted, Targets, Supported, AlliedWith, Succeeded, CooperatesWith,
	ProducedWith, Advocated, LostSalesUnder,
}

// GenericRelTypes are the types a seed folder may name in its `relations` list;
// the others come from entity fields.
var GenericRelTypes = []RelType{Met, AlliedWith, Succeeded, CooperatesWith, PartOf}

// ParseRelType checks a relationship type against the allow-list. The error
// names the allowed types so a client can fix its request.
func ParseRelType(s string) (RelType, error) {
	t := RelType(s)
	if slices.Contains(RelTypes, t) {
		return t, nil
	}
	names := make([]string, len(RelTypes))
	for i, r := range RelTypes {
		names[i] = string(r)
	}
	return "", fmt.Errorf("unknown relationship type %q (allowed: %s)", s, strings.Join(names, ", "))
}

// RelEnds says which kinds stand at each end of a relationship type
// (docs/graph-model.md); nil means any kind. The grouped neighbourhood
// relies on it: where one kind stands at the far end, a node's degree is
// the group's size.
var RelEnds = map[RelType]struct{ From, To []Kind }{
	DerivedFrom:          {[]Kind{Weapon}, []Kind{Weapon}},
	OriginatesFrom:       {[]Kind{Weapon}, []Kind{Country}},
	ManufacturedBy:       {[]Kind{Weapon}, []Kind{Organization}},
	NationalOf:           {[]Kind{Person}, []Kind{Country}},
	HoldsPosition:        {[]Kind{Person}, []Kind{Organization, Country}},
	PartOf:               {[]Kind{Organization}, []Kind{Country, Organization}},
	Signed:               {[]Kind{Person}, []Kind{Agreement}},
	PartyTo:              {[]Kind{Country, Organization}, []Kind{Agreement}},
	Supplier:             {[]Kind{Transfer}, []Kind{Country}},
	SupplierOrganization: {[]Kind{Transfer}, []Kind{Organization}},
	Recipient:            {[]Kind{Transfer}, []Kind{Country}},
	Item:                 {[]Kind{Transfer}, []Kind{Weapon}},
	ParticipatedIn:       {[]Kind{Person, Country, Organization, Weapon}, []Kind{Event}},
	LocatedIn:            {[]Kind{Event, Agreement}, []Kind{Country}},
	Met:                  {[]Kind{Person}, []Kind{Person}},
	Adopted:              {[]Kind{Organization}, []Kind{Resolution}},
	Targets:              {[]Kind{Resolution}, []Kind{Country}},
	Supported:            {[]Kind{Country}, []Kind{Resolution}},
	ProducedWith:         {[]Kind{Weapon}, []Kind{Organization}},
	Advocated:            {[]Kind{Country}, []Kind{Resolution}},
	LostSalesUnder:       {[]Kind{Country}, []Kind{Resolution}},
	// ALLIED_WITH, SUCCEEDED and COOPERATES_WITH join any kinds.
}

// FarKinds are the kinds that may stand at the other end of a relationship
// of type t from an entity of kind k (outgoing, or incoming), and whether
// k may stand at this end at all. A nil list means any kind.
func FarKinds(t RelType, k Kind, incoming bool) (far []Kind, ok bool) {
	ends, known := RelEnds[t]
	if !known {
		return nil, true
	}
	near, far := ends.From, ends.To
	if incoming {
		near, far = ends.To, ends.From
	}
	return far, slices.Contains(near, k)
}
