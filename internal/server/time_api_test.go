package server_test

import (
	"slices"
	"testing"

	"github.com/99designs/gqlgen/client"

	"armsgraph/cmd/wiring"
)

// vars passes every entry of m as a query variable.
func vars(m map[string]any) client.Option {
	return func(r *client.Request) {
		if r.Variables == nil {
			r.Variables = map[string]any{}
		}
		for k, v := range m {
			r.Variables[k] = v
		}
	}
}

// chinaIranIn1995 are the China→Iran transfer records whose periods
// overlap 1995 in the seeds, in id order.
var chinaIranIn1995 = []string{
	"transfer/china-iran-anti-ship-mines-1980s-1990s",
	"transfer/china-iran-arms-1993-1996",
	"transfer/china-iran-c-801-1990s",
	"transfer/china-iran-c-802-1990s",
	"transfer/china-iran-houdong-1980s-1990s",
	"transfer/china-iran-m-11-production-1990s",
	"transfer/china-iran-m-9-1990s",
	"transfer/china-iran-m-9-production-1990s",
	"transfer/china-iran-small-arms-1980s-1990s",
	"transfer/china-iran-tactical-ballistic-missiles-1980s-1990s",
}

// TestTimeAndClaimsAPI asks, through the API over the project's seeds loaded
// into a real Neo4j, the questions issue 11 names: a date range that finds an
// aggregate sale by overlap, China→Iran totals with their parts, who held a
// post in a year, a derivation two sources hedge differently, and the
// corrected types. Expected answers are what the seed files state.
func TestTimeAndClaimsAPI(t *testing.T) {
	store := seededStore(t)
	h := newServer(t, wiring.Config{}, store)

	t.Run("AggregateFoundByOverlap", func(t *testing.T) {
		var out struct {
			Transfers []struct {
				ID             string  `json:"id"`
				From           *string `json:"from"`
				To             *string `json:"to"`
				Aggregate      bool    `json:"aggregate"`
				ValueEstimated bool    `json:"valueEstimated"`
				ValueUsd       *float64
			} `json:"transfers"`
		}
		query(t, h, `{ transfers(supplier: "country/china", recipient: "country/iran", from: "1995", to: "1995") {
			id from to aggregate valueEstimated valueUsd } }`, &out)
		var ids []string
		for _, tr := range out.Transfers {
			ids = append(ids, tr.ID)
			if tr.ID == "transfer/china-iran-arms-1993-1996" {
				if !tr.Aggregate || !tr.ValueEstimated || tr.From == nil || *tr.From != "1993" || tr.ValueUsd == nil || *tr.ValueUsd != 400e6 {
					t.Errorf("1993-1996 aggregate = %+v, want aggregate, estimated, from 1993, 400e6", tr)
				}
			}
		}
		slices.Sort(ids)
		if want := chinaIranIn1995; !slices.Equal(ids, want) {
			t.Errorf("China→Iran transfers overlapping 1995 = %v\nwant %v", ids, want)
		}
	})

	type totals struct {
		TransferTotals struct {
			ValueUsd       float64 `json:"valueUsd"`
			ValueEstimated bool    `json:"valueEstimated"`
			ValuedCount    int     `json:"valuedCount"`
			Quantities     []struct {
				Unit               *string `json:"unit"`
				Ordered, Delivered int
			} `json:"quantities"`
			Parts []struct {
				Transfer  struct{ ID string }  `json:"transfer"`
				Counted   bool                 `json:"counted"`
				CoveredBy *struct{ ID string } `json:"coveredBy"`
				Partial   bool                 `json:"partial"`
			} `json:"parts"`
		} `json:"transferTotals"`
	}
	const totalsQuery = `query($from: PartialDate, $to: PartialDate, $min: Confidence) {
		transferTotals(supplier: "country/china", recipient: "country/iran", from: $from, to: $to, minConfidence: $min) {
			valueUsd valueEstimated valuedCount quantities { unit ordered delivered }
			parts { transfer { id } counted coveredBy { id } partial } } }`

	t.Run("ChinaIranTotals1993to2000", func(t *testing.T) {
		var out totals
		query(t, h, totalsQuery, &out, vars(map[string]any{"from": "1993", "to": "2000"}))
		got := out.TransferTotals
		if got.ValueUsd != 1e9 || !got.ValueEstimated || got.ValuedCount != 2 {
			t.Errorf("value %v (estimated %v) from %d records, want the two CRS estimates: 400e6 + 600e6 = 1e9, estimated, 2",
				got.ValueUsd, got.ValueEstimated, got.ValuedCount)
		}
		if len(got.Quantities) != 1 || got.Quantities[0].Unit == nil || *got.Quantities[0].Unit != "missiles" ||
			got.Quantities[0].Ordered != 150 || got.Quantities[0].Delivered != 75 {
			t.Errorf("quantities = %+v, want missiles 150 ordered, 75 delivered (the C-802 deal)", got.Quantities)
		}
		partial := map[string]bool{}
		var ids []string
		for _, p := range got.Parts {
			ids = append(ids, p.Transfer.ID)
			partial[p.Transfer.ID] = p.Partial
			if !p.Counted || p.CoveredBy != nil {
				t.Errorf("%s not counted (covered by %v); nothing covers it", p.Transfer.ID, p.CoveredBy)
			}
		}
		// Those of 1995, the 1997-2000 aggregate and the records of 2000-2002 and the 2000s.
		want := append(slices.Clone(chinaIranIn1995),
			"transfer/china-iran-arms-1997-2000",
			"transfer/china-iran-c-14-2000",
			"transfer/china-iran-submarine-launched-missiles-2000s",
			"transfer/china-iran-tl-10-2000s")
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			t.Errorf("parts = %v\nwant %v", ids, want)
		}
		if partial["transfer/china-iran-arms-1993-1996"] || !partial["transfer/china-iran-c-14-2000"] || !partial["transfer/china-iran-houdong-1980s-1990s"] {
			t.Errorf("partial flags = %v; want 1993-1996 inside, C-14 (2000-2002) and Houdong (1980s-1990s) reaching outside", partial)
		}
	})

	t.Run("ChinaIranTotals2005to2012NeverCountTwice", func(t *testing.T) {
		var out totals
		query(t, h, totalsQuery, &out, vars(map[string]any{"from": "2005", "to": "2012"}))
		got := out.TransferTotals
		// The 2005-2012 SIPRI figure covers the 2005-2010 figure and the 2011 estimate.
		if got.ValueUsd != 470e6 || got.ValuedCount != 1 || got.ValueEstimated {
			t.Errorf("value %v from %d records (estimated %v), want 470e6 from 1, not estimated", got.ValueUsd, got.ValuedCount, got.ValueEstimated)
		}
		covered := map[string]string{}
		for _, p := range got.Parts {
			if p.CoveredBy != nil {
				covered[p.Transfer.ID] = p.CoveredBy.ID
			}
		}
		want := map[string]string{
			"transfer/china-iran-arms-2005-2010": "transfer/china-iran-arms-2005-2012",
			"transfer/china-iran-arms-2011":      "transfer/china-iran-arms-2005-2012",
		}
		if len(covered) != len(want) || covered["transfer/china-iran-arms-2005-2010"] != want["transfer/china-iran-arms-2005-2010"] || covered["transfer/china-iran-arms-2011"] != want["transfer/china-iran-arms-2011"] {
			t.Errorf("covered = %v, want %v", covered, want)
		}
		// The 2005-2012 figure is DISPUTED (a source says the arms trade had
		// ended by 2005); without it the narrower figures count instead.
		query(t, h, totalsQuery, &out, vars(map[string]any{"from": "2005", "to": "2012", "min": "REPORTED"}))
		got = out.TransferTotals
		if got.ValueUsd != 384e6+79e6 || got.ValuedCount != 2 || !got.ValueEstimated {
			t.Errorf("REPORTED or firmer: value %v from %d records (estimated %v), want 463e6 from 2, estimated", got.ValueUsd, got.ValuedCount, got.ValueEstimated)
		}
	})

	t.Run("IranDefenceMinisterIn2010", func(t *testing.T) {
		var out struct {
			Holders []struct {
				Person   struct{ ID string } `json:"person"`
				Position struct {
					Title    string  `json:"title"`
					From     *string `json:"from"`
					Attested bool    `json:"attested"`
				} `json:"position"`
			} `json:"holders"`
		}
		for _, tc := range []struct {
			q    string
			want []string
		}{
			{`{ holders(at: "2010", organization: "organization/iran-ministry-of-defence", title: "minister") { person { id } position { title from attested } } }`, []string{"person/ahmad-vahidi"}},
			{`{ holders(at: "2010", country: "country/iran", title: "defence minister") { person { id } position { title from attested } } }`, []string{"person/ahmad-vahidi"}},
			{`{ holders(at: "2015-01", country: "country/iran", title: "defence minister") { person { id } position { title from attested } } }`, []string{"person/hossein-dehghan"}},
			{`{ holders(at: "2010", country: "country/iran", title: "president") { person { id } position { title from attested } } }`, []string{"person/mahmoud-ahmadinejad"}},
			{`{ holders(at: "2012", until: "2013", title: "president") { person { id } position { title from attested } } }`, []string{"person/hu-jintao", "person/mahmoud-ahmadinejad", "person/hassan-rouhani", "person/xi-jinping"}},
		} {
			query(t, h, tc.q, &out)
			var ids []string
			for _, hd := range out.Holders {
				ids = append(ids, hd.Person.ID)
			}
			if !slices.Equal(ids, tc.want) {
				t.Errorf("%s\n= %v, want %v", tc.q, ids, tc.want)
			}
		}
		query(t, h, `{ holders(at: "2010", organization: "organization/iran-ministry-of-defence") { person { id } position { title from attested } } }`, &out)
		if len(out.Holders) != 1 || out.Holders[0].Position.From == nil || *out.Holders[0].Position.From != "2010" || !out.Holders[0].Position.Attested {
			t.Errorf("Vahidi's tenure = %+v, want attested from 2010", out.Holders)
		}
	})

	t.Run("DerivationHedgedDifferentlyPerSource", func(t *testing.T) {
		var out struct {
			Weapon struct {
				DerivedFrom []struct {
					Parent     struct{ ID string } `json:"parent"`
					Confidence string              `json:"confidence"`
					Citations  []struct {
						Source     struct{ ID string } `json:"source"`
						Confidence string              `json:"confidence"`
						Claims     []struct{ Field, Value string }
					} `json:"citations"`
				} `json:"derivedFrom"`
			} `json:"weapon"`
		}
		query(t, h, `{ weapon(name: "HQ-9") { derivedFrom { parent { id } confidence citations { source { id } confidence claims { field value } } } } }`, &out)
		d := out.Weapon.DerivedFrom
		if len(d) != 1 || d[0].Parent.ID != "weapon/s-300" || d[0].Confidence != "CONFIRMED" || len(d[0].Citations) != 2 {
			t.Fatalf("HQ-9 derivation = %+v, want one from weapon/s-300, CONFIRMED (strongest uncontested), two citations", d)
		}
		c0, c1 := d[0].Citations[0], d[0].Citations[1]
		if c0.Source.ID != "source/rezaei-2015" || c0.Confidence != "CONFIRMED" || len(c0.Claims) != 0 {
			t.Errorf("first citation = %+v, want rezaei-2015 CONFIRMED without claims", c0)
		}
		if c1.Source.ID != "source/ahmadinejad-era-ties" || c1.Confidence != "REPORTED" || len(c1.Claims) != 1 || c1.Claims[0].Field != "kind" || c1.Claims[0].Value != "replica" {
			t.Errorf("second citation = %+v, want ahmadinejad-era-ties REPORTED claiming kind replica", c1)
		}
	})

	t.Run("PerSourceAreasNotInStrings", func(t *testing.T) {
		var out struct {
			Entity struct {
				Areas     []string `json:"areas"`
				Citations []struct {
					Source struct{ ID string } `json:"source"`
					Claims []struct{ Field, Value string }
				} `json:"citations"`
			} `json:"entity"`
		}
		query(t, h, `{ entity(id: "agreement/iran-china-military-cooperation-2016") { ... on Agreement { areas citations { source { id } claims { field value } } } } }`, &out)
		for _, a := range out.Entity.Areas {
			if slices.Contains([]string{"defence (per source 003)", "intelligence (per source 003)"}, a) {
				t.Errorf("areas still name a source: %v", out.Entity.Areas)
			}
		}
		claims := map[string]string{}
		for _, c := range out.Entity.Citations {
			for _, cl := range c.Claims {
				if cl.Field == "areas" {
					claims[c.Source.ID] = cl.Value
				}
			}
		}
		if claims["source/alwaght-2019"] != "defence; military training; intelligence; counterterrorism; cyberspace" ||
			claims["source/the-diplomat-2016"] != "military training; counterterrorism; joint military exercises (pledged)" {
			t.Errorf("areas per source = %v", claims)
		}
	})

	t.Run("CorrectedTypes", func(t *testing.T) {
		var out struct {
			Nasr struct {
				Manufacturer *struct{ ID string }  `json:"manufacturer"`
				ProducedWith []struct{ ID string } `json:"producedWith"`
			} `json:"nasr"`
			Oghab struct {
				Category string `json:"category"`
			} `json:"oghab"`
			J10 struct {
				Ordered  *string `json:"ordered"`
				Reported *string `json:"reported"`
			} `json:"j10"`
			R1929 struct {
				Supporters []struct{ ID string } `json:"supporters"`
				Advocates  []struct{ ID string } `json:"advocates"`
				Losses     []struct {
					Country        struct{ ID string } `json:"country"`
					ValueUsd       float64             `json:"valueUsd"`
					ValueEstimated bool                `json:"valueEstimated"`
					Confidence     string              `json:"confidence"`
				} `json:"losses"`
			} `json:"r1929"`
			C14 struct {
				From, To *string
			} `json:"c14"`
		}
		query(t, h, `{
			nasr: weapon(name: "Nasr") { manufacturer { id } producedWith { id } }
			oghab: weapon(name: "Oghab") { category }
			j10: entity(id: "transfer/china-iran-j-10-2015") { ... on Transfer { ordered reported } }
			r1929: entity(id: "resolution/unsc-1929") { ... on Resolution { supporters { id } advocates { id } losses { country { id } valueUsd valueEstimated confidence } } }
			c14: entity(id: "transfer/china-iran-c-14-2000") { ... on Transfer { from to } }
		}`, &out)
		if out.Nasr.Manufacturer != nil || len(out.Nasr.ProducedWith) != 1 || out.Nasr.ProducedWith[0].ID != "organization/china-aerospace-group" {
			t.Errorf("Nasr = %+v, want no manufacturer, produced with China Aerospace Group", out.Nasr)
		}
		if out.Oghab.Category != "missile" {
			t.Errorf("Oghab category %q, want missile", out.Oghab.Category)
		}
		if out.J10.Ordered != nil || out.J10.Reported == nil || *out.J10.Reported != "2015" {
			t.Errorf("J-10 ordered %v reported %v, want no order date, reported 2015", out.J10.Ordered, out.J10.Reported)
		}
		var supporters []string
		for _, s := range out.R1929.Supporters {
			supporters = append(supporters, s.ID)
		}
		slices.Sort(supporters)
		if !slices.Equal(supporters, []string{"country/china", "country/russia"}) || len(out.R1929.Advocates) != 1 || out.R1929.Advocates[0].ID != "country/united-states" {
			t.Errorf("1929 supporters %v advocates %v, want China and Russia voting, the US pushing", supporters, out.R1929.Advocates)
		}
		if l := out.R1929.Losses; len(l) != 1 || l[0].Country.ID != "country/russia" || l[0].ValueUsd != 13e9 || !l[0].ValueEstimated || l[0].Confidence != "REPORTED" {
			t.Errorf("1929 losses = %+v, want Russia about 13e9, estimated, REPORTED", l)
		}
		if out.C14.From == nil || *out.C14.From != "2000" || out.C14.To == nil || *out.C14.To != "2002" {
			t.Errorf("C-14 period %v-%v, want 2000-2002", out.C14.From, out.C14.To)
		}
	})
}

// BenchmarkTimeQueries measures the two new root fields through the server
// over the seeds: `go test -run '^$' -bench TimeQueries ./internal/server`.
func BenchmarkTimeQueries(b *testing.B) {
	store := seededStore(b)
	h := newServer(b, wiring.Config{}, store)
	for _, bc := range []struct{ name, q string }{
		{"holders", `{ holders(at: "2010", country: "country/iran", title: "defence minister") { person { id } position { title from to attested } } }`},
		// For comparison, an existing list field over the same records.
		{"transfers", `{ transfers(supplier: "country/china", recipient: "country/iran", from: "1993", to: "2012") { id valueUsd } }`},
		{"transferTotals", `{ transferTotals(supplier: "country/china", recipient: "country/iran", from: "1993", to: "2012") { valueUsd valueEstimated quantities { unit ordered delivered } parts { transfer { id } counted coveredBy { id } partial } } }`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := client.New(h, client.Path("/graphql"))
			var out map[string]any
			for b.Loop() {
				if err := c.Post(bc.q, &out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
