package server_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"armsgraph/cmd/wiring"
)

// TestMatchRangesAndClaimValuesAPI asks, through the API over the project's
// seeds loaded into a real Neo4j, what issue 20 names: "which named weapons
// did China provide to Iran in the mid-1990s" by WITHIN and by OVERLAPS
// (the seeds read "mid-1990s" as 1993-1997), the match mode of every other
// date filter, HQ-2's range as two bounds, claims as lists, and the facts
// the third read of the documents added. Expected answers are what the seed
// files state.
func TestMatchRangesAndClaimValuesAPI(t *testing.T) {
	store := seededStore(t)
	h := newServer(t, wiring.Config{}, store)

	type transfer struct {
		ID     string `json:"id"`
		Weapon *struct {
			Name string `json:"name"`
		} `json:"weapon"`
	}
	// namedWeapons lists the transfer ids of a list that name a weapon,
	// sorted, and the weapons' names, sorted and de-duplicated.
	namedWeapons := func(ts []transfer) (ids, names []string) {
		for _, tr := range ts {
			if tr.Weapon != nil {
				ids = append(ids, tr.ID)
				names = append(names, tr.Weapon.Name)
			}
		}
		slices.Sort(ids)
		slices.Sort(names)
		return ids, slices.Compact(names)
	}

	t.Run("MidNinetiesWithin", func(t *testing.T) {
		var out struct{ Transfers []transfer }
		query(t, h, `{ transfers(supplier: "country/china", recipient: "country/iran", from: "1993", to: "1997", match: WITHIN) { id weapon { name } } }`, &out)
		ids, names := namedWeapons(out.Transfers)
		if want := []string{"transfer/china-iran-c-801-1990s", "transfer/china-iran-c-802-1990s"}; !slices.Equal(ids, want) {
			t.Errorf("named-weapon transfers within 1993-1997 = %v, want %v", ids, want)
		}
		if want := []string{"C-801", "C-802"}; !slices.Equal(names, want) {
			t.Errorf("weapons within 1993-1997 = %v, want %v", names, want)
		}
	})

	t.Run("MidNinetiesOverlaps", func(t *testing.T) {
		var def, explicit struct{ Transfers []transfer }
		q := `{ transfers(supplier: "country/china", recipient: "country/iran", from: "1993", to: "1997"%s) { id weapon { name } } }`
		query(t, h, fmt.Sprintf(q, ""), &def)
		query(t, h, fmt.Sprintf(q, ", match: OVERLAPS"), &explicit)
		ids, names := namedWeapons(def.Transfers)
		want := []string{
			"transfer/china-iran-anti-ship-mines-1980s-1990s", // 1980-1999
			"transfer/china-iran-c-801-1990s",
			"transfer/china-iran-c-802-1990s",
			"transfer/china-iran-houdong-1980s-1990s",   // 1980-1999
			"transfer/china-iran-m-11-production-1990s", // 1990-1999
			"transfer/china-iran-m-9-1990s",
			"transfer/china-iran-m-9-production-1990s",
		}
		if !slices.Equal(ids, want) {
			t.Errorf("named-weapon transfers overlapping 1993-1997 = %v\nwant %v", ids, want)
		}
		if want := []string{"Anti-ship mine (unnamed Chinese type)", "C-801", "C-802", "Houdong", "M-11", "M-9"}; !slices.Equal(names, want) {
			t.Errorf("weapons overlapping 1993-1997 = %v\nwant %v", names, want)
		}
		if idsExplicit, _ := namedWeapons(explicit.Transfers); !slices.Equal(idsExplicit, ids) {
			t.Errorf("match: OVERLAPS gives %v, the default %v", idsExplicit, ids)
		}
	})

	// One case per other date filter where WITHIN leaves out what OVERLAPS takes.
	ids := func(items []struct{ ID string }) []string {
		out := make([]string, 0, len(items))
		for _, it := range items {
			out = append(out, it.ID)
		}
		slices.Sort(out)
		return out
	}
	for _, tc := range []struct {
		name, field, args string
		overlaps, within  []string
	}{
		{"AgreementTenYearsOverlapsTheNineties", "agreements", `parties: ["country/china"], from: "1990", to: "1999"`,
			[]string{"agreement/china-iran-military-technology-1990"}, []string{}},
		{"AgreementWithinItsOwnDecade", "agreements", `parties: ["country/china"], from: "1990", to: "2000"`,
			[]string{"agreement/china-iran-military-technology-1990"}, []string{"agreement/china-iran-military-technology-1990"}},
		{"EventStartedBeforeTheWindow", "events", `participant: "person/chang-wanquan", from: "2016-11-14", to: "2016-11-30"`,
			[]string{"event/chang-wanquan-tehran-visit-2016"}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var over, within map[string][]struct{ ID string }
			query(t, h, "{ "+tc.field+"("+tc.args+") { id } }", &over)
			query(t, h, "{ "+tc.field+"("+tc.args+", match: WITHIN) { id } }", &within)
			if got := ids(over[tc.field]); !slices.Equal(got, tc.overlaps) {
				t.Errorf("OVERLAPS = %v, want %v", got, tc.overlaps)
			}
			if got := ids(within[tc.field]); !slices.Equal(got, tc.within) {
				t.Errorf("WITHIN = %v, want %v", got, tc.within)
			}
		})
	}

	t.Run("HoldersWithin", func(t *testing.T) {
		var over, within struct {
			Holders []struct {
				Person struct{ ID string }
			}
		}
		q := `{ holders(at: "2010", until: "2014", country: "country/iran", title: "minister"%s) { person { id } } }`
		query(t, h, fmt.Sprintf(q, ""), &over)
		query(t, h, fmt.Sprintf(q, ", match: WITHIN"), &within)
		people := func(hs []struct{ Person struct{ ID string } }) []string {
			var out []string
			for _, h := range hs {
				out = append(out, h.Person.ID)
			}
			return out
		}
		// Vahidi is attested in 2010 only; Dehghan's attested 2014-05 to
		// 2016-11 reaches past 2014.
		if got, want := people(over.Holders), []string{"person/ahmad-vahidi", "person/hossein-dehghan"}; !slices.Equal(got, want) {
			t.Errorf("OVERLAPS = %v, want %v", got, want)
		}
		if got, want := people(within.Holders), []string{"person/ahmad-vahidi"}; !slices.Equal(got, want) {
			t.Errorf("WITHIN = %v, want %v", got, want)
		}
	})

	t.Run("TotalsWithin", func(t *testing.T) {
		var out struct {
			TransferTotals struct {
				ValueUsd    float64
				ValuedCount int
				Parts       []struct {
					Transfer struct{ ID string }
					Partial  bool
				}
			}
		}
		query(t, h, `{ transferTotals(supplier: "country/china", recipient: "country/iran", from: "1993", to: "2000", match: WITHIN) {
			valueUsd valuedCount parts { transfer { id } partial } } }`, &out)
		got := out.TransferTotals
		var parts []string
		for _, p := range got.Parts {
			parts = append(parts, p.Transfer.ID)
			if p.Partial {
				t.Errorf("%s is partial, but WITHIN takes only records inside the period", p.Transfer.ID)
			}
		}
		want := []string{"transfer/china-iran-arms-1993-1996", "transfer/china-iran-arms-1997-2000", "transfer/china-iran-c-801-1990s", "transfer/china-iran-c-802-1990s"}
		if !slices.Equal(parts, want) || got.ValueUsd != 1e9 || got.ValuedCount != 2 {
			t.Errorf("totals within 1993-2000 = %v from %d records, parts %v; want 1e9 from the two CRS estimates, parts %v", got.ValueUsd, got.ValuedCount, parts, want)
		}
	})

	t.Run("RangeAsTwoBounds", func(t *testing.T) {
		var out struct {
			HQ2, Tondar struct{ RangeKm, RangeKmMin, RangeKmMax *float64 }
		}
		query(t, h, `{ hq2: weapon(name: "HQ-2") { rangeKm rangeKmMin rangeKmMax } tondar: weapon(name: "Tondar 69") { rangeKm rangeKmMin rangeKmMax } }`, &out)
		if r := out.HQ2; r.RangeKmMin == nil || *r.RangeKmMin != 12 || r.RangeKmMax == nil || *r.RangeKmMax != 32 || r.RangeKm == nil || *r.RangeKm != 32 {
			t.Errorf("HQ-2 range = %v-%v (rangeKm %v), want 12-32 (32)", orZero(r.RangeKmMin), orZero(r.RangeKmMax), orZero(r.RangeKm))
		}
		// One figure in the source: no lower end.
		if r := out.Tondar; r.RangeKmMin != nil || r.RangeKmMax == nil || *r.RangeKmMax != 150 {
			t.Errorf("Tondar 69 range = %v-%v, want no lower end and 150", orZero(r.RangeKmMin), orZero(r.RangeKmMax))
		}
	})

	type claim struct {
		Field  string
		Value  string
		Values []string
	}
	type citation struct {
		Source     struct{ ID string }
		Locator    string
		Confidence string
		Claims     []claim
	}

	t.Run("ListValuedClaims", func(t *testing.T) {
		var out struct {
			Entity struct{ Citations []citation }
		}
		query(t, h, `{ entity(id: "agreement/iran-china-military-cooperation-2016") { ... on Agreement { citations { source { id } claims { field value values } } } } }`, &out)
		areas := map[string][]string{}
		for _, c := range out.Entity.Citations {
			for _, cl := range c.Claims {
				if cl.Field == "areas" {
					areas[c.Source.ID] = cl.Values
					if joined := strings.Join(cl.Values, "; "); joined != cl.Value {
						t.Errorf("%s: value %q is not its values %q joined", c.Source.ID, cl.Value, cl.Values)
					}
				}
			}
		}
		want := map[string][]string{
			"source/alwaght-2019":      {"defence", "military training", "intelligence", "counterterrorism", "cyberspace"},
			"source/the-diplomat-2016": {"military training", "counterterrorism", "joint military exercises (pledged)"},
		}
		for src, w := range want {
			if !slices.Equal(areas[src], w) {
				t.Errorf("areas per %s = %q, want %q", src, areas[src], w)
			}
		}
		// What a client can now do without splitting strings: the areas both sources name.
		var both []string
		for _, a := range areas["source/alwaght-2019"] {
			if slices.Contains(areas["source/the-diplomat-2016"], a) {
				both = append(both, a)
			}
		}
		if w := []string{"military training", "counterterrorism"}; !slices.Equal(both, w) {
			t.Errorf("areas both sources give = %q, want %q", both, w)
		}
	})

	t.Run("DisputedEffectOfResolution1929", func(t *testing.T) {
		var out struct {
			Fill, Shutdown struct {
				Confidence string
				From, To   *string
				Citations  []citation
			}
		}
		query(t, h, `{
			fill: entity(id: "transfer/china-iran-arms-after-russian-halt-2010") { ... on Transfer { confidence from to citations { source { id } locator confidence claims { field value values } } } }
			shutdown: entity(id: "event/china-iran-military-cooperation-shutdown-2010") { ... on Event { confidence citations { source { id } locator confidence claims { field value values } } } } }`, &out)
		if out.Fill.Confidence != "DISPUTED" || orZero(out.Fill.From) != "2010-09" || out.Fill.To != nil {
			t.Errorf("China filling the gap = %s from %q to %v, want DISPUTED from 2010-09, open", out.Fill.Confidence, orZero(out.Fill.From), out.Fill.To)
		}
		status := map[string][]string{} // locator → the status that source claims
		for _, c := range out.Fill.Citations {
			for _, cl := range c.Claims {
				if cl.Field == "status" {
					status[c.Source.ID+" "+c.Locator+" "+c.Confidence] = cl.Values
				}
			}
		}
		want := map[string][]string{
			"source/ahmadinejad-era-ties lines 502-511 REPORTED": {"delivered"},
			"source/alwaght-2019 line 5 DISPUTED":                {"frozen"},
		}
		if len(status) != len(want) || !slices.Equal(status["source/ahmadinejad-era-ties lines 502-511 REPORTED"], want["source/ahmadinejad-era-ties lines 502-511 REPORTED"]) ||
			!slices.Equal(status["source/alwaght-2019 line 5 DISPUTED"], want["source/alwaght-2019 line 5 DISPUTED"]) {
			t.Errorf("status claims per citation = %v, want %v", status, want)
		}
		var shut []string
		for _, c := range out.Shutdown.Citations {
			shut = append(shut, c.Source.ID+" "+c.Locator+" "+c.Confidence)
		}
		wantShut := []string{
			"source/alwaght-2019 line 5 CONFIRMED",
			"source/ahmadinejad-era-ties lines 390-395 DISPUTED",
			"source/ahmadinejad-era-ties lines 502-511 DISPUTED",
		}
		if out.Shutdown.Confidence != "DISPUTED" || !slices.Equal(shut, wantShut) {
			t.Errorf("the shutdown event = %s %v, want DISPUTED %v", out.Shutdown.Confidence, shut, wantShut)
		}
	})

	t.Run("ThirdReadFacts", func(t *testing.T) {
		var out struct {
			NK []struct {
				ID         string
				Confidence string
				Recipient  struct{ ID string }
			}
			SmallArms struct{ From, To *string }
			Basij     []struct{ ID string }
		}
		query(t, h, `{
			nk: transfers(supplier: "country/north-korea") { id confidence recipient { id } }
			smallArms: entity(id: "transfer/china-iran-small-arms-1980s-1990s") { ... on Transfer { from to } }
			basij: search(text: "Basij") { id } }`, &out)
		if len(out.NK) != 1 || out.NK[0].ID != "transfer/north-korea-iran-a2ad-weapons" || out.NK[0].Recipient.ID != "country/iran" || out.NK[0].Confidence != "CONFIRMED" {
			t.Errorf("North Korean transfers = %+v, want the one A2/AD record to Iran, CONFIRMED", out.NK)
		}
		if orZero(out.SmallArms.From) != "1985" || out.SmallArms.To != nil {
			t.Errorf("small arms period = %q to %v, want from 1985, end open", orZero(out.SmallArms.From), out.SmallArms.To)
		}
		if len(out.Basij) != 0 {
			t.Errorf("search Basij = %v, want nothing: no document uses the name", out.Basij)
		}
	})
}

// orZero is *p, or the zero value when p is nil.
func orZero[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
