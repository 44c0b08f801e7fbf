// Package synth writes synthetic seed folders of any size for benchmarks:
// weapons spread over countries, lineage families up to MaxDepth generations
// deep, transfers, agreements, people, events, resolutions and relations in
// fixed proportions, every reference valid and every citation pointing at a
// line of a small invented source document. The same Config always writes
// byte-identical files. Items are generated one at a time from their index
// and written straight to disk, so memory stays flat whatever the size.
package synth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config says what to generate.
type Config struct {
	Weapons   int   // number of weapons, at least 1
	Countries int   // number of countries, 2 to MaxCountries
	Seed      int64 // the same seed writes the same files
	PerFile   int   // items per file at most; default 10000
	// WideFamily, when above 0, makes the first lineage family exactly
	// this many weapons (1 to MaxWideFamily, and no more than Weapons),
	// at most WideFamilyDepth generations deep, so that a benchmark or the
	// explorer's browser test has a lineage of a known size to draw
	// whatever the seed (a random family may be larger, but deeper than a
	// lineage view's default depth). The manifest names its root
	// (Samples.WideFamily). 0 leaves every family random, as before.
	WideFamily int
	// Force lets Generate remove the seed files (*.yaml), documents/ and
	// synth.json a previous run left in the folder.
	Force    bool
	Progress io.Writer     // progress lines; nil for none
	Every    time.Duration // between progress lines; default 2s
}

// MaxWideFamily is the largest Config.WideFamily: a family lives in one
// block of weapons.
const MaxWideFamily = blockSize

// MaxCountries is the largest number of countries synth can name.
var MaxCountries = maxCountries

// DocumentsDir is the sub-folder of the output that holds the source
// documents the citations point into (pass it to validate's --documents).
const DocumentsDir = "documents"

// ManifestFile is written beside the seed files; it is JSON, so the seed
// reader ignores it.
const ManifestFile = "synth.json"

// Manifest describes a generated folder: its configuration, what it holds and
// sample ids for benchmark queries.
type Manifest struct {
	Seed      int64          `json:"seed"`
	Weapons   int            `json:"weapons"`
	Countries int            `json:"countries"`
	Items     map[string]int `json:"items"` // per top-level key of the seeds format
	Files     int            `json:"files"`
	Bytes     int64          `json:"bytes"`
	Seconds   float64        `json:"seconds"`
	Samples   Samples        `json:"samples"`
}

// Samples are ids and names a benchmark can query with.
type Samples struct {
	Deep      []string `json:"deep"`      // weapons at the bottom of chains at least 10 generations deep
	Wide      []string `json:"wide"`      // roots of the largest lineage families
	Weapons   []string `json:"weapons"`   // assorted weapons
	People    []string `json:"people"`    // assorted people
	Aliases   []string `json:"aliases"`   // aliases of assorted weapons, as a user would type them
	Countries []string `json:"countries"` // the largest producers first
	Category  []string `json:"category"`  // the categories, most frequent first
	// WideFamily is the root of Config.WideFamily's family, when asked for.
	WideFamily string `json:"wide_family,omitempty"`
}

const (
	documents = 4   // synthetic source documents
	docLines  = 200 // lines in each
)

func sourceID(doc int) string { return fmt.Sprintf("source/synthetic-report-%d", doc+1) }

func documentName(doc int) string { return fmt.Sprintf("synthetic-report-%d.txt", doc+1) }

func newWorld(cfg Config) *world {
	n, m := cfg.Weapons, cfg.Countries
	w := &world{seed: cfg.Seed, weapons: n, countries: m, wideFamily: cfg.WideFamily}
	w.companies = max(m, n/25)
	w.people = max(2*m, n/5)
	w.transfers = max(1, n/2)
	w.agrees = max(m/2, n/25)
	w.events = max(m, n/12)
	w.resols = max(1, n/2000)
	w.mets = min(w.events, max(1, n/25))
	w.alliances = m / 2
	w.coops = w.companies / 4
	return w
}

