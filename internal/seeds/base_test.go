package seeds

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"armsgraph/internal/kg"
)

// A folder building on a base (an imported register) refers to the base's
// ids without defining them, may not define one again, keeps its own
// document (citations are checked against it), and gives transfers TIV
// and the fields it estimates.
func TestFolderBuildingOnABase(t *testing.T) {
	base := folder(t, map[string]string{"sources.yaml": goodSources, "weapons.yaml": goodWeapons, "countries.yaml": goodCountries})
	known, err := base.IDs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if known["weapon/c-802"] != kg.Weapon || known["source/doc"] != "" || len(known) != 5 {
		t.Fatalf("IDs() = %v, want the two weapons, two countries and the source", known)
	}
	register := "documents/register.csv"
	const sources = `sources:
  - {id: source/register, document: documents/register.csv, title: A register}
`
	transfer := func(extra string) string {
		return `transfers:
  - id: transfer/china-iran-c-802-1992
    name: C-802 for Iran
    supplier: country/china
    recipient: country/iran
    weapon: weapon/c-802
    quantity_ordered: 150
    ordered: "1992"
    tiv_unit: 0.12
    tiv_order: 18
    status: ordered
    confidence: REPORTED
    citations: [{source: source/register, at: "line 3"}]
` + extra
	}
	for _, tc := range []struct {
		name, transfers, extra string
		want                   string // a problem the validator must report; "" for none
	}{
		{"valid", transfer("    estimated: [ordered, quantity_ordered]\n"), "", ""},
		{"unknown estimated field", transfer("    estimated: [price]\n"), "", `estimated: "price" is not one of`},
		{"estimated field not given", transfer("    estimated: [delivered]\n"), "", "names delivered, which the transfer does not give"},
		{"line past the register", strings.Replace(transfer(""), "line 3", "line 9", 1), "", "line 9 is past the end of source/register's document (4 lines)"},
		{"base id defined again", transfer(""), goodCountries, "duplicate id country/china (first defined at the base folder)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"sources.yaml":   {Data: []byte(sources)},
				"transfers.yaml": {Data: []byte(tc.transfers)},
				register:         {Data: []byte("meta\nheader\nrow 1\nrow 2\n")},
			}
			if tc.extra != "" {
				fsys["countries.yaml"] = &fstest.MapFile{Data: []byte(tc.extra)}
			}
			f, err := Open(fsys, Options{Known: known})
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.Validate(context.Background(), nil)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate = %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Validate = %v, want a problem mentioning %q", err, tc.want)
			}
			if tc.want != "" {
				return
			}
			var props map[string]any
			f.Each(context.Background(), func(c Chunk) error {
				for _, n := range c.Nodes {
					if n.Kind == kg.Transfer {
						props = n.Props
					}
				}
				return nil
			})
			if props[kg.PropTIVUnit] != 0.12 || props[kg.PropTIVOrder] != 18.0 || len(props[kg.PropEstimated].([]string)) != 2 {
				t.Errorf("transfer props = %v, want tivUnit 0.12, tivOrder 18 and two estimated fields", props)
			}
		})
	}
	// Without the base, the same folder's references are unknown.
	f, _ := Open(fstest.MapFS{"sources.yaml": {Data: []byte(sources)}, "transfers.yaml": {Data: []byte(transfer(""))}}, Options{})
	if _, err := f.Validate(context.Background(), nil); err == nil || !strings.Contains(err.Error(), `unknown country "country/china"`) {
		t.Errorf("Validate without the base = %v, want unknown references", err)
	}
}
