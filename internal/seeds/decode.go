package seeds

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"armsgraph/internal/kg"
)

// decodeFast decodes an item the way checkKeys and yaml.v3's Node.Decode
// together would when the item is plainly right: every key known and given
// once, strings given as strings, numbers as plain decimals, booleans as
// true or false. It returns false on anything else (an unknown or repeated
// key, a null, a type mismatch …), and the item then takes the slow path,
// which finds and words the problem. It saves yaml.v3's reflection, which
// was a quarter of the time of validating a large folder.
func decodeFast(key string, n *yaml.Node) (any, bool) {
	switch key {
	case "sources":
		it := new(sourceItem)
		return it, decSource(n, it)
	case "countries":
		it := new(countryItem)
		return it, decMapping(n, func(k string, v *yaml.Node) (uint32, bool) { return decCommon(k, v, &it.common) })
	case "organizations":
		it := new(organizationItem)
		return it, decMapping(n, func(k string, v *yaml.Node) (uint32, bool) {
			switch k {
			case "type":
				return 1 << 10, decStr(v, &it.Type)
			case "country":
				return 1 << 11, decStr(v, &it.Country)
			case "parent":
				return 1 << 12, decStr(v, &it.Parent)
			}
			return decCommon(k, v, &it.common)
		})
	case "people":
		it := new(personItem)
		return it, decMapping(n, func(k string, v *yaml.Node) (uint32, bool) {
			switch k {
			case "country":
				return 1 << 10, decStr(v, &it.Country)
			case "positions":
				return 1 << 11, decSlice(v, &it.Positions, decPosition)
			case "confidence":
				return 1 << 12, decStr(v, &it.Confidence)
			}
			return decCommon(k, v, &it.common)
		})
	case "weapons":
		it := new(weaponItem)
		return it, decMapping(n, func(k string, v *yaml.Node) (uint32, bool) {
			switch k {
			case "category":
				return 1 << 10, decStr(v, &it.Category)
			case "origin":
				return 1 << 11, decStr(v, &it.Origin)
			case "manufacturer":
				return 1 << 12, decStr(v, &it.Manufacturer)
			case "range_km":
				return 1 << 13, decFloat(v, &it.RangeKm)
			case "introduced":
				return 1 << 14, decStr(v, &it.Introduced)
			case "confidence":
				return 1 << 15, decStr(v, &it.Confidence)
			case "derived_from":
				return 1 << 16, decSlice(v, &it.DerivedFrom, decDerivation)
			case "produced_with":
				return 1 << 17, decSlice(v, &it.ProducedWith, decRef)
			case "range_km_min":
				return 1 << 18, decFloat(v, &it.RangeKmMin)
			}
			return decCommon(k, v, &it.common)
		})
	case "agreements":
		it := new(agreementItem)
		return it, decMapping(n, func(k string, v *yaml.Node) (uint32, bool) {
			switch k {
			case "date":
				return 1 << 10, decStr(v, &it.Date)
			case "date_inferred":
				return 1 << 11, decBool(v, &it.DateInferred)
			case "parties":
				return 1 << 12, decSlice(v, &it.Parties, decRef)
			case "signatories":
				return 1 << 13, decSlice(v, &it.Signatories, decRef)
			case "areas":
				return 1 << 14, decStrs(v, &it.Areas)
			case "status":
				return 1 << 15, decStr(v, &it.Status)
			case "confidence":
				return 1 << 16, decStr(v, &it.Confidence)
			case "location":
				return 1 << 17, decStr(v, &it.Location)
			case "country":
				return 1 << 18, decStr(v, &it.Country)
			case "from":
				return 1 << 19, decStr(v, &it.From)
			case "to":
				return 1 << 20, decStr(v, &it.To)
			}
			return decCommon(k, v, &it.common)
		})
	case "transfers":
		it := new(transferItem)
		return it, decMapping(n, func(k string, v *yaml.Node) (uint32, bool) {
			switch k {
			case "supplier":
				return 1 << 10, decStr(v, &it.Supplier)
			case "supplier_organization":
				return 1 << 11, decStr(v, &it.SupplierOrganization)
			case "recipient":
				return 1 << 12, decStr(v, &it.Recipient)
			case "weapon":
				return 1 << 13, decStr(v, &it.Weapon)
			case "item":
				return 1 << 14, decStr(v, &it.Item)
			case "quantity_ordered":
				return 1 << 15, decInt(v, &it.QuantityOrdered)
			case "quantity_delivered":
				return 1 << 16, decInt(v, &it.QuantityDelivered)
			case "quantity_unit":
				return 1 << 17, decStr(v, &it.QuantityUnit)
			case "ordered":
				return 1 << 18, decStr(v, &it.Ordered)
			case "delivered":
				return 1 << 19, decStr(v, &it.Delivered)
			case "date_inferred":
				return 1 << 20, decBool(v, &it.DateInferred)
			case "value_usd":
				return 1 << 21, decFloat(v, &it.ValueUSD)
			case "status":
				return 1 << 22, decStr(v, &it.Status)
			case "confidence":
				return 1 << 23, decStr(v, &it.Confidence)
			case "value_estimated":
				return 1 << 24, decBool(v, &it.ValueEstimated)
			case "from":
				return 1 << 25, decStr(v, &it.From)
			case "to":
				return 1 << 26, decStr(v, &it.To)
			case "aggregate":
				return 1 << 27, decBool(v, &it.Aggregate)
			case "covers":
				return 1 << 28, decStrs(v, &it.Covers)
			case "reported":
				return 1 << 29, decStr(v, &it.Reported)
			case "type":
				return 1 << 30, decStr(v, &it.Type)
			// The transfer's own bits are used up; these take the top of
			// the range decCommon leaves free (it uses bits 0-4).
			case "tiv_unit":
				return 1 << 31, decFloat(v, &it.TIVUnit)
			case "tiv_order":
				return 1 << 9, decFloat(v, &it.TIVOrder)
			case "tiv_delivered":
				return 1 << 8, decFloat(v, &it.TIVDelivered)
			case "estimated":
				return 1 << 7, decStrs(v, &it.Estimated)
			}
			return decCommon(k, v, &it.common)
		})
	case "events":
		it := new(eventItem)
		return it, decMapping(n, func(k string, v *yaml.Node) (uint32, bool) {
			switch k {
			case "type":
				return 1 << 10, decStr(v, &it.Type)
			case "date":
				return 1 << 11, decStr(v, &it.Date)
			case "end_date":
				return 1 << 12, decStr(v, &it.EndDate)
			case "date_inferred":
				return 1 << 13, decBool(v, &it.DateInferred)
			case "status":
				return 1 << 14, decStr(v, &it.Status)
			case "location":
				return 1 << 15, decStr(v, &it.Location)
			case "country":
				return 1 << 16, decStr(v, &it.Country)
			case "participants":
				return 1 << 17, decSlice(v, &it.Participants, decRef)
			case "confidence":
				return 1 << 18, decStr(v, &it.Confidence)
			}
			return decCommon(k, v, &it.common)
		})
	case "resolutions":
		it := new(resolutionItem)
		return it, decMapping(n, func(k string, v *yaml.Node) (uint32, bool) {
			switch k {
			case "body":
				return 1 << 10, decStr(v, &it.Body)
			case "date":
				return 1 << 11, decStr(v, &it.Date)
			case "date_inferred":
				return 1 << 12, decBool(v, &it.DateInferred)
			case "target":
				return 1 << 13, decStr(v, &it.Target)
			case "restrictions":
				return 1 << 14, decStrs(v, &it.Restrictions)
			case "exemptions":
				return 1 << 15, decStrs(v, &it.Exemptions)
			case "supporters":
				return 1 << 16, decSlice(v, &it.Supporters, decRef)
			case "confidence":
				return 1 << 17, decStr(v, &it.Confidence)
			case "advocates":
				return 1 << 18, decSlice(v, &it.Advocates, decRef)
			case "from":
				return 1 << 19, decStr(v, &it.From)
			case "to":
				return 1 << 20, decStr(v, &it.To)
			case "losses":
				return 1 << 21, decSlice(v, &it.Losses, decLoss)
			}
			return decCommon(k, v, &it.common)
		})
	case "relations":
		it := new(relationItem)
		return it, decMapping(n, func(k string, v *yaml.Node) (uint32, bool) {
			switch k {
			case "type":
				return 1 << 0, decStr(v, &it.Type)
			case "from":
				return 1 << 1, decStr(v, &it.From)
			case "to":
				return 1 << 2, decStr(v, &it.To)
			case "date":
				return 1 << 3, decStr(v, &it.Date)
			case "date_inferred":
				return 1 << 4, decBool(v, &it.DateInferred)
			case "event":
				return 1 << 5, decStr(v, &it.Event)
			case "confidence":
				return 1 << 6, decStr(v, &it.Confidence)
			case "citations":
				return 1 << 7, decSlice(v, &it.Citations, decCitation)
			case "note":
				return 1 << 8, decStr(v, &it.Note)
			}
			return 0, false
		})
	}
	return nil, false
}

