package ingest

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"armsgraph/internal/kg"
	"armsgraph/internal/seeds"
)

// A spill hands back exactly the batches it was given: every node and
// relationship of the project's seeds with all their fields and property
// types (strings, numbers, booleans, lists), in order; and its file is gone
// once it is closed.
func TestSpillReplaysTheFolder(t *testing.T) {
	ctx := context.Background()
	f, err := seeds.Open(os.DirFS("../../seeds"), seeds.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Validate(ctx, nil); err != nil {
		t.Fatalf("seeds/ does not validate: %v", err)
	}
	dir := t.TempDir()
	nodeSpill, err := newSpill[kg.Node](dir)
	if err != nil {
		t.Fatal(err)
	}
	relSpill, err := newSpill[kg.Rel](dir)
	if err != nil {
		t.Fatal(err)
	}
	var want []seeds.Chunk
	if err := f.Each(ctx, func(c seeds.Chunk) error {
		want = append(want, c)
		if err := nodeSpill.add(c.Nodes); err != nil {
			return err
		}
		return relSpill.add(c.Rels)
	}); err != nil {
		t.Fatal(err)
	}
	var gotNodes [][]kg.Node
	var gotRels [][]kg.Rel
	if err := nodeSpill.each(ctx, func(b []kg.Node) error { gotNodes = append(gotNodes, b); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := relSpill.each(ctx, func(b []kg.Rel) error { gotRels = append(gotRels, b); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(gotNodes) != len(want) || len(gotRels) != len(want) {
		t.Fatalf("spill gave %d node and %d relationship batches, folder %d chunks", len(gotNodes), len(gotRels), len(want))
	}
	var nodes, rels int
	for i := range want {
		for j, n := range want[i].Nodes {
			nodes++
			if j >= len(gotNodes[i]) || !reflect.DeepEqual(normNode(n), normNode(gotNodes[i][j])) {
				t.Fatalf("chunk %d (%s) node %d: spill gave something else than\n%+v", i, want[i].File, j, n)
			}
		}
		for j, r := range want[i].Rels {
			rels++
			if j >= len(gotRels[i]) || !reflect.DeepEqual(normRel(r), normRel(gotRels[i][j])) {
				t.Fatalf("chunk %d (%s) relationship %d: spill gave something else than\n%+v", i, want[i].File, j, r)
			}
		}
		if len(gotNodes[i]) != len(want[i].Nodes) || len(gotRels[i]) != len(want[i].Rels) {
			t.Fatalf("chunk %d: %d nodes and %d relationships, want %d and %d", i, len(gotNodes[i]), len(gotRels[i]), len(want[i].Nodes), len(want[i].Rels))
		}
	}
	if nodes < 200 || rels < 400 {
		t.Fatalf("only %d nodes and %d relationships compared; the seeds hold more", nodes, rels)
	}
	if err := nodeSpill.close(); err != nil {
		t.Fatal(err)
	}
	if err := relSpill.close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) > 0 {
		t.Fatalf("close left %v behind", left)
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
	sp, err := newSpill[kg.Node](t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sp.close()
	for range 3 {
		if err := sp.add([]kg.Node{{ID: "weapon/x", Kind: kg.Weapon, Name: "X"}}); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	seen := 0
	err = sp.each(ctx, func([]kg.Node) error {
		seen++
		cancel()
		return nil
	})
	if err == nil || seen != 1 {
		t.Fatalf("after cancel: %d batches, err %v; want 1 batch and context.Canceled", seen, err)
	}
}
