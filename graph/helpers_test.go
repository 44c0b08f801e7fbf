package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"armsgraph/graph"
	"armsgraph/internal/kg"
)

// fakeStore is an in-memory graph.Store for tests that need no Neo4j. It
// counts its calls (one call is one Cypher query in the real store) and
// records the last arguments; a method with no data panics, as a bug would.
type fakeStore struct {
	calls atomic.Int64

	mu       sync.Mutex
	nodes    map[string]kg.Node
	edges    map[kg.EdgeSpec]map[string][]kg.Edge
	weapons  []kg.Node
	lastArgs any
	errs     map[string]error // method name → error to return
}

func newFakeStore() *fakeStore {
	return &fakeStore{nodes: map[string]kg.Node{}, edges: map[kg.EdgeSpec]map[string][]kg.Edge{}, errs: map[string]error{}}
}

func (f *fakeStore) call(name string, args any) error {
	f.calls.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastArgs = args
	return f.errs[name]
}

func (f *fakeStore) args() any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lastArgs
}

func (f *fakeStore) addNode(n kg.Node) {
	if n.Props == nil {
		n.Props = map[string]any{}
	}
	f.nodes[n.ID] = n
	if n.Kind == kg.Weapon {
		f.weapons = append(f.weapons, n)
	}
}

// addRel records a relationship in both directions' edge lists.
func (f *fakeStore) addRel(r kg.Rel) {
	from, to := f.nodes[r.From], f.nodes[r.To]
	out := kg.EdgeSpec{Type: r.Type, Label: to.Kind.Label()}
	in := kg.EdgeSpec{Type: r.Type, Incoming: true, Label: from.Kind.Label()}
	for spec, e := range map[kg.EdgeSpec]struct {
		id   string
		edge kg.Edge
	}{out: {r.From, kg.Edge{Rel: r, Node: to}}, in: {r.To, kg.Edge{Rel: r, Node: from}}} {
		if f.edges[spec] == nil {
			f.edges[spec] = map[string][]kg.Edge{}
		}
		f.edges[spec][e.id] = append(f.edges[spec][e.id], e.edge)
	}
}

func (f *fakeStore) Nodes(ctx context.Context, ids []string, _ ...*kg.Prefetch) ([]kg.Node, *kg.Fetched, error) {
	if err := f.call("Nodes", ids); err != nil {
		return nil, nil, err
	}
	var out []kg.Node
	for _, id := range ids {
		if n, ok := f.nodes[id]; ok {
			out = append(out, n)
		}
	}
	return out, nil, nil
}

func (f *fakeStore) Edges(ctx context.Context, ids []string, spec kg.EdgeSpec) (map[string][]kg.Edge, error) {
	if err := f.call("Edges", spec); err != nil {
		return nil, err
	}
	out := map[string][]kg.Edge{}
	for _, id := range ids {
		if es := f.edges[spec][id]; es != nil {
			out[id] = es
		}
	}
	return out, nil
}

func (f *fakeStore) OrganizationCountries(ctx context.Context, ids []string) (map[string]kg.Node, error) {
	panic("OrganizationCountries: not in the fake")
}

func (f *fakeStore) Resolve(ctx context.Context, name string, kinds []kg.Kind, prefix bool, limit int, _ ...*kg.Prefetch) ([]kg.Match, *kg.Fetched, error) {
	if err := f.call("Resolve", name); err != nil {
		return nil, nil, err
	}
	var out []kg.Match
	for _, n := range f.nodes {
		if kg.NameKey(n.Name) == kg.NameKey(name) && (len(kinds) == 0 || kinds[0] == n.Kind) {
			out = append(out, kg.Match{Node: n, How: kg.MatchName})
		}
	}
	return out, nil, nil
}

func (f *fakeStore) Search(ctx context.Context, text string, kinds []kg.Kind, first int, _ ...*kg.Prefetch) ([]kg.Node, *kg.Fetched, error) {
	panic("Search: not in the fake")
}

func (f *fakeStore) LineageOf(ctx context.Context, ref string, dir kg.Direction, maxDepth int, minConf kg.Confidence, _ ...*kg.Prefetch) (*kg.Lineage, *kg.Fetched, error) {
	if err := f.call("LineageOf", []any{ref, dir, maxDepth, minConf}); err != nil {
		return nil, nil, err
	}
	return nil, nil, nil
}

func (f *fakeStore) Lineages(ctx context.Context, ids []string, dir kg.Direction, maxDepth int, minConf kg.Confidence) (map[string]kg.Lineage, error) {
	if err := f.call("Lineages", []any{dir, maxDepth, minConf}); err != nil {
		return nil, err
	}
	out := map[string]kg.Lineage{}
	for _, id := range ids {
		n := f.nodes[id]
		out[id] = kg.Lineage{Root: n, Direction: dir, Nodes: []kg.Node{n}, Depths: []int{0}}
	}
	return out, nil
}