// decMapping decodes a mapping with field, which returns a bit of its own
// for each known key and whether its value decoded; unknown (bit 0) and
// repeated keys fail.
func decMapping(n *yaml.Node, field func(k string, v *yaml.Node) (uint32, bool)) bool {
	if n.Kind != yaml.MappingNode {
		return false
	}
	var seen uint32
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind != yaml.ScalarNode || k.Tag != "!!str" {
			return false
		}
		bit, ok := field(k.Value, n.Content[i+1])
		if !ok || bit == 0 || seen&bit != 0 {
			return false
		}
		seen |= bit
	}
	return true
}

func decCommon(k string, v *yaml.Node, e *common) (uint32, bool) {
	switch k {
	case "id":
		return 1 << 0, decStr(v, &e.ID)
	case "name":
		return 1 << 1, decStr(v, &e.Name)
	case "aliases":
		return 1 << 2, decStrs(v, &e.Aliases)
	case "description":
		return 1 << 3, decStr(v, &e.Description)
	case "citations":
		return 1 << 4, decSlice(v, &e.Citations, decCitation)
	}
	return 0, false
}

func decSource(n *yaml.Node, it *sourceItem) bool {
	return decMapping(n, func(k string, v *yaml.Node) (uint32, bool) {
		switch k {
		case "id":
			return 1 << 0, decStr(v, &it.ID)
		case "document":
			return 1 << 1, decStr(v, &it.Document)
		case "title":
			return 1 << 2, decStr(v, &it.Title)
		case "author":
			return 1 << 3, decStr(v, &it.Author)
		case "publisher":
			return 1 << 4, decStr(v, &it.Publisher)
		case "published":
			return 1 << 5, decStr(v, &it.Published)
		case "published_inferred":
			return 1 << 6, decBool(v, &it.PublishedInferred)
		case "note":
			return 1 << 7, decStr(v, &it.Note)
		}
		return 0, false
	})
}