// Generate writes the folder dir (created if missing) and returns its manifest.
func Generate(ctx context.Context, dir string, cfg Config) (*Manifest, error) {
	if cfg.Weapons < 1 {
		return nil, fmt.Errorf("weapons must be at least 1, got %d", cfg.Weapons)
	}
	if cfg.Countries < 2 || cfg.Countries > MaxCountries {
		return nil, fmt.Errorf("countries must be 2 to %d, got %d", MaxCountries, cfg.Countries)
	}
	if cfg.WideFamily < 0 || cfg.WideFamily > min(MaxWideFamily, cfg.Weapons) {
		return nil, fmt.Errorf("the wide family (--wide-family) must be 0 (none) to %d weapons: a family lives in one block of %d and there are %d weapons; got %d",
			min(MaxWideFamily, cfg.Weapons), MaxWideFamily, cfg.Weapons, cfg.WideFamily)
	}
	if cfg.PerFile <= 0 {
		cfg.PerFile = 10000
	}
	if cfg.Every <= 0 {
		cfg.Every = 2 * time.Second
	}
	if err := prepare(dir, cfg.Force); err != nil {
		return nil, err
	}
	g := &gen{cfg: cfg, dir: dir, w: newWorld(cfg), start: time.Now(), last: time.Now(),
		man: &Manifest{Seed: cfg.Seed, Weapons: cfg.Weapons, Countries: cfg.Countries, Items: map[string]int{}}}
	w := g.w
	g.total = documents + w.countries + 1 + govPerCountry*w.countries + w.companies + w.people + w.weapons +
		w.transfers + w.agrees + w.events + w.resols + w.mets + w.alliances + w.coops
	if err := g.writeDocuments(); err != nil {
		return nil, err
	}
	steps := []struct {
		kind string
		n    int
		fn   func(it *item, i int)
	}{
		{"sources", documents, g.source},
		{"countries", w.countries, g.country},
		{"organizations", 1 + govPerCountry*w.countries + w.companies, g.organization},
		{"people", w.people, g.person},
		{"weapons", w.weapons, g.weapon},
		{"transfers", w.transfers, g.transfer},
		{"agreements", w.agrees, g.agreement},
		{"events", w.events, g.event},
		{"resolutions", w.resols, g.resolution},
		{"relations", w.mets + w.alliances + w.coops, g.relation},
	}
	for _, s := range steps {
		if err := g.each(ctx, s.kind, s.n, s.fn); err != nil {
			return nil, err
		}
	}
	g.samples()
	g.man.Seconds = time.Since(g.start).Seconds()
	data, _ := json.MarshalIndent(g.man, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), append(data, '\n'), 0o644); err != nil {
		return nil, err
	}
	g.report(true, "")
	return g.man, nil
}

// prepare makes sure dir holds nothing a previous run would leave stale.
func prepare(dir string, force bool) error {
	if err := os.MkdirAll(filepath.Join(dir, DocumentsDir), 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var stale []string
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") || name == ManifestFile {
			stale = append(stale, name)
		} else if e.IsDir() && name != DocumentsDir {
			// Sub-folders are read as seeds too.
			return fmt.Errorf("%s holds the folder %s: write synthetic seeds to an empty folder", dir, name)
		}
	}
	if len(stale) == 0 {
		return nil
	}
	if !force {
		return fmt.Errorf("%s already holds seed files (%s …): choose an empty folder, or use --force to replace them", dir, stale[0])
	}
	for _, name := range stale {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	docs, _ := filepath.Glob(filepath.Join(dir, DocumentsDir, "synthetic-report-*.txt"))
	for _, d := range docs {
		if err := os.Remove(d); err != nil {
			return err
		}
	}
	return nil
}

type gen struct {
	cfg         Config
	dir         string
	w           *world
	man         *Manifest
	total, done int
	bytes       int64
	start, last time.Time
	file        string
	it          item
	deepDepth   []int // depth of each entry of man.Samples.Deep
}

