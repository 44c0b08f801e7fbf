// The GraphQL documents the views send, and withinCost, which fits a request under the service's cost limit.

const CITE = 'locator note source { id title author publisher published publishedInferred document }';
// Nodes come without citations (they would multiply the cost of a large
// neighbourhood); select fetches a node's citations when it is selected.
const NODE = `fragment N on Entity {
  id kind name aliases confidence
  ... on Weapon { category origin { id name } }
  ... on Person { country { id name } }
  ... on Organization { country { id name } }
  ... on Agreement { date }
  ... on Event { date }
  ... on Resolution { date }
  ... on Transfer { ordered delivered supplier { id name } }
}`;
const REL = `type key kind note confidence from { id } to { id } properties { key value } citations { ${CITE} }`;
// Neighbourhoods leave citations out too (they can hold hundreds of
// relationships); select fetches an edge's citations through paths of one hop.
const REL_LITE = 'type key kind note confidence from { id } to { id } properties { key value }';
export const Q_EDGE_CITATIONS = `query EdgeCitations($from: ID!, $to: ID!, $type: String!) {
  paths(from: $from, to: $to, maxHops: 1, relationshipTypes: [$type], limit: 25) {
    relationships { type key from { id } to { id } citations { ${CITE} } }
  }
}`;

export const Q_SUGGEST = `query Suggest($q: String!) {
  resolve(name: $q, limit: 6) { id kind name aliases }
  search(text: $q, first: 6) { id kind name aliases }
}`;

// A transfer's citations come with the figures its provenance panel shows
// (a register row: TIV and which figures the register brackets).
const TRANSFER_FIGURES = `ordered delivered from to item quantityOrdered quantityDelivered quantityUnit status
  valueUsd valueEstimated tivUnit tivOrder tivDelivered estimated supplier { id name } recipient { id name } weapon { id name }`;

const ENTITY_FIELDS = `...N description citations { ${CITE} }
    ... on Weapon { rangeKm introduced manufacturer { id name } }
    ... on Person { positions { title from to confidence organization { id name } country { id name } } }
    ... on Agreement { status areas location parties { id name } signatories { id name } }
    ... on Transfer { ${TRANSFER_FIGURES} }
    ... on Event { endDate location eventType: type participants { id name } }`;

export const Q_ENTITY = `query Entity($id: ID!, $depth: Int, $types: [String!], $limit: Int) {
  entity(id: $id) { ${ENTITY_FIELDS} }
  neighborhood(id: $id, depth: $depth, relationshipTypes: $types, limit: $limit) {
    nodes { ...N } relationships { ${REL_LITE} } truncated
  }
}
${NODE}`;

export const Q_EXPAND = `query Expand($id: ID!, $types: [String!], $limit: Int) {
  neighborhood(id: $id, depth: 1, relationshipTypes: $types, limit: $limit) {
    nodes { ...N } relationships { ${REL_LITE} } truncated
  }
}
${NODE}`;

export const Q_CITATIONS = `query Citations($id: ID!) { entity(id: $id) { id kind citations { ${CITE} } ... on Transfer { ${TRANSFER_FIGURES} } } }`;

export const Q_LINEAGE = `query Lineage($weapon: String!, $direction: LineageDirection, $depth: Int, $min: Confidence) {
  lineage(weapon: $weapon, direction: $direction, maxDepth: $depth, minConfidence: $min) {
    weapon { id name }
    nodes { depth weapon { ...N } }
    derivations { kind note confidence child { id } parent { id } citations { ${CITE} } }
  }
}
${NODE}`;

export const Q_PATHS = `query Paths($from: ID!, $to: ID!, $hops: Int, $types: [String!], $via: [EntityKind!], $limit: Int) {
  a: entity(id: $from) { id name }
  b: entity(id: $to) { id name }
  paths(from: $from, to: $to, maxHops: $hops, relationshipTypes: $types, via: $via, limit: $limit) {
    length nodes { ...N } relationships { ${REL} }
  }
}
${NODE}`;

const TRANSFER = `id kind name confidence citations { ${CITE} } ${TRANSFER_FIGURES}`;
const AGREEMENT = `id kind name date from to confidence status citations { ${CITE} } parties { id name }`;
const EVENT = `id kind name date endDate eventType: type confidence citations { ${CITE} } participants { id }`;