func decCitation(n *yaml.Node, c *citation) bool {
	c.line = n.Line
	return decMapping(n, func(k string, v *yaml.Node) (uint32, bool) {
		switch k {
		case "source":
			return 1 << 0, decStr(v, &c.Source)
		case "at":
			return 1 << 1, decStr(v, &c.At)
		case "note":
			return 1 << 2, decStr(v, &c.Note)
		case "confidence":
			return 1 << 3, decStr(v, &c.Confidence)
		case "claims":
			return 1 << 4, decClaims(v, &c.Claims)
		}
		return 0, false
	})
}

// decClaims decodes a citation's claims: a mapping from field names to a
// scalar or a sequence of scalars. Both paths use it; the slow path words
// the problem when it fails.
func decClaims(n *yaml.Node, out *claimList) bool {
	if n.Kind != yaml.MappingNode {
		return false
	}
	cl := make(claimList, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return false
		}
		cm := claim{field: k.Value, line: k.Line}
		switch v.Kind {
		case yaml.ScalarNode:
			if v.Tag == "!!null" {
				return false
			}
			cm.value, cm.items = v.Value, []string{v.Value}
		case yaml.SequenceNode:
			cm.list = true
			cm.items = make([]string, 0, len(v.Content))
			for _, e := range v.Content {
				if e.Kind != yaml.ScalarNode || e.Tag == "!!null" {
					return false
				}
				cm.items = append(cm.items, e.Value)
			}
			cm.value = strings.Join(cm.items, kg.ClaimValueSeparator)
		default:
			return false
		}
		cl = append(cl, cm)
	}
	*out = cl
	return true
}

// decRef decodes a reference: a plain id (any scalar but a null, as
// ref.UnmarshalYAML takes it) or a mapping.
func decRef(n *yaml.Node, r *ref) bool {
	r.line = n.Line
	if n.Kind == yaml.ScalarNode {
		if n.Tag == "!!null" {
			return false
		}
		r.ID = n.Value
		return true
	}
	return decMapping(n, func(k string, v *yaml.Node) (uint32, bool) {
		switch k {
		case "id":
			return 1 << 0, decStr(v, &r.ID)
		case "confidence":
			return 1 << 1, decStr(v, &r.Confidence)
		case "citations":
			return 1 << 2, decSlice(v, &r.Citations, decCitation)
		case "note":
			return 1 << 3, decStr(v, &r.Note)
		}
		return 0, false
	})
}

