package neo4jstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jstore"
	"armsgraph/internal/neo4jtest/storetest"
)

// The fixture graph of the read-query tests, written with the store's own
// write methods, so it has exactly the shape the ingester gives the graph
// (docs/graph-model.md).
//
// Weapons: sa-75 (Soviet Union) ← hq-2 (China) ← m-7 (China) ← tondar-69
// (Iran), each child DERIVED_FROM its parent; c-802 (China) ← noor (Iran) ←
// qader (Iran), and qader also directly from c-802 (ALLEGED), so with every
// confidence qader is one step from c-802 and with REPORTED or better two.
// c-801 (China) has no relatives. qader has the alias "Noor", so "Noor"
// names one weapon and is an alias of another.

func cite(src, at, note string) []kg.Citation {
	return []kg.Citation{{Source: src, Locator: at, Note: note}}
}

func entity(kind kg.Kind, id, name string, aliases []string, props map[string]any) kg.Node {
	if props == nil {
		props = map[string]any{}
	}
	return kg.Node{ID: id, Kind: kind, Name: name, Aliases: aliases, Citations: cite("source/a", "line 1", ""), Props: props}
}

func span(from, to kg.PartialDate, props map[string]any) map[string]any {
	if !from.IsZero() {
		props["spanFrom"] = from.First()
	}
	if !to.IsZero() {
		props["spanTo"] = to.Last()
	}
	return props
}