// The timeline's queries take the brush's range and match mode (null dates:
// no filter); with a range they also ask for the ids of every item, so the
// view can say how many of them the range keeps.
const RANGED = '$from: PartialDate, $to: PartialDate, $match: DateMatch, $ranged: Boolean!';

export const Q_TIMELINE_ONE = `query Timeline($a: ID!, ${RANGED}) {
  a: entity(id: $a) { id name kind }
  out: transfers(supplier: $a, from: $from, to: $to, match: $match) { ${TRANSFER} }
  in: transfers(recipient: $a, from: $from, to: $to, match: $match) { ${TRANSFER} }
  agreements(parties: [$a], from: $from, to: $to, match: $match) { ${AGREEMENT} }
  events(participant: $a, from: $from, to: $to, match: $match) { ${EVENT} }
  allOut: transfers(supplier: $a) @include(if: $ranged) { id }
  allIn: transfers(recipient: $a) @include(if: $ranged) { id }
  allAgreements: agreements(parties: [$a]) @include(if: $ranged) { id }
  allEvents: events(participant: $a) @include(if: $ranged) { id participants { id } }
}`;

export const Q_TIMELINE_TWO = `query TimelinePair($a: ID!, $b: ID!, ${RANGED}) {
  a: entity(id: $a) { id name kind }
  b: entity(id: $b) { id name kind }
  out: transfers(supplier: $a, recipient: $b, from: $from, to: $to, match: $match) { ${TRANSFER} }
  in: transfers(supplier: $b, recipient: $a, from: $from, to: $to, match: $match) { ${TRANSFER} }
  agreements(parties: [$a, $b], from: $from, to: $to, match: $match) { ${AGREEMENT} }
  events(participant: $a, from: $from, to: $to, match: $match) { ${EVENT} }
  allOut: transfers(supplier: $a, recipient: $b) @include(if: $ranged) { id }
  allIn: transfers(supplier: $b, recipient: $a) @include(if: $ranged) { id }
  allAgreements: agreements(parties: [$a, $b]) @include(if: $ranged) { id }
  allEvents: events(participant: $a) @include(if: $ranged) { id participants { id } }
}`;

// withinCost runs query(limit); when the service refuses it as too large
// (LIMIT_EXCEEDED), it asks again for less and says which limit it used:
// refused up front on its estimate ("complexity"), for the share of the
// limit that the estimate says fits; stopped while answering over the
// object budget ("objects", whose full size is not known), for half as
// many, up to four times.
export async function withinCost(limit, query) {
  let granted = limit;
  for (let attempt = 0; ; attempt++) {
    try {
      return { data: await query(granted), granted };
    } catch (err) {
      const ext = err.extensions || {};
      let next = granted;
      if (ext.limit === 'complexity' && ext.estimate > 0 && ext.max > 0) {
        next = Math.floor((granted * ext.max) / ext.estimate * 0.95);
      } else if (ext.limit === 'objects') {
        next = Math.floor(granted / 2);
      }
      next = Math.max(1, next);
      if (next >= granted || attempt >= 4) throw err;
      granted = next;
    }
  }
}

// Grouped neighbourhoods: per relationship type, direction and kind, the
// count and the first page (small groups are drawn whole, large ones as
// one node that opens as a paged, searchable list).
const GROUP = `type direction kind count nodes { ...N } relationships { ${REL_LITE} }`;

export const Q_ENTITY_GROUPED = `query EntityGrouped($id: ID!, $first: Int) {
  entity(id: $id) { ${ENTITY_FIELDS} }
  neighborhoodSummary(id: $id, first: $first) { ${GROUP} }
}
${NODE}`;

export const Q_GROUPS = `query Groups($id: ID!, $first: Int) {
  neighborhoodSummary(id: $id, first: $first) { ${GROUP} }
}
${NODE}`;

export const Q_GROUP_PAGE = `query GroupPage($id: ID!, $type: String!, $direction: RelationshipDirection!, $kind: EntityKind!, $text: String, $first: Int, $offset: Int) {
  neighborGroup(id: $id, type: $type, direction: $direction, kind: $kind, text: $text, first: $first, offset: $offset) { ${GROUP} }
}
${NODE}`;
