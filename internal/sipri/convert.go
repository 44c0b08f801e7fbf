package sipri

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"gopkg.in/yaml.v3"

	"armsgraph/internal/kg"
)

// Options name the release being imported and what it joins to.
type Options struct {
	Release string // the database's release, e.g. "2024": it names the source
	Base    *Base  // the folder whose countries and weapons rows resolve to; nil for none
}

// Result is a converted register: the files of its seed folder and the report.
type Result struct {
	Files  map[string][]byte // path inside the folder → content
	Report Report
}

// DocumentPath is where the folder keeps the register itself, so every
// citation's "line N" can be checked and read.
func DocumentPath(release string) string {
	return "documents/sipri-trade-register-" + release + ".csv"
}

// SourceID is the id of the source the deals cite. It stays the same from
// release to release, so that a deal whose row has not moved is unchanged
// by the next import; the source's title and document name the release.
func SourceID() string { return "source/sipri-atd" }

// converter holds what one conversion builds.
type converter struct {
	opts      Options
	source    string
	base      *Base
	own       map[kg.Kind]map[string]string // name key → id, for what this import creates
	taken     map[string]bool               // ids in use (base and created)
	countries []*countryOut
	weapons   []*weaponOut
	weaponAt  map[string]*weaponOut
	transfers []*transferOut
	ids       map[string]int // transfer ids handed out, for disambiguation
	report    Report
	seenName  map[string]bool
}

// Convert turns a register into a seed folder.
func Convert(reg *Register, opts Options) (*Result, error) {
	if opts.Release == "" {
		return nil, fmt.Errorf("convert register: a release (e.g. 2024) is required")
	}
	if _, err := kg.ParsePartialDate(opts.Release); err != nil {
		return nil, fmt.Errorf("convert register: release %q is not a year: %v", opts.Release, err)
	}
	base := opts.Base
	if base == nil {
		base = NewBase(nil, nil)
	}
	c := &converter{opts: opts, source: SourceID(), base: base,
		own: map[kg.Kind]map[string]string{kg.Country: {}, kg.Weapon: {}}, taken: map[string]bool{},
		weaponAt: map[string]*weaponOut{}, ids: map[string]int{}, seenName: map[string]bool{}}
	for id := range base.ids {
		c.taken[id] = true
	}
	c.report.Rows = len(reg.Rows)
	c.report.Encoding = reg.Encoding
	for i := range reg.Rows {
		if err := c.row(&reg.Rows[i]); err != nil {
			return nil, err
		}
	}
	return c.files(reg)
}

func (c *converter) cite(r *Row) citationOut {
	at := "line " + strconv.Itoa(r.Line)
	if r.EndLine > r.Line {
		at = fmt.Sprintf("lines %d-%d", r.Line, r.EndLine)
	}
	return citationOut{Source: c.source, At: at}
}

// unknownParty is how the register names a supplier or recipient it could
// not identify; such rows have no country to join to and are skipped.
func unknownParty(name string) bool {
	return strings.HasPrefix(strings.ToLower(name), "unknown")
}

