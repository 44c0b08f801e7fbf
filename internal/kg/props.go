package kg

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
	PropReported          = "reported"
	PropRestrictions      = "restrictions"
	PropType              = "type"
)
