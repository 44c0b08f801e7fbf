package server_test

import (
	"testing"

	"armsgraph/cmd/wiring"
	"armsgraph/internal/sipri/sipritest"
)

// A register imported on top of the seeds (dataset sipri) is summed in TIV
// by transferTotals, apart from US$, and its deals show their TIV, their
// estimated fields and the row they cite.
func TestTransferTotalsSumTIV(t *testing.T) {
	store := seededStore(t)
	sipritest.Load(t, store, "internal/sipri/testdata/register-2024.csv", "2024")
	h := newServer(t, wiring.Config{}, store)

	var out struct {
		TransferTotals struct {
			TivOrder, TivDelivered float64
			TivCount               int
			TivEstimated           bool
			Parts                  []struct {
				Transfer struct {
					ID        string
					TivUnit   *float64
					Estimated []string
					Citations []struct{ Locator string }
				}
			}
		}
	}
	query(t, h, `{ transferTotals(supplier: "country/china", recipient: "country/iran") {
		tivOrder tivDelivered tivCount tivEstimated
		parts { transfer { id tivUnit estimated citations { locator } } } } }`, &out)
	got := out.TransferTotals
	// The register's five China→Iran rows: TIV of the orders 18 + 0.5 (the
	// others give . .), of the deliveries 18 + 12 + 0.5 + 2.5 + 20.
	if got.TivOrder != 18.5 || got.TivDelivered != 53 || got.TivCount != 5 || got.TivEstimated {
		t.Errorf("TIV order %v, delivered %v from %d records (estimated %v), want 18.5, 53 from 5, not estimated", got.TivOrder, got.TivDelivered, got.TivCount, got.TivEstimated)
	}
	found := false
	for _, p := range got.Parts {
		if p.Transfer.ID != "transfer/sipri-china-iran-c-802-css-n-8-1992" {
			continue
		}
		found = true
		tr := p.Transfer
		if tr.TivUnit == nil || *tr.TivUnit != 0.12 || len(tr.Citations) != 1 || tr.Citations[0].Locator != "line 6" || len(tr.Estimated) != 5 {
			t.Errorf("imported C-802 deal = %+v, want tivUnit 0.12, five estimated fields, cited at line 6", tr)
		}
	}
	if !found {
		t.Errorf("the imported C-802 deal is not among the China→Iran parts")
	}
}
