package neo4jstore

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jtest"
)

// groupWorld is a generated hub: country/hub with weapons originating from
// it, transfers it supplies and receives (some dated), agreements that it
// and organizations are party to (PARTY_TO mixes kinds at its start), and
// people of its nationality.
type groupWorld struct {
	nodes []kg.Node
	rels  []kg.Rel
}

func newGroupWorld(r *rand.Rand) groupWorld {
	var w groupWorld
	node := func(kind kg.Kind, id, name string, props map[string]any) {
		if props == nil {
			props = map[string]any{}
		}
		w.nodes = append(w.nodes, kg.Node{ID: id, Kind: kind, Name: name, Props: props,
			Citations: []kg.Citation{{Source: "source/a", Locator: "line 1"}}})
	}
	rel := func(t kg.RelType, from, to, key string) {
		w.rels = append(w.rels, kg.Rel{Type: t, From: from, To: to, Key: key, Confidence: kg.Confirmed,
			Citations: []kg.Citation{{Source: "source/a", Locator: "line 2"}}})
	}
	w.nodes = append(w.nodes, kg.Node{ID: "source/a", Name: "A source", Props: map[string]any{}})
	node(kg.Country, "country/hub", "Hubland", nil)
	node(kg.Country, "country/other", "Otherland", nil)
	node(kg.Organization, "organization/hub-mod", "Hubland Ministry", nil)
	year := func() string { return strconv.Itoa(1960 + r.IntN(60)) }
	for i := range 20 + r.IntN(300) {
		props := map[string]any{}
		if r.IntN(3) > 0 {
			props[kg.PropIntroduced] = year()
		}
		id := fmt.Sprintf("weapon/w-%03d", i)
		node(kg.Weapon, id, fmt.Sprintf("W %c%03d", 'A'+r.IntN(26), i), props)
		rel(kg.OriginatesFrom, id, "country/hub", "")
	}
	for i := range r.IntN(40) {
		props := map[string]any{}
		if r.IntN(2) > 0 {
			props[kg.PropOrdered] = year()
		}
		id := fmt.Sprintf("transfer/t-%03d", i)
		node(kg.Transfer, id, fmt.Sprintf("Transfer %03d", i), props)
		supplier, recipient := "country/hub", "country/other"
		if r.IntN(3) == 0 {
			supplier, recipient = recipient, supplier
		}
		rel(kg.Supplier, id, supplier, "")
		rel(kg.Recipient, id, recipient, "")
	}
	for i := range 1 + r.IntN(12) {
		id := fmt.Sprintf("agreement/a-%02d", i)
		node(kg.Agreement, id, fmt.Sprintf("Agreement %02d", i), map[string]any{kg.PropDate: year()})
		rel(kg.PartyTo, "country/hub", id, "")
		if r.IntN(2) == 0 {
			rel(kg.PartyTo, "organization/hub-mod", id, "")
		}
	}
	// An organization party to an agreement of the hub keeps PARTY_TO mixed.
	node(kg.Agreement, "agreement/org-only", "Org-only accord", nil)
	rel(kg.PartyTo, "organization/hub-mod", "agreement/org-only", "")
	for i := range r.IntN(15) {
		id := fmt.Sprintf("person/p-%02d", i)
		node(kg.Person, id, fmt.Sprintf("Person %02d", i), nil)
		rel(kg.NationalOf, id, "country/hub", "")
	}
	rel(kg.PartOf, "organization/hub-mod", "country/hub", "")
	return w
}

// reload empties the test database (but for its marker) and writes w.
func (w groupWorld) reload(t *testing.T, inst *neo4jtest.Instance, s *Store) {
	t.Helper()
	ctx := context.Background()
	if _, err := neo4j.ExecuteQuery(ctx, inst.Driver, "MATCH (n) WHERE NOT n:ArmsgraphTestMarker DETACH DELETE n", nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database)); err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	byLabel := map[string][]kg.Node{}
	for _, n := range w.nodes {
		byLabel[n.Label()] = append(byLabel[n.Label()], n)
	}
	for label, ns := range byLabel {
		if _, err := s.UpsertNodes(ctx, label, "test", ns, false); err != nil {
			t.Fatalf("UpsertNodes %s: %v", label, err)
		}
	}
	byType := map[kg.RelType][]kg.Rel{}
	for _, r := range w.rels {
		byType[r.Type] = append(byType[r.Type], r)
	}
	for typ, rs := range byType {
		if _, err := s.UpsertRels(ctx, typ, "test", rs, false); err != nil {
			t.Fatalf("UpsertRels %s: %v", typ, err)
		}
	}
}

