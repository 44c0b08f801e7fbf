package kg

// GraphStats are the graph's own figures, which the API prices an
// operation with before it runs (graph/cost.go): how many nodes each label
// has, how many relationships each type has, and how many relationships of
// a type a node of a label has on average and at most, per direction. The
// store reads them from Neo4j's count store at start and after each change
// (neo4jstore.Store.Stats); they are estimates' inputs, never answers.
type GraphStats struct {
	// Nodes counts the nodes per label: the entity kinds' labels and "Source".
	Nodes map[string]int64
	// Rels counts the relationships per type.
	Rels map[RelType]int64
	// Degrees holds the figures of every (label, type, direction) that has
	// relationships; a missing key has none.
	Degrees map[DegreeKey]Degree
	// Citations holds, per label, how many citations a node carries.
	Citations map[string]Degree
	// RelCitations holds, per relationship type, how many citations a
	// relationship carries.
	RelCitations map[RelType]Degree
}

// DegreeKey names the relationships of one type leaving (or, Incoming,
// entering) the nodes of one label.
type DegreeKey struct {
	Label    string
	Type     RelType
	Incoming bool
}

// Degree is the average and the largest number of items per node.
type Degree struct {
	Avg float64
	Max int64
}

// Count is the number of nodes labelled label (0 when unknown).
func (s *GraphStats) Count(label string) int64 {
	if s == nil {
		return 0
	}
	return s.Nodes[label]
}

// Entities is the number of entity nodes (every kind).
func (s *GraphStats) Entities() int64 {
	var n int64
	for _, k := range Kinds {
		n += s.Count(k.Label())
	}
	return n
}

// Degree is the figure of the relationships of type t leaving (incoming:
// entering) a node labelled label; zero when there are none.
func (s *GraphStats) Degree(label string, t RelType, incoming bool) Degree {
	if s == nil {
		return Degree{}
	}
	return s.Degrees[DegreeKey{label, t, incoming}]
}

// EntityDegree is the average number of relationships of any type an
// entity has, both directions counted: the fan-out of a neighbourhood.
func (s *GraphStats) EntityDegree() float64 {
	n := s.Entities()
	if n == 0 {
		return 0
	}
	var rels int64
	for _, c := range s.Rels {
		rels += c
	}
	return 2 * float64(rels) / float64(n)
}
