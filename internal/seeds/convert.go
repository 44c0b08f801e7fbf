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
var DerivationKinds = []string{"variant", "copy", "based-on", "replica", "modified", "export-rename", "closely-related"}

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
			doc, _ = n.Props["document"].(string)
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
	"quantity_ordered": "int", "quantity_delivered": "int", "value_usd": "number", "range_km": "number",
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
			out = append(out, kg.Claim{Field: cm.field, Value: cm.value})
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
	props["spanFrom"] = from.First()
	props["spanTo"] = to.Last()
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

// convert turns one decoded item into nodes and relationships, checking it as it goes.
func (c *fileCtx) convert(key string, item any, line int) {
	switch it := item.(type) {
	case *sourceItem:
		if !c.checkID(line, it.ID, sourceKind) {
			return
		}
		if it.Document == "" || it.Title == "" {
			c.fail(line, "%s: document and title are required", it.ID)
		}
		published := c.date(line, it.ID+".published", it.Published)
		props := map[string]any{}
		setIf(props, "document", it.Document)
		setIf(props, "title", it.Title)
		setIf(props, "author", it.Author)
		setIf(props, "publisher", it.Publisher)
		setDate(props, "published", published)
		setIf(props, "publishedInferred", it.PublishedInferred)
		setIf(props, "note", it.Note)
		c.nodes = append(c.nodes, kg.Node{ID: it.ID, Name: it.Title, Props: props})

	case *countryItem:
		if n, ok := c.entity(line, kg.Country, it.common); ok {
			c.nodes = append(c.nodes, n)
		}

	case *organizationItem:
		n, ok := c.entity(line, kg.Organization, it.common)
		if !ok {
			return
		}
		setIf(n.Props, "type", it.Type)
		c.nodes = append(c.nodes, n)
		switch {
		case it.Parent != "":
			c.ref(line, it.ID, ".parent", it.Parent, onlyOrganization)
			c.rel(kg.PartOf, it.ID, it.Parent, "", kg.Confirmed, n.Citations, nil)
		case it.Country != "":
			c.ref(line, it.ID, ".country", it.Country, onlyCountry)
			c.rel(kg.PartOf, it.ID, it.Country, "", kg.Confirmed, n.Citations, nil)
		}
		if it.Parent != "" && it.Country != "" {
			// The country of an organization with a parent is kept for the API's Organization.country.
			c.ref(line, it.ID, ".country", it.Country, onlyCountry)
			if n.Props != nil {
				n.Props["country"] = it.Country
			}
		}

	case *personItem:
		n, ok := c.entity(line, kg.Person, it.common)
		if !ok {
			return
		}
		c.nodes = append(c.nodes, n)
		conf := c.factConf(line, it.ID+".confidence", it.Confidence, it.Citations, kg.Confirmed)
		if it.Country != "" {
			c.ref(line, it.ID, ".country", it.Country, onlyCountry)
			c.rel(kg.NationalOf, it.ID, it.Country, "", conf, n.Citations, nil)
		}
		for i, p := range it.Positions {
			c.position(it.ID, i, p, n.Citations)
		}

	case *weaponItem:
		n, ok := c.entity(line, kg.Weapon, it.common)
		if !ok {
			return
		}
		if it.Category == "" {
			c.fail(line, "%s: category is required (e.g. anti-ship-missile)", it.ID)
		}
		setIf(n.Props, "category", it.Category)
		setIf(n.Props, "rangeKm", it.RangeKm)
		setDate(n.Props, "introduced", c.date(line, it.ID+".introduced", it.Introduced))
		c.nodes = append(c.nodes, n)
		conf := c.factConf(line, it.ID+".confidence", it.Confidence, it.Citations, kg.Confirmed)
		if it.Origin != "" {
			c.ref(line, it.ID, ".origin", it.Origin, onlyCountry)
			c.rel(kg.OriginatesFrom, it.ID, it.Origin, "", conf, n.Citations, nil)
		}
		if it.Manufacturer != "" {
			c.ref(line, it.ID, ".manufacturer", it.Manufacturer, onlyOrganization)
			c.rel(kg.ManufacturedBy, it.ID, it.Manufacturer, "", conf, n.Citations, nil)
		}
		c.refRels(it.ID, "produced_with", it.ProducedWith, onlyOrganization, conf, n.Citations, func(r ref, rc kg.Confidence, rcites []kg.Citation) {
			c.rel(kg.ProducedWith, it.ID, r.ID, "", rc, rcites, c.noteProps(r.Note))
		})
		var seen stringSet
		for _, d := range it.DerivedFrom {
			field := it.ID + ".derived_from"
			if d.Parent == "" {
				c.fail(d.line, "%s: parent is required", field)
				continue
			}
			if d.Parent == it.ID {
				c.fail(d.line, "%s: a weapon cannot derive from itself", field)
				continue
			}
			if !seen.add(d.Parent) {
				c.fail(d.line, "%s: %s is listed twice", field, d.Parent)
				continue
			}
			if !slices.Contains(DerivationKinds, d.Kind) {
				c.fail(d.line, "%s: kind %q is not one of %s%s", field, d.Kind, strings.Join(DerivationKinds, ", "), didYouMean(d.Kind, DerivationKinds))
			}
			c.ref(d.line, it.ID, ".derived_from", d.Parent, onlyWeapon)
			dc := c.factConf(d.line, field+".confidence", d.Confidence, d.Citations, "")
			cites := c.citations(d.line, it.ID, ".derived_from", d.Citations, true)
			var props map[string]any
			if !c.counting {
				props = map[string]any{"kind": d.Kind}
				setIf(props, "note", strings.TrimSpace(d.Note))
			}
			c.rel(kg.DerivedFrom, it.ID, d.Parent, "", dc, cites, props)
			c.derived = append(c.derived, [2]string{it.ID, d.Parent})
		}

	case *agreementItem:
		n, ok := c.entity(line, kg.Agreement, it.common)
		if !ok {
			return
		}
		date := c.date(line, it.ID+".date", it.Date)
		conf := c.factConf(line, it.ID+".confidence", it.Confidence, it.Citations, "")
		if it.Status == "" {
			c.fail(line, "%s: status is required (signed, announced, agreed …)", it.ID)
		}
		setDate(n.Props, "date", date)
		setIf(n.Props, "dateInferred", it.DateInferred)
		setIf(n.Props, "areas", it.Areas)
		setIf(n.Props, "status", it.Status)
		setIf(n.Props, "confidence", string(conf))
		setIf(n.Props, "location", it.Location)
		setSpan(n.Props, date, date)
		c.nodes = append(c.nodes, n)
		c.refRels(it.ID, "parties", it.Parties, partyKinds, conf, n.Citations, func(r ref, rc kg.Confidence, rcites []kg.Citation) {
			c.rel(kg.PartyTo, r.ID, it.ID, "", rc, rcites, c.noteProps(r.Note))
		})
		c.refRels(it.ID, "signatories", it.Signatories, onlyPerson, conf, n.Citations, func(r ref, rc kg.Confidence, rcites []kg.Citation) {
			c.rel(kg.Signed, r.ID, it.ID, "", rc, rcites, c.noteProps(r.Note))
		})
		if it.Country != "" {
			c.ref(line, it.ID, ".country", it.Country, onlyCountry)
			c.rel(kg.LocatedIn, it.ID, it.Country, "", conf, n.Citations, nil)
		}

	case *transferItem:
		n, ok := c.entity(line, kg.Transfer, it.common)
		if !ok {
			return
		}
		ordered := c.date(line, it.ID+".ordered", it.Ordered)
		delivered := c.date(line, it.ID+".delivered", it.Delivered)
		if !ordered.IsZero() && !delivered.IsZero() && delivered.Last() < ordered.First() {
			c.fail(line, "%s: delivered %s is before ordered %s", it.ID, delivered, ordered)
		}
		conf := c.factConf(line, it.ID+".confidence", it.Confidence, it.Citations, "")
		if it.Status == "" {
			c.fail(line, "%s: status is required (ordered, delivered, partial, frozen, cancelled, unconfirmed …)", it.ID)
		}
		if it.Supplier == "" || it.Recipient == "" {
			c.fail(line, "%s: supplier and recipient are required", it.ID)
		}
		if it.Weapon == "" && it.Item == "" {
			c.fail(line, "%s: give the weapon id or, when no weapon entity fits, item", it.ID)
		}
		for _, q := range []struct {
			name string
			v    *int
		}{{"quantity_ordered", it.QuantityOrdered}, {"quantity_delivered", it.QuantityDelivered}} {
			if q.v != nil && *q.v < 0 {
				c.fail(line, "%s: %s must not be negative", it.ID, q.name)
			}
		}
		setIf(n.Props, "item", it.Item)
		setIf(n.Props, "quantityOrdered", it.QuantityOrdered)
		setIf(n.Props, "quantityDelivered", it.QuantityDelivered)
		setIf(n.Props, "quantityUnit", it.QuantityUnit)
		setDate(n.Props, "ordered", ordered)
		setDate(n.Props, "delivered", delivered)
		setIf(n.Props, "dateInferred", it.DateInferred)
		setIf(n.Props, kg.PropValueUSD, it.ValueUSD)
		setIf(n.Props, kg.PropValueEstimated, it.ValueEstimated)
		setIf(n.Props, "status", it.Status)
		setIf(n.Props, "confidence", string(conf))
		period := kg.Period{From: c.date(line, it.ID+".from", it.From), To: c.date(line, it.ID+".to", it.To)}
		if err := period.Check(); err != nil {
			c.fail(line, "%s: %v", it.ID, err)
		}
		setDate(n.Props, kg.PropFrom, period.From)
		setDate(n.Props, kg.PropTo, period.To)
		setIf(n.Props, kg.PropAggregate, it.Aggregate)
		setDate(n.Props, "reported", c.date(line, it.ID+".reported", it.Reported))
		setIf(n.Props, "type", it.Type)
		if it.ValueEstimated && it.ValueUSD == nil {
			c.fail(line, "%s: value_estimated without value_usd", it.ID)
		}
		if len(it.Covers) > 0 && !it.Aggregate {
			c.fail(line, "%s: covers is for aggregate records; set aggregate: true or drop covers", it.ID)
		}
		var covered stringSet
		for _, id := range it.Covers {
			if id == it.ID {
				c.fail(line, "%s.covers: a record cannot cover itself", it.ID)
				continue
			}
			if !covered.add(id) {
				c.fail(line, "%s.covers: %s is listed twice", it.ID, id)
				continue
			}
			c.ref(line, it.ID, ".covers", id, onlyTransfer)
			c.covers = append(c.covers, [2]string{it.ID, id})
		}
		setIf(n.Props, kg.PropCovers, it.Covers)
		if period.IsZero() {
			setSpan(n.Props, ordered, delivered)
		} else {
			// A period widens to the order and delivery dates; an end the
			// sources leave open stays open.
			if !ordered.IsZero() && (period.From.IsZero() || ordered.First() < period.From.First()) {
				period.From = ordered
			}
			if !delivered.IsZero() && (period.To.IsZero() || delivered.Last() > period.To.Last()) {
				period.To = delivered
			}
			setPeriod(n.Props, period)
		}
		c.nodes = append(c.nodes, n)
		for _, e := range []struct {
			t      kg.RelType
			suffix string
			id     string
			kinds  []kg.Kind
		}{
			{kg.Supplier, ".supplier", it.Supplier, onlyCountry},
			{kg.SupplierOrganization, ".supplier_organization", it.SupplierOrganization, onlyOrganization},
			{kg.Recipient, ".recipient", it.Recipient, onlyCountry},
			{kg.Item, ".weapon", it.Weapon, onlyWeapon},
		} {
			if e.id != "" {
				c.ref(line, it.ID, e.suffix, e.id, e.kinds)
				c.rel(e.t, it.ID, e.id, "", conf, n.Citations, nil)
			}
		}

	case *eventItem:
		n, ok := c.entity(line, kg.Event, it.common)
		if !ok {
			return
		}
		date := c.date(line, it.ID+".date", it.Date)
		end := c.date(line, it.ID+".end_date", it.EndDate)
		if !end.IsZero() && !date.IsZero() && end.Last() < date.First() {
			c.fail(line, "%s: end_date %s is before date %s", it.ID, end, date)
		}
		conf := c.factConf(line, it.ID+".confidence", it.Confidence, it.Citations, "")
		if it.Type == "" {
			c.fail(line, "%s: type is required (visit, meeting, exercise, port-call, test …)", it.ID)
		}
		setIf(n.Props, "type", it.Type)
		setDate(n.Props, "date", date)
		setDate(n.Props, "endDate", end)
		setIf(n.Props, "dateInferred", it.DateInferred)
		setIf(n.Props, "status", it.Status)
		setIf(n.Props, "location", it.Location)
		setIf(n.Props, "confidence", string(conf))
		setSpan(n.Props, date, end)
		c.nodes = append(c.nodes, n)
		c.refRels(it.ID, "participants", it.Participants, participantKinds, conf, n.Citations, func(r ref, rc kg.Confidence, rcites []kg.Citation) {
			c.rel(kg.ParticipatedIn, r.ID, it.ID, "", rc, rcites, c.noteProps(r.Note))
		})
		if it.Country != "" {
			c.ref(line, it.ID, ".country", it.Country, onlyCountry)
			c.rel(kg.LocatedIn, it.ID, it.Country, "", conf, n.Citations, nil)
		}

	case *resolutionItem:
		n, ok := c.entity(line, kg.Resolution, it.common)
		if !ok {
			return
		}
		date := c.date(line, it.ID+".date", it.Date)
		conf := c.factConf(line, it.ID+".confidence", it.Confidence, it.Citations, kg.Confirmed)
		setDate(n.Props, "date", date)
		setIf(n.Props, "dateInferred", it.DateInferred)
		setIf(n.Props, "restrictions", it.Restrictions)
		setIf(n.Props, "exemptions", it.Exemptions)
		inForce := kg.Period{From: c.date(line, it.ID+".from", it.From), To: c.date(line, it.ID+".to", it.To)}
		if err := inForce.Check(); err != nil {
			c.fail(line, "%s: %v", it.ID, err)
		}
		setDate(n.Props, kg.PropFrom, inForce.From)
		setDate(n.Props, kg.PropTo, inForce.To)
		if inForce.IsZero() {
			setSpan(n.Props, date, date)
		} else {
			if inForce.From.IsZero() {
				inForce.From = date
			}
			setPeriod(n.Props, inForce)
		}
		c.nodes = append(c.nodes, n)
		if it.Body != "" {
			c.ref(line, it.ID, ".body", it.Body, onlyOrganization)
			c.rel(kg.Adopted, it.Body, it.ID, "", conf, n.Citations, nil)
		}
		if it.Target != "" {
			c.ref(line, it.ID, ".target", it.Target, onlyCountry)
			c.rel(kg.Targets, it.ID, it.Target, "", conf, n.Citations, nil)
		}
		c.refRels(it.ID, "supporters", it.Supporters, onlyCountry, conf, n.Citations, func(r ref, rc kg.Confidence, rcites []kg.Citation) {
			c.rel(kg.Supported, r.ID, it.ID, "", rc, rcites, c.noteProps(r.Note))
		})
		c.refRels(it.ID, "advocates", it.Advocates, onlyCountry, conf, n.Citations, func(r ref, rc kg.Confidence, rcites []kg.Citation) {
			c.rel(kg.Advocated, r.ID, it.ID, "", rc, rcites, c.noteProps(r.Note))
		})
		for i, l := range it.Losses {
			c.loss(it.ID, i, l)
		}

	case *relationItem:
		t, err := kg.ParseRelType(it.Type)
		if err != nil || !slices.Contains(kg.GenericRelTypes, t) {
			names := make([]string, len(kg.GenericRelTypes))
			for i, g := range kg.GenericRelTypes {
				names[i] = string(g)
			}
			c.fail(line, "relations: type %q is not one of %s%s", it.Type, strings.Join(names, ", "), didYouMean(it.Type, names))
			return
		}
		if it.From == "" || it.To == "" || it.From == it.To {
			c.fail(line, "relations: from and to are required and must differ")
			return
		}
		c.ref(line, "relations", ".from", it.From, kg.Kinds)
		c.ref(line, "relations", ".to", it.To, kg.Kinds)
		date := c.date(line, "relations.date", it.Date)
		if it.Event != "" {
			c.ref(line, "relations", ".event", it.Event, onlyEvent)
		}
		conf := c.factConf(line, "relations.confidence", it.Confidence, it.Citations, "")
		cites := c.citations(line, "relations", "", it.Citations, true)
		props := c.noteProps(it.Note)
		setDate(props, "date", date)
		setIf(props, "dateInferred", it.DateInferred)
		setIf(props, "event", it.Event)
		c.rel(t, it.From, it.To, date.String()+"|"+it.Event, conf, cites, props)
	default:
		panic(fmt.Sprintf("convert: unexpected %T under %s", item, key))
	}
}