func (g *gen) each(ctx context.Context, kind string, n int, fn func(it *item, i int)) error {
	fs := &fileSet{dir: g.dir, kind: kind, perFile: g.cfg.PerFile}
	defer fs.close()
	for i := 0; i < n; i++ {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			g.file = fs.current()
			g.report(false, kind)
		}
		g.it.reset()
		fn(&g.it, i)
		if err := fs.write(&g.it); err != nil {
			return fmt.Errorf("synth %s: %w", kind, err)
		}
		g.done++
	}
	if err := fs.close(); err != nil {
		return err
	}
	g.man.Items[kind] = n
	g.man.Files += len(fs.files)
	g.man.Bytes += fs.bytes
	g.bytes += fs.bytes
	return nil
}

func (g *gen) report(final bool, kind string) {
	if g.cfg.Progress == nil {
		return
	}
	if final {
		fmt.Fprintf(g.cfg.Progress, "synth: %d items in %d files (%.1f MB) in %s\n",
			g.done, g.man.Files, float64(g.man.Bytes)/1e6, time.Since(g.start).Round(time.Millisecond))
		return
	}
	if time.Since(g.last) < g.cfg.Every {
		return
	}
	g.last = time.Now()
	el := time.Since(g.start)
	fmt.Fprintf(g.cfg.Progress, "synth: %d/%d items (%.0f%%), writing %s, %.0f items/s, %s\n",
		g.done, g.total, 100*float64(g.done)/float64(g.total), g.file, float64(g.done)/el.Seconds(), el.Round(time.Second))
}

// writeDocuments writes the invented source documents the citations point into.
func (g *gen) writeDocuments() error {
	for d := 0; d < documents; d++ {
		var b strings.Builder
		for l := 1; l <= docLines; l++ {
			fmt.Fprintf(&b, "Synthetic report %d, line %d: invented text written for benchmarks; it describes nothing real.\n", d+1, l)
		}
		if err := os.WriteFile(filepath.Join(g.dir, DocumentsDir, documentName(d)), []byte(b.String()), 0o644); err != nil {
			return fmt.Errorf("write source document: %w", err)
		}
	}
	return nil
}

// citeFor draws one citation (two now and then) for an item.
func citeFor(r *rng) []cite {
	cs := []cite{{doc: r.intn(documents), line: r.between(1, docLines)}}
	if r.chance(0.15) {
		cs = append(cs, cite{doc: r.intn(documents), line: r.between(1, docLines), note: "a second synthetic mention"})
	}
	return cs
}

var confidences = []string{"CONFIRMED", "REPORTED", "ALLEGED", "DISPUTED"}
var confidenceWeights = []int{60, 25, 10, 5}

func confidence(r *rng) string { return confidences[r.weighted(confidenceWeights)] }

// date draws a partial date in year y at year, month or day precision.
func date(r *rng, y int) string {
	switch r.weighted([]int{30, 50, 20}) {
	case 0:
		return strconv.Itoa(y)
	case 1:
		return fmt.Sprintf("%04d-%02d", y, r.between(1, 12))
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, r.between(1, 12), r.between(1, 28))
}

func q(s string) string { return strconv.Quote(s) }

func (g *gen) source(it *item, d int) {
	it.b = append(it.b, "  - id: "...)
	it.b = append(it.b, sourceID(d)...)
	it.b = append(it.b, '\n')
	it.str("document", documentName(d))
	it.str("title", fmt.Sprintf("Synthetic report %d", d+1))
	it.str("publisher", "armsgraph synth")
	it.str("published", "2024")
}

func (g *gen) country(it *item, x int) {
	r := stream(g.cfg.Seed, "country", x)
	it.id(countryID(x))
	it.str("name", countryName(x))
	if r.chance(0.5) {
		it.strs("aliases", "Republic of "+countryName(x))
	}
	it.cites(citeFor(&r)...)
}

