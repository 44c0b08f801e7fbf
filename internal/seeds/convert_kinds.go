package seeds

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"armsgraph/internal/kg"
)

// The conversion of each kind of seed item, one method per kind; the
// helpers they share are in convert.go.

// convert turns one decoded item into nodes and relationships, checking it
// as it goes; each kind has a method of its own.
func (c *fileCtx) convert(key string, item any, line int) {
	switch it := item.(type) {
	case *sourceItem:
		c.convertSource(it, line)
	case *countryItem:
		c.convertCountry(it, line)
	case *organizationItem:
		c.convertOrganization(it, line)
	case *personItem:
		c.convertPerson(it, line)
	case *weaponItem:
		c.convertWeapon(it, line)
	case *agreementItem:
		c.convertAgreement(it, line)
	case *transferItem:
		c.convertTransfer(it, line)
	case *eventItem:
		c.convertEvent(it, line)
	case *resolutionItem:
		c.convertResolution(it, line)
	case *relationItem:
		c.convertRelation(it, line)
	default:
		panic(fmt.Sprintf("convert: unexpected %T under %s", item, key))
	}
}

// convertSource converts a source document.
func (c *fileCtx) convertSource(it *sourceItem, line int) {
	if !c.checkID(line, it.ID, sourceKind) {
		return
	}
	if it.Document == "" || it.Title == "" {
		c.fail(line, "%s: document and title are required", it.ID)
	}
	published := c.date(line, it.ID+".published", it.Published)
	props := map[string]any{}
	setIf(props, kg.PropDocument, it.Document)
	setIf(props, kg.PropTitle, it.Title)
	setIf(props, kg.PropAuthor, it.Author)
	setIf(props, kg.PropPublisher, it.Publisher)
	setDate(props, kg.PropPublished, published)
	setIf(props, kg.PropPublishedInferred, it.PublishedInferred)
	setIf(props, kg.PropNote, it.Note)
	c.nodes = append(c.nodes, kg.Node{ID: it.ID, Name: it.Title, Props: props})
}

// convertCountry converts a country.
func (c *fileCtx) convertCountry(it *countryItem, line int) {
	if n, ok := c.entity(line, kg.Country, it.common); ok {
		c.nodes = append(c.nodes, n)
	}
}

// convertOrganization converts an organization and its PART_OF.
func (c *fileCtx) convertOrganization(it *organizationItem, line int) {
	n, ok := c.entity(line, kg.Organization, it.common)
	if !ok {
		return
	}
	setIf(n.Props, kg.PropType, it.Type)
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
			n.Props[kg.PropCountry] = it.Country
		}
	}
}

// convertPerson converts a person, nationality and positions.
func (c *fileCtx) convertPerson(it *personItem, line int) {
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
}

// rangeMin checks a weapon's range_km_min: the lower end of a range the
// source gives as an interval, so it needs range_km (the upper end) above it.
func (c *fileCtx) rangeMin(line int, it *weaponItem) {
	switch lo := it.RangeKmMin; {
	case lo == nil:
	case it.RangeKm == nil:
		c.fail(line, "%s.range_km_min: give range_km too (the upper end of the interval)", it.ID)
	case *lo < 0 || *lo >= *it.RangeKm:
		c.fail(line, "%s.range_km_min: %v must be at least 0 and below range_km (%v); for a single figure give only range_km", it.ID, *lo, *it.RangeKm)
	}
}

// convertWeapon converts a weapon, its origin, maker, co-producers and derivations.
func (c *fileCtx) convertWeapon(it *weaponItem, line int) {
	n, ok := c.entity(line, kg.Weapon, it.common)
	if !ok {
		return
	}
	if it.Category == "" {
		c.fail(line, "%s: category is required (e.g. anti-ship-missile)", it.ID)
	}
	setIf(n.Props, kg.PropCategory, it.Category)
	setIf(n.Props, kg.PropRangeKm, it.RangeKm)
	c.rangeMin(line, it)
	setIf(n.Props, kg.PropRangeKmMin, it.RangeKmMin)
	setDate(n.Props, kg.PropIntroduced, c.date(line, it.ID+".introduced", it.Introduced))
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
			props = map[string]any{kg.PropKind: d.Kind}
			setIf(props, kg.PropNote, strings.TrimSpace(d.Note))
		}
		c.rel(kg.DerivedFrom, it.ID, d.Parent, "", dc, cites, props)
		c.derived = append(c.derived, [2]string{it.ID, d.Parent})
	}
}