func (c *fileCtx) position(person string, i int, p position, personCites []kg.Citation) {
	suffix := ".positions[" + strconv.Itoa(i) + "]"
	field := person + suffix
	if strings.TrimSpace(p.Title) == "" {
		c.fail(p.line, "%s: title is required", field)
	}
	target := p.Organization
	switch {
	case p.Organization != "":
		c.ref(p.line, person, suffix+".organization", p.Organization, onlyOrganization)
	case p.Country != "":
		target = p.Country
	default:
		c.fail(p.line, "%s: give the organization or the country the position is held in", field)
		return
	}
	if p.Country != "" {
		c.ref(p.line, person, suffix+".country", p.Country, onlyCountry)
	}
	from := c.date(p.line, field+".from", p.From)
	to := c.date(p.line, field+".to", p.To)
	if !from.IsZero() && !to.IsZero() && to.Last() < from.First() {
		c.fail(p.line, "%s: to %s is before from %s", field, to, from)
	}
	conf := c.factConf(p.line, field+".confidence", p.Confidence, p.Citations, kg.Confirmed)
	cites := c.citations(p.line, person, suffix, p.Citations, false)
	if cites == nil {
		cites = personCites
	}
	props := c.noteProps(p.Note)
	if props != nil {
		props["title"] = strings.TrimSpace(p.Title)
	}
	setDate(props, kg.PropFrom, from)
	setDate(props, kg.PropTo, to)
	setIf(props, "attested", p.Attested)
	tenure := kg.Period{From: from, To: to}
	if p.Attested {
		// Attested dates are when the sources show the person in post;
		// outside them nothing is known, so a missing end is the other end.
		if tenure.From.IsZero() {
			tenure.From = to
		}
		if tenure.To.IsZero() {
			tenure.To = from
		}
	}
	setPeriod(props, tenure)
	setIf(props, "country", p.Country)
	c.rel(kg.HoldsPosition, person, target, strings.ToLower(strings.TrimSpace(p.Title))+"|"+from.String(), conf, cites, props)
}