// organization i: 0 is the security council, then four government bodies
// per country, then the companies.
func (g *gen) organization(it *item, i int) {
	r := stream(g.cfg.Seed, "organization", i)
	switch {
	case i == 0:
		it.id(unscID)
		it.str("name", "Synthetic Security Council")
		it.strs("aliases", "SSC")
		it.raw("type", "un-body")
	case i <= govPerCountry*g.w.countries:
		x, role := (i-1)/govPerCountry, (i-1)%govPerCountry
		it.id(govOrgID(x, role))
		it.str("name", countryName(x)+" "+govRoles[role].name)
		it.raw("type", govRoles[role].typ)
		it.raw("country", countryID(x))
		if role != govMinistry {
			it.raw("parent", govOrgID(x, govMinistry))
		}
	default:
		j := i - 1 - govPerCountry*g.w.countries
		it.id(companyID(j))
		it.str("name", companyName(j))
		it.raw("type", "company")
		it.raw("country", countryID(g.w.companyCountry(j)))
		if r.chance(0.3) {
			it.str("description", "State-owned maker of weapons in "+countryName(g.w.companyCountry(j))+".")
		}
	}
	it.cites(citeFor(&r)...)
}

var titles = []string{"Minister of Defence", "Chief of Staff", "Commander", "Deputy Minister", "Director of Procurement", "Chief Engineer", "Naval Attache", "Head of Exports"}

func (g *gen) person(it *item, p int) {
	r := stream(g.cfg.Seed, "person", p)
	first, last := personName(p)
	x := g.w.personCountry(p)
	it.id(personID(p))
	it.str("name", first+" "+last)
	if r.chance(0.3) {
		it.strs("aliases", first[:1]+". "+last, last)
	}
	it.raw("country", countryID(x))
	it.cites(citeFor(&r)...)
	n := r.weighted([]int{10, 60, 30}) // positions: none, one, two
	if n == 0 {
		return
	}
	it.block("positions")
	t0 := r.intn(len(titles))
	for k := 0; k < n; k++ {
		from := r.between(1970, 2020)
		org := govOrgID(x, r.intn(govPerCountry))
		if k == 1 && r.chance(0.5) {
			org = companyID(g.w.companyOf(&r, x))
		}
		fields := []string{"title: " + q(titles[(t0+k)%len(titles)]), "organization: " + org, "from: " + q(strconv.Itoa(from))}
		if r.chance(0.6) {
			fields = append(fields, "to: "+q(strconv.Itoa(min(from+r.between(1, 8), 2024))))
		}
		if r.chance(0.3) {
			fields = append(fields, "confidence: "+confidence(&r), "citations: "+citeList(citeFor(&r)))
		}
		it.entry(fields...)
	}
}

func (g *gen) weapon(it *item, i int) {
	wp := g.w.weapon(i)
	r := stream(g.cfg.Seed, "weapon", i)
	cat := categories[wp.category]
	it.id(weaponID(i))
	it.str("name", weaponName(i))
	aliases := []string{fmt.Sprintf("%s%d", weaponCode(i), i+1)}
	if r.chance(0.5) {
		aliases = append(aliases, fmt.Sprintf("%s %d", altDesignators[r.intn(len(altDesignators))], i+1))
	}
	it.strs("aliases", aliases...)
	if r.chance(0.25) {
		d := fmt.Sprintf("Synthetic %s from %s", strings.ReplaceAll(cat.name, "-", " "), countryName(wp.origin))
		if wp.parents[0] >= 0 {
			d += ", developed from the " + weaponName(wp.parents[0])
		}
		it.str("description", d+".")
	}
	it.raw("category", cat.name)
	it.raw("origin", countryID(wp.origin))
	if r.chance(0.9) {
		it.raw("manufacturer", companyID(wp.maker))
	}
	if cat.maxKm > 0 && r.chance(0.7) {
		it.int("range_km", r.between(cat.minKm, cat.maxKm))
	}
	if r.chance(0.8) {
		it.str("introduced", strconv.Itoa(wp.year))
	}
	if r.chance(0.1) {
		it.raw("confidence", confidence(&r))
	}
	it.cites(citeFor(&r)...)
	if wp.parents[0] < 0 {
		return
	}
	it.block("derived_from")
	for k, p := range wp.parents {
		if p < 0 {
			continue
		}
		fields := []string{"parent: " + weaponID(p), "kind: " + derivationKinds[wp.kinds[k]],
			"confidence: " + confidence(&r), "citations: " + citeList(citeFor(&r))}
		if r.chance(0.1) {
			fields = append(fields, "note: "+q("the synthetic sources describe the lineage"))
		}
		it.entry(fields...)
	}
	g.sample(wp)
}

