package sipri

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
)

// synthCountries mixes names the project's seeds hold (so rows join) with
// invented ones (so countries are created).
var synthCountries = []string{"China", "Iran", "USSR", "Russia", "Pakistan", "Syria", "North Korea", "Iraq", "Egypt", "India"}

var synthDescriptions = []string{"Anti-ship missile", "SAM system", "FGA aircraft", "Frigate", "Tank", "Combat helicopter", "Radar", "Ballistic missile", "APC", "Submarine"}

// Synthesize writes a synthetic trade register of rows deals in the
// export's layout, with every quirk the reader handles (metadata lines,
// brackets, flags, ". .", year lists and ranges, licensed production whose
// comments name a local design). The same seed writes the same bytes.
func Synthesize(w io.Writer, rows int, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "Transfers of major weapons: synthetic register of %d deals (seed %d), written by armsgraph for benchmarks\n", rows, seed)
	fmt.Fprintln(bw, "Note: invented rows in the layout of the SIPRI trade register; not SIPRI data.")
	fmt.Fprintln(bw)
	fmt.Fprintln(bw, "Recipient,Supplier,Year of order,,Number ordered,,Weapon designation,Weapon description,Number delivered,,Year(s) of delivery,status,Comments,SIPRI TIV per unit,SIPRI TIV for total order,SIPRI TIV of delivered weapons")
	countries := append([]string(nil), synthCountries...)
	for i := range 150 {
		countries = append(countries, fmt.Sprintf("Synthland %03d", i))
	}
	maybe := func(p float64, s string) string {
		if rng.Float64() < p {
			return "(" + s + ")"
		}
		return s
	}
	for range rows {
		rec := countries[rng.IntN(len(countries))]
		sup := countries[rng.IntN(len(countries))]
		for sup == rec {
			sup = countries[rng.IntN(len(countries))]
		}
		design := fmt.Sprintf("SX-%d", rng.IntN(3000))
		switch rng.IntN(50) {
		case 0:
			design = "C-802/CSS-N-8"
		case 1:
			design = "C802"
		}
		desc := synthDescriptions[rng.IntN(len(synthDescriptions))]
		year := 1950 + rng.IntN(70)
		ordered := 1 + rng.IntN(300)
		orderedCell, orderedFlag := maybe(0.1, fmt.Sprint(ordered)), ""
		if rng.IntN(20) == 0 {
			orderedFlag = "?"
		}
		if rng.IntN(30) == 0 {
			orderedCell = ". ."
		}
		delivered := rng.IntN(ordered + 1)
		var years []string
		if delivered > 0 {
			first := year + rng.IntN(3)
			last := first + rng.IntN(5)
			years = append(years, fmt.Sprintf("%d-%s", first, maybe(0.1, fmt.Sprint(last))))
			if rng.IntN(4) == 0 {
				years = append(years, maybe(0.5, fmt.Sprint(last+2)))
			}
		}
		status, comment := []string{"New", "Second hand", "Second hand but modernized"}[rng.IntN(3)], ""
		if rng.IntN(20) == 0 {
			status, comment = "Licensed production", fmt.Sprintf("local designation %s-L%d", design[:min(len(design), 6)], rng.IntN(5))
		}
		if rng.IntN(10) == 0 {
			comment = strings.TrimPrefix(comment+"; \"quoted\", with a comma", "; ")
		}
		unit := float64(rng.IntN(5000)) / 100
		fmt.Fprintf(bw, "%s,%s,%s,,%s,%s,%s,%s,%s,,%s,%s,%s,%.2f,%.2f,%.2f\n",
			rec, sup, maybe(0.1, fmt.Sprint(year)), orderedCell, orderedFlag, design, desc,
			maybe(0.1, fmt.Sprint(delivered)), strings.Join(years, "; "), status, `"`+strings.ReplaceAll(comment, `"`, `""`)+`"`,
			unit, unit*float64(ordered), unit*float64(delivered))
	}
	return bw.Flush()
}