// noteProps are the properties of a relationship with a note (none while counting).
func (c *fileCtx) noteProps(note string) map[string]any {
	if c.counting {
		return nil
	}
	props := map[string]any{}
	setIf(props, "note", strings.TrimSpace(note))
	return props
}

// loss converts an estimate of sales a country lost under a sanction into
// (country)-[:LOST_SALES_UNDER]->(resolution).
func (c *fileCtx) loss(resolution string, i int, l loss) {
	suffix := ".losses[" + strconv.Itoa(i) + "]"
	field := resolution + suffix
	if l.Country == "" {
		c.fail(l.line, "%s: country is required (who lost the sales)", field)
		return
	}
	if l.ValueUSD == nil {
		c.fail(l.line, "%s: value_usd is required", field)
	} else if *l.ValueUSD < 0 {
		c.fail(l.line, "%s: value_usd must not be negative", field)
	}
	c.ref(l.line, resolution, suffix+".country", l.Country, onlyCountry)
	conf := c.factConf(l.line, field+".confidence", l.Confidence, l.Citations, "")
	cites := c.citations(l.line, resolution, suffix, l.Citations, true)
	props := c.noteProps(l.Note)
	setIf(props, kg.PropValueUSD, l.ValueUSD)
	setIf(props, kg.PropValueEstimated, l.ValueEstimated)
	setIf(props, "estimatedBy", strings.TrimSpace(l.EstimatedBy))
	c.rel(kg.LostSalesUnder, l.Country, resolution, "", conf, cites, props)
}