func (f *fakeStore) Paths(ctx context.Context, q kg.PathQuery, _ ...*kg.Prefetch) ([]kg.Path, *kg.Fetched, error) {
	return nil, nil, f.call("Paths", q)
}

func (f *fakeStore) NeighborGroups(ctx context.Context, id string, first int, _ ...*kg.Prefetch) (kg.Node, []kg.NeighborGroup, *kg.Fetched, error) {
	if err := f.call("NeighborGroups", id); err != nil {
		return kg.Node{}, nil, nil, err
	}
	return f.nodes[id], nil, nil, nil
}

func (f *fakeStore) NeighborGroupPage(ctx context.Context, q kg.NeighborGroupQuery, _ ...*kg.Prefetch) (kg.Node, kg.NeighborGroup, *kg.Fetched, error) {
	if err := f.call("NeighborGroupPage", q); err != nil {
		return kg.Node{}, kg.NeighborGroup{}, nil, err
	}
	return f.nodes[q.ID], kg.NeighborGroup{Type: kg.RelType(q.Type), Incoming: q.Incoming, Kind: q.Kind}, nil, nil
}

func (f *fakeStore) Summary(ctx context.Context) (kg.GraphSummary, error) {
	if err := f.call("Summary", nil); err != nil {
		return kg.GraphSummary{}, err
	}
	return kg.GraphSummary{}, nil
}

func (f *fakeStore) Neighborhood(ctx context.Context, q kg.NeighborhoodQuery, _ ...*kg.Prefetch) (kg.Subgraph, *kg.Fetched, error) {
	if err := f.call("Neighborhood", q); err != nil {
		return kg.Subgraph{}, nil, err
	}
	return kg.Subgraph{Nodes: []kg.Node{f.nodes[q.ID]}}, nil, nil
}

func (f *fakeStore) Agreements(ctx context.Context, fl kg.AgreementFilter, _ ...*kg.Prefetch) ([]kg.Node, *kg.Fetched, error) {
	return nil, nil, f.call("Agreements", fl)
}

func (f *fakeStore) Transfers(ctx context.Context, fl kg.TransferFilter, _ ...*kg.Prefetch) ([]kg.Node, *kg.Fetched, error) {
	return nil, nil, f.call("Transfers", fl)
}

func (f *fakeStore) Events(ctx context.Context, fl kg.EventFilter, _ ...*kg.Prefetch) ([]kg.Node, *kg.Fetched, error) {
	return nil, nil, f.call("Events", fl)
}

func (f *fakeStore) Resolutions(ctx context.Context, d kg.DateRange, _ ...*kg.Prefetch) ([]kg.Node, *kg.Fetched, error) {
	return nil, nil, f.call("Resolutions", d)
}

func (f *fakeStore) Holders(ctx context.Context, q kg.HolderQuery, _ ...*kg.Prefetch) ([]kg.Tenure, *kg.Fetched, error) {
	return nil, nil, f.call("Holders", q)
}

func (f *fakeStore) TransferParts(ctx context.Context, q kg.TotalsQuery, _ ...*kg.Prefetch) ([]kg.Node, *kg.Fetched, error) {
	return nil, nil, f.call("TransferParts", q)
}

func (f *fakeStore) Sources(ctx context.Context) ([]kg.Node, error) {
	panic("Sources: not in the fake")
}

func (f *fakeStore) Weapons(ctx context.Context, category, origin string, q kg.PageQuery, _ ...*kg.Prefetch) (kg.Page, *kg.Fetched, error) {
	if err := f.call("Weapons", q); err != nil {
		return kg.Page{}, nil, err
	}
	p := kg.Page{Total: -1}
	if q.Count {
		p.Total = len(f.weapons)
	}
	for _, w := range f.weapons {
		if w.ID > q.After && len(p.Nodes) < q.First {
			p.Nodes = append(p.Nodes, w)
		}
	}
	return p, nil, nil
}

func (f *fakeStore) People(ctx context.Context, country string, q kg.PageQuery, _ ...*kg.Prefetch) (kg.Page, *kg.Fetched, error) {
	return kg.Page{}, nil, f.call("People", q)
}

// newServer serves the schema over store with the handler the binary
// serves (graph.NewHandler), nesting at most 8 levels.
// newServer serves store with the statistics of a large graph (hubStats).
func newServer(store graph.Store, logger *slog.Logger) http.Handler {
	return graph.NewHandler(store, graph.HandlerConfig{MaxDepth: 8, Stats: hubStats}, logger)
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type response struct {
	Status int
	Data   map[string]any
	Errors []gqlError
}

// post sends one query and decodes the answer, whatever its status.
func post(t *testing.T, h http.Handler, query string, vars map[string]any) response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var out struct {
		Data   map[string]any `json:"data"`
		Errors []gqlError     `json:"errors"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatalf("decode %q: %v", w.Body.String(), err)
	}
	return response{Status: w.Code, Data: out.Data, Errors: out.Errors}
}

func (r response) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "status %d", r.Status)
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "; %q %v", e.Message, e.Extensions)
	}
	return b.String()
}
