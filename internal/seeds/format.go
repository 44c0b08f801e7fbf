package seeds

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// The structs below mirror the seeds format documented in seeds/README.md.
// Each remembers the line it starts on, so problems point at the item.

type citation struct {
	Source     string    `yaml:"source"`
	At         string    `yaml:"at"`
	Note       string    `yaml:"note"`
	Confidence string    `yaml:"confidence"`
	Claims     claimList `yaml:"claims"`
	line       int
}

// claimList is a citation's `claims`: a mapping from a field name to the
// value this source gives for it (a scalar, or a list of scalars).
type claimList []claim

type claim struct {
	field, value string
	items        []string // the list's items, or the one value
	list         bool
	line         int
}

func (cl *claimList) UnmarshalYAML(n *yaml.Node) error {
	if !decClaims(n, cl) {
		return fmt.Errorf("claims: want a mapping from field names to a value or a list of values, e.g. {areas: [defence, intelligence]}")
	}
	return nil
}

func (c *citation) UnmarshalYAML(n *yaml.Node) error {
	type plain citation
	if err := n.Decode((*plain)(c)); err != nil {
		return err
	}
	c.line = n.Line
	return nil
}

// ref is a reference to another entity: a plain id, or a mapping that gives
// the relationship its own confidence and citations.
type ref struct {
	ID         string     `yaml:"id"`
	Confidence string     `yaml:"confidence"`
	Citations  []citation `yaml:"citations"`
	Note       string     `yaml:"note"`
	line       int
}

func (r *ref) UnmarshalYAML(n *yaml.Node) error {
	r.line = n.Line
	if n.Kind == yaml.ScalarNode {
		r.ID = n.Value
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("want an id or a mapping with id, confidence, citations")
	}
	type plain ref
	if err := n.Decode((*plain)(r)); err != nil {
		return err
	}
	r.line = n.Line
	return nil
}

type common struct {
	ID          string     `yaml:"id"`
	Name        string     `yaml:"name"`
	Aliases     []string   `yaml:"aliases"`
	Description string     `yaml:"description"`
	Citations   []citation `yaml:"citations"`
}

type sourceItem struct {
	ID                string `yaml:"id"`
	Document          string `yaml:"document"`
	Title             string `yaml:"title"`
	Author            string `yaml:"author"`
	Publisher         string `yaml:"publisher"`
	Published         string `yaml:"published"`
	PublishedInferred bool   `yaml:"published_inferred"`
	Note              string `yaml:"note"`
}

type countryItem struct {
	common `yaml:",inline"`
}

type organizationItem struct {
	common  `yaml:",inline"`
	Type    string `yaml:"type"`
	Country string `yaml:"country"`
	Parent  string `yaml:"parent"`
}

type position struct {
	Title        string     `yaml:"title"`
	Organization string     `yaml:"organization"`
	Country      string     `yaml:"country"`
	From         string     `yaml:"from"`
	To           string     `yaml:"to"`
	Attested     bool       `yaml:"attested"`
	Confidence   string     `yaml:"confidence"`
	Citations    []citation `yaml:"citations"`
	Note         string     `yaml:"note"`
	line         int
}

func (p *position) UnmarshalYAML(n *yaml.Node) error {
	type plain position
	if err := n.Decode((*plain)(p)); err != nil {
		return err
	}
	p.line = n.Line
	return nil
}

type personItem struct {
	common     `yaml:",inline"`
	Country    string     `yaml:"country"`
	Positions  []position `yaml:"positions"`
	Confidence string     `yaml:"confidence"`
}

type derivation struct {
	Parent     string     `yaml:"parent"`
	Kind       string     `yaml:"kind"`
	Confidence string     `yaml:"confidence"`
	Citations  []citation `yaml:"citations"`
	Note       string     `yaml:"note"`
	line       int
}

func (d *derivation) UnmarshalYAML(n *yaml.Node) error {
	type plain derivation
	if err := n.Decode((*plain)(d)); err != nil {
		return err
	}
	d.line = n.Line
	return nil
}

type weaponItem struct {
	common       `yaml:",inline"`
	Category     string       `yaml:"category"`
	Origin       string       `yaml:"origin"`
	Manufacturer string       `yaml:"manufacturer"`
	RangeKm      *float64     `yaml:"range_km"`
	RangeKmMin   *float64     `yaml:"range_km_min"`
	Introduced   string       `yaml:"introduced"`
	Confidence   string       `yaml:"confidence"`
	DerivedFrom  []derivation `yaml:"derived_from"`
	ProducedWith []ref        `yaml:"produced_with"`
}

