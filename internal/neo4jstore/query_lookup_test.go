package neo4jstore_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jstore"
)

func testNodes(t *testing.T, s *neo4jstore.Store) {
	got, _, err := s.Nodes(context.Background(), []string{"country/iran", "source/a", "weapon/none", "source/none"})
	if err != nil {
		t.Fatalf("Nodes: %v", err)
	}
	slices.SortFunc(got, func(a, b kg.Node) int { return cmpString(a.ID, b.ID) })
	if g, w := ids(got), []string{"country/iran", "source/a"}; !slices.Equal(g, w) {
		t.Fatalf("Nodes = %v, want %v", g, w)
	}
	iran, src := got[0], got[1]
	if iran.Kind != kg.Country || iran.Name != "Iran" || !slices.Equal(iran.Aliases, []string{"Islamic Republic of Iran", "Persia"}) {
		t.Errorf("Nodes: iran = %+v", iran)
	}
	if want := (kg.Citation{Source: "source/a", Locator: "line 1"}); len(iran.Citations) != 1 || !reflect.DeepEqual(iran.Citations[0], want) {
		t.Errorf("Nodes: iran citations = %v, want [%v]", iran.Citations, want)
	}
	if _, ok := iran.Props["keys"]; ok {
		t.Errorf("Nodes: index property keys leaked into Props: %v", iran.Props)
	}
	if src.Kind != "" || src.Props["title"] != "Source A" || src.Props["published"] != "2016-11" {
		t.Errorf("Nodes: source = %+v", src)
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func testResolve(t *testing.T, s *neo4jstore.Store) {
	type match struct {
		ID  string
		How kg.MatchKind
	}
	tests := []struct {
		name   string
		kinds  []kg.Kind
		prefix bool
		want   []match
		err    error
	}{
		{"C802", nil, false, []match{{"weapon/c-802", kg.MatchName}}, nil},
		{"c-802", nil, false, []match{{"weapon/c-802", kg.MatchName}}, nil},
		{"C 802", nil, false, []match{{"weapon/c-802", kg.MatchName}}, nil},
		{"yj-82", nil, false, []match{{"weapon/c-802", kg.MatchAlias}}, nil},
		{"Noor", nil, false, []match{{"weapon/noor", kg.MatchName}, {"weapon/qader", kg.MatchAlias}}, nil},
		{"Persia", nil, false, []match{{"country/iran", kg.MatchAlias}}, nil},
		{"country/iran", nil, false, []match{{"country/iran", kg.MatchID}}, nil},
		{"Iran", []kg.Kind{kg.Weapon}, true, []match{}, nil},
		{"Iran", []kg.Kind{kg.Country}, false, []match{{"country/iran", kg.MatchName}}, nil},
		{"C 80", []kg.Kind{kg.Weapon}, true, []match{{"weapon/c-801", kg.MatchPrefix}, {"weapon/c-802", kg.MatchPrefix}}, nil},
		{"C 80", []kg.Kind{kg.Weapon}, false, []match{}, nil},
		{"Hosein Dehgan", nil, true, []match{{"person/hossein-dehghan", kg.MatchPrefix}}, nil},
		{"Hossein Dehgan", nil, false, []match{{"person/hossein-dehghan", kg.MatchAlias}}, nil},
		{"--", nil, true, nil, kg.ErrInvalid},
		{"x", []kg.Kind{"SHIP"}, true, nil, kg.ErrInvalid},
		{strings.Repeat("x", neo4jstore.MaxNameLength+1), nil, true, nil, kg.ErrLimit},
	}
	for _, tt := range tests {
		call := fmt.Sprintf("Resolve(%q, %v, prefix=%t)", tt.name, tt.kinds, tt.prefix)
		got, _, err := s.Resolve(context.Background(), tt.name, tt.kinds, tt.prefix, 10)
		if !wantKind(t, call, err, tt.err, "") {
			continue
		}
		gotM := []match{}
		for _, m := range got {
			gotM = append(gotM, match{m.Node.ID, m.How})
		}
		if !slices.Equal(gotM, tt.want) {
			t.Errorf("%s = %v, want %v", call, gotM, tt.want)
		}
	}
	if _, _, err := s.Resolve(context.Background(), "Noor", nil, false, neo4jstore.MaxCandidates+1); !errors.Is(err, kg.ErrLimit) {
		t.Errorf("Resolve over MaxCandidates: error %v, want ErrLimit", err)
	}
}

func testSearch(t *testing.T, s *neo4jstore.Store) {
	tests := []struct {
		text  string
		kinds []kg.Kind
		first int
		want  []string // sorted, since equal scores come in any order
		err   error
	}{
		{"c-802", nil, 10, []string{"transfer/china-iran-c-802", "weapon/c-802"}, nil},
		{"c-802", []kg.Kind{kg.Weapon}, 10, []string{"weapon/c-802"}, nil},
		{"yj", []kg.Kind{kg.Weapon}, 10, []string{"weapon/c-801", "weapon/c-802"}, nil},
		{"YJ", []kg.Kind{kg.Country}, 10, []string{}, nil},
		{"ministry defence", nil, 10, []string{"organization/iran-mod"}, nil},
		{"minis", []kg.Kind{kg.Organization}, 10, []string{"organization/china-mnd", "organization/iran-mod"}, nil},
		{`yj:82 ~ (`, nil, 10, []string{"weapon/c-802"}, nil},
		{"tondar-69 +", nil, 10, []string{"weapon/tondar-69"}, nil},
		{"Qader OR Iran", nil, 10, []string{}, nil}, // OR is a word, not an operator
		{"iran", nil, 0, []string{}, nil},
		{"  ~ ", nil, 10, nil, kg.ErrInvalid},
		{"iran", nil, neo4jstore.MaxPageSize + 1, nil, kg.ErrLimit},
		{strings.Repeat("iran ", neo4jstore.MaxSearchWords+1), nil, 10, nil, kg.ErrLimit},
	}
	for _, tt := range tests {
		call := fmt.Sprintf("Search(%q, %v, %d)", tt.text, tt.kinds, tt.first)
		got, _, err := s.Search(context.Background(), tt.text, tt.kinds, tt.first)
		if !wantKind(t, call, err, tt.err, "") {
			continue
		}
		g := ids(got)
		slices.Sort(g)
		if !slices.Equal(g, tt.want) {
			t.Errorf("%s = %v, want %v", call, g, tt.want)
		}
	}
}

func TestSearchQuery(t *testing.T) {
	tests := []struct{ text, want string }{
		{"Iran China", "(iran OR iran*) AND (china OR china*)"},
		{"C-802", `"c-802"`},
		{`say "hi"\`, `(say OR say*) AND "\"hi\"\\"`},
		{"AND OR NOT", "(and OR and*) AND (or OR or*) AND (not OR not*)"},
		{"a* b?", `"a*" AND "b?"`},
		{"-- ( )", ""},
	}
	for _, tt := range tests {
		if got := neo4jstore.SearchQuery(tt.text); got != tt.want {
			t.Errorf("SearchQuery(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