func (c *converter) row(r *Row) error {
	for _, party := range []struct{ role, name string }{{"supplier", r.Supplier}, {"recipient", r.Recipient}} {
		if unknownParty(party.name) {
			c.report.Skipped = append(c.report.Skipped, fmt.Sprintf("line %d: %s → %s: the register does not identify the %s", r.Line, r.Supplier, r.Recipient, party.role))
			return nil
		}
	}
	supplier, err := c.country(r.Supplier, r)
	if err != nil {
		return err
	}
	recipient, err := c.country(r.Recipient, r)
	if err != nil {
		return err
	}
	weapon := c.weapon(r.Designation, r.Description, r)
	t := &transferOut{
		ID:         c.transferID(r),
		Name:       transferName(r),
		Supplier:   supplier,
		Recipient:  recipient,
		Weapon:     weapon,
		Status:     dealStatus(r),
		Confidence: string(confidence(r)),
		Citations:  []citationOut{c.cite(r)},
	}
	if weapon == "" {
		t.Item = r.Designation
	}
	var est []string
	setInt := func(field string, v Value, dst **int) {
		if v.Known {
			n := int(math.Round(v.N))
			*dst = &n
			if v.Estimated {
				est = append(est, field)
			}
		}
	}
	setFloat := func(field string, v Value, dst **float64) {
		if v.Known {
			n := v.N
			*dst = &n
			if v.Estimated {
				est = append(est, field)
			}
		}
	}
	if r.OrderYear.Known {
		t.Ordered = strconv.Itoa(int(r.OrderYear.N))
		if r.OrderYear.Estimated {
			est = append(est, "ordered")
		}
	}
	if n := len(r.DeliveryYears); n > 0 {
		first, last := r.DeliveryYears[0], r.DeliveryYears[n-1]
		t.Delivered = strconv.Itoa(last.Year)
		if last.Estimated {
			est = append(est, "delivered")
		}
		if n > 1 {
			t.From, t.To = strconv.Itoa(first.Year), strconv.Itoa(last.Year)
			if first.Estimated {
				est = append(est, "from")
			}
			if last.Estimated {
				est = append(est, "to")
			}
		}
		if n > 1 && last.Year-first.Year+1 != n || slices.ContainsFunc(r.DeliveryYears[:n-1], func(y Year) bool { return y.Estimated }) {
			t.Citations[0].Note = "deliveries in " + yearList(r.DeliveryYears)
		}
	}
	setInt("quantity_ordered", r.Ordered, &t.QuantityOrdered)
	setInt("quantity_delivered", r.Delivered, &t.QuantityDelivered)
	setFloat("tiv_unit", r.TIVUnit, &t.TIVUnit)
	setFloat("tiv_order", r.TIVOrder, &t.TIVOrder)
	setFloat("tiv_delivered", r.TIVDelivered, &t.TIVDelivered)
	t.Estimated = est
	c.transfers = append(c.transfers, t)
	if r.Licensed {
		c.licensed(r, weapon)
	}
	return nil
}

// yearList writes years back as the register would, brackets and all.
func yearList(ys []Year) string {
	parts := make([]string, len(ys))
	for i, y := range ys {
		parts[i] = strconv.Itoa(y.Year)
		if y.Estimated {
			parts[i] = "(" + parts[i] + ")"
		}
	}
	return strings.Join(parts, ", ")
}

func transferName(r *Row) string {
	s := fmt.Sprintf("%s from %s to %s", r.Designation, r.Supplier, r.Recipient)
	if r.Licensed {
		s = fmt.Sprintf("%s produced by %s under licence from %s", r.Designation, r.Recipient, r.Supplier)
	}
	if r.OrderYear.Known {
		s += fmt.Sprintf(" (ordered %d)", int(r.OrderYear.N))
	}
	return s
}

// dealStatus is the seeds' status of a deal from what the register gives.
func dealStatus(r *Row) string {
	delivered := len(r.DeliveryYears) > 0 || (r.Delivered.Known && r.Delivered.N > 0)
	switch {
	case r.Licensed:
		return "licensed-production"
	case !delivered:
		return "ordered"
	case r.Ordered.Known && r.Delivered.Known && r.Delivered.N < r.Ordered.N:
		return "partial"
	}
	return "delivered"
}

// unconfirmed finds the register's own doubt about a deal in its comments.
var unconfirmed = regexp.MustCompile(`(?i)\bunconfirmed\b`)

// confidence is the rule docs/sipri-import.md states: SIPRI lists a deal
// only once an order or a delivery is verified, but the database compiles
// what others published, so a deal is REPORTED; a deal its comments call
// unconfirmed is ALLEGED. Brackets mark uncertain figures, not doubt about
// the deal, so they do not lower it.
func confidence(r *Row) kg.Confidence {
	if unconfirmed.MatchString(r.Comments) {
		return kg.Alleged
	}
	return kg.Reported
}