// sample keeps a few interesting weapons for the manifest as they stream past.
func (g *gen) sample(wp *weapon) {
	s := &g.man.Samples
	if wp.depth >= 10 && len(s.Deep) < 32 && (len(s.Deep) < 16 || wp.index%7 == 0) {
		s.Deep = append(s.Deep, weaponID(wp.index))
	}
}

var transferStatuses = []string{"delivered", "partial", "ordered", "cancelled", "frozen", "unconfirmed", "licensed-production"}
var transferStatusWeights = []int{55, 12, 12, 5, 4, 8, 4}
var units = []string{"systems", "missiles", "launchers", "boats", "aircraft", "units"}

func (g *gen) transfer(it *item, t int) {
	r := stream(g.cfg.Seed, "transfer", t)
	wi := r.intn(g.w.weapons)
	wp := g.w.weapon(wi)
	supplier := wp.origin
	if r.chance(0.15) {
		supplier = g.w.producer(&r)
	}
	recipient := r.intn(g.w.countries)
	if recipient == supplier {
		recipient = (recipient + 1 + r.intn(g.w.countries-1)) % g.w.countries
	}
	ordered := max(wp.year, 1950) + r.between(0, 20)
	ordered = min(ordered, 2024)
	status := transferStatuses[r.weighted(transferStatusWeights)]
	it.id(transferID(t, supplier, recipient))
	it.str("name", fmt.Sprintf("%s for %s (%d)", weaponName(wi), countryName(recipient), ordered))
	it.raw("supplier", countryID(supplier))
	if r.chance(0.5) {
		it.raw("supplier_organization", companyID(g.w.companyOf(&r, supplier)))
	}
	it.raw("recipient", countryID(recipient))
	if r.chance(0.9) {
		it.raw("weapon", weaponID(wi))
	} else {
		it.str("item", "spare parts and technical assistance for the "+weaponName(wi))
	}
	if r.chance(0.7) {
		n := r.between(1, 400)
		it.int("quantity_ordered", n)
		if status == "delivered" || status == "partial" {
			it.int("quantity_delivered", r.between(1, n))
		}
		it.raw("quantity_unit", units[r.intn(len(units))])
	}
	it.str("ordered", date(&r, ordered))
	if status == "delivered" || status == "partial" {
		it.str("delivered", strconv.Itoa(min(ordered+r.between(0, 5), 2025)))
	}
	if r.chance(0.3) {
		it.raw("value_usd", strconv.Itoa(r.between(1, 5000)*100000))
	}
	it.raw("status", status)
	it.raw("confidence", confidence(&r))
	it.cites(citeFor(&r)...)
}

var areas = []string{"training", "counterterrorism", "joint exercises", "intelligence sharing", "missile technology", "naval cooperation", "air defence", "maintenance", "licensed production"}
var agreementStatuses = []string{"signed", "announced", "agreed", "implemented", "suspended"}

// distinctCountries draws n different countries, the first from fixed when fixed >= 0.
func (g *gen) distinctCountries(r *rng, n, fixed int) []int {
	n = min(n, g.w.countries)
	out := make([]int, 0, n)
	if fixed >= 0 {
		out = append(out, fixed)
	}
	for len(out) < n {
		c := r.intn(g.w.countries)
		dup := false
		for _, o := range out {
			dup = dup || o == c
		}
		if !dup {
			out = append(out, c)
		}
	}
	return out
}

