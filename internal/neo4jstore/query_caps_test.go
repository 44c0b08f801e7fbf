package neo4jstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jstore"
)

// "Limits refuse, never truncate", against a real Neo4j: each list holds
// exactly neo4jstore.MaxListResults matches and is answered in full; one
// more match and the same call is refused with ErrLimit asking for a
// narrower filter, never cut. Each test writes its own graph with the
// store's write methods, so each runs alone.

// capAt writes n nodes made by node(i) (and n relationships made by rel(i),
// when rel is not nil) into s, after the nodes in base.
func capAt(t *testing.T, s *neo4jstore.Store, base []kg.Node, from, to int, node func(i int) kg.Node, rel func(i int) kg.Rel) {
	t.Helper()
	var nodes []kg.Node
	var rels []kg.Rel
	for i := from; i < to; i++ {
		nodes = append(nodes, node(i))
		if rel != nil {
			rels = append(rels, rel(i))
		}
	}
	load(t, s, append(base, nodes...), rels)
}

// checkCap calls list at exactly the cap (want all MaxListResults back) and,
// after more() adds one match, again (want ErrLimit naming arg).
func checkCap(t *testing.T, what, arg string, list func() (int, error), more func()) {
	t.Helper()
	n, err := list()
	if err != nil || n != neo4jstore.MaxListResults {
		t.Fatalf("%s with exactly %d matches: %d results, error %v; want all %d", what, neo4jstore.MaxListResults, n, err, neo4jstore.MaxListResults)
	}
	more()
	n, err = list()
	var ie *kg.InputError
	if !errors.Is(err, kg.ErrLimit) || !errors.As(err, &ie) || ie.Arg != arg {
		t.Fatalf("%s with %d matches: %d results, error %v; want ErrLimit on %q, not a truncated list", what, neo4jstore.MaxListResults+1, n, err, arg)
	}
	t.Logf("%s: %d answered in full, %d refused: %v", what, neo4jstore.MaxListResults, neo4jstore.MaxListResults+1, err)
}

var capSource = kg.Node{ID: "source/a", Name: "A", Props: map[string]any{"title": "Source A", "document": "000.txt"}}

func TestListCapAgreements(t *testing.T) {
	s := openStore(t)
	iran := entity(kg.Country, "country/iran", "Iran", nil, nil)
	agreement := func(i int) kg.Node {
		return entity(kg.Agreement, fmt.Sprintf("agreement/a%04d", i), fmt.Sprintf("Agreement %d", i), nil,
			dated("2015", map[string]any{"status": "signed", "confidence": "CONFIRMED"}))
	}
	party := func(i int) kg.Rel {
		return rel(kg.PartyTo, "country/iran", fmt.Sprintf("agreement/a%04d", i), kg.Confirmed, nil)
	}
	max := neo4jstore.MaxListResults
	capAt(t, s, []kg.Node{capSource, iran}, 0, max, agreement, party)
	ctx := context.Background()
	filter := kg.AgreementFilter{Parties: []string{"country/iran"}, Dates: dates("2014", "2016")}
	checkCap(t, "agreements of Iran", "filter",
		func() (int, error) { got, _, err := s.Agreements(ctx, filter); return len(got), err },
		func() { capAt(t, s, nil, max, max+1, agreement, party) })
}

func TestListCapSources(t *testing.T) {
	s := openStore(t)
	source := func(i int) kg.Node {
		return kg.Node{ID: fmt.Sprintf("source/s%04d", i), Name: fmt.Sprint(i), Props: map[string]any{"title": fmt.Sprintf("Source %d", i), "document": "000.txt"}}
	}
	max := neo4jstore.MaxListResults
	capAt(t, s, nil, 0, max, source, nil)
	ctx := context.Background()
	checkCap(t, "sources", "sources",
		func() (int, error) { got, err := s.Sources(ctx); return len(got), err },
		func() { capAt(t, s, nil, max, max+1, source, nil) })
}

