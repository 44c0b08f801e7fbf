package server_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"armsgraph/cmd/wiring"
	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jstore"
	"armsgraph/web"
)

// TestSeededAPI answers every root field of the contract over the project's
// seeds, loaded by the ingester, and compares the answers with what the
// seed files state.
func TestSeededAPI(t *testing.T) {
	store := seededStore(t)
	h := newServer(t, wiring.Config{}, store)
	t.Run("Lineage", func(t *testing.T) { testLineage(t, h) })
	t.Run("Lookups", func(t *testing.T) { testLookups(t, h) })
	t.Run("Paths", func(t *testing.T) { testPaths(t, h) })
	t.Run("Neighborhood", func(t *testing.T) { testNeighborhood(t, h) })
	t.Run("Lists", func(t *testing.T) { testLists(t, h) })
	t.Run("Pagination", func(t *testing.T) { testPagination(t, h) })
	t.Run("Provenance", func(t *testing.T) { testProvenance(t, h) })
	t.Run("Examples", func(t *testing.T) { testExamples(t, h) })
	t.Run("StoreErrors", func(t *testing.T) { testStoreErrors(t, h) })
}

// TestQueryCount runs over a seeded database of its own: it adds synthetic
// weapons, which TestSeededAPI's subtests must never see, whatever order
// (or selection, -run 'TestSeededAPI/X') they run in.
func TestQueryCount(t *testing.T) {
	testQueryCount(t, seededStore(t))
}

type weaponRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type citation struct {
	Locator string  `json:"locator"`
	Note    *string `json:"note"`
	Source  struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"source"`
}

type lineage struct {
	Weapon    weaponRef `json:"weapon"`
	Direction string    `json:"direction"`
	Nodes     []struct {
		Depth  int       `json:"depth"`
		Weapon weaponRef `json:"weapon"`
	} `json:"nodes"`
	Derivations []struct {
		Child      weaponRef  `json:"child"`
		Parent     weaponRef  `json:"parent"`
		Kind       string     `json:"kind"`
		Confidence string     `json:"confidence"`
		Citations  []citation `json:"citations"`
	} `json:"derivations"`
}

const lineageFields = `weapon { id name } direction
  nodes { depth weapon { id name } }
  derivations { child { id } parent { id } kind confidence citations { locator note source { id title } } }`

func (l lineage) nodes() []string {
	out := []string{}
	for _, n := range l.Nodes {
		out = append(out, fmt.Sprintf("%s:%d", n.Weapon.ID, n.Depth))
	}
	return out
}

func (l lineage) derivations() []string {
	out := []string{}
	for _, d := range l.Derivations {
		out = append(out, fmt.Sprintf("%s>%s %s %s", d.Child.ID, d.Parent.ID, d.Kind, d.Confidence))
	}
	return out
}

func testLineage(t *testing.T, h http.Handler) {
	tests := []struct {
		args        string
		nodes       []string
		derivations []string
	}{
		// The Tondar 69 derives from the M-7 and, directly, from the M-7's own
		// parent, the HQ-2: the HQ-2 stands at depth 1, the shortest way up.
		{`weapon: "Tondar-69", direction: ANCESTORS`,
			[]string{"weapon/tondar-69:0", "weapon/hq-2:1", "weapon/m-7:1", "weapon/sa-75-dvina:2"},
			[]string{
				"weapon/hq-2>weapon/sa-75-dvina copy CONFIRMED",
				"weapon/m-7>weapon/hq-2 modified CONFIRMED",
				"weapon/tondar-69>weapon/hq-2 modified CONFIRMED",
				"weapon/tondar-69>weapon/m-7 modified CONFIRMED",
			}},
		{`weapon: "tondar 69", direction: ANCESTORS, maxDepth: 1`,
			[]string{"weapon/tondar-69:0", "weapon/hq-2:1", "weapon/m-7:1"},
			[]string{"weapon/tondar-69>weapon/hq-2 modified CONFIRMED", "weapon/tondar-69>weapon/m-7 modified CONFIRMED"}},
		{`weapon: "C-802", direction: DESCENDANTS`,
			[]string{"weapon/c-802:0", "weapon/noor:1", "weapon/qader:1"},
			[]string{
				"weapon/noor>weapon/c-802 variant REPORTED",
				"weapon/qader>weapon/c-802 closely-related CONFIRMED",
			}},
		{`weapon: "c802", direction: DESCENDANTS, minConfidence: CONFIRMED`,
			[]string{"weapon/c-802:0", "weapon/qader:1"},
			[]string{"weapon/qader>weapon/c-802 closely-related CONFIRMED"}},
		{`weapon: "weapon/sa-75-dvina", direction: DESCENDANTS, maxDepth: 2`,
			[]string{"weapon/sa-75-dvina:0", "weapon/hq-2:1", "weapon/m-7:2", "weapon/tondar-69:2"},
			[]string{
				"weapon/hq-2>weapon/sa-75-dvina copy CONFIRMED",
				"weapon/m-7>weapon/hq-2 modified CONFIRMED",
				"weapon/tondar-69>weapon/hq-2 modified CONFIRMED",
			}},
		{`weapon: "M-7", maxDepth: 0`, []string{"weapon/m-7:0"}, []string{}},
	}
	for _, tt := range tests {
		var resp struct{ Lineage *lineage }
		query(t, h, `{ lineage(`+tt.args+`) { `+lineageFields+` } }`, &resp)
		if resp.Lineage == nil {
			t.Errorf("Lineage(%s) = null, want %v", tt.args, tt.nodes)
			continue
		}
		if g := resp.Lineage.nodes(); !slices.Equal(g, tt.nodes) {
			t.Errorf("Lineage(%s) nodes = %v, want %v", tt.args, g, tt.nodes)
		}
		if g := resp.Lineage.derivations(); !slices.Equal(g, tt.derivations) {
			t.Errorf("Lineage(%s) derivations = %v, want %v", tt.args, g, tt.derivations)
		}
		for _, d := range resp.Lineage.Derivations {
			if len(d.Citations) == 0 || d.Citations[0].Source.Title == "" || d.Citations[0].Locator == "" {
				t.Errorf("Lineage(%s): derivation %s>%s has no resolved citation: %+v", tt.args, d.Child.ID, d.Parent.ID, d.Citations)
			}
		}
	}

	var missing struct{ Lineage *lineage }
	query(t, h, `{ lineage(weapon: "Excalibur") { direction } }`, &missing)
	if missing.Lineage != nil {
		t.Errorf("Lineage(Excalibur) = %+v, want null", missing.Lineage)
	}

	// Weapon.lineage answers the same, for every weapon of a list at once.
	var nested struct {
		Weapon struct {
			Lineage lineage `json:"lineage"`
		} `json:"weapon"`
	}
	query(t, h, `{ weapon(name: "Tondar 69") { lineage(direction: ANCESTORS) { `+lineageFields+` } } }`, &nested)
	if g, w := nested.Weapon.Lineage.nodes(), tests[0].nodes; !slices.Equal(g, w) {
		t.Errorf("Weapon(Tondar 69).lineage nodes = %v, want %v", g, w)
	}
}

func testLookups(t *testing.T, h http.Handler) {
	for _, name := range []string{"C802", "c-802", "C 802", "c.802", "weapon/c-802"} {
		var resp struct {
			Resolve []weaponRef `json:"resolve"`
			Weapon  *weaponRef  `json:"weapon"`
		}
		query(t, h, `query($n: String!) { resolve(name: $n) { id name } weapon(name: $n) { id name } }`, &resp, client.Var("n", name))
		if len(resp.Resolve) == 0 || resp.Resolve[0].ID != "weapon/c-802" {
			t.Errorf("Resolve(%q) = %v, want weapon/c-802 first", name, resp.Resolve)
		}
		if resp.Weapon == nil || resp.Weapon.ID != "weapon/c-802" {
			t.Errorf("Weapon(%q) = %v, want weapon/c-802", name, resp.Weapon)
		}
	}

	// An ambiguous name: Silkworm is an alias of the C-802 and of the HY-2.
	var amb struct{ Resolve []weaponRef }
	query(t, h, `{ resolve(name: "Silkworm") { id } }`, &amb)
	if g, w := refIDs(amb.Resolve), []string{"weapon/c-802", "weapon/hy-2"}; !slices.Equal(sorted(g), w) {
		t.Errorf("Resolve(Silkworm) = %v, want both of %v", g, w)
	}

	var people struct {
		Person  *weaponRef `json:"person"`
		Country *weaponRef `json:"country"`
		Org     *weaponRef `json:"organization"`
		Nobody  *weaponRef `json:"nobody"`
		Entity  *weaponRef `json:"entity"`
		None    *weaponRef `json:"none"`
		Source  *weaponRef `json:"source"`
	}
	query(t, h, `{
	  person(name: "Dehgan") { id name }
	  country(name: "IRAN") { id name }
	  organization(name: "organization/china-aerospace-group") { id name }
	  nobody: person(name: "Tondar-69") { id }
	  entity(id: "weapon/m-7") { id name }
	  none: entity(id: "weapon/excalibur") { id }
	  source(id: "source/rezaei-2015") { id }
	}`, &people)
	if people.Person == nil || people.Person.ID != "person/hossein-dehghan" {
		t.Errorf("Person(Dehgan) = %v, want person/hossein-dehghan", people.Person)
	}
	if people.Country == nil || people.Country.ID != "country/iran" {
		t.Errorf("Country(IRAN) = %v, want country/iran", people.Country)
	}
	if people.Org == nil || people.Org.ID != "organization/china-aerospace-group" {
		t.Errorf("Organization(by id) = %v", people.Org)
	}
	if people.Nobody != nil {
		t.Errorf("Person(Tondar-69) = %v, want null: it is a weapon", people.Nobody)
	}
	if people.Entity == nil || people.Entity.Name != "M-7" || people.None != nil {
		t.Errorf("Entity(weapon/m-7) = %v, Entity(weapon/excalibur) = %v; want M-7 and null", people.Entity, people.None)
	}
	if people.Source == nil || people.Source.ID != "source/rezaei-2015" {
		t.Errorf("Source(source/rezaei-2015) = %v", people.Source)
	}

	var search struct {
		Search []weaponRef `json:"search"`
		Kinds  []weaponRef `json:"kinds"`
	}
	query(t, h, `{ search(text: "Tondar") { id } kinds: search(text: "Tondar", kinds: [PERSON]) { id } }`, &search)
	if g, w := refIDs(search.Search), []string{"weapon/tondar-69", "weapon/m-7"}; !slices.Equal(g, w) {
		t.Errorf("Search(Tondar) = %v, want %v", g, w)
	}
	if len(search.Kinds) != 0 {
		t.Errorf("Search(Tondar, PERSON) = %v, want none", search.Kinds)
	}
}

func refIDs(refs []weaponRef) []string {
	out := []string{}
	for _, r := range refs {
		out = append(out, r.ID)
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

type pathResp struct {
	Length        int         `json:"length"`
	Nodes         []weaponRef `json:"nodes"`
	Relationships []struct {
		Type string    `json:"type"`
		From weaponRef `json:"from"`
		To   weaponRef `json:"to"`
	} `json:"relationships"`
}

func (p pathResp) String() string {
	var b strings.Builder
	for i, n := range p.Nodes {
		if i > 0 {
			r := p.Relationships[i-1]
			if r.From.ID == p.Nodes[i-1].ID {
				fmt.Fprintf(&b, " -%s-> ", r.Type)
			} else {
				fmt.Fprintf(&b, " <-%s- ", r.Type)
			}
		}
		b.WriteString(n.ID)
	}
	return b.String()
}

func testPaths(t *testing.T, h http.Handler) {
	const fields = `length nodes { id } relationships { type from { id } to { id } }`
	tests := []struct {
		args string
		want []string
	}{
		// An Iranian and a Chinese defence minister: they met twice, signed
		// one agreement and took part in two visits together.
		{`from: "person/hossein-dehghan", to: "person/chang-wanquan", maxHops: 4, limit: 5`, []string{
			// Equal paths come in a stable order: here, by their relationships' keys.
			"person/hossein-dehghan <-MET- person/chang-wanquan",
			"person/hossein-dehghan -MET-> person/chang-wanquan",
			"person/hossein-dehghan -SIGNED-> agreement/iran-china-military-cooperation-2016 <-SIGNED- person/chang-wanquan",
			"person/hossein-dehghan -PARTICIPATED_IN-> event/chang-wanquan-tehran-visit-2016 <-PARTICIPATED_IN- person/chang-wanquan",
			"person/hossein-dehghan -PARTICIPATED_IN-> event/dehghan-china-visit-2014 <-PARTICIPATED_IN- person/chang-wanquan",
		}},
		{`from: "person/hossein-dehghan", to: "person/chang-wanquan", relationshipTypes: ["SIGNED"]`, []string{
			"person/hossein-dehghan -SIGNED-> agreement/iran-china-military-cooperation-2016 <-SIGNED- person/chang-wanquan",
		}},
		{`from: "person/hossein-dehghan", to: "person/chang-wanquan", relationshipTypes: ["SIGNED", "PARTICIPATED_IN"], via: [EVENT]`, []string{
			"person/hossein-dehghan -PARTICIPATED_IN-> event/chang-wanquan-tehran-visit-2016 <-PARTICIPATED_IN- person/chang-wanquan",
			"person/hossein-dehghan -PARTICIPATED_IN-> event/dehghan-china-visit-2014 <-PARTICIPATED_IN- person/chang-wanquan",
		}},
		{`from: "weapon/tondar-69", to: "weapon/sa-75-dvina", relationshipTypes: ["DERIVED_FROM"]`, []string{
			"weapon/tondar-69 -DERIVED_FROM-> weapon/hq-2 -DERIVED_FROM-> weapon/sa-75-dvina",
			"weapon/tondar-69 -DERIVED_FROM-> weapon/m-7 -DERIVED_FROM-> weapon/hq-2 -DERIVED_FROM-> weapon/sa-75-dvina",
		}},
		{`from: "weapon/tondar-69", to: "weapon/sa-75-dvina", relationshipTypes: ["DERIVED_FROM"], maxHops: 1`, []string{}},
	}
	for _, tt := range tests {
		var resp struct{ Paths []pathResp }
		query(t, h, `{ paths(`+tt.args+`) { `+fields+` } }`, &resp)
		got := []string{}
		for _, p := range resp.Paths {
			got = append(got, p.String())
			if p.Length != len(p.Relationships) {
				t.Errorf("Paths(%s): length %d for %d relationships", tt.args, p.Length, len(p.Relationships))
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Paths(%s) =\n%s\nwant\n%s", tt.args, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
		}
	}
}

func testNeighborhood(t *testing.T, h http.Handler) {
	tests := []struct {
		args  string
		nodes []string
		rels  []string
	}{
		{`id: "weapon/tondar-69", relationshipTypes: ["DERIVED_FROM", "ORIGINATES_FROM"]`,
			[]string{"weapon/tondar-69", "country/iran", "weapon/hq-2", "weapon/m-7"},
			[]string{"weapon/m-7 DERIVED_FROM weapon/hq-2", "weapon/tondar-69 DERIVED_FROM weapon/hq-2", "weapon/tondar-69 DERIVED_FROM weapon/m-7", "weapon/tondar-69 ORIGINATES_FROM country/iran"}},
		{`id: "weapon/tondar-69", depth: 2, relationshipTypes: ["DERIVED_FROM"]`,
			[]string{"weapon/tondar-69", "weapon/hq-2", "weapon/m-7", "weapon/sa-75-dvina"},
			[]string{"weapon/hq-2 DERIVED_FROM weapon/sa-75-dvina", "weapon/m-7 DERIVED_FROM weapon/hq-2", "weapon/tondar-69 DERIVED_FROM weapon/hq-2", "weapon/tondar-69 DERIVED_FROM weapon/m-7"}},
	}
	for _, tt := range tests {
		var resp struct {
			Neighborhood struct {
				Nodes         []weaponRef `json:"nodes"`
				Relationships []struct {
					Type string    `json:"type"`
					From weaponRef `json:"from"`
					To   weaponRef `json:"to"`
				} `json:"relationships"`
				Truncated bool `json:"truncated"`
			} `json:"neighborhood"`
		}
		query(t, h, `{ neighborhood(`+tt.args+`) { nodes { id } relationships { type from { id } to { id } } truncated } }`, &resp)
		if g := refIDs(resp.Neighborhood.Nodes); !slices.Equal(g, tt.nodes) {
			t.Errorf("Neighborhood(%s) nodes = %v, want %v", tt.args, g, tt.nodes)
		}
		rels := []string{}
		for _, r := range resp.Neighborhood.Relationships {
			rels = append(rels, r.From.ID+" "+r.Type+" "+r.To.ID)
		}
		if g := sorted(rels); !slices.Equal(g, tt.rels) || resp.Neighborhood.Truncated {
			t.Errorf("Neighborhood(%s) relationships = %v (truncated %t), want %v", tt.args, g, resp.Neighborhood.Truncated, tt.rels)
		}
	}
	var wide struct {
		Neighborhood struct {
			Nodes     []weaponRef `json:"nodes"`
			Truncated bool        `json:"truncated"`
		} `json:"neighborhood"`
	}
	query(t, h, `{ neighborhood(id: "country/iran", limit: 3) { nodes { id } truncated } }`, &wide)
	if len(wide.Neighborhood.Nodes) != 4 || !wide.Neighborhood.Truncated || wide.Neighborhood.Nodes[0].ID != "country/iran" {
		t.Errorf("Neighborhood(country/iran, limit 3) = %v (truncated %t), want Iran and 3 more, truncated", wide.Neighborhood.Nodes, wide.Neighborhood.Truncated)
	}
}

func testLists(t *testing.T, h http.Handler) {
	tests := []struct {
		name, query string
		want        []string
	}{
		{"agreements", `agreements(parties: ["country/iran", "country/china"], from: "2014", to: "2016")`, []string{
			"agreement/iran-china-defence-ties-2014",
			"agreement/iran-china-defence-mou-2015",
			"agreement/iran-china-military-cooperation-2016",
		}},
		{"agreements", `agreements(parties: ["country/iran", "country/china"], from: "2016-11-15")`, []string{
			"agreement/russia-china-iran-naval-drills-2019",
		}},
		{"agreements", `agreements(parties: ["country/iran", "country/china"], from: "2016-11-15", to: "2018-12")`, []string{}},
		{"agreements", `agreements(parties: ["country/iran", "country/russia"], from: "2015-01", to: "2015-01")`, []string{
			"agreement/iran-russia-military-cooperation-2015",
		}},
		{"transfers", `transfers(supplier: "country/china", recipient: "country/iran", weapon: "weapon/c-802")`, []string{
			"transfer/china-iran-c-802-1990s",
			"transfer/china-iran-c-802-2005-2013",
		}},
		{"events", `events(participant: "person/chang-wanquan")`, []string{
			"event/dehghan-china-visit-2014",
			"event/sayyari-china-visit-2014",
			"event/chang-wanquan-tehran-visit-2016",
		}},
		{"events", `events(participant: "person/chang-wanquan", from: "2014-06", to: "2016")`, []string{
			"event/sayyari-china-visit-2014",
			"event/chang-wanquan-tehran-visit-2016",
		}},
		{"resolutions", `resolutions(from: "2006", to: "2008")`, []string{
			"resolution/unsc-1737",
			"resolution/eu-iran-mtcr-sanctions-2007",
			"resolution/unsc-1747",
			"resolution/unsc-1803",
		}},
		{"resolutions", `resolutions(from: "2010", to: "2010")`, []string{"resolution/unsc-1929"}},
	}
	for _, tt := range tests {
		var resp map[string][]weaponRef
		query(t, h, `{ `+tt.query+` { id } }`, &resp)
		if g := refIDs(resp[tt.name]); !slices.Equal(g, tt.want) {
			t.Errorf("%s = %v, want %v", tt.query, g, tt.want)
		}
	}

	// The 2016 agreement in full.
	var ag struct {
		Agreements []struct {
			Date        string      `json:"date"`
			Status      string      `json:"status"`
			Confidence  string      `json:"confidence"`
			Parties     []weaponRef `json:"parties"`
			Signatories []weaponRef `json:"signatories"`
		} `json:"agreements"`
	}
	query(t, h, `{ agreements(parties: ["country/china"], from: "2016-11-14", to: "2016-11-14") {
	  date status confidence parties { id } signatories { id } } }`, &ag)
	if len(ag.Agreements) != 1 {
		t.Fatalf("agreements on 2016-11-14 = %+v, want one", ag.Agreements)
	}
	a := ag.Agreements[0]
	if a.Date != "2016-11-14" || sorted(refIDs(a.Parties))[0] != "country/china" || len(a.Parties) != 2 ||
		!slices.Equal(sorted(refIDs(a.Signatories)), []string{"person/chang-wanquan", "person/hossein-dehghan"}) || a.Confidence == "" || a.Status == "" {
		t.Errorf("agreement of 2016-11-14 = %+v", a)
	}
}

func testPagination(t *testing.T, h http.Handler) {
	type page struct {
		TotalCount int `json:"totalCount"`
		PageInfo   struct {
			HasNextPage bool    `json:"hasNextPage"`
			EndCursor   *string `json:"endCursor"`
		} `json:"pageInfo"`
		Edges []struct {
			Cursor string    `json:"cursor"`
			Node   weaponRef `json:"node"`
		} `json:"edges"`
	}
	walk := func(field, args string, size int) (ids []string, total, pages int) {
		t.Helper()
		var after *string
		for {
			var resp map[string]page
			opts := []client.Option{client.Var("first", size)}
			if after != nil {
				opts = append(opts, client.Var("after", *after))
			}
			query(t, h, `query($first: Int, $after: String) { `+field+`(`+args+` first: $first, after: $after) {
			  totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }`, &resp, opts...)
			p := resp[field]
			pages++
			total = p.TotalCount
			for _, e := range p.Edges {
				ids = append(ids, e.Node.ID)
			}
			if len(p.Edges) > 0 && (p.PageInfo.EndCursor == nil || *p.PageInfo.EndCursor != p.Edges[len(p.Edges)-1].Cursor) {
				t.Errorf("%s: endCursor %v is not the last edge's cursor", field, p.PageInfo.EndCursor)
			}
			if !p.PageInfo.HasNextPage {
				return ids, total, pages
			}
			after = p.PageInfo.EndCursor
			if pages > 100 {
				t.Fatalf("%s: more than 100 pages", field)
			}
		}
	}
	chinese := []string{
		"person/chang-wanquan", "person/fan-changlong", "person/hu-jintao", "person/hua-chunying", "person/jiang-zemin",
		"person/li-peng", "person/sun-jianguo", "person/wu-jieming", "person/wu-shengli", "person/xi-jinping",
		"person/xie-xiaoyan", "person/xu-qiliang", "person/yang-jiechi", "person/zhang-deguang",
	}
	ids, total, pages := walk("people", `country: "country/china",`, 5)
	if !slices.Equal(ids, chinese) || total != len(chinese) || pages != 3 {
		t.Errorf("people of China in pages of 5 = %v (total %d, %d pages), want %v (total %d, 3 pages)", ids, total, pages, chinese, len(chinese))
	}
	iranASM := []string{"weapon/kowsar", "weapon/nasr", "weapon/noor", "weapon/qader", "weapon/raad", "weapon/zafar"}
	ids, total, _ = walk("weapons", `origin: "country/iran", category: "anti-ship-missile",`, 4)
	if !slices.Equal(ids, iranASM) || total != len(iranASM) {
		t.Errorf("Iranian anti-ship missiles = %v (total %d), want %v", ids, total, iranASM)
	}
	// Walking all weapons in pages of 7 gives what one page of 200 gives.
	paged, total, _ := walk("weapons", "", 7)
	whole, _, pages := walk("weapons", "", 200)
	if !slices.Equal(paged, whole) || total != len(whole) || pages != 1 || !slices.IsSorted(whole) {
		t.Errorf("weapons in pages of 7 = %d ids (total %d), in one page %d ids", len(paged), total, len(whole))
	}
}

func testProvenance(t *testing.T, h http.Handler) {
	var resp struct {
		Weapon struct {
			Name        string     `json:"name"`
			Category    string     `json:"category"`
			RangeKm     float64    `json:"rangeKm"`
			Introduced  string     `json:"introduced"`
			Citations   []citation `json:"citations"`
			Origin      weaponRef  `json:"origin"`
			DerivedFrom []struct {
				Kind       string     `json:"kind"`
				Confidence string     `json:"confidence"`
				Note       *string    `json:"note"`
				Parent     weaponRef  `json:"parent"`
				Citations  []citation `json:"citations"`
			} `json:"derivedFrom"`
		} `json:"weapon"`
	}
	query(t, h, `{ weapon(name: "Tondar-69") { name category rangeKm introduced
	  citations { locator note source { id title } } origin { id }
	  derivedFrom { kind confidence note parent { id } citations { locator note source { id title } } } } }`, &resp)
	w := resp.Weapon
	if w.Category != "ballistic-missile" || w.RangeKm != 150 || w.Introduced != "1992" || w.Origin.ID != "country/iran" {
		t.Errorf("Tondar-69 = %+v", w)
	}
	if len(w.Citations) != 2 || w.Citations[0].Locator != "line 102" || w.Citations[0].Source.ID != "source/rezaei-2015" || w.Citations[0].Source.Title == "" {
		t.Errorf("Tondar-69 citations = %+v", w.Citations)
	}
	// Two parents: the HQ-2 directly and the M-7 (itself from the HQ-2).
	if len(w.DerivedFrom) != 2 {
		t.Errorf("Tondar-69 derivedFrom = %+v, want the HQ-2 and the M-7", w.DerivedFrom)
	}
	for i, parent := range []string{"weapon/hq-2", "weapon/m-7"} {
		if i >= len(w.DerivedFrom) {
			break
		}
		d := w.DerivedFrom[i]
		if d.Parent.ID != parent || d.Kind != "modified" || d.Confidence != "CONFIRMED" || d.Note == nil || len(d.Citations) != 1 {
			t.Errorf("Tondar-69 derivedFrom[%d] = %+v, want %s modified CONFIRMED with a note and one citation", i, d, parent)
		}
	}

	// Relationships of a generic traversal carry provenance too.
	var nb struct {
		Neighborhood struct {
			Relationships []struct {
				Type       string     `json:"type"`
				Key        string     `json:"key"`
				Kind       *string    `json:"kind"`
				Confidence string     `json:"confidence"`
				Citations  []citation `json:"citations"`
			} `json:"relationships"`
		} `json:"neighborhood"`
	}
	query(t, h, `{ neighborhood(id: "weapon/tondar-69", relationshipTypes: ["DERIVED_FROM"]) {
	  relationships { type key kind confidence citations { locator source { title } } } } }`, &nb)
	rels := nb.Neighborhood.Relationships
	if len(rels) != 3 {
		t.Errorf("neighborhood(tondar-69) relationships = %+v, want three DERIVED_FROM (Tondar-69 to HQ-2 and M-7, M-7 to HQ-2)", rels)
	}
	for _, r := range rels {
		if r.Kind == nil || *r.Kind != "modified" || r.Confidence != "CONFIRMED" ||
			r.Key == "" || len(r.Citations) != 1 || r.Citations[0].Source.Title == "" {
			t.Errorf("neighborhood(tondar-69) relationship = %+v, want modified CONFIRMED with a key and a resolved citation", r)
		}
	}

	// Positions: title, organization and dates from HOLDS_POSITION.
	var person struct {
		Person struct {
			Country   weaponRef `json:"country"`
			Positions []struct {
				Title        string     `json:"title"`
				Organization *weaponRef `json:"organization"`
				Country      *weaponRef `json:"country"`
				Confidence   string     `json:"confidence"`
				Citations    []citation `json:"citations"`
			} `json:"positions"`
		} `json:"person"`
	}
	query(t, h, `{ person(name: "Hossein Dehghan") { country { id } positions { title organization { id } country { id } confidence citations { locator } } } }`, &person)
	if person.Person.Country.ID != "country/iran" || len(person.Person.Positions) == 0 {
		t.Fatalf("Hossein Dehghan = %+v", person.Person)
	}
	// What seeds/people.yaml states of his one position.
	if len(person.Person.Positions) != 1 {
		t.Fatalf("Hossein Dehghan has %d positions, want the 1 of seeds/people.yaml: %+v", len(person.Person.Positions), person.Person.Positions)
	}
	p := person.Person.Positions[0]
	var locators []string
	for _, c := range p.Citations {
		locators = append(locators, c.Locator)
	}
	slices.Sort(locators)
	if p.Title != "Minister of Defence" || p.Organization == nil || p.Organization.ID != "organization/iran-ministry-of-defence" ||
		p.Confidence != "CONFIRMED" || !slices.Equal(locators, []string{"line 1", "line 124", "line 17", "line 26"}) {
		t.Errorf("Hossein Dehghan's position = %+v (citations at %v), want Minister of Defence at organization/iran-ministry-of-defence, CONFIRMED, cited at lines 1, 124, 17 and 26 of its sources", p, locators)
	}
}

// testExamples runs every example operation GraphiQL opens with.
func testExamples(t *testing.T, h http.Handler) {
	var names []string
	for _, line := range strings.Split(web.ExampleQueries, "\n") {
		if rest, ok := strings.CutPrefix(line, "query "); ok {
			names = append(names, strings.Fields(rest)[0])
		}
	}
	if len(names) < 8 {
		t.Fatalf("only %d example operations", len(names))
	}
	for _, name := range names {
		var data map[string]any
		if err := client.New(h, client.Path("/graphql")).Post(web.ExampleQueries, &data, client.Operation(name)); err != nil {
			t.Errorf("example %s: %v", name, err)
			continue
		}
		for field, v := range data {
			if v == nil {
				t.Errorf("example %s: %s is null", name, field)
			}
			if l, ok := v.([]any); ok && len(l) == 0 {
				t.Errorf("example %s: %s is empty", name, field)
			}
		}
	}
}

// testStoreErrors checks the errors that come from the store's own checks.
func testStoreErrors(t *testing.T, h http.Handler) {
	tests := []struct {
		query, code, argument string
	}{
		{`{ paths(from: "person/hossein-dehghan", to: "person/chang-wanquan", relationshipTypes: ["KNOWS"]) { length } }`, "BAD_USER_INPUT", "relationshipTypes"},
		{`{ neighborhood(id: "person/hossein-dehghan", relationshipTypes: ["met"]) { truncated } }`, "BAD_USER_INPUT", "relationshipTypes"},
		{`{ paths(from: "person/nobody", to: "person/chang-wanquan") { length } }`, "NOT_FOUND", "from"},
		{`{ neighborhood(id: "person/nobody") { truncated } }`, "NOT_FOUND", "id"},
		{`{ resolve(name: "--") { id } }`, "BAD_USER_INPUT", "name"},
		{`{ search(text: "*") { id } }`, "BAD_USER_INPUT", "text"},
	}
	for _, tt := range tests {
		r := postQuery(t, h, tt.query, nil)
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != tt.code || r.Errors[0].Extensions["argument"] != tt.argument {
			t.Errorf("%s: errors %+v, want one %s naming %q", tt.query, r.Errors, tt.code, tt.argument)
		}
	}
}

// testQueryCount measures the Cypher queries of one nested request
// (weapons → derivedFrom → parent → origin, with citations) at two sizes:
// the count must not grow with the number of results.
func testQueryCount(t *testing.T, store *neo4jstore.Store) {
	h := newServer(t, wiring.Config{}, store)
	const q = `{ weapons(category: "synthetic-child", first: 200) { edges { node {
	  name citations { source { title } }
	  derivedFrom { kind parent { name origin { name } } }
	} } } }`
	counts := map[int]int64{}
	added := 0
	for _, n := range []int{3, 60} {
		addSyntheticPairs(t, store, added, n)
		added = n
		ctx, counter := neo4jstore.WithQueryCounter(context.Background())
		var resp struct {
			Weapons struct {
				Edges []struct {
					Node struct {
						Name        string `json:"name"`
						Citations   []any  `json:"citations"`
						DerivedFrom []struct {
							Kind   string `json:"kind"`
							Parent struct {
								Name   string    `json:"name"`
								Origin weaponRef `json:"origin"`
							} `json:"parent"`
						} `json:"derivedFrom"`
					} `json:"node"`
				} `json:"edges"`
			} `json:"weapons"`
		}
		query(t, h, q, &resp, func(r *client.Request) { r.HTTP = r.HTTP.WithContext(ctx) })
		if len(resp.Weapons.Edges) != n {
			t.Fatalf("%d synthetic weapons, want %d", len(resp.Weapons.Edges), n)
		}
		for _, e := range resp.Weapons.Edges {
			if len(e.Node.DerivedFrom) != 1 || e.Node.DerivedFrom[0].Parent.Origin.Name != "China" || len(e.Node.Citations) != 1 {
				t.Fatalf("synthetic weapon %s = %+v", e.Node.Name, e.Node)
			}
		}
		counts[n] = counter.Count()
		t.Logf("nested request over %d weapons: %d Cypher queries", n, counts[n])
	}
	if counts[3] != counts[60] || counts[3] > 4 {
		t.Errorf("Cypher queries for 3 and 60 weapons = %d and %d, want the same, at most 4", counts[3], counts[60])
	}
}

// addSyntheticPairs adds weapons synthetic-child-i (i in [from, to)), each
// derived from a synthetic-parent-i that originates from China.
func addSyntheticPairs(t *testing.T, store *neo4jstore.Store, from, to int) {
	t.Helper()
	var children, parents []kg.Node
	var derived, origins []kg.Rel
	cite := []kg.Citation{{Source: "source/rezaei-2015", Locator: "line 1"}}
	for i := from; i < to; i++ {
		c := kg.Node{ID: fmt.Sprintf("weapon/synthetic-child-%03d", i), Kind: kg.Weapon, Name: fmt.Sprintf("Synthetic child %03d", i),
			Citations: cite, Props: map[string]any{"category": "synthetic-child"}}
		p := kg.Node{ID: fmt.Sprintf("weapon/synthetic-parent-%03d", i), Kind: kg.Weapon, Name: fmt.Sprintf("Synthetic parent %03d", i),
			Citations: cite, Props: map[string]any{"category": "synthetic-parent"}}
		children, parents = append(children, c), append(parents, p)
		derived = append(derived, kg.Rel{Type: kg.DerivedFrom, From: c.ID, To: p.ID, Key: c.ID, Confidence: kg.Reported, Citations: cite, Props: map[string]any{"kind": "copy"}})
		origins = append(origins, kg.Rel{Type: kg.OriginatesFrom, From: p.ID, To: "country/china", Key: p.ID, Confidence: kg.Confirmed, Citations: cite})
	}
	ctx := context.Background()
	if _, err := store.UpsertNodes(ctx, "Weapon", "synthetic", append(children, parents...), false); err != nil {
		t.Fatal(err)
	}
	if _, err := store.UpsertRels(ctx, kg.DerivedFrom, "synthetic", derived, false); err != nil {
		t.Fatal(err)
	}
	if _, err := store.UpsertRels(ctx, kg.OriginatesFrom, "synthetic", origins, false); err != nil {
		t.Fatal(err)
	}
}
