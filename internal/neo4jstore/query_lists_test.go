package neo4jstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jstore"
)

func dates(from, to string) kg.DateRange {
	var r kg.DateRange
	if from != "" {
		r.From = date(from)
	}
	if to != "" {
		r.To = date(to)
	}
	return r
}

// withoutFetched drops what a read fetched for a plan (these reads have none).
func withoutFetched[T any](v T, _ *kg.Fetched, err error) (T, error) { return v, err }

func testDatedLists(t *testing.T, s *neo4jstore.Store) {
	ctx := context.Background()
	const iran, china, russia = "country/iran", "country/china", "country/russia"
	tests := []struct {
		name string
		run  func() ([]kg.Node, error)
		want []string
		err  error
	}{
		{"agreements Iran+China 2014..2016", func() ([]kg.Node, error) {
			return withoutFetched(s.Agreements(ctx, kg.AgreementFilter{Parties: []string{iran, china}, Dates: dates("2014", "2016")}))
		}, []string{"agreement/iran-china-2014", "agreement/iran-china-2016"}, nil},
		{"agreements Iran+China, undated last", func() ([]kg.Node, error) {
			return withoutFetched(s.Agreements(ctx, kg.AgreementFilter{Parties: []string{china, iran}}))
		}, []string{"agreement/iran-china-2014", "agreement/iran-china-2016", "agreement/iran-china-undated"}, nil},
		{"agreements Iran 2015", func() ([]kg.Node, error) {
			return withoutFetched(s.Agreements(ctx, kg.AgreementFilter{Parties: []string{iran}, Dates: dates("2015", "2015")}))
		}, []string{"agreement/iran-russia-2015"}, nil},
		{"agreements from the day after", func() ([]kg.Node, error) {
			return withoutFetched(s.Agreements(ctx, kg.AgreementFilter{Parties: []string{iran, china}, Dates: dates("2016-11-15", "")}))
		}, []string{}, nil},
		{"agreements from the very day", func() ([]kg.Node, error) {
			return withoutFetched(s.Agreements(ctx, kg.AgreementFilter{Dates: dates("2016-11-14", "")}))
		}, []string{"agreement/iran-china-2016"}, nil},
		{"agreements month overlaps", func() ([]kg.Node, error) {
			return withoutFetched(s.Agreements(ctx, kg.AgreementFilter{Dates: dates("2014-05-31", "2014-06")}))
		}, []string{"agreement/iran-china-2014"}, nil},
		{"agreements to before all", func() ([]kg.Node, error) {
			return withoutFetched(s.Agreements(ctx, kg.AgreementFilter{Dates: dates("", "2014-04")}))
		}, []string{}, nil},
		{"agreements unknown party", func() ([]kg.Node, error) {
			return withoutFetched(s.Agreements(ctx, kg.AgreementFilter{Parties: []string{"country/atlantis"}}))
		}, []string{}, nil},
		{"agreements with too many parties", func() ([]kg.Node, error) {
			return withoutFetched(s.Agreements(ctx, kg.AgreementFilter{Parties: make([]string, neo4jstore.MaxParties+1)}))
		}, nil, kg.ErrLimit},
		{"agreements from after to", func() ([]kg.Node, error) {
			return withoutFetched(s.Agreements(ctx, kg.AgreementFilter{Dates: dates("2017", "2016")}))
		}, nil, kg.ErrInvalid},
		{"transfers China to Iran", func() ([]kg.Node, error) {
			return withoutFetched(s.Transfers(ctx, kg.TransferFilter{Supplier: china, Recipient: iran}))
		}, []string{"transfer/china-iran-c-802"}, nil},
		{"transfers to Iran in 1995 (inside the span)", func() ([]kg.Node, error) {
			return withoutFetched(s.Transfers(ctx, kg.TransferFilter{Recipient: iran, Dates: dates("1995", "1995")}))
		}, []string{"transfer/china-iran-c-802"}, nil},
		{"transfers of the C-802", func() ([]kg.Node, error) {
			return withoutFetched(s.Transfers(ctx, kg.TransferFilter{Weapon: "weapon/c-802"}))
		}, []string{"transfer/china-iran-c-802"}, nil},
		{"transfers to Iran since 2010", func() ([]kg.Node, error) {
			return withoutFetched(s.Transfers(ctx, kg.TransferFilter{Recipient: iran, Dates: dates("2010", "")}))
		}, []string{"transfer/russia-iran-s-300"}, nil},
		{"transfers from Russia to China", func() ([]kg.Node, error) {
			return withoutFetched(s.Transfers(ctx, kg.TransferFilter{Supplier: russia, Recipient: china}))
		}, []string{}, nil},
		{"all transfers", func() ([]kg.Node, error) { return withoutFetched(s.Transfers(ctx, kg.TransferFilter{})) },
			[]string{"transfer/china-iran-c-802", "transfer/russia-iran-s-300"}, nil},
		{"events of Chang", func() ([]kg.Node, error) {
			return withoutFetched(s.Events(ctx, kg.EventFilter{Participant: "person/chang-wanquan"}))
		}, []string{"event/chang-tehran-2016"}, nil},
		{"events of China since 2017", func() ([]kg.Node, error) {
			return withoutFetched(s.Events(ctx, kg.EventFilter{Participant: china, Dates: dates("2017", "")}))
		}, []string{"event/exercise-2019"}, nil},
		{"resolutions of 2010", func() ([]kg.Node, error) { return withoutFetched(s.Resolutions(ctx, dates("2010", "2010"))) },
			[]string{"resolution/unsc-1929"}, nil},
		{"resolutions before 2010", func() ([]kg.Node, error) { return withoutFetched(s.Resolutions(ctx, dates("", "2009"))) },
			[]string{}, nil},
		{"sources", func() ([]kg.Node, error) { return s.Sources(ctx) }, []string{"source/a", "source/b"}, nil},
	}
	for _, tt := range tests {
		got, err := tt.run()
		if !wantKind(t, tt.name, err, tt.err, "") {
			continue
		}
		if g := ids(got); !slices.Equal(g, tt.want) {
			t.Errorf("%s = %v, want %v", tt.name, g, tt.want)
		}
	}
}