func (g *gen) agreement(it *item, a int) {
	r := stream(g.cfg.Seed, "agreement", a)
	parties := g.distinctCountries(&r, r.weighted([]int{0, 0, 80, 20}), g.w.producer(&r))
	year := r.between(1960, 2024)
	conf := confidence(&r)
	it.id(agreementID(a))
	it.str("name", fmt.Sprintf("%s-%s defence cooperation agreement (%d)", countryName(parties[0]), countryName(parties[1]), year))
	it.str("date", date(&r, year))
	var ps []string
	for _, p := range parties {
		ps = append(ps, countryID(p))
	}
	if r.chance(0.15) {
		ps = append(ps, companyID(g.w.companyOf(&r, parties[0])))
	}
	it.ids("parties", ps...)
	var sig []string
	for k, n := 0, r.between(1, 2); k < n; k++ {
		sig = append(sig, personID(g.w.personOf(&r, parties[k])))
	}
	if len(sig) == 2 && sig[0] == sig[1] {
		sig = sig[:1]
	}
	it.ids("signatories", sig...)
	var as []string
	for k, n := r.intn(len(areas)), r.between(1, 3); len(as) < n; k++ {
		as = append(as, areas[k%len(areas)])
	}
	it.strs("areas", as...)
	it.raw("status", agreementStatuses[r.weighted([]int{60, 15, 10, 10, 5})])
	it.raw("confidence", conf)
	it.str("location", countryName(parties[0]))
	it.raw("country", countryID(parties[0]))
	it.cites(citeFor(&r)...)
}

// eventCore is what both an event and the meetings held at it know about it.
type eventCore struct {
	typ         string
	year        int
	host, guest int
}

func (g *gen) eventCore(e int) eventCore {
	r := stream(g.cfg.Seed, "event-core", e)
	c := eventCore{typ: eventTypes[r.weighted([]int{30, 25, 15, 10, 8, 10, 2})], year: r.between(1970, 2024), host: r.intn(g.w.countries)}
	c.guest = (c.host + 1 + r.intn(g.w.countries-1)) % g.w.countries
	return c
}

func (g *gen) event(it *item, e int) {
	c := g.eventCore(e)
	r := stream(g.cfg.Seed, "event", e)
	it.id(eventID(e, c.typ))
	it.str("name", fmt.Sprintf("%s %s in %s (%d)", countryName(c.guest), strings.ReplaceAll(c.typ, "-", " "), countryName(c.host), c.year))
	it.raw("type", c.typ)
	d := date(&r, c.year)
	it.str("date", d)
	if len(d) == 10 && r.chance(0.3) {
		it.str("end_date", d[:7]+"-28") // days are drawn from 1-28, so the 28th is never before the start
	}
	it.raw("status", []string{"held", "planned", "announced"}[r.weighted([]int{85, 10, 5})])
	it.str("location", countryName(c.host))
	it.raw("country", countryID(c.host))
	conf := confidence(&r)
	it.raw("confidence", conf)
	it.cites(citeFor(&r)...)
	cands := []string{countryID(c.host), countryID(c.guest), personID(g.w.personOf(&r, c.host)), personID(g.w.personOf(&r, c.guest)),
		govOrgID(c.host, r.intn(govPerCountry)), weaponID(r.intn(g.w.weapons))}
	n := r.between(2, len(cands))
	it.block("participants")
	seen := map[string]bool{}
	for k := 0; k < n; k++ {
		id := cands[k]
		if seen[id] {
			continue
		}
		seen[id] = true
		if r.chance(0.1) {
			it.entry("id: "+id, "confidence: REPORTED", "citations: "+citeList(citeFor(&r)))
			continue
		}
		it.b = append(it.b, "      - "...)
		it.b = append(it.b, id...)
		it.b = append(it.b, '\n')
	}
}