// want is the reference answer, computed from the generated lists: the
// members of every group of id, in the group order (date, name, id).
func (w groupWorld) want(id string) map[string][]kg.Node {
	byID := map[string]kg.Node{}
	for _, n := range w.nodes {
		byID[n.ID] = n
	}
	out := map[string][]kg.Node{}
	for _, r := range w.rels {
		var other string
		var dir string
		switch id {
		case r.From:
			other, dir = r.To, "OUT"
		case r.To:
			other, dir = r.From, "IN"
		default:
			continue
		}
		m := byID[other]
		k := fmt.Sprintf("%s %s %s", r.Type, dir, m.Kind)
		out[k] = append(out[k], m)
	}
	dateOf := func(n kg.Node) string {
		for _, p := range []string{kg.PropDate, kg.PropOrdered, kg.PropDelivered, kg.PropIntroduced} {
			if v, ok := n.Props[p].(string); ok {
				return v
			}
		}
		return "\uffff" // undated last, as Cypher orders nulls
	}
	for _, ms := range out {
		slices.SortFunc(ms, func(a, b kg.Node) int {
			return cmp.Or(cmp.Compare(dateOf(a), dateOf(b)), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
		})
	}
	return out
}

func groupKey(g kg.NeighborGroup) string {
	dir := "OUT"
	if g.Incoming {
		dir = "IN"
	}
	return fmt.Sprintf("%s %s %s", g.Type, dir, g.Kind)
}

func ids(ns []kg.Node) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.ID
	}
	return out
}

// profile runs the statement under PROFILE on inst, tells visit every
// operator of its plan, and returns the plan, one operator a line.
func profile(t *testing.T, inst *neo4jtest.Instance, cypher string, params map[string]any, visit func(neo4j.ProfiledPlan)) string {
	t.Helper()
	res, err := neo4j.ExecuteQuery(context.Background(), inst.Driver, "PROFILE "+cypher, params, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database))
	if err != nil {
		t.Fatalf("PROFILE: %v", err)
	}
	var lines []string
	var walk func(p neo4j.ProfiledPlan, depth int)
	walk = func(p neo4j.ProfiledPlan, depth int) {
		d, _ := p.Arguments()["Details"].(string)
		lines = append(lines, fmt.Sprintf("%s%s %s (rows %d, db hits %d)", strings.Repeat("  ", depth), p.Operator(), d, p.Records(), p.DbHits()))
		visit(p)
		for _, c := range p.Children() {
			walk(c, depth+1)
		}
	}
	walk(res.Summary.Profile(), 0)
	return strings.Join(lines, "\n")
}

// testStore opens a store on the test's own database.
func testStore(t *testing.T) (*neo4jtest.Instance, *Store) {
	t.Helper()
	inst := neo4jtest.Get(t)
	ctx := context.Background()
	s, err := Open(ctx, Config{URI: inst.URI, User: inst.User, Password: inst.Password, Database: inst.Database, QueryTimeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(ctx) })
	return inst, s
}

