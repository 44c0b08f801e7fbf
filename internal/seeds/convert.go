package seeds

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"armsgraph/internal/kg"
)

// sourceKind marks source ids in the index; sources are not entities.
const sourceKind kg.Kind = "SOURCE"

// DerivationKinds are the kinds of DERIVED_FROM the seeds may use.
var DerivationKinds = []string{"variant", "copy", "based-on", "replica", "modified", "export-rename", "closely-related", "licensed-production"}

// EstimableFields are the transfer fields its `estimated` list may name:
// figures a register gives as estimates (SIPRI brackets them).
var EstimableFields = []string{"ordered", "delivered", "from", "to", "quantity_ordered", "quantity_delivered", "tiv_unit", "tiv_order", "tiv_delivered"}

// pendingRef is a reference to check against the ids of the whole folder.
// Its field, for messages, is owner+suffix ("weapon/x" + ".origin"), built
// only when there is something to say.
type pendingRef struct {
	id            string
	kinds         []kg.Kind
	owner, suffix string
	line          int
	maxLine       int // for citations: the last document line the locator names
}

// The kinds references may name, shared by every reference.
var (
	onlySource       = []kg.Kind{sourceKind}
	onlyCountry      = []kg.Kind{kg.Country}
	onlyOrganization = []kg.Kind{kg.Organization}
	onlyPerson       = []kg.Kind{kg.Person}
	onlyWeapon       = []kg.Kind{kg.Weapon}
	onlyEvent        = []kg.Kind{kg.Event}
	onlyTransfer     = []kg.Kind{kg.Transfer}
	partyKinds       = []kg.Kind{kg.Country, kg.Organization}
	participantKinds = []kg.Kind{kg.Person, kg.Country, kg.Organization, kg.Weapon}
)

// fileCtx collects what one file yields: problems, references to check, and
// the nodes and relationships it describes.
type fileCtx struct {
	file     string
	problems Problems
	refs     []pendingRef
	nodes    []kg.Node
	rels     []kg.Rel
	derived  [][2]string // child, parent
	covers   [][2]string // aggregate transfer, record it covers
	curLine  int         // line of the item being converted

	// For validation (counting is set), nodes and relationships are not
	// built whole: relationships are only counted, and kept when their key
	// may repeat; compact moves nodes to defs after each item.
	counting  bool
	defs      []defined
	keyedRels []keyedRel
	relCounts []relCount
}

type relCount struct {
	t kg.RelType
	n int
}

func (c *fileCtx) countRel(t kg.RelType) {
	for i := range c.relCounts {
		if c.relCounts[i].t == t {
			c.relCounts[i].n++
			return
		}
	}
	c.relCounts = append(c.relCounts, relCount{t, 1})
}

// stringSet is a set of strings, kept as a slice while it is small.
type stringSet struct {
	list []string
	big  map[string]bool
}

// add adds s and tells whether it was new.
func (ss *stringSet) add(s string) bool {
	if ss.big != nil {
		if ss.big[s] {
			return false
		}
		ss.big[s] = true
		return true
	}
	if slices.Contains(ss.list, s) {
		return false
	}
	ss.list = append(ss.list, s)
	if len(ss.list) > 16 {
		ss.big = map[string]bool{}
		for _, x := range ss.list {
			ss.big[x] = true
		}
	}
	return true
}

// defined is a node as validation sees it.
type defined struct {
	id    string
	kind  kg.Kind // sourceKind for a source
	label string
	line  int
	doc   string // for a source: its document
}

// keyedRel is a relationship of a type whose key may repeat.
type keyedRel struct {
	typ      kg.RelType
	key      string
	from, to string
	line     int
}

// compact keeps of the item just converted only what validation needs
// across files, so a file's nodes and relationships are never all in memory.
func (c *fileCtx) compact(line int) {
	for _, n := range c.nodes {
		kind := n.Kind
		var doc string
		if kind == "" {
			kind = sourceKind
			doc, _ = n.Props[kg.PropDocument].(string)
		}
		c.defs = append(c.defs, defined{id: n.ID, kind: kind, label: n.Label(), line: line, doc: doc})
	}
	clear(c.nodes)
	c.nodes = c.nodes[:0]
}

