package neo4jstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jstore"
)

// lineageNodes renders a lineage's nodes as "id:depth".
func lineageNodes(l *kg.Lineage) []string {
	out := []string{}
	for i, n := range l.Nodes {
		out = append(out, fmt.Sprintf("%s:%d", n.ID, l.Depths[i]))
	}
	return out
}

func testLineageOf(t *testing.T, s *neo4jstore.Store) {
	tests := []struct {
		ref      string
		dir      kg.Direction
		maxDepth int
		minConf  kg.Confidence
		nodes    []string // nil: no weapon matches
		rels     []string
		err      error
		arg      string
	}{
		{"Tondar-69", kg.Ancestors, 10, "",
			[]string{"weapon/tondar-69:0", "weapon/m-7:1", "weapon/hq-2:2", "weapon/sa-75:3"},
			[]string{"weapon/hq-2>weapon/sa-75", "weapon/m-7>weapon/hq-2", "weapon/tondar-69>weapon/m-7"}, nil, ""},
		{"tondar 69", kg.Ancestors, 2, "",
			[]string{"weapon/tondar-69:0", "weapon/m-7:1", "weapon/hq-2:2"},
			[]string{"weapon/m-7>weapon/hq-2", "weapon/tondar-69>weapon/m-7"}, nil, ""},
		{"Tondar-69", kg.Ancestors, 10, kg.Confirmed, []string{"weapon/tondar-69:0"}, []string{}, nil, ""},
		{"S-75", kg.Descendants, 10, "",
			[]string{"weapon/sa-75:0", "weapon/hq-2:1", "weapon/m-7:2", "weapon/tondar-69:3"},
			[]string{"weapon/hq-2>weapon/sa-75", "weapon/m-7>weapon/hq-2", "weapon/tondar-69>weapon/m-7"}, nil, ""},
		{"C-802", kg.Descendants, 10, "",
			[]string{"weapon/c-802:0", "weapon/noor:1", "weapon/qader:1"},
			[]string{"weapon/noor>weapon/c-802", "weapon/qader>weapon/c-802", "weapon/qader>weapon/noor"}, nil, ""},
		{"YJ-82", kg.Descendants, 10, kg.Reported,
			[]string{"weapon/c-802:0", "weapon/noor:1", "weapon/qader:2"},
			[]string{"weapon/noor>weapon/c-802", "weapon/qader>weapon/noor"}, nil, ""},
		{"weapon/qader", kg.Both, 1, "",
			[]string{"weapon/qader:0", "weapon/c-802:1", "weapon/noor:1"},
			[]string{"weapon/qader>weapon/c-802", "weapon/qader>weapon/noor"}, nil, ""},
		{"weapon/noor", kg.Both, 10, "",
			[]string{"weapon/noor:0", "weapon/c-802:1", "weapon/qader:1"},
			[]string{"weapon/noor>weapon/c-802", "weapon/qader>weapon/noor"}, nil, ""},
		{"Qader", kg.Both, 0, "", []string{"weapon/qader:0"}, []string{}, nil, ""},
		{"Noor", "", 10, "", []string{"weapon/noor:0", "weapon/c-802:1", "weapon/qader:1"},
			[]string{"weapon/noor>weapon/c-802", "weapon/qader>weapon/noor"}, nil, ""},
		{"Iran", kg.Both, 10, "", nil, nil, nil, ""},
		{"no such weapon", kg.Both, 10, "", nil, nil, nil, ""},
		{"--", kg.Both, 10, "", nil, nil, kg.ErrInvalid, "weapon"},
		{"C-802", kg.Both, -1, "", nil, nil, kg.ErrInvalid, "maxDepth"},
		{"C-802", kg.Both, neo4jstore.MaxLineageDepth + 1, "", nil, nil, kg.ErrLimit, "maxDepth"},
		{"C-802", "UP", 1, "", nil, nil, kg.ErrInvalid, "direction"},
	}
	for _, tt := range tests {
		call := fmt.Sprintf("LineageOf(%q, %s, %d, %q)", tt.ref, tt.dir, tt.maxDepth, tt.minConf)
		got, _, err := s.LineageOf(context.Background(), tt.ref, tt.dir, tt.maxDepth, tt.minConf)
		if !wantKind(t, call, err, tt.err, tt.arg) {
			continue
		}
		if tt.nodes == nil {
			if got != nil {
				t.Errorf("%s = %v, want nil", call, lineageNodes(got))
			}
			continue
		}
		if got == nil {
			t.Errorf("%s = nil, want %v", call, tt.nodes)
			continue
		}
		if g := lineageNodes(got); !slices.Equal(g, tt.nodes) {
			t.Errorf("%s nodes = %v, want %v", call, g, tt.nodes)
		}
		if g := relKeys(got.Rels); !slices.Equal(g, tt.rels) {
			t.Errorf("%s rels = %v, want %v", call, g, tt.rels)
		}
	}

	// Provenance of an edge: its kind, confidence, note and citations.
	l, _, err := s.LineageOf(context.Background(), "Tondar-69", kg.Ancestors, 1, "")
	if err != nil || l == nil || len(l.Rels) != 1 {
		t.Fatalf("LineageOf(Tondar-69, 1) = %v, %v", l, err)
	}
	r := l.Rels[0]
	if r.Type != kg.DerivedFrom || r.Confidence != kg.Reported || r.Props["kind"] != "export-rename" ||
		r.Props["note"] != "the Iranian name of the M-7" || len(r.Citations) != 1 || r.Citations[0].Source != "source/b" {
		t.Errorf("LineageOf(Tondar-69, 1) edge = %+v", r)
	}
}

func testLineages(t *testing.T, s *neo4jstore.Store) {
	got, err := s.Lineages(context.Background(), []string{"weapon/c-802", "weapon/tondar-69", "weapon/none", "country/iran"}, kg.Ancestors, 10, "")
	if err != nil {
		t.Fatalf("Lineages: %v", err)
	}
	if len(got) != 2 {
		t.Fatalf("Lineages returned %d lineages, want 2 (c-802, tondar-69)", len(got))
	}
	c802, tondar := got["weapon/c-802"], got["weapon/tondar-69"]
	if g, w := lineageNodes(&c802), []string{"weapon/c-802:0"}; !slices.Equal(g, w) {
		t.Errorf("Lineages[c-802] = %v, want %v", g, w)
	}
	if g, w := lineageNodes(&tondar), []string{"weapon/tondar-69:0", "weapon/m-7:1", "weapon/hq-2:2", "weapon/sa-75:3"}; !slices.Equal(g, w) {
		t.Errorf("Lineages[tondar-69] = %v, want %v", g, w)
	}
}