// convertAgreement converts an agreement, its parties and signatories.
func (c *fileCtx) convertAgreement(it *agreementItem, line int) {
	n, ok := c.entity(line, kg.Agreement, it.common)
	if !ok {
		return
	}
	date := c.date(line, it.ID+".date", it.Date)
	conf := c.factConf(line, it.ID+".confidence", it.Confidence, it.Citations, "")
	if it.Status == "" {
		c.fail(line, "%s: status is required (signed, announced, agreed …)", it.ID)
	}
	setDate(n.Props, kg.PropDate, date)
	setIf(n.Props, kg.PropDateInferred, it.DateInferred)
	setIf(n.Props, kg.PropAreas, it.Areas)
	setIf(n.Props, kg.PropStatus, it.Status)
	setIf(n.Props, kg.PropConfidence, string(conf))
	setIf(n.Props, kg.PropLocation, it.Location)
	c.inForce(it.ID, line, n.Props, date, it.From, it.To)
	c.nodes = append(c.nodes, n)
	c.refRels(it.ID, "parties", it.Parties, partyKinds, conf, n.Citations, c.toItem(kg.PartyTo, it.ID))
	c.refRels(it.ID, "signatories", it.Signatories, onlyPerson, conf, n.Citations, c.toItem(kg.Signed, it.ID))
	c.locatedIn(line, it.ID, it.Country, conf, n.Citations)
}

// convertTransfer converts a transfer, its period, parties and what it covers.
func (c *fileCtx) convertTransfer(it *transferItem, line int) {
	n, ok := c.entity(line, kg.Transfer, it.common)
	if !ok {
		return
	}
	ordered, delivered := c.datePair(line, it.ID, "ordered", it.Ordered, "delivered", it.Delivered)
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
	setIf(n.Props, kg.PropItem, it.Item)
	setIf(n.Props, kg.PropQuantityOrdered, it.QuantityOrdered)
	setIf(n.Props, kg.PropQuantityDelivered, it.QuantityDelivered)
	setIf(n.Props, kg.PropQuantityUnit, it.QuantityUnit)
	setDate(n.Props, kg.PropOrdered, ordered)
	setDate(n.Props, kg.PropDelivered, delivered)
	setIf(n.Props, kg.PropDateInferred, it.DateInferred)
	setIf(n.Props, kg.PropValueUSD, it.ValueUSD)
	setIf(n.Props, kg.PropValueEstimated, it.ValueEstimated)
	setIf(n.Props, kg.PropStatus, it.Status)
	setIf(n.Props, kg.PropConfidence, string(conf))
	c.transferTIV(it, line, n.Props)
	c.transferPeriod(it, line, n.Props, ordered, delivered)
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
}

// convertEvent converts an event and its participants.
func (c *fileCtx) convertEvent(it *eventItem, line int) {
	n, ok := c.entity(line, kg.Event, it.common)
	if !ok {
		return
	}
	date, end := c.datePair(line, it.ID, "date", it.Date, "end_date", it.EndDate)
	conf := c.factConf(line, it.ID+".confidence", it.Confidence, it.Citations, "")
	if it.Type == "" {
		c.fail(line, "%s: type is required (visit, meeting, exercise, port-call, test …)", it.ID)
	}
	setIf(n.Props, kg.PropType, it.Type)
	setDate(n.Props, kg.PropDate, date)
	setDate(n.Props, kg.PropEndDate, end)
	setIf(n.Props, kg.PropDateInferred, it.DateInferred)
	setIf(n.Props, kg.PropStatus, it.Status)
	setIf(n.Props, kg.PropLocation, it.Location)
	setIf(n.Props, kg.PropConfidence, string(conf))
	setSpan(n.Props, date, end)
	c.nodes = append(c.nodes, n)
	c.refRels(it.ID, "participants", it.Participants, participantKinds, conf, n.Citations, c.toItem(kg.ParticipatedIn, it.ID))
	c.locatedIn(line, it.ID, it.Country, conf, n.Citations)
}