func (c *fileCtx) fail(line int, format string, args ...any) {
	c.problems = append(c.problems, Problem{File: c.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (c *fileCtx) ref(line int, owner, suffix, id string, kinds []kg.Kind) {
	c.refs = append(c.refs, pendingRef{id: id, kinds: kinds, owner: owner, suffix: suffix, line: line})
}

func (c *fileCtx) date(line int, field, s string) kg.PartialDate {
	if s == "" {
		return kg.PartialDate{}
	}
	d, err := kg.ParsePartialDate(s)
	if err != nil {
		c.fail(line, "%s: %v", field, err)
	}
	return d
}

func (c *fileCtx) confidence(line int, field, s string, fallback kg.Confidence) kg.Confidence {
	if s == "" {
		if fallback == "" {
			c.fail(line, "%s is required: CONFIRMED, REPORTED, ALLEGED or DISPUTED", field)
		}
		return fallback
	}
	conf, err := kg.ParseConfidence(s)
	if err != nil {
		c.fail(line, "%s: %v", field, err)
		return fallback
	}
	return conf
}

// citations checks the citations of a field (owner+suffix) and converts them.
func (c *fileCtx) citations(line int, owner, suffix string, cs []citation, required bool) []kg.Citation {
	if len(cs) == 0 {
		if required {
			c.fail(line, "%s%s: at least one citation is required (source + at)", owner, suffix)
		}
		return nil
	}
	refSuffix := ".source"
	if suffix != "" {
		refSuffix = suffix + ".source"
	}
	var out []kg.Citation
	if !c.counting {
		out = make([]kg.Citation, 0, len(cs))
	}
	for _, ct := range cs {
		l := ct.line
		if l == 0 {
			l = line
		}
		if ct.Source == "" {
			c.fail(l, "%s%s: citation has no source", owner, suffix)
			continue
		}
		_, last, err := parseLocator(ct.At)
		if err != nil {
			c.fail(l, "%s%s: %v", owner, suffix, err)
		}
		c.refs = append(c.refs, pendingRef{id: ct.Source, kinds: onlySource, owner: owner, suffix: refSuffix, line: l, maxLine: last})
		var conf kg.Confidence
		if ct.Confidence != "" {
			conf = c.confidence(l, owner+suffix+".citations.confidence", ct.Confidence, "")
		}
		claims := c.claims(l, owner+suffix, ct.Claims)
		if !c.counting {
			out = append(out, kg.Citation{Source: ct.Source, Locator: ct.At, Note: strings.TrimSpace(ct.Note), Confidence: conf, Claims: claims})
		}
	}
	return out
}

// ClaimFields are the fields a citation's claims may name, with how their
// values are checked: "date" (a partial date), "number", "int" or "text".
var ClaimFields = map[string]string{
	"from": "date", "to": "date", "date": "date", "end_date": "date", "ordered": "date",
	"delivered": "date", "introduced": "date",
	"quantity_ordered": "int", "quantity_delivered": "int", "value_usd": "number", "range_km": "number", "range_km_min": "number",
	"quantity_unit": "text", "areas": "text", "status": "text", "location": "text", "title": "text",
	"restrictions": "text", "exemptions": "text", "kind": "text", "item": "text", "name": "text",
}

// claims checks what one citation says per field and converts it.
func (c *fileCtx) claims(line int, field string, cl claimList) []kg.Claim {
	if len(cl) == 0 {
		return nil
	}
	var out []kg.Claim
	var seen stringSet
	for _, cm := range cl {
		l := cm.line
		if l == 0 {
			l = line
		}
		check, known := ClaimFields[cm.field]
		if !known {
			names := make([]string, 0, len(ClaimFields))
			for k := range ClaimFields {
				names = append(names, k)
			}
			slices.Sort(names)
			c.fail(l, "%s.claims: unknown field %q%s; claims may name %s", field, cm.field, didYouMean(cm.field, names), strings.Join(names, ", "))
			continue
		}
		if !seen.add(cm.field) {
			c.fail(l, "%s.claims: %s is given twice", field, cm.field)
			continue
		}
		if strings.TrimSpace(cm.value) == "" {
			c.fail(l, "%s.claims.%s: empty value", field, cm.field)
			continue
		}
		if !cm.list {
			switch check {
			case "date":
				c.date(l, field+".claims."+cm.field, cm.value)
			case "int":
				if _, err := strconv.Atoi(cm.value); err != nil {
					c.fail(l, "%s.claims.%s: %q is not a whole number", field, cm.field, cm.value)
				}
			case "number":
				if _, err := strconv.ParseFloat(cm.value, 64); err != nil {
					c.fail(l, "%s.claims.%s: %q is not a number", field, cm.field, cm.value)
				}
			}
		} else if check != "text" {
			c.fail(l, "%s.claims.%s: give one value, not a list", field, cm.field)
		}
		if !c.counting {
			items := cm.items
			if len(items) == 0 { // a claim built without the decoder's items
				items = []string{cm.value}
			}
			out = append(out, kg.ListClaim(cm.field, items...))
		}
	}
	return out
}

// factConf is a fact's confidence from its own `confidence` field and what
// its citations say, by kg.OverallConfidence: a fact whose citations carry
// confidences takes the rule's result (and a `confidence` it gives must
// agree with it); otherwise the field, or fallback when the field is empty
// (a required field when fallback is empty).
func (c *fileCtx) factConf(line int, field, explicit string, cs []citation, fallback kg.Confidence) kg.Confidence {
	var own []kg.Confidence
	unmarked := false
	for _, ct := range cs {
		if ct.Confidence == "" {
			unmarked = true
			continue
		}
		if cf, err := kg.ParseConfidence(ct.Confidence); err == nil {
			own = append(own, cf)
		}
	}
	if len(own) == 0 {
		return c.confidence(line, field, explicit, fallback)
	}
	if explicit == "" {
		return kg.OverallConfidence(own)
	}
	conf := c.confidence(line, field, explicit, fallback)
	if unmarked {
		own = append(own, conf) // citations without their own take the fact's
	}
	if derived := kg.OverallConfidence(own); derived != conf && conf.Rank() != 0 {
		c.fail(line, "%s is %s but its citations give %s (strongest uncontested; DISPUTED when a source contradicts); drop the field or fix a citation's confidence", field, conf, derived)
	}
	return conf
}

func (c *fileCtx) checkID(line int, id string, kind kg.Kind) bool {
	prefix := kg.SourcePrefix
	if kind != sourceKind {
		prefix = kind.Prefix()
	}
	if err := kg.CheckID(id, prefix); err != nil {
		c.fail(line, "%v", err)
		return false
	}
	return true
}

// entity builds the node all entity kinds share and checks the common fields.
func (c *fileCtx) entity(line int, kind kg.Kind, e common) (kg.Node, bool) {
	ok := c.checkID(line, e.ID, kind)
	if strings.TrimSpace(e.Name) == "" {
		c.fail(line, "%s: name is required", e.ID)
		ok = false
	}
	n := kg.Node{
		ID: e.ID, Kind: kind, Name: strings.TrimSpace(e.Name), Aliases: e.Aliases,
		Description: strings.TrimSpace(e.Description),
		Citations:   c.citations(line, e.ID, "", e.Citations, true),
	}
	if !c.counting {
		n.Props = map[string]any{}
	}
	return n, ok
}

// rel appends a relationship; disc tells apart several of one type between the same pair.
func (c *fileCtx) rel(t kg.RelType, from, to, disc string, conf kg.Confidence, cites []kg.Citation, props map[string]any) {
	if c.counting {
		c.countRel(t)
		// Only these types can repeat a key (two positions with the same
		// title and start, two identical relations); the others are
		// unique by construction, so the check stays small at any size.
		if t != kg.HoldsPosition && !slices.Contains(kg.GenericRelTypes, t) {
			return
		}
	}
	key := string(t) + "|" + from + "|" + to
	if disc != "" {
		key += "|" + disc
	}
	if c.counting {
		c.keyedRels = append(c.keyedRels, keyedRel{t, key, from, to, c.curLine})
		return
	}
	if props == nil {
		props = map[string]any{}
	}
	c.rels = append(c.rels, kg.Rel{Type: t, From: from, To: to, Key: key, Confidence: conf, Citations: cites, Props: props})
}

// refRels turns a list of refs into relationships, each with the entity's
// confidence and citations unless the ref gives its own.
func (c *fileCtx) refRels(owner string, field string, refs []ref, kinds []kg.Kind, conf kg.Confidence, cites []kg.Citation, build func(r ref, conf kg.Confidence, cites []kg.Citation)) {
	var seen stringSet
	suffix := "." + field
	for _, r := range refs {
		if r.ID == "" {
			c.fail(r.line, "%s.%s: empty id", owner, field)
			continue
		}
		if !seen.add(r.ID) {
			c.fail(r.line, "%s.%s: %s is listed twice", owner, field, r.ID)
			continue
		}
		c.ref(r.line, owner, suffix, r.ID, kinds)
		rc, rcites := conf, cites
		if r.Confidence != "" || len(r.Citations) > 0 {
			rc = c.factConf(r.line, owner+"."+field+".confidence", r.Confidence, r.Citations, conf)
		}
		if len(r.Citations) > 0 {
			rcites = c.citations(r.line, owner, suffix, r.Citations, false)
		}
		build(r, rc, rcites)
	}
}

func setIf(props map[string]any, key string, v any) {
	if props == nil {
		return // counting
	}
	switch x := v.(type) {
	case string:
		if x != "" {
			props[key] = x
		}
	case []string:
		if len(x) > 0 {
			props[key] = x
		}
	case bool:
		if x {
			props[key] = x
		}
	case *float64:
		if x != nil {
			props[key] = *x
		}
	case *int:
		if x != nil {
			props[key] = int64(*x)
		}
	default:
		panic(fmt.Sprintf("setIf: unsupported %T", v))
	}
}

// setDate sets a date property when the date is known.
func setDate(props map[string]any, key string, d kg.PartialDate) {
	if props == nil {
		return // counting
	}
	setIf(props, key, d.String())
}

// setSpan records the days a dated item covers, for index-backed date filters.
func setSpan(props map[string]any, from, to kg.PartialDate) {
	if props == nil {
		return // counting
	}
	if from.IsZero() {
		from = to
	}
	if to.IsZero() {
		to = from
	}
	if from.IsZero() {
		return
	}
	props[kg.PropSpanFrom] = from.First()
	props[kg.PropSpanTo] = to.Last()
}

// setPeriod records the days a period covers; an open end stays open
// (kg.OpenStart, kg.OpenEnd), so overlap filters treat it as unbounded.
func setPeriod(props map[string]any, p kg.Period) {
	if props == nil {
		return // counting
	}
	if from, to, ok := p.Span(); ok {
		props[kg.PropSpanFrom] = from
		props[kg.PropSpanTo] = to
	}
}
