package ingest_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"armsgraph/internal/ingest"
	"armsgraph/internal/kg"
	"armsgraph/internal/seeds"
)

// A spill hands back exactly the chunks the folder gave: every node and
// relationship of the project's seeds with all their fields and property
// types (strings, numbers, booleans, lists), in order; and its files are
// gone once it is closed.
func TestSpillReplaysTheFolder(t *testing.T) {
	ctx := context.Background()
	f := projectSeeds(t)
	dir := t.TempDir()
	sp, err := ingest.NewSpill(dir)
	if err != nil {
		t.Fatal(err)
	}
	var want []seeds.Chunk
	if err := f.Each(ctx, func(c seeds.Chunk) error {
		want = append(want, c)
		return sp.Add(c)
	}); err != nil {
		t.Fatal(err)
	}
	var got []seeds.Chunk
	if err := sp.Each(ctx, func(c seeds.Chunk) error {
		got = append(got, c)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("spill gave %d chunks, folder %d", len(got), len(want))
	}
	var nodes, rels int
	for i := range want {
		for j, n := range want[i].Nodes {
			nodes++
			if j >= len(got[i].Nodes) || !reflect.DeepEqual(normNode(n), normNode(got[i].Nodes[j])) {
				t.Fatalf("chunk %d (%s) node %d: spill gave something else than\n%+v", i, want[i].File, j, n)
			}
		}
		for j, r := range want[i].Rels {
			rels++
			if j >= len(got[i].Rels) || !reflect.DeepEqual(normRel(r), normRel(got[i].Rels[j])) {
				t.Fatalf("chunk %d (%s) relationship %d: spill gave something else than\n%+v", i, want[i].File, j, r)
			}
		}
		if len(got[i].Nodes) != len(want[i].Nodes) || len(got[i].Rels) != len(want[i].Rels) {
			t.Fatalf("chunk %d: %d nodes and %d relationships, want %d and %d", i, len(got[i].Nodes), len(got[i].Rels), len(want[i].Nodes), len(want[i].Rels))
		}
	}
	if nodes < 200 || rels < 400 {
		t.Fatalf("only %d nodes and %d relationships compared; the seeds hold more", nodes, rels)
	}
	if err := sp.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) > 0 {
		t.Fatalf("Close left %v behind", left)
	}
}

// A spill does not keep the difference between an empty and a missing
// list or map, which the writer does not make either.
func normNode(n kg.Node) kg.Node {
	if len(n.Aliases) == 0 {
		n.Aliases = nil
	}
	if len(n.Citations) == 0 {
		n.Citations = nil
	}
	if len(n.Props) == 0 {
		n.Props = nil
	}
	return n
}

func normRel(r kg.Rel) kg.Rel {
	if len(r.Citations) == 0 {
		r.Citations = nil
	}
	if len(r.Props) == 0 {
		r.Props = nil
	}
	return r
}

// Reading a spill stops at a cancelled context.
func TestSpillStopsWhenCancelled(t *testing.T) {
	sp, err := ingest.NewSpill(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	for range 3 {
		if err := sp.Add(seeds.Chunk{Nodes: []kg.Node{{ID: "weapon/x", Kind: kg.Weapon, Name: "X"}}}); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	seen := 0
	err = sp.Each(ctx, func(seeds.Chunk) error {
		seen++
		cancel()
		return nil
	})
	if err == nil || seen != 1 {
		t.Fatalf("after cancel: %d chunks, err %v; want 1 chunk and context.Canceled", seen, err)
	}
}