// convertResolution converts a resolution or sanction, its supporters, advocates and losses.
func (c *fileCtx) convertResolution(it *resolutionItem, line int) {
	n, ok := c.entity(line, kg.Resolution, it.common)
	if !ok {
		return
	}
	date := c.date(line, it.ID+".date", it.Date)
	conf := c.factConf(line, it.ID+".confidence", it.Confidence, it.Citations, kg.Confirmed)
	setDate(n.Props, kg.PropDate, date)
	setIf(n.Props, kg.PropDateInferred, it.DateInferred)
	setIf(n.Props, kg.PropRestrictions, it.Restrictions)
	setIf(n.Props, kg.PropExemptions, it.Exemptions)
	c.inForce(it.ID, line, n.Props, date, it.From, it.To)
	c.nodes = append(c.nodes, n)
	if it.Body != "" {
		c.ref(line, it.ID, ".body", it.Body, onlyOrganization)
		c.rel(kg.Adopted, it.Body, it.ID, "", conf, n.Citations, nil)
	}
	if it.Target != "" {
		c.ref(line, it.ID, ".target", it.Target, onlyCountry)
		c.rel(kg.Targets, it.ID, it.Target, "", conf, n.Citations, nil)
	}
	c.refRels(it.ID, "supporters", it.Supporters, onlyCountry, conf, n.Citations, c.toItem(kg.Supported, it.ID))
	c.refRels(it.ID, "advocates", it.Advocates, onlyCountry, conf, n.Citations, c.toItem(kg.Advocated, it.ID))
	for i, l := range it.Losses {
		c.loss(it.ID, i, l)
	}
}

// convertRelation converts a relationship of the relations list.
func (c *fileCtx) convertRelation(it *relationItem, line int) {
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
	setDate(props, kg.PropDate, date)
	setIf(props, kg.PropDateInferred, it.DateInferred)
	setIf(props, kg.PropEvent, it.Event)
	c.rel(t, it.From, it.To, date.String()+"|"+it.Event, conf, cites, props)
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
		props[kg.PropTitle] = strings.TrimSpace(p.Title)
	}
	setDate(props, kg.PropFrom, from)
	setDate(props, kg.PropTo, to)
	setIf(props, kg.PropAttested, p.Attested)
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
	setIf(props, kg.PropCountry, p.Country)
	c.rel(kg.HoldsPosition, person, target, strings.ToLower(strings.TrimSpace(p.Title))+"|"+from.String(), conf, cites, props)
}

// noteProps are the properties of a relationship with a note (none while counting).
func (c *fileCtx) noteProps(note string) map[string]any {
	if c.counting {
		return nil
	}
	props := map[string]any{}
	setIf(props, kg.PropNote, strings.TrimSpace(note))
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
	setIf(props, kg.PropEstimatedBy, strings.TrimSpace(l.EstimatedBy))
	c.rel(kg.LostSalesUnder, l.Country, resolution, "", conf, cites, props)
}

// transferTIV checks and records a transfer's SIPRI trend-indicator values
// (kept as TIV: they are not prices) and which of its figures are estimates.
func (c *fileCtx) transferTIV(it *transferItem, line int, props map[string]any) {
	given := map[string]bool{
		"ordered": it.Ordered != "", "delivered": it.Delivered != "", "from": it.From != "", "to": it.To != "",
		"quantity_ordered": it.QuantityOrdered != nil, "quantity_delivered": it.QuantityDelivered != nil,
		"tiv_unit": it.TIVUnit != nil, "tiv_order": it.TIVOrder != nil, "tiv_delivered": it.TIVDelivered != nil,
	}
	for _, t := range []struct {
		name string
		v    *float64
	}{{"tiv_unit", it.TIVUnit}, {"tiv_order", it.TIVOrder}, {"tiv_delivered", it.TIVDelivered}} {
		if t.v != nil && *t.v < 0 {
			c.fail(line, "%s: %s must not be negative", it.ID, t.name)
		}
	}
	var seen stringSet
	for _, f := range it.Estimated {
		switch {
		case !slices.Contains(EstimableFields, f):
			c.fail(line, "%s.estimated: %q is not one of %s%s", it.ID, f, strings.Join(EstimableFields, ", "), didYouMean(f, EstimableFields))
		case !seen.add(f):
			c.fail(line, "%s.estimated: %s is listed twice", it.ID, f)
		case !given[f]:
			c.fail(line, "%s.estimated: names %s, which the transfer does not give", it.ID, f)
		}
	}
	setIf(props, kg.PropTIVUnit, it.TIVUnit)
	setIf(props, kg.PropTIVOrder, it.TIVOrder)
	setIf(props, kg.PropTIVDelivered, it.TIVDelivered)
	setIf(props, kg.PropEstimated, it.Estimated)
}