func testPages(t *testing.T, s *neo4jstore.Store) {
	ctx := context.Background()
	tests := []struct {
		name    string
		run     func() (kg.Page, error)
		want    []string
		hasNext bool
		total   int
		err     error
	}{
		{"weapons, first page", func() (kg.Page, error) { return withoutFetched(s.Weapons(ctx, "", "", kg.PageQuery{First: 3})) },
			[]string{"weapon/c-801", "weapon/c-802", "weapon/hq-2"}, true, -1, nil},
		{"weapons, second page", func() (kg.Page, error) {
			return withoutFetched(s.Weapons(ctx, "", "", kg.PageQuery{First: 3, After: "weapon/hq-2", Count: true}))
		}, []string{"weapon/m-7", "weapon/noor", "weapon/qader"}, true, 8, nil},
		{"weapons, last page", func() (kg.Page, error) {
			return withoutFetched(s.Weapons(ctx, "", "", kg.PageQuery{First: 3, After: "weapon/qader"}))
		}, []string{"weapon/sa-75", "weapon/tondar-69"}, false, -1, nil},
		{"weapons of Iran, counted", func() (kg.Page, error) {
			return withoutFetched(s.Weapons(ctx, "", "country/iran", kg.PageQuery{First: 10, Count: true}))
		}, []string{"weapon/noor", "weapon/qader", "weapon/tondar-69"}, false, 3, nil},
		{"Chinese anti-ship missiles", func() (kg.Page, error) {
			return withoutFetched(s.Weapons(ctx, "anti-ship-missile", "country/china", kg.PageQuery{First: 10, Count: true}))
		}, []string{"weapon/c-801", "weapon/c-802"}, false, 2, nil},
		{"no weapons, only the count", func() (kg.Page, error) {
			return withoutFetched(s.Weapons(ctx, "", "", kg.PageQuery{First: 0, Count: true}))
		}, []string{}, true, 8, nil},
		{"people of Iran", func() (kg.Page, error) {
			return withoutFetched(s.People(ctx, "country/iran", kg.PageQuery{First: 10, Count: true}))
		}, []string{"person/ali-shamkhani", "person/hossein-dehghan"}, false, 2, nil},
		{"people after the last", func() (kg.Page, error) {
			return withoutFetched(s.People(ctx, "", kg.PageQuery{First: 10, After: "person/zzz"}))
		}, []string{}, false, -1, nil},
		{"page too big", func() (kg.Page, error) {
			return withoutFetched(s.People(ctx, "", kg.PageQuery{First: neo4jstore.MaxPageSize + 1}))
		}, nil, false, 0, kg.ErrLimit},
		{"negative page", func() (kg.Page, error) { return withoutFetched(s.People(ctx, "", kg.PageQuery{First: -1})) },
			nil, false, 0, kg.ErrInvalid},
	}
	for _, tt := range tests {
		got, err := tt.run()
		if !wantKind(t, tt.name, err, tt.err, "") {
			continue
		}
		if g := ids(got.Nodes); !slices.Equal(g, tt.want) || got.HasNext != tt.hasNext || got.Total != tt.total {
			t.Errorf("%s = %v (next %t, total %d), want %v (next %t, total %d)", tt.name, g, got.HasNext, got.Total, tt.want, tt.hasNext, tt.total)
		}
	}
}

