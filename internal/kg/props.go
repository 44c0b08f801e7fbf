package kg

import "slices"

// Neo4j property names that more than one package writes or reads. The
// seeds converter and the store use these; docs/graph-model.md lists them.
const (
	PropID          = "id"
	PropKey         = "key"
	PropDataset     = "dataset"
	PropConfidence  = "confidence"
	PropNote        = "note"
	PropCiteSource  = "citeSource"
	PropCiteLocator = "citeLocator"
	PropCiteNote    = "citeNote"
	// PropCiteConfidence holds each citation's own confidence; a citation
	// that gives none stores the fact's confidence ("" on entities that have none).
	PropCiteConfidence = "citeConfidence"
	// PropCiteClaims holds each citation's claims as a JSON list of
	// [field, value] pairs ("" when the citation makes none).
	PropCiteClaims = "citeClaims"

	PropSpanFrom = "spanFrom"
	PropSpanTo   = "spanTo"
	PropFrom     = "from"
	PropTo       = "to"
	PropDate     = "date"
	PropTitle    = "title"
	PropKind     = "kind"
	PropCountry  = "country"

	PropItem              = "item"
	PropQuantityOrdered   = "quantityOrdered"
	PropQuantityDelivered = "quantityDelivered"
	PropQuantityUnit      = "quantityUnit"
	PropOrdered           = "ordered"
	PropDelivered         = "delivered"
	PropDateInferred      = "dateInferred"
	PropValueUSD          = "valueUsd"
	PropValueEstimated    = "valueEstimated"
	PropAggregate         = "aggregate"
	PropCovers            = "covers"
	PropStatus            = "status"
	// SIPRI trend-indicator values of a transfer (a volume measure, never US$)
	// and the fields a register gives as estimates.
	PropTIVUnit      = "tivUnit"
	PropTIVOrder     = "tivOrder"
	PropTIVDelivered = "tivDelivered"
	PropEstimated    = "estimated"

	// Kind-specific properties the seeds converter writes.
	PropAreas             = "areas"
	PropAttested          = "attested"
	PropAuthor            = "author"
	PropCategory          = "category"
	PropDocument          = "document"
	PropEndDate           = "endDate"
	PropEstimatedBy       = "estimatedBy"
	PropEvent             = "event"
	PropExemptions        = "exemptions"
	PropIntroduced        = "introduced"
	PropLocation          = "location"
	PropPublished         = "published"
	PropPublishedInferred = "publishedInferred"
	PropPublisher         = "publisher"
	PropRangeKm           = "rangeKm"
	PropRangeKmMin        = "rangeKmMin" // the lower end when a source gives the range as an interval; rangeKm is the upper
	PropReported          = "reported"
	PropRestrictions      = "restrictions"
	PropType              = "type"
)

// Entity properties that every projected node carries (Prefetch.Props):
// the store's conversion and ordering need them.
var projectedAlways = []string{PropID, PropKind, "name"}

// nodeProps are the entity properties a GraphQL field may read, by name:
// the only names a projection may splice into Cypher.
var nodeProps = map[string]bool{
	PropID: true, PropKind: true, "name": true, "aliases": true, "description": true,
	PropConfidence: true, PropCiteSource: true, PropCiteLocator: true, PropCiteNote: true,
	PropCiteConfidence: true, PropCiteClaims: true,
	PropFrom: true, PropTo: true, PropDate: true, PropItem: true,
	PropQuantityOrdered: true, PropQuantityDelivered: true, PropQuantityUnit: true,
	PropOrdered: true, PropDelivered: true, PropDateInferred: true, PropValueUSD: true,
	PropValueEstimated: true, PropTIVUnit: true, PropTIVOrder: true, PropTIVDelivered: true, PropEstimated: true,
	PropAggregate: true, PropCovers: true, PropStatus: true,
	PropAreas: true, PropCategory: true, PropEndDate: true, PropExemptions: true,
	PropIntroduced: true, PropLocation: true, PropRangeKm: true, PropReported: true,
	PropRestrictions: true, PropType: true,
	PropRangeKmMin: true,
}

// IsNodeProp reports whether p is an entity property a projection may name.
func IsNodeProp(p string) bool { return nodeProps[p] }

// CiteProps are the properties that hold a node's or relationship's citations.
var CiteProps = []string{PropCiteSource, PropCiteLocator, PropCiteNote, PropCiteConfidence, PropCiteClaims}

// ProjectionProps is the sorted, de-duplicated property list of a node
// projection that reads props: props plus the ones every projected node
// carries. ok is false when props names a property outside the allow-list
// (then only whole nodes will do).
func ProjectionProps(props []string) (out []string, ok bool) {
	return projection(nodeProps, projectedAlways, props)
}

// relProps are the relationship properties a projection may name: what a
// derivation, a position, a sales loss or a traversal's relationship reads
// (besides the properties list, which takes them all), and the key every
// projected relationship carries.
var relProps = map[string]bool{
	PropKey: true, PropKind: true, PropNote: true, PropConfidence: true,
	PropCiteSource: true, PropCiteLocator: true, PropCiteNote: true,
	PropCiteConfidence: true, PropCiteClaims: true,
	PropTitle: true, PropFrom: true, PropTo: true, PropCountry: true, PropAttested: true,
	PropValueUSD: true, PropValueEstimated: true, PropEstimatedBy: true,
}

// IsRelProp reports whether p is a relationship property a projection may name.
func IsRelProp(p string) bool { return relProps[p] }

// RelProjectionProps is ProjectionProps for relationships: props plus the
// key, sorted; ok is false when props names one outside the allow-list.
func RelProjectionProps(props []string) (out []string, ok bool) {
	return projection(relProps, []string{PropKey}, props)
}

// projection is always plus props, sorted and de-duplicated; ok is false
// when one is not in allowed.
func projection(allowed map[string]bool, always, props []string) (out []string, ok bool) {
	seen := map[string]bool{}
	for _, p := range append(slices.Clone(always), props...) {
		if !allowed[p] {
			return nil, false
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out, true
}