func decPosition(n *yaml.Node, p *position) bool {
	p.line = n.Line
	return decMapping(n, func(k string, v *yaml.Node) (uint32, bool) {
		switch k {
		case "title":
			return 1 << 0, decStr(v, &p.Title)
		case "organization":
			return 1 << 1, decStr(v, &p.Organization)
		case "country":
			return 1 << 2, decStr(v, &p.Country)
		case "from":
			return 1 << 3, decStr(v, &p.From)
		case "to":
			return 1 << 4, decStr(v, &p.To)
		case "confidence":
			return 1 << 5, decStr(v, &p.Confidence)
		case "citations":
			return 1 << 6, decSlice(v, &p.Citations, decCitation)
		case "note":
			return 1 << 7, decStr(v, &p.Note)
		case "attested":
			return 1 << 8, decBool(v, &p.Attested)
		}
		return 0, false
	})
}

func decDerivation(n *yaml.Node, d *derivation) bool {
	d.line = n.Line
	return decMapping(n, func(k string, v *yaml.Node) (uint32, bool) {
		switch k {
		case "parent":
			return 1 << 0, decStr(v, &d.Parent)
		case "kind":
			return 1 << 1, decStr(v, &d.Kind)
		case "confidence":
			return 1 << 2, decStr(v, &d.Confidence)
		case "citations":
			return 1 << 3, decSlice(v, &d.Citations, decCitation)
		case "note":
			return 1 << 4, decStr(v, &d.Note)
		}
		return 0, false
	})
}

// decSlice decodes a sequence; like yaml.v3 it gives an empty, not a nil,
// slice for an empty sequence.
func decSlice[T any](n *yaml.Node, out *[]T, dec func(*yaml.Node, *T) bool) bool {
	if n.Kind != yaml.SequenceNode {
		return false
	}
	s := make([]T, len(n.Content))
	for i, e := range n.Content {
		if !dec(e, &s[i]) {
			return false
		}
	}
	*out = s
	return true
}

func decStrs(n *yaml.Node, out *[]string) bool {
	return decSlice(n, out, decStr)
}

func decStr(n *yaml.Node, out *string) bool {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		return false
	}
	*out = n.Value
	return true
}

func decBool(n *yaml.Node, out *bool) bool {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" || (n.Value != "true" && n.Value != "false") {
		return false
	}
	*out = n.Value == "true"
	return true
}

// plainInt tells whether s is a decimal integer that yaml.v3 resolves the
// way strconv.Atoi reads it (no sign but "-", no leading zeros, no "_").
func plainInt(s string) bool {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	if len(s) == 0 || len(s) > 15 || (s[0] == '0' && len(s) > 1) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func decInt(n *yaml.Node, out **int) bool {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || !plainInt(n.Value) {
		return false
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil {
		return false
	}
	*out = &v
	return true
}

func decFloat(n *yaml.Node, out **float64) bool {
	if n.Kind != yaml.ScalarNode {
		return false
	}
	var v float64
	switch {
	case n.Tag == "!!int" && plainInt(n.Value):
		i, err := strconv.Atoi(n.Value)
		if err != nil {
			return false
		}
		v = float64(i)
	case n.Tag == "!!float" && plainDecimal(n.Value):
		f, err := strconv.ParseFloat(n.Value, 64)
		if err != nil {
			return false
		}
		v = f
	default:
		return false
	}
	*out = &v
	return true
}

// plainDecimal tells whether s is "-12.5" or "12.5": digits, one dot, digits.
func plainDecimal(s string) bool {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	dot := false
	digits := 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] >= '0' && s[i] <= '9':
			digits++
		case s[i] == '.' && !dot && i > 0 && i < len(s)-1:
			dot = true
		default:
			return false
		}
	}
	return dot && digits > 0 && digits <= 15
}

func decLoss(n *yaml.Node, l *loss) bool {
	l.line = n.Line
	return decMapping(n, func(k string, v *yaml.Node) (uint32, bool) {
		switch k {
		case "country":
			return 1 << 0, decStr(v, &l.Country)
		case "value_usd":
			return 1 << 1, decFloat(v, &l.ValueUSD)
		case "value_estimated":
			return 1 << 2, decBool(v, &l.ValueEstimated)
		case "estimated_by":
			return 1 << 3, decStr(v, &l.EstimatedBy)
		case "confidence":
			return 1 << 4, decStr(v, &l.Confidence)
		case "citations":
			return 1 << 5, decSlice(v, &l.Citations, decCitation)
		case "note":
			return 1 << 6, decStr(v, &l.Note)
		}
		return 0, false
	})
}