type agreementItem struct {
	common       `yaml:",inline"`
	Date         string   `yaml:"date"`
	DateInferred bool     `yaml:"date_inferred"`
	Parties      []ref    `yaml:"parties"`
	Signatories  []ref    `yaml:"signatories"`
	Areas        []string `yaml:"areas"`
	Status       string   `yaml:"status"`
	Confidence   string   `yaml:"confidence"`
	Location     string   `yaml:"location"`
	Country      string   `yaml:"country"`
	From         string   `yaml:"from"`
	To           string   `yaml:"to"`
}

type transferItem struct {
	common               `yaml:",inline"`
	Supplier             string   `yaml:"supplier"`
	SupplierOrganization string   `yaml:"supplier_organization"`
	Recipient            string   `yaml:"recipient"`
	Weapon               string   `yaml:"weapon"`
	Item                 string   `yaml:"item"`
	QuantityOrdered      *int     `yaml:"quantity_ordered"`
	QuantityDelivered    *int     `yaml:"quantity_delivered"`
	QuantityUnit         string   `yaml:"quantity_unit"`
	Ordered              string   `yaml:"ordered"`
	Delivered            string   `yaml:"delivered"`
	DateInferred         bool     `yaml:"date_inferred"`
	ValueUSD             *float64 `yaml:"value_usd"`
	ValueEstimated       bool     `yaml:"value_estimated"`
	From                 string   `yaml:"from"`
	To                   string   `yaml:"to"`
	Aggregate            bool     `yaml:"aggregate"`
	Reported             string   `yaml:"reported"`
	Type                 string   `yaml:"type"`
	Covers               []string `yaml:"covers"`
	Status               string   `yaml:"status"`
	Confidence           string   `yaml:"confidence"`
	TIVUnit              *float64 `yaml:"tiv_unit"`
	TIVOrder             *float64 `yaml:"tiv_order"`
	TIVDelivered         *float64 `yaml:"tiv_delivered"`
	Estimated            []string `yaml:"estimated"`
}

type eventItem struct {
	common       `yaml:",inline"`
	Type         string `yaml:"type"`
	Date         string `yaml:"date"`
	EndDate      string `yaml:"end_date"`
	DateInferred bool   `yaml:"date_inferred"`
	Status       string `yaml:"status"`
	Location     string `yaml:"location"`
	Country      string `yaml:"country"`
	Participants []ref  `yaml:"participants"`
	Confidence   string `yaml:"confidence"`
}

type resolutionItem struct {
	common       `yaml:",inline"`
	Body         string   `yaml:"body"`
	Date         string   `yaml:"date"`
	DateInferred bool     `yaml:"date_inferred"`
	Target       string   `yaml:"target"`
	Restrictions []string `yaml:"restrictions"`
	Exemptions   []string `yaml:"exemptions"`
	Supporters   []ref    `yaml:"supporters"`
	Advocates    []ref    `yaml:"advocates"`
	Losses       []loss   `yaml:"losses"`
	From         string   `yaml:"from"`
	To           string   `yaml:"to"`
	Confidence   string   `yaml:"confidence"`
}

type relationItem struct {
	Type         string     `yaml:"type"`
	From         string     `yaml:"from"`
	To           string     `yaml:"to"`
	Date         string     `yaml:"date"`
	DateInferred bool       `yaml:"date_inferred"`
	Event        string     `yaml:"event"`
	Confidence   string     `yaml:"confidence"`
	Citations    []citation `yaml:"citations"`
	Note         string     `yaml:"note"`
}

// loss is an estimate of the sales a country lost under a sanction.
type loss struct {
	Country        string     `yaml:"country"`
	ValueUSD       *float64   `yaml:"value_usd"`
	ValueEstimated bool       `yaml:"value_estimated"`
	EstimatedBy    string     `yaml:"estimated_by"`
	Confidence     string     `yaml:"confidence"`
	Citations      []citation `yaml:"citations"`
	Note           string     `yaml:"note"`
	line           int
}

func (l *loss) UnmarshalYAML(n *yaml.Node) error {
	type plain loss
	if err := n.Decode((*plain)(l)); err != nil {
		return err
	}
	l.line = n.Line
	return nil
}