// transferID is deterministic: supplier, recipient, designation and order
// year as the register spells them, with -2, -3 … for a second and third row
// sharing them (in the register's order).
func (c *converter) transferID(r *Row) string {
	year := "undated"
	if r.OrderYear.Known {
		year = strconv.Itoa(int(r.OrderYear.N))
	}
	id := "transfer/sipri-" + slug(r.Supplier) + "-" + slug(r.Recipient) + "-" + slug(r.Designation) + "-" + year
	if r.Licensed {
		id = "transfer/sipri-licence-" + id[len("transfer/sipri-"):]
	}
	c.ids[id]++
	if n := c.ids[id]; n > 1 {
		id += "-" + strconv.Itoa(n)
	}
	return id
}

// country resolves a country name, creating the country when nothing matches.
func (c *converter) country(name string, r *Row) (string, error) {
	key := kg.NameKey(name)
	if id, ok := c.own[kg.Country][key]; ok {
		return id, nil
	}
	switch ids := c.base.lookup(kg.Country, key); len(ids) {
	case 1:
		c.matched(kg.Country, name, ids[0])
		return ids[0], nil
	case 0:
	default:
		return "", fmt.Errorf("line %d: country %q matches %s in the base folder; give one of them the name and drop the alias from the others", r.Line, name, strings.Join(ids, ", "))
	}
	id := c.newID("country/", name)
	c.own[kg.Country][key] = id
	c.countries = append(c.countries, &countryOut{ID: id, Name: name, Citations: []citationOut{c.cite(r)}})
	c.report.Created = append(c.report.Created, Name{Kind: "country", Name: name, IDs: []string{id}})
	return id, nil
}

func (c *converter) matched(kind kg.Kind, name, id string) {
	k := string(kind) + "|" + name
	if !c.seenName[k] {
		c.seenName[k] = true
		c.report.Matched = append(c.report.Matched, Name{Kind: strings.ToLower(string(kind)), Name: name, IDs: []string{id}})
	}
}