// transferPeriod checks and records a transfer's period, aggregate flag,
// covers and span: a period widens to the order and delivery dates, and an
// end the sources leave open stays open.
func (c *fileCtx) transferPeriod(it *transferItem, line int, props map[string]any, ordered, delivered kg.PartialDate) {
	period := kg.Period{From: c.date(line, it.ID+".from", it.From), To: c.date(line, it.ID+".to", it.To)}
	if err := period.Check(); err != nil {
		c.fail(line, "%s: %v", it.ID, err)
	}
	setDate(props, kg.PropFrom, period.From)
	setDate(props, kg.PropTo, period.To)
	setIf(props, kg.PropAggregate, it.Aggregate)
	setDate(props, kg.PropReported, c.date(line, it.ID+".reported", it.Reported))
	setIf(props, kg.PropType, it.Type)
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
	setIf(props, kg.PropCovers, it.Covers)
	if period.IsZero() {
		setSpan(props, ordered, delivered)
	} else {
		if !ordered.IsZero() && (period.From.IsZero() || ordered.First() < period.From.First()) {
			period.From = ordered
		}
		if !delivered.IsZero() && (period.To.IsZero() || delivered.Last() > period.To.Last()) {
			period.To = delivered
		}
		setPeriod(props, period)
	}
}

// inForce records the period an agreement or sanction was in force (from
// defaults to its date; an open end stays open), or else its date, as the
// item's span.
func (c *fileCtx) inForce(id string, line int, props map[string]any, date kg.PartialDate, from, to string) {
	p := kg.Period{From: c.date(line, id+".from", from), To: c.date(line, id+".to", to)}
	if err := p.Check(); err != nil {
		c.fail(line, "%s: %v", id, err)
	}
	setDate(props, kg.PropFrom, p.From)
	setDate(props, kg.PropTo, p.To)
	if p.IsZero() {
		setSpan(props, date, date)
		return
	}
	if p.From.IsZero() {
		p.From = date
	}
	setPeriod(props, p)
}

// datePair parses two dates of an item, the second of which must not come
// before the first (an order and its last delivery, an event's start and end).
func (c *fileCtx) datePair(line int, id, firstName, first, lastName, last string) (kg.PartialDate, kg.PartialDate) {
	f := c.date(line, id+"."+firstName, first)
	l := c.date(line, id+"."+lastName, last)
	if !f.IsZero() && !l.IsZero() && l.Last() < f.First() {
		c.fail(line, "%s: %s %s is before %s %s", id, lastName, l, firstName, f)
	}
	return f, l
}

// toItem builds the relationship from each listed ref to the item (a party
// to an agreement, a participant in an event, a supporter of a resolution).
func (c *fileCtx) toItem(t kg.RelType, item string) func(r ref, rc kg.Confidence, rcites []kg.Citation) {
	return func(r ref, rc kg.Confidence, rcites []kg.Citation) {
		c.rel(t, r.ID, item, "", rc, rcites, c.noteProps(r.Note))
	}
}

// locatedIn records where an agreement or event took place, when given.
func (c *fileCtx) locatedIn(line int, id, country string, conf kg.Confidence, cites []kg.Citation) {
	if country == "" {
		return
	}
	c.ref(line, id, ".country", country, onlyCountry)
	c.rel(kg.LocatedIn, id, country, "", conf, cites, nil)
}
