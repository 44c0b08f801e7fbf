package neo4jstore

import (
	"testing"

	"armsgraph/internal/kg"
)

func TestProjectNode(t *testing.T) {
	props := []string{"id", "kind", "name"}
	cases := []struct {
		expr  string
		props []string
		want  string
	}{
		{"m", nil, "m"},
		{"m12", props, "m12{.id, .kind, .name}"},
		{"y.n", props, "head([px IN [y.n] | px{.id, .kind, .name}])"},
		{"n.x", nil, "n.x"},
	}
	if got, want := projectRel("r1", []string{"key", "kind"}), "r1{.key, .kind, relType: type(r1)}"; got != want {
		t.Errorf("projectRel = %q, want %q", got, want)
	}
	if got, want := projectRel("y.r", []string{"key"}), "head([px IN [y.r] | px{.key, relType: type(px)}])"; got != want {
		t.Errorf("projectRel = %q, want %q", got, want)
	}
	for _, c := range cases {
		if got := projectNode(c.expr, c.props); got != c.want {
			t.Errorf("projectNode(%q, %q) = %q, want %q", c.expr, c.props, got, c.want)
		}
	}
}

// TestProjectedAllowList: only allow-listed names reach the Cypher text; a
// request naming anything else gets whole nodes.
func TestProjectedAllowList(t *testing.T) {
	if got := projected(&kg.Prefetch{Props: []string{"category", "name"}}); len(got) != 4 || got[0] != "category" || got[1] != "id" {
		t.Errorf("projected = %q, want category, id, kind, name", got)
	}
	if got := projected(&kg.Prefetch{Props: []string{"category", "x}) MATCH (n) DETACH DELETE n //"}}); got != nil {
		t.Errorf("a name outside the allow-list was projected: %q", got)
	}
	if got := projected(&kg.Prefetch{}); got != nil {
		t.Errorf("no props: want whole nodes, got %q", got)
	}
	if got := projected(&kg.Prefetch{Props: []string{}}); len(got) != 3 {
		t.Errorf("empty props: want id, kind, name, got %q", got)
	}
}

// TestProjectedLongList: a request reading more than maxProjected properties
// gets whole values (planning time grows with the statement's text), one
// reading exactly that many still gets its projection.
func TestProjectedLongList(t *testing.T) {
	props := []string{"aliases", "category", "confidence", "date", "description", "from", "introduced", "location", "status", "to", "type", "rangeKm", "item"}
	// Three of maxProjected go to id, kind and name, which every projection carries.
	if got := projected(&kg.Prefetch{Props: props[:maxProjected-3]}); len(got) != maxProjected {
		t.Errorf("projected %d props: got %d names %q, want %d", maxProjected-3, len(got), got, maxProjected)
	}
	if got := projected(&kg.Prefetch{Props: props[:maxProjected-2]}); got != nil {
		t.Errorf("projected %d props (%d with id, kind, name): want whole nodes, got %q", maxProjected-2, maxProjected+1, got)
	}
	rels := []string{"key", "kind", "note", "confidence", "citeSource", "citeLocator", "citeNote", "citeConfidence", "citeClaims", "title", "from", "to", "country"}
	if got := relProjected(&kg.Prefetch{RelProps: rels}); got != nil {
		t.Errorf("projected %d relationship props: want whole relationships, got %q", len(rels), got)
	}
}