// TestNeighborGroups checks the grouped neighbourhood against the
// generated graph: every group's count, the order of its first page, the
// pages of NeighborGroupPage with and without a text, and the plan (the
// hub's big groups are counted from the degree store). A fixed seed, plus
// a fresh one printed for replay (ARMSGRAPH_GROUPS_SEED).
func TestNeighborGroups(t *testing.T) {
	ctx := context.Background()
	inst, s := testStore(t)
	seeds := []uint64{1, uint64(time.Now().UnixNano())}
	if v, err := strconv.ParseUint(os.Getenv("ARMSGRAPH_GROUPS_SEED"), 10, 64); err == nil {
		seeds = []uint64{v}
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			t.Logf("replay with ARMSGRAPH_GROUPS_SEED=%d", seed)
			w := newGroupWorld(rand.New(rand.NewPCG(seed, 18)))
			w.reload(t, inst, s)
			for _, id := range []string{"country/hub", "organization/hub-mod", "country/other"} {
				checkGroups(t, s, w, id)
			}
		})
	}

	t.Run("plan: degree lookups, no expansion of the hub for its counts", func(t *testing.T) {
		newGroupWorld(rand.New(rand.NewPCG(1, 18))).reload(t, inst, s)
		var cypher string
		var params map[string]any
		captureQuery = func(_, c string, p map[string]any) { cypher, params = c, p }
		_, _, _, err := s.NeighborGroups(ctx, "country/hub", 0)
		captureQuery = nil
		if err != nil {
			t.Fatal(err)
		}
		res, err := neo4j.ExecuteQuery(ctx, inst.Driver, "PROFILE "+cypher, params, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database))
		if err != nil {
			t.Fatalf("PROFILE: %v", err)
		}
		var details []string
		var walk func(p neo4j.ProfiledPlan)
		walk = func(p neo4j.ProfiledPlan) {
			d, _ := p.Arguments()["Details"].(string)
			details = append(details, fmt.Sprintf("%s %s (db hits %d)", p.Operator(), d, p.DbHits()))
			for _, c := range p.Children() {
				walk(c)
			}
		}
		walk(res.Summary.Profile())
		all := strings.Join(details, "\n")
		if !strings.Contains(all, "getDegree") && !strings.Contains(all, "GetDegree") {
			t.Errorf("the summary's plan has no degree lookup:\n%s", all)
		}
		// With first = 0 no page is read, and every group of the hub has
		// one kind at its far end (kg.RelEnds): no relationship of the hub
		// is expanded at all, however many there are.
		expanded := int64(0)
		var walkHits func(p neo4j.ProfiledPlan)
		walkHits = func(p neo4j.ProfiledPlan) {
			if strings.Contains(p.Operator(), "Expand") {
				expanded += p.DbHits()
			}
			for _, c := range p.Children() {
				walkHits(c)
			}
		}
		walkHits(res.Summary.Profile())
		if expanded != 0 {
			t.Errorf("the summary's expansions touched the store %d times, want 0:\n%s", expanded, all)
		}
		t.Logf("summary plan, %d operators; degree lookups: %d", len(details), strings.Count(all, "getDegree")+strings.Count(all, "GetDegree"))
	})
}

func checkGroups(t *testing.T, s *Store, w groupWorld, id string) {
	t.Helper()
	ctx := context.Background()
	want := w.want(id)
	const first = 5
	centre, groups, _, err := s.NeighborGroups(ctx, id, first)
	if err != nil {
		t.Fatalf("NeighborGroups(%q): %v", id, err)
	}
	if centre.ID != id {
		t.Errorf("NeighborGroups(%q) centre = %q", id, centre.ID)
	}
	got := map[string]bool{}
	for i, g := range groups {
		k := groupKey(g)
		got[k] = true
		ms := want[k]
		if g.Count != len(ms) {
			t.Errorf("NeighborGroups(%q) %s count = %d, want %d", id, k, g.Count, len(ms))
		}
		if w := ids(ms[:min(first, len(ms))]); !slices.Equal(ids(g.Nodes), w) {
			t.Errorf("NeighborGroups(%q) %s first page = %v, want %v", id, k, ids(g.Nodes), w)
		}
		if len(g.Rels) != len(g.Nodes) {
			t.Errorf("NeighborGroups(%q) %s: %d relationships for %d nodes", id, k, len(g.Rels), len(g.Nodes))
		}
		if i > 0 && groups[i-1].Count < g.Count {
			t.Errorf("NeighborGroups(%q): group %s (%d) after a smaller one (%d)", id, k, g.Count, groups[i-1].Count)
		}
	}
	for k := range want {
		if !got[k] {
			t.Errorf("NeighborGroups(%q) lacks group %s", id, k)
		}
	}
	// Pages: the second page of every group, and a text filter.
	for k, ms := range want {
		parts := strings.Fields(k)
		q := kg.NeighborGroupQuery{ID: id, Type: parts[0], Incoming: parts[1] == "IN", Kind: kg.Kind(parts[2]), First: 3, Offset: 2}
		_, g, _, err := s.NeighborGroupPage(ctx, q)
		if err != nil {
			t.Fatalf("NeighborGroupPage(%+v): %v", q, err)
		}
		wantPage := ms[min(2, len(ms)):min(5, len(ms))]
		if g.Count != len(ms) || !slices.Equal(ids(g.Nodes), ids(wantPage)) {
			t.Errorf("NeighborGroupPage(%+v) = %d %v, want %d %v", q, g.Count, ids(g.Nodes), len(ms), ids(wantPage))
		}
		text := strings.ToLower(ms[len(ms)/2].Name[len(ms[len(ms)/2].Name)-2:])
		var match []kg.Node
		for _, m := range ms {
			if strings.Contains(strings.ToLower(m.Name), text) {
				match = append(match, m)
			}
		}
		q.Text, q.Offset, q.First = strings.ToUpper(text), 0, 200
		_, g, _, err = s.NeighborGroupPage(ctx, q)
		if err != nil {
			t.Fatalf("NeighborGroupPage(%+v): %v", q, err)
		}
		if g.Count != len(match) || !slices.Equal(ids(g.Nodes), ids(match)) {
			t.Errorf("NeighborGroupPage(%+v) = %d %v, want %d %v", q, g.Count, ids(g.Nodes), len(match), ids(match))
		}
	}
}

