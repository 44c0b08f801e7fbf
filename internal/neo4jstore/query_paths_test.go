package neo4jstore_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jstore"
)

// pathString renders a path as "a -TYPE-> b <-TYPE- c".
func pathString(p kg.Path) string {
	var b strings.Builder
	for i, n := range p.Nodes {
		if i > 0 {
			r := p.Rels[i-1]
			if r.From == p.Nodes[i-1].ID {
				fmt.Fprintf(&b, " -%s-> ", r.Type)
			} else {
				fmt.Fprintf(&b, " <-%s- ", r.Type)
			}
		}
		b.WriteString(n.ID)
	}
	return b.String()
}

func testPaths(t *testing.T, s *neo4jstore.Store) {
	const dehghan, chang = "person/hossein-dehghan", "person/chang-wanquan"
	tests := []struct {
		q    kg.PathQuery
		want []string
		err  error
		arg  string
	}{
		{kg.PathQuery{From: dehghan, To: chang, MaxHops: 4, Limit: 3}, []string{
			"person/hossein-dehghan -MET-> person/chang-wanquan",
			"person/hossein-dehghan -SIGNED-> agreement/iran-china-2016 <-SIGNED- person/chang-wanquan",
			"person/hossein-dehghan -PARTICIPATED_IN-> event/chang-tehran-2016 <-PARTICIPATED_IN- person/chang-wanquan",
		}, nil, ""},
		{kg.PathQuery{From: chang, To: dehghan, MaxHops: 4, Limit: 1}, []string{
			"person/chang-wanquan <-MET- person/hossein-dehghan",
		}, nil, ""},
		{kg.PathQuery{From: dehghan, To: chang, MaxHops: 4, Limit: 5, Types: []string{"SIGNED"}}, []string{
			"person/hossein-dehghan -SIGNED-> agreement/iran-china-2016 <-SIGNED- person/chang-wanquan",
		}, nil, ""},
		{kg.PathQuery{From: dehghan, To: chang, MaxHops: 4, Limit: 5, Types: []string{"SIGNED", "PARTICIPATED_IN"}, Via: []kg.Kind{kg.Event}}, []string{
			"person/hossein-dehghan -PARTICIPATED_IN-> event/chang-tehran-2016 <-PARTICIPATED_IN- person/chang-wanquan",
		}, nil, ""},
		{kg.PathQuery{From: "weapon/tondar-69", To: "weapon/sa-75", MaxHops: 3, Limit: 5, Types: []string{"DERIVED_FROM"}}, []string{
			"weapon/tondar-69 -DERIVED_FROM-> weapon/m-7 -DERIVED_FROM-> weapon/hq-2 -DERIVED_FROM-> weapon/sa-75",
		}, nil, ""},
		{kg.PathQuery{From: "weapon/tondar-69", To: "weapon/sa-75", MaxHops: 2, Limit: 5, Types: []string{"DERIVED_FROM"}}, []string{}, nil, ""},
		{kg.PathQuery{From: dehghan, To: chang, MaxHops: 4, Limit: 5, Types: []string{"FRIEND_OF"}}, nil, kg.ErrInvalid, "relationshipTypes"},
		{kg.PathQuery{From: dehghan, To: chang, MaxHops: 4, Limit: 5, Via: []kg.Kind{"SHIP"}}, nil, kg.ErrInvalid, "via"},
		{kg.PathQuery{From: "person/nobody", To: chang, MaxHops: 4, Limit: 5}, nil, kg.ErrNotFound, "from"},
		{kg.PathQuery{From: dehghan, To: "person/nobody", MaxHops: 4, Limit: 5}, nil, kg.ErrNotFound, "to"},
		{kg.PathQuery{From: dehghan, To: dehghan, MaxHops: 4, Limit: 5}, nil, kg.ErrInvalid, "to"},
		{kg.PathQuery{From: dehghan, To: chang, MaxHops: 0, Limit: 5}, nil, kg.ErrInvalid, "maxHops"},
		{kg.PathQuery{From: dehghan, To: chang, MaxHops: neo4jstore.MaxPathHops + 1, Limit: 5}, nil, kg.ErrLimit, "maxHops"},
		{kg.PathQuery{From: dehghan, To: chang, MaxHops: 3, Limit: neo4jstore.MaxPaths + 1}, nil, kg.ErrLimit, "limit"},
	}
	for _, tt := range tests {
		call := fmt.Sprintf("Paths(%+v)", tt.q)
		got, _, err := s.Paths(context.Background(), tt.q)
		if !wantKind(t, call, err, tt.err, tt.arg) {
			continue
		}
		g := []string{}
		for _, p := range got {
			g = append(g, pathString(p))
		}
		if !slices.Equal(g, tt.want) {
			t.Errorf("%s =\n%s\nwant\n%s", call, strings.Join(g, "\n"), strings.Join(tt.want, "\n"))
		}
	}
}