func date(s string) kg.PartialDate {
	d, err := kg.ParsePartialDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func dated(s string, props map[string]any) map[string]any {
	props["date"] = s
	return span(date(s), date(s), props)
}

func rel(t kg.RelType, from, to string, conf kg.Confidence, props map[string]any) kg.Rel {
	if props == nil {
		props = map[string]any{}
	}
	return kg.Rel{Type: t, From: from, To: to, Key: from + ">" + to, Confidence: conf, Citations: cite("source/b", "line 2", "fixture"), Props: props}
}

func fixtureNodes() []kg.Node {
	return []kg.Node{
		{ID: "source/a", Name: "A", Props: map[string]any{"title": "Source A", "document": "000.txt", "published": "2016-11"}},
		{ID: "source/b", Name: "B", Props: map[string]any{"title": "Source B", "document": "001.txt"}},

		entity(kg.Country, "country/iran", "Iran", []string{"Islamic Republic of Iran", "Persia"}, nil),
		entity(kg.Country, "country/china", "China", []string{"PRC", "People's Republic of China"}, nil),
		entity(kg.Country, "country/russia", "Russia", nil, nil),
		entity(kg.Country, "country/soviet-union", "Soviet Union", []string{"USSR"}, nil),

		entity(kg.Organization, "organization/iran-mod", "Ministry of Defence", nil, map[string]any{"type": "ministry"}),
		entity(kg.Organization, "organization/irgc", "IRGC", nil, map[string]any{"type": "armed-service"}),
		entity(kg.Organization, "organization/irgc-navy", "IRGC Navy", nil, map[string]any{"type": "navy"}),
		entity(kg.Organization, "organization/china-mnd", "Ministry of National Defense", nil, map[string]any{"type": "ministry"}),
		entity(kg.Organization, "organization/unsc", "UN Security Council", []string{"UNSC"}, map[string]any{"type": "un-body"}),

		entity(kg.Person, "person/hossein-dehghan", "Hossein Dehghan", []string{"Hossein Dehgan"}, nil),
		entity(kg.Person, "person/chang-wanquan", "Chang Wanquan", nil, nil),
		entity(kg.Person, "person/ali-shamkhani", "Ali Shamkhani", nil, nil),

		entity(kg.Weapon, "weapon/sa-75", "SA-75 Dvina", []string{"S-75"}, map[string]any{"category": "surface-to-air-missile"}),
		entity(kg.Weapon, "weapon/hq-2", "HQ-2", nil, map[string]any{"category": "surface-to-air-missile"}),
		entity(kg.Weapon, "weapon/m-7", "M-7", []string{"Project 8610"}, map[string]any{"category": "ballistic-missile"}),
		entity(kg.Weapon, "weapon/tondar-69", "Tondar-69", nil, map[string]any{"category": "ballistic-missile", "rangeKm": 150.0, "introduced": "1992"}),
		entity(kg.Weapon, "weapon/c-802", "C-802", []string{"YJ-82", "CSS-N-8 Saccade"}, map[string]any{"category": "anti-ship-missile", "rangeKm": 120.0}),
		entity(kg.Weapon, "weapon/c-801", "C-801", []string{"YJ-8"}, map[string]any{"category": "anti-ship-missile"}),
		entity(kg.Weapon, "weapon/noor", "Noor", nil, map[string]any{"category": "anti-ship-missile"}),
		entity(kg.Weapon, "weapon/qader", "Qader", []string{"Noor"}, map[string]any{"category": "anti-ship-missile"}),

		entity(kg.Agreement, "agreement/iran-china-2016", "Iran-China military cooperation agreement", nil,
			dated("2016-11-14", map[string]any{"status": "signed", "confidence": "CONFIRMED", "areas": []string{"training", "counter-terrorism"}})),
		entity(kg.Agreement, "agreement/iran-china-2014", "Iran-China defence ties", nil,
			dated("2014-05", map[string]any{"status": "agreed", "confidence": "REPORTED"})),
		entity(kg.Agreement, "agreement/iran-russia-2015", "Iran-Russia military cooperation", nil,
			dated("2015", map[string]any{"status": "signed", "confidence": "CONFIRMED"})),
		entity(kg.Agreement, "agreement/iran-china-undated", "Iran-China port access", nil,
			map[string]any{"status": "announced", "confidence": "ALLEGED"}),

		entity(kg.Transfer, "transfer/china-iran-c-802", "C-802 missiles for Iran", nil,
			span(date("1992"), date("1996"), map[string]any{"ordered": "1992", "delivered": "1996", "status": "delivered", "confidence": "CONFIRMED", "quantityDelivered": int64(75), "quantityUnit": "missiles"})),
		entity(kg.Transfer, "transfer/russia-iran-s-300", "S-300 for Iran", nil,
			span(date("2007-12"), date("2016"), map[string]any{"ordered": "2007-12", "delivered": "2016", "item": "S-300PMU-2", "status": "delivered", "confidence": "CONFIRMED"})),

		entity(kg.Event, "event/chang-tehran-2016", "Chang Wanquan visits Tehran", nil,
			dated("2016-11-13", map[string]any{"type": "visit", "status": "held", "confidence": "CONFIRMED"})),
		entity(kg.Event, "event/exercise-2019", "Joint naval exercise", nil,
			dated("2019-12-27", map[string]any{"type": "exercise", "status": "held", "confidence": "REPORTED"})),

		entity(kg.Resolution, "resolution/unsc-1929", "UNSC Resolution 1929", nil,
			dated("2010-06-09", map[string]any{"restrictions": []string{"arms embargo"}, "exemptions": []string{}})),
	}
}

func fixtureRels() []kg.Rel {
	return []kg.Rel{
		rel(kg.OriginatesFrom, "weapon/sa-75", "country/soviet-union", kg.Confirmed, nil),
		rel(kg.OriginatesFrom, "weapon/hq-2", "country/china", kg.Confirmed, nil),
		rel(kg.OriginatesFrom, "weapon/m-7", "country/china", kg.Confirmed, nil),
		rel(kg.OriginatesFrom, "weapon/tondar-69", "country/iran", kg.Confirmed, nil),
		rel(kg.OriginatesFrom, "weapon/c-802", "country/china", kg.Confirmed, nil),
		rel(kg.OriginatesFrom, "weapon/c-801", "country/china", kg.Confirmed, nil),
		rel(kg.OriginatesFrom, "weapon/noor", "country/iran", kg.Confirmed, nil),
		rel(kg.OriginatesFrom, "weapon/qader", "country/iran", kg.Confirmed, nil),

		rel(kg.DerivedFrom, "weapon/hq-2", "weapon/sa-75", kg.Confirmed, map[string]any{"kind": "copy"}),
		rel(kg.DerivedFrom, "weapon/m-7", "weapon/hq-2", kg.Confirmed, map[string]any{"kind": "modified"}),
		rel(kg.DerivedFrom, "weapon/tondar-69", "weapon/m-7", kg.Reported, map[string]any{"kind": "export-rename", "note": "the Iranian name of the M-7"}),
		rel(kg.DerivedFrom, "weapon/noor", "weapon/c-802", kg.Confirmed, map[string]any{"kind": "copy"}),
		rel(kg.DerivedFrom, "weapon/qader", "weapon/noor", kg.Reported, map[string]any{"kind": "variant"}),
		rel(kg.DerivedFrom, "weapon/qader", "weapon/c-802", kg.Alleged, map[string]any{"kind": "based-on"}),

		rel(kg.PartOf, "organization/iran-mod", "country/iran", kg.Confirmed, nil),
		rel(kg.PartOf, "organization/irgc", "country/iran", kg.Confirmed, nil),
		rel(kg.PartOf, "organization/irgc-navy", "organization/irgc", kg.Confirmed, nil),
		rel(kg.PartOf, "organization/china-mnd", "country/china", kg.Confirmed, nil),

		rel(kg.NationalOf, "person/hossein-dehghan", "country/iran", kg.Confirmed, nil),
		rel(kg.NationalOf, "person/chang-wanquan", "country/china", kg.Confirmed, nil),
		rel(kg.NationalOf, "person/ali-shamkhani", "country/iran", kg.Confirmed, nil),
		rel(kg.HoldsPosition, "person/hossein-dehghan", "organization/iran-mod", kg.Confirmed,
			map[string]any{"title": "Minister of Defence", "from": "2013-08", "to": "2017-08", "country": "country/iran"}),
		rel(kg.HoldsPosition, "person/chang-wanquan", "organization/china-mnd", kg.Confirmed,
			map[string]any{"title": "Minister of National Defense", "from": "2013-03"}),

		rel(kg.PartyTo, "country/iran", "agreement/iran-china-2016", kg.Confirmed, nil),
		rel(kg.PartyTo, "country/china", "agreement/iran-china-2016", kg.Confirmed, nil),
		rel(kg.PartyTo, "country/iran", "agreement/iran-china-2014", kg.Reported, nil),
		rel(kg.PartyTo, "country/china", "agreement/iran-china-2014", kg.Reported, nil),
		rel(kg.PartyTo, "country/iran", "agreement/iran-russia-2015", kg.Confirmed, nil),
		rel(kg.PartyTo, "country/russia", "agreement/iran-russia-2015", kg.Confirmed, nil),
		rel(kg.PartyTo, "country/iran", "agreement/iran-china-undated", kg.Alleged, nil),
		rel(kg.PartyTo, "country/china", "agreement/iran-china-undated", kg.Alleged, nil),
		rel(kg.Signed, "person/hossein-dehghan", "agreement/iran-china-2016", kg.Confirmed, nil),
		rel(kg.Signed, "person/chang-wanquan", "agreement/iran-china-2016", kg.Confirmed, nil),

		rel(kg.Supplier, "transfer/china-iran-c-802", "country/china", kg.Confirmed, nil),
		rel(kg.Recipient, "transfer/china-iran-c-802", "country/iran", kg.Confirmed, nil),
		rel(kg.Item, "transfer/china-iran-c-802", "weapon/c-802", kg.Confirmed, nil),
		rel(kg.Supplier, "transfer/russia-iran-s-300", "country/russia", kg.Confirmed, nil),
		rel(kg.Recipient, "transfer/russia-iran-s-300", "country/iran", kg.Confirmed, nil),

		rel(kg.ParticipatedIn, "person/chang-wanquan", "event/chang-tehran-2016", kg.Confirmed, nil),
		rel(kg.ParticipatedIn, "person/hossein-dehghan", "event/chang-tehran-2016", kg.Confirmed, nil),
		rel(kg.LocatedIn, "event/chang-tehran-2016", "country/iran", kg.Confirmed, nil),
		rel(kg.ParticipatedIn, "country/iran", "event/exercise-2019", kg.Reported, nil),
		rel(kg.ParticipatedIn, "country/china", "event/exercise-2019", kg.Reported, nil),
		rel(kg.ParticipatedIn, "country/russia", "event/exercise-2019", kg.Reported, nil),

		rel(kg.Adopted, "organization/unsc", "resolution/unsc-1929", kg.Confirmed, nil),
		rel(kg.Targets, "resolution/unsc-1929", "country/iran", kg.Confirmed, nil),
		rel(kg.Supported, "country/china", "resolution/unsc-1929", kg.Confirmed, nil),
		rel(kg.Supported, "country/russia", "resolution/unsc-1929", kg.Confirmed, nil),

		rel(kg.Met, "person/hossein-dehghan", "person/chang-wanquan", kg.Confirmed, map[string]any{"date": "2016-11"}),
	}
}

// openStore returns a store over the test's own empty database.
func openStore(t *testing.T) *neo4jstore.Store {
	t.Helper()
	s, _ := storetest.Empty(t, func(c *neo4jstore.Config) { c.QueryTimeout = 20 * time.Second })
	return s
}

// load writes nodes and relationships as the ingester does: schema first,
// nodes by label, then relationships by type.
func load(t *testing.T, s *neo4jstore.Store, nodes []kg.Node, rels []kg.Rel) {
	t.Helper()
	ctx := context.Background()
	if err := s.EnsureSchema(ctx); err != nil {
		t.Fatalf("EnsureSchema: %v", err)
	}
	byLabel := map[string][]kg.Node{}
	for _, n := range nodes {
		byLabel[n.Label()] = append(byLabel[n.Label()], n)
	}
	for label, ns := range byLabel {
		if _, err := s.UpsertNodes(ctx, label, "fixture", ns, false); err != nil {
			t.Fatalf("UpsertNodes(%s): %v", label, err)
		}
	}
	byType := map[kg.RelType][]kg.Rel{}
	for _, r := range rels {
		byType[r.Type] = append(byType[r.Type], r)
	}
	for typ, rs := range byType {
		if _, err := s.UpsertRels(ctx, typ, "fixture", rs, false); err != nil {
			t.Fatalf("UpsertRels(%s): %v", typ, err)
		}
	}
}

// fixtureStore returns a store over a database holding the fixture graph.
func fixtureStore(t *testing.T) *neo4jstore.Store {
	t.Helper()
	s := openStore(t)
	load(t, s, fixtureNodes(), fixtureRels())
	return s
}

// TestReadQueries loads the fixture once and runs every read query against it.
func TestReadQueries(t *testing.T) {
	s := fixtureStore(t)
	t.Run("Nodes", func(t *testing.T) { testNodes(t, s) })
	t.Run("Edges", func(t *testing.T) { testEdges(t, s) })
	t.Run("OrganizationCountries", func(t *testing.T) { testOrganizationCountries(t, s) })
	t.Run("Resolve", func(t *testing.T) { testResolve(t, s) })
	t.Run("Search", func(t *testing.T) { testSearch(t, s) })
	t.Run("LineageOf", func(t *testing.T) { testLineageOf(t, s) })
	t.Run("Lineages", func(t *testing.T) { testLineages(t, s) })
	t.Run("Paths", func(t *testing.T) { testPaths(t, s) })
	t.Run("Neighborhood", func(t *testing.T) { testNeighborhood(t, s) })
	t.Run("DatedLists", func(t *testing.T) { testDatedLists(t, s) })
	t.Run("Pages", func(t *testing.T) { testPages(t, s) })
	t.Run("Timeout", func(t *testing.T) { testTimeout(t, s) })
	t.Run("ResultCache", func(t *testing.T) { testResultCache(t, s) })
}

func ids(nodes []kg.Node) []string {
	out := make([]string, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, n.ID)
	}
	return out
}

func relKeys(rels []kg.Rel) []string {
	out := make([]string, 0, len(rels))
	for _, r := range rels {
		out = append(out, r.From+">"+r.To)
	}
	return out
}

// wantKind checks that err is of the kg kind want (nil for no error) and,
// for input errors, names the argument arg.
func wantKind(t *testing.T, call string, err error, want error, arg string) bool {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Errorf("%s: unexpected error %v", call, err)
			return false
		}
		return true
	}
	if !errors.Is(err, want) {
		t.Errorf("%s: error %v, want kind %v", call, err, want)
		return false
	}
	var ie *kg.InputError
	if arg != "" && (!errors.As(err, &ie) || ie.Arg != arg) {
		t.Errorf("%s: error %v does not name argument %q", call, err, arg)
	}
	return false
}