// designationParts splits a designation the register gives with its other
// names ("C-802/CSS-N-8").
func designationParts(d string) []string {
	var out []string
	for _, p := range strings.Split(d, "/") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// weapon resolves a designation: the whole of it, else each of its parts.
// A designation whose parts name different weapons is ambiguous and stays
// free text (the transfer's item); one naming nothing becomes a weapon.
func (c *converter) weapon(designation, description string, r *Row) string {
	keys := []string{kg.NameKey(designation)}
	parts := designationParts(designation)
	for _, p := range parts {
		keys = append(keys, kg.NameKey(p))
	}
	for _, k := range keys {
		if id, ok := c.own[kg.Weapon][k]; ok {
			return id
		}
	}
	if ids := c.base.lookup(kg.Weapon, keys[0]); len(ids) == 1 {
		c.matched(kg.Weapon, designation, ids[0])
		return ids[0]
	}
	var found []string
	for _, k := range keys {
		for _, id := range c.base.lookup(kg.Weapon, k) {
			if !slices.Contains(found, id) {
				found = append(found, id)
			}
		}
	}
	switch len(found) {
	case 1:
		c.matched(kg.Weapon, designation, found[0])
		return found[0]
	case 0:
	default:
		if !c.seenName["ambiguous|"+designation] {
			c.seenName["ambiguous|"+designation] = true
			slices.Sort(found)
			c.report.Ambiguous = append(c.report.Ambiguous, Name{Kind: "weapon", Name: designation, IDs: found})
		}
		return ""
	}
	name := designation
	if len(parts) > 0 {
		name = parts[0]
	}
	id := c.newID("weapon/", name)
	w := &weaponOut{ID: id, Name: name, Category: category(description), Citations: []citationOut{c.cite(r)}}
	if len(parts) > 1 {
		w.Aliases = parts[1:]
	}
	for _, k := range keys {
		if k != "" {
			c.own[kg.Weapon][k] = id
		}
	}
	c.weapons = append(c.weapons, w)
	c.weaponAt[id] = w
	c.report.Created = append(c.report.Created, Name{Kind: "weapon", Name: designation, IDs: []string{id}})
	return id
}

// The register names the design a licence covers in a deal's comments in
// one of two ways (docs/sipri-import.md): the local product's name
// ("Iranian designation Noor": the row's designation is the licensed design),
// or the licensed design itself ("version of C-802": the row's designation is
// the local product).
var (
	localDesignation = regexp.MustCompile(`(?i)\b(?:[a-z]+ )?designation:? +([^;,()]+?) *(?:[;,()]|$)`)
	versionOf        = regexp.MustCompile(`(?i)\b(?:licensed |local )?version of +([^;,()]+?) *(?:[;,()]|$)`)
)

// licensed records the derivation a licensed-production deal names.
func (c *converter) licensed(r *Row, weapon string) {
	if weapon == "" {
		return
	}
	var child, parent string
	if m := localDesignation.FindStringSubmatch(r.Comments); m != nil {
		parent, child = weapon, c.weapon(m[1], r.Description, r)
	} else if m := versionOf.FindStringSubmatch(r.Comments); m != nil {
		child, parent = weapon, c.weapon(m[1], r.Description, r)
	}
	if child == "" || parent == "" || child == parent {
		return
	}
	what := child + " ← " + parent
	if kind, ok := c.base.derived[[2]string{child, parent}]; ok {
		c.report.Derivations = append(c.report.Derivations, fmt.Sprintf("line %d: %s already in the base folder (%s)", r.Line, what, kind))
		return
	}
	w := c.weaponAt[child]
	if w == nil {
		c.report.Derivations = append(c.report.Derivations, fmt.Sprintf("line %d: %s not recorded: %s belongs to the base folder (add the derivation there)", r.Line, what, child))
		return
	}
	if slices.ContainsFunc(w.DerivedFrom, func(d derivationOut) bool { return d.Parent == parent }) {
		return
	}
	w.DerivedFrom = append(w.DerivedFrom, derivationOut{Parent: parent, Kind: "licensed-production", Confidence: string(confidence(r)), Citations: []citationOut{c.cite(r)}})
	c.report.Derivations = append(c.report.Derivations, fmt.Sprintf("line %d: %s recorded (licensed-production)", r.Line, what))
}

// newID makes an id for a new entity that no base or created entity holds.
func (c *converter) newID(prefix, name string) string {
	id := prefix + slug(name)
	for n := 2; c.taken[id]; n++ {
		id = prefix + slug(name) + "-" + strconv.Itoa(n)
	}
	c.taken[id] = true
	return id
}

// category is a weapon category in the seeds' spelling, from the
// register's weapon description ("Anti-ship missile" → anti-ship-missile).
func category(description string) string {
	if s := slug(description); s != "x" {
		return s
	}
	return "unspecified"
}

// slug is a name in id spelling: lower-case ASCII letters and digits, words
// joined by single dashes, accents dropped; "x" when nothing is left.
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		default:
			dash = true
		}
	}
	if b.Len() == 0 {
		return "x"
	}
	return b.String()
}

// The items written, in the seeds format's field order.
type citationOut struct {
	Source string `yaml:"source"`
	At     string `yaml:"at"`
	Note   string `yaml:"note,omitempty"`
}

type sourceOut struct {
	ID        string `yaml:"id"`
	Document  string `yaml:"document"`
	Title     string `yaml:"title"`
	Publisher string `yaml:"publisher"`
	Published string `yaml:"published"`
	Note      string `yaml:"note,omitempty"`
}

type countryOut struct {
	ID        string        `yaml:"id"`
	Name      string        `yaml:"name"`
	Citations []citationOut `yaml:"citations"`
}

type derivationOut struct {
	Parent     string        `yaml:"parent"`
	Kind       string        `yaml:"kind"`
	Confidence string        `yaml:"confidence"`
	Citations  []citationOut `yaml:"citations"`
}