// TestSummary checks the graph summary against a generated graph: entities
// per kind, relationships, and the one dataset.
func TestSummary(t *testing.T) {
	ctx := context.Background()
	inst, s := testStore(t)
	w := newGroupWorld(rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 18)))
	w.reload(t, inst, s)
	got, err := s.Summary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[kg.Kind]int{}
	entities := 0
	for _, n := range w.nodes {
		if n.Kind != "" {
			want[n.Kind]++
			entities++
		}
	}
	for _, k := range kg.Kinds {
		if got.Kinds[k] != want[k] {
			t.Errorf("Summary().Kinds[%s] = %d, want %d", k, got.Kinds[k], want[k])
		}
	}
	if got.Relationships != len(w.rels) {
		t.Errorf("Summary().Relationships = %d, want %d", got.Relationships, len(w.rels))
	}
	if len(got.Datasets) != 1 || got.Datasets[0] != (kg.DatasetCount{Name: "test", Entities: entities}) {
		t.Errorf("Summary().Datasets = %+v, want [{test %d}]", got.Datasets, entities)
	}
}

// TestLargeGroupFirstPage checks the first page of a large group, read by
// walking the group-key index (indexedPage) instead of sorting the group:
// the same members in the same order as the reference (date, name, id),
// through neighborGroup and the summary, and a plan that reads a page's
// worth of the group, not all of it (rows out of the walk, not timings).
func TestLargeGroupFirstPage(t *testing.T) {
	ctx := context.Background()
	inst, s := testStore(t)
	r := rand.New(rand.NewPCG(7, 18))
	var w groupWorld
	w.nodes = append(w.nodes, kg.Node{ID: "source/a", Name: "A source", Props: map[string]any{}})
	cite := []kg.Citation{{Source: "source/a", Locator: "line 1"}}
	for _, c := range []string{"country/hub", "country/other"} {
		w.nodes = append(w.nodes, kg.Node{ID: c, Kind: kg.Country, Name: c, Props: map[string]any{}, Citations: cite})
	}
	const size = 1500
	for i := range 2 * size {
		props := map[string]any{}
		if r.IntN(4) > 0 {
			props[kg.PropIntroduced] = strconv.Itoa(1950 + r.IntN(70))
		}
		id := fmt.Sprintf("weapon/w-%05d", i)
		w.nodes = append(w.nodes, kg.Node{ID: id, Kind: kg.Weapon, Name: fmt.Sprintf("W %c%05d", 'A'+r.IntN(26), i), Props: props, Citations: cite})
		origin := "country/hub"
		if i%2 == 1 {
			origin = "country/other"
		}
		w.rels = append(w.rels, kg.Rel{Type: kg.OriginatesFrom, From: id, To: origin, Confidence: kg.Confirmed, Citations: cite})
	}
	// A small group of the same hub: its page expands the group, and the
	// index is not walked.
	for i := range 5 {
		id := fmt.Sprintf("person/p-%d", i)
		w.nodes = append(w.nodes, kg.Node{ID: id, Kind: kg.Person, Name: fmt.Sprintf("Person %d", 5-i), Props: map[string]any{}, Citations: cite})
		w.rels = append(w.rels, kg.Rel{Type: kg.NationalOf, From: id, To: "country/hub", Confidence: kg.Confirmed, Citations: cite})
	}
	w.reload(t, inst, s)
	want := ids(w.want("country/hub")["ORIGINATES_FROM IN WEAPON"])
	if len(want) != size {
		t.Fatalf("the hub has %d weapons, want %d", len(want), size)
	}
	const first = 25
	// page reads the first page of a group of the hub and profiles the
	// statement: how many group keys the index walk read, and the most
	// rows any operator passed.
	page := func(typ kg.RelType, kind kg.Kind, want []string) (seek, most int64, plan string) {
		t.Helper()
		q := kg.NeighborGroupQuery{ID: "country/hub", Type: string(typ), Incoming: true, Kind: kind, First: first}
		var cypher string
		var params map[string]any
		captureQuery = func(_, c string, p map[string]any) { cypher, params = c, p }
		_, g, _, err := s.NeighborGroupPage(ctx, q)
		captureQuery = nil
		if err != nil {
			t.Fatal(err)
		}
		if g.Count != len(want) || !slices.Equal(ids(g.Nodes), want[:min(first, len(want))]) {
			t.Errorf("first page of %s %s = %d %v, want %d %v", typ, kind, g.Count, ids(g.Nodes), len(want), want[:min(first, len(want))])
		}
		plan = profile(t, inst, cypher, params, func(p neo4j.ProfiledPlan) {
			// The planner reads the group-key index either by a range seek
			// on the prefix or by an ordered scan that the page's LIMIT
			// stops (both seen, on the same statement, in different
			// Neo4j instances): either way, rows read from the index.
			if d, _ := p.Arguments()["Details"].(string); strings.HasPrefix(p.Operator(), "NodeIndex") && strings.Contains(d, propGroupKey) {
				seek = p.Records()
			}
			most = max(most, p.Records())
		})
		return seek, most, plan
	}
	// The large group: the index walk meets about first × entities / size
	// entities; expanding the group would read all 1,500.
	seek, most, plan := page(kg.OriginatesFrom, kg.Weapon, want)
	t.Logf("first page of %d of a group of %d: the index walk read %d entries; the most rows any operator passed: %d", first, size, seek, most)
	if seek == 0 || most >= size/2 {
		t.Errorf("the first page's plan walks %d group keys and passes at most %d rows, want a walk of about a page (group of %d):\n%s", seek, most, size, plan)
	}
	// A graph loaded before entities carried group keys: the walk finds
	// nothing, and the page is read by expanding the group, as before.
	if _, err := neo4j.ExecuteQuery(ctx, inst.Driver, "MATCH (m:Weapon) REMOVE m."+propGroupKey, nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database)); err != nil {
		t.Fatal(err)
	}
	if seek, most, plan := page(kg.OriginatesFrom, kg.Weapon, want); seek != 0 || most < size {
		t.Errorf("without group keys the first page walked %d keys and passed at most %d rows, want the group expanded:\n%s", seek, most, plan)
	}
	// The small group expands itself; the index is not walked.
	if seek, _, plan := page(kg.NationalOf, kg.Person, ids(w.want("country/hub")["NATIONAL_OF IN PERSON"])); seek != 0 {
		t.Errorf("the first page of a group of 5 walked %d group keys, want none:\n%s", seek, plan)
	}
	_, groups, _, err := s.NeighborGroups(ctx, "country/hub", 8)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		if g.Type == kg.OriginatesFrom && !slices.Equal(ids(g.Nodes), want[:8]) {
			t.Errorf("summary's first page = %v, want %v", ids(g.Nodes), want[:8])
		}
	}
}
