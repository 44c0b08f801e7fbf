package kg

// Expand describes, for every node a read returns, what else the same
// Cypher statement must fetch with it: the relationships a GraphQL
// selection follows from it (and, recursively, from the nodes at their
// other end), the sources its citations name, an organization's country.
// The API builds it from a request's selection; the store compiles it into
// subqueries of the root field's one statement (internal/neo4jstore,
// query_expand.go). Only allow-listed relationship types and labels (an
// EdgeSpec, a Kind) reach the Cypher text.
type Expand struct {
	Edges []EdgeExpand
	// Sources asks for the source nodes the node's citations name.
	Sources bool
	// OrgCountry, when not nil, asks for an organization's country (the
	// nearest up its PART_OF chain), expanded as it says.
	OrgCountry *Expand
	// Lineages asks for a weapon's lineage (Weapon.lineage nested in a
	// root field), once per set of arguments.
	Lineages []LineageExpand
	// Covers, when not nil, asks for the transfer records a transfer's
	// covers property names (Transfer.covers), expanded as it says.
	Covers *Expand
}

// LineageExpand is one Weapon.lineage selection: its arguments (checked
// against the API's limits) and what to fetch with every weapon in it.
type LineageExpand struct {
	Dir      Direction
	MaxDepth int
	MinConf  Confidence
	Node     *Expand
	// RelSources asks for the sources the derivations' citations name.
	RelSources bool
}

// EdgeExpand is one relationship list to follow from nodes of kind From.
type EdgeExpand struct {
	From Kind
	Spec EdgeSpec
	// RelSources asks for the source nodes the relationships' citations name.
	RelSources bool
	// Node is what to fetch with the node at the other end (nil: nothing).
	Node *Expand
	// PropNode, when not nil, asks for the entity that the relationship's
	// "country" property names (a position held abroad), expanded as it says.
	PropNode *Expand
	// Uncut says a field reads the list so that a part of it could answer
	// differently below the object budget (it reads only the first
	// relationship, as Weapon.origin does, or skips some): the store never
	// cuts it to Prefetch.MaxObjects.
	Uncut bool
}

// Empty reports whether x asks for nothing.
func (x *Expand) Empty() bool {
	return x == nil || (len(x.Edges) == 0 && !x.Sources && x.OrgCountry == nil && len(x.Lineages) == 0 && x.Covers == nil)
}

// Prefetch is the plan a read goes in with: what the same Cypher
// statement must fetch besides the root. The store only reads it; what the
// statement fetched for it comes back as a Fetched.
type Prefetch struct {
	// Plan applies to every node the read returns.
	Plan *Expand
	// RelSources asks for the sources cited by the relationships the read
	// itself returns (lineage derivations, path and subgraph relationships).
	RelSources bool
	// RelCountries asks for the entities that the country property of the
	// relationships the read itself returns names (a post held abroad, in
	// Query.holders).
	RelCountries bool
	// NoRels says the selection asks for none of the relationships the
	// read itself returns (Lineage.derivations, Subgraph.relationships):
	// the store may leave them out of the statement and the answer.
	NoRels bool
	// Props, when not nil, names the entity properties the whole request
	// reads (NodeProps): the store may return entity nodes with only those
	// and PropID, PropKind and "name", which is most of what a large answer
	// costs in Neo4j and in the driver. Nil means whole nodes. The list
	// covers every field of the request, not only this root field's,
	// because the loaders share nodes between root fields.
	Props []string
	// RelProps, when not nil, names the relationship properties the whole
	// request reads (RelProps): the store may return relationships with
	// only those and their key and type. Nil means whole relationships.
	RelProps []string
	// MaxObjects, when above zero, is the root field's object budget: the
	// API refuses an answer of more objects. Every entry of a relationship
	// list the plan follows is one object of the answer, so the store may
	// stop reading a list (but an Uncut one) at MaxObjects+1 entries, any
	// of them: an answer holding that many is refused whatever they are,
	// and a list that stops short was read whole.
	MaxObjects int
}

// Fetched is what a read fetched for its Prefetch, in the same statement
// as the root. A store returns nil when it did not run the plan (there was
// none, or it answered without it): the loaders then load what the
// selection needs.
type Fetched struct {
	Edges        []EdgeList
	OrgCountries []OrgCountry
	Lineages     []LineageOf
	// Nodes are the other nodes fetched: sources, entities that
	// relationship properties name.
	Nodes []Node
	// Missing are ids a property names (Transfer.covers) that name no
	// node: known to be absent, so nothing loads them again.
	Missing []string
}

// EdgeList is the answer to one EdgeSpec for one node, in the order
// Store.Edges gives (other node's name, id, relationship key). A node not
// of the kind the plan asked the spec for has no EdgeList.
type EdgeList struct {
	Spec  EdgeSpec
	ID    string
	Edges []Edge
}

// LineageOf is the lineage of weapon ID for one set of arguments.
type LineageOf struct {
	Dir      Direction
	MaxDepth int
	MinConf  Confidence
	ID       string
	Lineage  Lineage
}

// OrgCountry is the country of an organization (Country nil: none).
type OrgCountry struct {
	ID      string
	Country *Node
}

// Wants reports whether p asks for anything.
func (p *Prefetch) Wants() bool {
	return p != nil && (p.RelSources || p.RelCountries || !p.Plan.Empty())
}