type weaponOut struct {
	ID          string          `yaml:"id"`
	Name        string          `yaml:"name"`
	Aliases     []string        `yaml:"aliases,omitempty"`
	Category    string          `yaml:"category"`
	Confidence  string          `yaml:"confidence"`
	Citations   []citationOut   `yaml:"citations"`
	DerivedFrom []derivationOut `yaml:"derived_from,omitempty"`
}

type transferOut struct {
	ID                string        `yaml:"id"`
	Name              string        `yaml:"name"`
	Supplier          string        `yaml:"supplier"`
	Recipient         string        `yaml:"recipient"`
	Weapon            string        `yaml:"weapon,omitempty"`
	Item              string        `yaml:"item,omitempty"`
	QuantityOrdered   *int          `yaml:"quantity_ordered,omitempty"`
	QuantityDelivered *int          `yaml:"quantity_delivered,omitempty"`
	Ordered           string        `yaml:"ordered,omitempty"`
	Delivered         string        `yaml:"delivered,omitempty"`
	From              string        `yaml:"from,omitempty"`
	To                string        `yaml:"to,omitempty"`
	TIVUnit           *float64      `yaml:"tiv_unit,omitempty"`
	TIVOrder          *float64      `yaml:"tiv_order,omitempty"`
	TIVDelivered      *float64      `yaml:"tiv_delivered,omitempty"`
	Estimated         []string      `yaml:"estimated,omitempty,flow"`
	Status            string        `yaml:"status"`
	Confidence        string        `yaml:"confidence"`
	Citations         []citationOut `yaml:"citations"`
}

// perFile is the most items one file holds: the validator and the ingester
// read the files of a folder in parallel.
const perFile = 5000

func anys[T any](items []T) []any {
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = it
	}
	return out
}

// encode writes one file of a kind. Each item is encoded on its own and
// indented under the kind's key: yaml.v3 encodes a long list in time that
// grows with the square of its length.
func (c *converter) encode(kind string, items []any) ([]byte, error) {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# Imported from the SIPRI trade register, release %s, by `armsgraph import sipri`.\n# Regenerate it instead of editing it: the next import replaces this file.\n%s:\n", c.opts.Release, kind)
	var item bytes.Buffer
	for _, it := range items {
		item.Reset()
		enc := yaml.NewEncoder(&item)
		enc.SetIndent(2)
		if err := enc.Encode([]any{it}); err != nil {
			return nil, err
		}
		if err := enc.Close(); err != nil {
			return nil, err
		}
		for line := range bytes.Lines(item.Bytes()) {
			buf.WriteString("  ")
			buf.Write(line)
		}
	}
	return buf.Bytes(), nil
}

// files writes the folder: the source, what was created, the deals, and the
// register itself (as UTF-8, line for line) for the citations to point into.
func (c *converter) files(reg *Register) (*Result, error) {
	for _, w := range c.weapons {
		w.Confidence = string(kg.Reported)
	}
	src := sourceOut{ID: c.source, Document: DocumentPath(c.opts.Release),
		Title: "SIPRI Arms Transfers Database, " + c.opts.Release, Publisher: "Stockholm International Peace Research Institute (SIPRI)",
		Published: c.opts.Release, Note: "trade register; each deal cites its row; TIV figures are SIPRI trend-indicator values, not prices"}
	out := &Result{Files: map[string][]byte{DocumentPath(c.opts.Release): reg.Text}, Report: c.report}
	for _, f := range []struct {
		kind  string
		items []any
	}{
		{"sources", []any{src}},
		{"countries", anys(c.countries)},
		{"weapons", anys(c.weapons)},
		{"transfers", anys(c.transfers)},
	} {
		for part := 0; part*perFile < len(f.items); part++ {
			name := f.kind + ".yaml"
			if len(f.items) > perFile {
				name = fmt.Sprintf("%s-%04d.yaml", f.kind, part+1)
			}
			data, err := c.encode(f.kind, f.items[part*perFile:min(len(f.items), (part+1)*perFile)])
			if err != nil {
				return nil, fmt.Errorf("write %s: %w", name, err)
			}
			out.Files[name] = data
		}
	}
	out.Report.Transfers = len(c.transfers)
	return out, nil
}