func (g *gen) resolution(it *item, k int) {
	r := stream(g.cfg.Seed, "resolution", k)
	target := r.intn(g.w.countries)
	year := r.between(1990, 2024)
	it.id(resolutionID(k))
	it.str("name", fmt.Sprintf("Synthetic Security Council Resolution %d", k+1))
	it.strs("aliases", fmt.Sprintf("SSCR %d", k+1))
	it.raw("body", unscID)
	it.str("date", date(&r, year))
	it.raw("target", countryID(target))
	it.strs("restrictions", "embargo on arms exports to "+countryName(target))
	if r.chance(0.3) {
		it.strs("exemptions", "humanitarian demining equipment")
	}
	sup := g.distinctCountries(&r, r.between(3, 5)+1, target)[1:]
	var ids []string
	for _, s := range sup {
		ids = append(ids, countryID(s))
	}
	it.ids("supporters", ids...)
	it.cites(citeFor(&r)...)
}

// relation i: meetings between people, then alliances between countries,
// then cooperation between companies.
func (g *gen) relation(it *item, i int) {
	r := stream(g.cfg.Seed, "relation", i)
	var typ, from, to, when, event string
	switch {
	case i < g.w.mets:
		c := g.eventCore(i)
		typ, from, to = "MET", personID(g.w.personOf(&r, c.host)), personID(g.w.personOf(&r, c.guest))
		when, event = strconv.Itoa(c.year), eventID(i, c.typ)
	case i < g.w.mets+g.w.alliances:
		x := i - g.w.mets
		typ, from, to = "ALLIED_WITH", countryID(2*x), countryID(2*x+1)
		when = strconv.Itoa(r.between(1950, 2020))
	default:
		j := i - g.w.mets - g.w.alliances
		typ, from, to = "COOPERATES_WITH", companyID(2*j), companyID(2*j+1)
	}
	it.b = append(it.b, "  - type: "...)
	it.b = append(it.b, typ...)
	it.b = append(it.b, '\n')
	it.raw("from", from)
	it.raw("to", to)
	if when != "" {
		it.str("date", when)
	}
	if event != "" {
		it.raw("event", event)
	}
	it.raw("confidence", confidence(&r))
	it.cites(citeFor(&r)...)
}

// samples fills the manifest's sample lists, all from the layout.
func (g *gen) samples() {
	s := &g.man.Samples
	w := g.w
	for k := 0; k < 16; k++ {
		r := stream(g.cfg.Seed, "sample", k)
		i := r.intn(w.weapons)
		s.Weapons = append(s.Weapons, weaponID(i))
		s.People = append(s.People, personID(r.intn(w.people)))
		// An alias as a user types it: lower case, spaced differently.
		s.Aliases = append(s.Aliases, strings.ToLower(fmt.Sprintf("%s %d", weaponCode(i), i+1)))
	}
	// Roots of the biggest families among the first blocks.
	type fam struct{ root, size int }
	var fams []fam
	for b := 0; b < min(64, (w.weapons+blockSize-1)/blockSize); b++ {
		counts := map[int]int{}
		for _, wp := range w.block(b).weapons {
			counts[wp.root]++
		}
		for root, n := range counts {
			fams = append(fams, fam{root, n})
		}
	}
	slices.SortFunc(fams, func(a, b fam) int {
		if a.size != b.size {
			return b.size - a.size
		}
		return a.root - b.root
	})
	for _, f := range fams[:min(8, len(fams))] {
		s.Wide = append(s.Wide, weaponID(f.root))
	}
	if w.wideFamily > 0 {
		s.WideFamily = weaponID(0) // block 0's first family
	}
	for x := 0; x < min(8, w.countries); x++ {
		s.Countries = append(s.Countries, countryID(x)) // producer() favours low numbers
	}
	idx := make([]int, len(categories))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return categories[b].weight - categories[a].weight })
	for _, i := range idx {
		s.Category = append(s.Category, categories[i].name)
	}
}
