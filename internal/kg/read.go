package kg

import "time"

// This file holds the shapes the store's read queries return. They carry
// nodes and relationships as the ingester wrote them (Node, Rel); the API
// layer turns them into its own types.

// Edge is a relationship seen from one of its ends: Node is the node at the
// other end.
type Edge struct {
	Rel  Rel
	Node Node
}

// EdgeSpec names the relationships to follow from a node: those of Type,
// against the arrow when Incoming, ending at a node with Label when Label is
// not empty.
type EdgeSpec struct {
	Type     RelType
	Incoming bool
	Label    string
}

// Direction says which way a lineage traversal follows DERIVED_FROM edges.
type Direction string

// The lineage directions: towards parents, towards children, or both.
const (
	Ancestors   Direction = "ANCESTORS"
	Descendants Direction = "DESCENDANTS"
	Both        Direction = "BOTH"
)

// Lineage is a weapon's family over DERIVED_FROM edges. Nodes holds the
// weapon asked about (depth 0) and every weapon reached, once, at its
// shortest depth (Depths[i] belongs to Nodes[i]); Rels holds the edges among
// them that the traversal followed.
type Lineage struct {
	Root      Node
	Direction Direction
	Nodes     []Node
	Depths    []int
	Rels      []Rel
}

// Path is a walk through the graph: Rels[i] joins Nodes[i] and Nodes[i+1],
// in either direction (Rel.From and Rel.To say which).
type Path struct {
	Nodes []Node
	Rels  []Rel
}

// Subgraph is a set of nodes and the relationships among them. Truncated
// says that more nodes qualified than the limit let through.
type Subgraph struct {
	Nodes     []Node
	Rels      []Rel
	Truncated bool
}

// Page is one page of a list in keyset order. Total is the number of items
// in the whole list, or -1 when it was not counted.
type Page struct {
	Nodes   []Node
	HasNext bool
	Total   int
}

// Match is a candidate of an alias-aware lookup and how it matched.
type Match struct {
	Node Node
	How  MatchKind
}

// MatchKind ranks how a candidate matched a looked-up name, best first.
type MatchKind int

// The match kinds, best first.
const (
	MatchID     MatchKind = iota // the looked-up text is the entity's id
	MatchName                    // the name's key equals the looked-up key
	MatchAlias                   // an alias's key equals it
	MatchPrefix                  // a key starts with it, or is within one edit of it
)

// DateRange is a filter on an item's span: it matches items whose days
// overlap [From.First(), To.Last()], or lie within it (Match; see
// DateMatch.SpanMatches). A zero bound is open; undated items never match
// a range with a bound.
type DateRange struct {
	From, To PartialDate
	Match    DateMatch // "" is MatchOverlaps
}

// Matches reports whether the span [spanFrom, spanTo] (ISO days) matches r.
func (r DateRange) Matches(spanFrom, spanTo string) bool {
	return r.Match.SpanMatches(spanFrom, spanTo, r.From.First(), r.To.Last())
}

// IsZero reports whether the range has no bound.
func (r DateRange) IsZero() bool { return r.From.IsZero() && r.To.IsZero() }

// PathQuery asks for the shortest paths between two entities.
type PathQuery struct {
	From, To string
	MaxHops  int      // 1..the store's bound
	Types    []string // relationship types the path may use; all when empty
	Via      []Kind   // kinds the nodes in between may have; all when empty
	Limit    int      // how many paths, 1..the store's bound
}

// NeighborhoodQuery asks for everything within Depth hops of an entity.
type NeighborhoodQuery struct {
	ID    string
	Depth int      // 1..the store's bound
	Types []string // relationship types to follow; all when empty
	Limit int      // how many nodes besides the centre, 1..the store's bound
}

// AgreementFilter selects agreements: every listed party (a country or
// organization id) is a party to it, and its date overlaps Dates.
type AgreementFilter struct {
	Parties []string
	Dates   DateRange
}

// TransferFilter selects transfers by supplier, recipient and weapon ids
// (empty: any) and by their span, from order to last delivery.
type TransferFilter struct {
	Supplier, Recipient, Weapon string
	Dates                       DateRange
}

// EventFilter selects events by a participant id (empty: any) and date.
type EventFilter struct {
	Participant string
	Dates       DateRange
}

// PageQuery asks for one page of a list in id order.
type PageQuery struct {
	After string // the id after which the page starts; "" for the first page
	First int    // 0..the store's bound
	Count bool   // whether to count the whole list too
}

// NeighborGroup is one group of an entity's neighbours: those joined to it
// by relationships of one type, in one direction, that are of one kind.
// Count is how many there are (matching Text, when the query had one);
// Nodes and Rels are one page of them, dated ones first by date, then by
// name, with the relationships that join them to the centre.
type NeighborGroup struct {
	Type     RelType
	Incoming bool // the relationships end at the centre
	Kind     Kind
	Count    int
	Nodes    []Node
	Rels     []Rel
}

// MaxGroupPage bounds the members one page of a NeighborGroup holds.
const MaxGroupPage = 200

// NeighborGroupQuery asks for one page of one NeighborGroup of the entity
// ID: First members from Offset on, those whose name or an alias contains
// Text (case-insensitive) when Text is not empty.
type NeighborGroupQuery struct {
	ID       string
	Type     string
	Incoming bool
	Kind     Kind
	Text     string
	First    int
	Offset   int
}

// GraphSummary is what the graph holds: entities per kind, relationships,
// and entities per dataset (largest first).
type GraphSummary struct {
	Kinds         map[Kind]int
	Relationships int
	Datasets      []DatasetCount
	// Generation is the graph's generation: it goes up when a load begins
	// and again when it ends (0 before any load recorded one).
	Generation int64
}

// DatasetCount is one dataset, how many entities it owns, and what its
// last completed load recorded.
type DatasetCount struct {
	Name     string
	Entities int
	// Generation is the graph's generation when the dataset's last load
	// ended, IngestedAt (UTC) when; both nil for a dataset loaded before
	// loads recorded them.
	Generation *int64
	IngestedAt *time.Time
	// Loading is true while a load of the dataset runs, or after one was
	// interrupted, until a load of it completes.
	Loading bool
}