func testEdges(t *testing.T, s *neo4jstore.Store) {
	ctx := context.Background()
	got, err := s.Edges(ctx, []string{"weapon/qader", "weapon/tondar-69", "weapon/none"}, kg.EdgeSpec{Type: kg.DerivedFrom, Label: "Weapon"})
	if err != nil {
		t.Fatalf("Edges(DERIVED_FROM): %v", err)
	}
	render := func(es []kg.Edge) []string {
		out := []string{}
		for _, e := range es {
			out = append(out, fmt.Sprintf("%s>%s %s %s", e.Rel.From, e.Rel.To, e.Node.ID, e.Rel.Confidence))
		}
		return out
	}
	want := map[string][]string{
		"weapon/qader":     {"weapon/qader>weapon/c-802 weapon/c-802 ALLEGED", "weapon/qader>weapon/noor weapon/noor REPORTED"},
		"weapon/tondar-69": {"weapon/tondar-69>weapon/m-7 weapon/m-7 REPORTED"},
	}
	if len(got) != len(want) {
		t.Errorf("Edges(DERIVED_FROM) has %d keys, want %d", len(got), len(want))
	}
	for id, w := range want {
		if g := render(got[id]); !slices.Equal(g, w) {
			t.Errorf("Edges(DERIVED_FROM)[%s] = %v, want %v", id, g, w)
		}
	}

	parties, err := s.Edges(ctx, []string{"agreement/iran-china-2016"}, kg.EdgeSpec{Type: kg.PartyTo, Incoming: true, Label: "Country"})
	if err != nil {
		t.Fatalf("Edges(PARTY_TO in): %v", err)
	}
	if g, w := render(parties["agreement/iran-china-2016"]), []string{
		"country/china>agreement/iran-china-2016 country/china CONFIRMED",
		"country/iran>agreement/iran-china-2016 country/iran CONFIRMED",
	}; !slices.Equal(g, w) {
		t.Errorf("Edges(PARTY_TO in) = %v, want %v", g, w)
	}

	pos, err := s.Edges(ctx, []string{"person/hossein-dehghan"}, kg.EdgeSpec{Type: kg.HoldsPosition})
	if err != nil {
		t.Fatalf("Edges(HOLDS_POSITION): %v", err)
	}
	if es := pos["person/hossein-dehghan"]; len(es) != 1 || es[0].Rel.Props["title"] != "Minister of Defence" ||
		es[0].Rel.Props["from"] != "2013-08" || es[0].Rel.Props["country"] != "country/iran" || es[0].Node.ID != "organization/iran-mod" {
		t.Errorf("Edges(HOLDS_POSITION) = %+v", es)
	}

	if _, err := s.Edges(ctx, []string{"x"}, kg.EdgeSpec{Type: "KNOWS"}); !errors.Is(err, kg.ErrInvalid) {
		t.Errorf("Edges(KNOWS): error %v, want ErrInvalid", err)
	}
	if _, err := s.Edges(ctx, []string{"x"}, kg.EdgeSpec{Type: kg.Met, Label: "Robot"}); !errors.Is(err, kg.ErrInvalid) {
		t.Errorf("Edges(label Robot): error %v, want ErrInvalid", err)
	}
}

func testOrganizationCountries(t *testing.T, s *neo4jstore.Store) {
	got, err := s.OrganizationCountries(context.Background(), []string{"organization/irgc-navy", "organization/china-mnd", "organization/unsc"})
	if err != nil {
		t.Fatalf("OrganizationCountries: %v", err)
	}
	want := map[string]string{"organization/irgc-navy": "country/iran", "organization/china-mnd": "country/china"}
	if len(got) != len(want) {
		t.Errorf("OrganizationCountries = %v, want %v", got, want)
	}
	for org, c := range want {
		if got[org].ID != c {
			t.Errorf("OrganizationCountries[%s] = %q, want %q", org, got[org].ID, c)
		}
	}
}

func testTimeout(t *testing.T, s *neo4jstore.Store) {
	// A deadline already past: expired before the call, no sleep needed.
	ctx, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	if _, _, err := s.Nodes(ctx, []string{"country/iran"}); !errors.Is(err, kg.ErrTimeout) {
		t.Errorf("Nodes with an expired context: error %v, want ErrTimeout", err)
	}
}

func TestUnavailable(t *testing.T) {
	s, err := neo4jstore.Open(context.Background(), neo4jstore.Config{URI: "bolt://127.0.0.1:1", User: "neo4j", Password: "x"})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, _, err := s.Nodes(ctx, []string{"country/iran"}); !errors.Is(err, kg.ErrUnavailable) {
		t.Errorf("Nodes on a closed port: error %v, want ErrUnavailable", err)
	}
}