func TestListCapHolders(t *testing.T) {
	s := openStore(t)
	mod := entity(kg.Organization, "organization/iran-mod", "Ministry of Defence", nil, map[string]any{"type": "ministry"})
	person := func(i int) kg.Node {
		return entity(kg.Person, fmt.Sprintf("person/p%04d", i), fmt.Sprintf("Person %d", i), nil, nil)
	}
	post := func(i int) kg.Rel {
		return rel(kg.HoldsPosition, fmt.Sprintf("person/p%04d", i), "organization/iran-mod", kg.Confirmed,
			span(date("2013-08"), date("2017-08"), map[string]any{"title": "Deputy Minister of Defence", "from": "2013-08", "to": "2017-08", "country": "country/iran"}))
	}
	max := neo4jstore.MaxListResults
	capAt(t, s, []kg.Node{capSource, mod}, 0, max, person, post)
	ctx := context.Background()
	q := kg.HolderQuery{From: "2015-01-01", To: "2015-12-31", TitleWords: []string{"minister"}}
	checkCap(t, "holders of a minister's post in 2015", "filter",
		func() (int, error) { got, _, err := s.Holders(ctx, q); return len(got), err },
		func() { capAt(t, s, nil, max, max+1, person, post) })
}

func TestListCapTransferParts(t *testing.T) {
	s := openStore(t)
	china := entity(kg.Country, "country/china", "China", nil, nil)
	transfer := func(i int) kg.Node {
		return entity(kg.Transfer, fmt.Sprintf("transfer/t%04d", i), fmt.Sprintf("Transfer %d", i), nil,
			span(date("1992"), date("1996"), map[string]any{"ordered": "1992", "delivered": "1996", "status": "delivered", "confidence": "CONFIRMED"}))
	}
	supplier := func(i int) kg.Rel {
		return rel(kg.Supplier, fmt.Sprintf("transfer/t%04d", i), "country/china", kg.Confirmed, nil)
	}
	max := neo4jstore.MaxListResults
	capAt(t, s, []kg.Node{capSource, china}, 0, max, transfer, supplier)
	ctx := context.Background()
	q := kg.TotalsQuery{Supplier: "country/china", MinConfidence: kg.Confirmed}
	checkCap(t, "transfers supplied by China", "filter",
		func() (int, error) { got, _, err := s.TransferParts(ctx, q); return len(got), err },
		func() { capAt(t, s, nil, max, max+1, transfer, supplier) })
}

// The parties filter: MaxParties ids are accepted and answered, one more is
// refused before any query runs.
func TestListCapParties(t *testing.T) {
	s := openStore(t)
	nodes := []kg.Node{capSource}
	var rels []kg.Rel
	parties := make([]string, neo4jstore.MaxParties+1)
	for i := range parties {
		parties[i] = fmt.Sprintf("country/c%02d", i)
		nodes = append(nodes, entity(kg.Country, parties[i], fmt.Sprintf("Country %d", i), nil, nil))
	}
	nodes = append(nodes, entity(kg.Agreement, "agreement/all", "Everyone's agreement", nil,
		dated("2015", map[string]any{"status": "signed", "confidence": "CONFIRMED"})))
	for _, p := range parties {
		rels = append(rels, rel(kg.PartyTo, p, "agreement/all", kg.Confirmed, nil))
	}
	load(t, s, nodes, rels)
	ctx := context.Background()
	got, _, err := s.Agreements(ctx, kg.AgreementFilter{Parties: parties[:neo4jstore.MaxParties]})
	if err != nil || len(got) != 1 || got[0].ID != "agreement/all" {
		t.Fatalf("agreements of exactly %d parties = %v, %v; want the one agreement they are all party to", neo4jstore.MaxParties, ids(got), err)
	}
	_, _, err = s.Agreements(ctx, kg.AgreementFilter{Parties: parties})
	var ie *kg.InputError
	if !errors.Is(err, kg.ErrLimit) || !errors.As(err, &ie) || ie.Arg != "parties" {
		t.Fatalf("agreements of %d parties: error %v, want ErrLimit on \"parties\"", neo4jstore.MaxParties+1, err)
	}
}
