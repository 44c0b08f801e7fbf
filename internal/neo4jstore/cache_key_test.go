package neo4jstore

import (
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// TestCacheKeyTellsParametersApart: parameters that Neo4j receives as
// different values give different keys, the same values the same key
// whatever the map order, and types the key cannot spell are refused.
func TestCacheKeyTellsParametersApart(t *testing.T) {
	day := time.Date(2000, 1, 2, 0, 0, 0, 0, time.UTC)
	g := Generation{Value: 4, Epoch: "e"}
	distinct := []map[string]any{
		nil,
		{"id": "a"},
		{"id": "b"},
		{"id": []string{"a", "b"}},
		{"id": []string{"ab"}},
		{"n": 1},
		{"n": 1.0},
		{"n": "1"},
		{"from": dbtype.Date(day)},
		{"from": dbtype.Date(day.AddDate(0, 0, 1))},
		{"from": dbtype.LocalDateTime(day)},
		{"m": map[string]any{"a": "b,c"}},
		{"m": map[string]any{"a": "b", "c": ""}},
	}
	seen := map[string]int{}
	for i, p := range distinct {
		k, ok := cacheKey(g, "RETURN 1", p)
		if !ok {
			t.Fatalf("cacheKey(%v) refused", p)
		}
		if j, dup := seen[k]; dup {
			t.Errorf("cacheKey(%v) = cacheKey(%v) = %q", p, distinct[j], k)
		}
		seen[k] = i
	}
	a, _ := cacheKey(g, "RETURN 1", map[string]any{"x": 1, "y": "z", "w": []any{true, nil}})
	b, _ := cacheKey(g, "RETURN 1", map[string]any{"w": []any{true, nil}, "y": "z", "x": 1})
	if a != b {
		t.Errorf("equal parameters give keys %q and %q", a, b)
	}
	if other, _ := cacheKey(Generation{Value: 5, Epoch: "e"}, "RETURN 1", nil); seen[other] != 0 || other == mustKey(t, g, nil) {
		t.Errorf("another generation gives the same key %q", other)
	}
	if _, ok := cacheKey(g, "RETURN 1", map[string]any{"f": func() {}}); ok {
		t.Errorf("cacheKey of a func parameter = ok, want refused")
	}
}

func mustKey(t *testing.T, g Generation, p map[string]any) string {
	t.Helper()
	k, ok := cacheKey(g, "RETURN 1", p)
	if !ok {
		t.Fatalf("cacheKey(%v) refused", p)
	}
	return k
}