func testNeighborhood(t *testing.T, s *neo4jstore.Store) {
	tests := []struct {
		q         kg.NeighborhoodQuery
		nodes     []string
		rels      int
		truncated bool
		err       error
		arg       string
	}{
		{kg.NeighborhoodQuery{ID: "person/chang-wanquan", Depth: 1, Limit: 10},
			[]string{"person/chang-wanquan", "agreement/iran-china-2016", "country/china", "event/chang-tehran-2016", "organization/china-mnd", "person/hossein-dehghan"},
			9, false, nil, ""},
		{kg.NeighborhoodQuery{ID: "person/chang-wanquan", Depth: 1, Limit: 2},
			[]string{"person/chang-wanquan", "agreement/iran-china-2016", "country/china"}, 3, true, nil, ""},
		{kg.NeighborhoodQuery{ID: "person/chang-wanquan", Depth: 2, Limit: 100, Types: []string{"MET", "NATIONAL_OF"}},
			[]string{"person/chang-wanquan", "country/china", "person/hossein-dehghan", "country/iran"}, 3, false, nil, ""},
		{kg.NeighborhoodQuery{ID: "weapon/c-801", Depth: 1, Limit: 10, Types: []string{"DERIVED_FROM"}},
			[]string{"weapon/c-801"}, 0, false, nil, ""},
		{kg.NeighborhoodQuery{ID: "person/nobody", Depth: 1, Limit: 10}, nil, 0, false, kg.ErrNotFound, "id"},
		{kg.NeighborhoodQuery{ID: "person/chang-wanquan", Depth: 1, Limit: 10, Types: []string{"met"}}, nil, 0, false, kg.ErrInvalid, "relationshipTypes"},
		{kg.NeighborhoodQuery{ID: "person/chang-wanquan", Depth: 0, Limit: 10}, nil, 0, false, kg.ErrInvalid, "depth"},
		{kg.NeighborhoodQuery{ID: "person/chang-wanquan", Depth: neo4jstore.MaxNeighborhoodDepth + 1, Limit: 10}, nil, 0, false, kg.ErrLimit, "depth"},
		{kg.NeighborhoodQuery{ID: "person/chang-wanquan", Depth: 1, Limit: neo4jstore.MaxNeighborhoodLimit + 1}, nil, 0, false, kg.ErrLimit, "limit"},
	}
	for _, tt := range tests {
		call := fmt.Sprintf("Neighborhood(%+v)", tt.q)
		got, _, err := s.Neighborhood(context.Background(), tt.q)
		if !wantKind(t, call, err, tt.err, tt.arg) {
			continue
		}
		if g := ids(got.Nodes); !slices.Equal(g, tt.nodes) {
			t.Errorf("%s nodes = %v, want %v", call, g, tt.nodes)
		}
		if len(got.Rels) != tt.rels || got.Truncated != tt.truncated {
			t.Errorf("%s = %d relationships, truncated %t; want %d, %t", call, len(got.Rels), got.Truncated, tt.rels, tt.truncated)
		}
	}
}
