package graph_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"armsgraph/graph"
	"armsgraph/internal/ci"
)

// contractExtra is what the contract states in its closing comment, as SDL:
// the fields each entity type must have beyond Entity's.
const contractExtra = `
type Weapon implements Entity {
  category: String!
  origin: Country
  rangeKm: Float
  introduced: PartialDate
  derivedFrom: [Derivation!]!
  derivatives: [Derivation!]!
  lineage(direction: LineageDirection, maxDepth: Int, minConfidence: Confidence): Lineage!
  transfers: [Transfer!]!
}
type Person implements Entity {
  country: Country
  positions: [Position!]!
  agreements: [Agreement!]!
  events: [Event!]!
}
type Position {
  title: String!
  organization: Organization
  country: Country
  from: PartialDate
  to: PartialDate
}
type Organization implements Entity { country: Country  parent: Organization  type: String }
type Country implements Entity {
  organizations: [Organization!]!
  people: [Person!]!
  agreements: [Agreement!]!
  transfersSupplied: [Transfer!]!
  transfersReceived: [Transfer!]!
  weaponsOriginated: [Weapon!]!
}
type Agreement implements Entity {
  date: PartialDate
  parties: [Country!]!
  signatories: [Person!]!
  areas: [String!]!
  status: String!
  confidence: Confidence!
}
type Transfer implements Entity {
  supplier: Country!
  supplierOrganization: Organization
  recipient: Country!
  weapon: Weapon
  item: String
  quantityOrdered: Int
  quantityDelivered: Int
  quantityUnit: String
  ordered: PartialDate
  delivered: PartialDate
  valueUsd: Float
  status: String!
  confidence: Confidence!
}
type Event implements Entity {
  type: String!
  date: PartialDate
  status: String
  location: String
  country: Country
  participants: [Entity!]!
  confidence: Confidence!
}
type Resolution implements Entity {
  body: Organization
  date: PartialDate
  target: Country
  restrictions: [String!]!
  exemptions: [String!]!
}
`

// TestContractCopyIsCurrent checks that the copy in testdata, which
// TestContract reads, is the shared contract (../shared/design next to the
// checkout); without the shared file it skips, or fails under CI.
func TestContractCopyIsCurrent(t *testing.T) {
	sharedPath := filepath.Join("..", "..", "shared", "design", "api-contract.graphqls")
	shared, err := os.ReadFile(sharedPath)
	if err != nil {
		ci.Missing(t, "the shared API contract is not at %s, so the copy in graph/testdata cannot be checked: %v", sharedPath, err)
	}
	contract, err := os.ReadFile(filepath.Join("testdata", "api-contract.graphqls"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(shared, contract) {
		t.Errorf("graph/testdata/api-contract.graphqls differs from %s: copy it again", sharedPath)
	}
}

// TestContract checks that the served schema has every type, field,
// argument (with its default), enum value and interface of the public
// contract, with the same types.
func TestContract(t *testing.T) {
	contract, err := os.ReadFile(filepath.Join("testdata", "api-contract.graphqls"))
	if err != nil {
		t.Fatal(err)
	}
	// The contract leaves the entity types to a comment; its fields must be
	// parsed with those types declared. Declare the types as contractExtra,
	// with Entity's fields added by the check below.
	want, gerr := gqlparser.LoadSchema(&ast.Source{Name: "contract", Input: string(contract) + withEntityFields(contractExtra)})
	if gerr != nil {
		t.Fatalf("parse contract: %v", gerr)
	}
	got := graph.NewSchema(graph.NewResolver(nil, graph.Limits{})).Schema()

	for name, wt := range want.Types {
		if wt.BuiltIn {
			continue
		}
		gt := got.Types[name]
		if gt == nil {
			t.Errorf("type %s is missing", name)
			continue
		}
		if gt.Kind != wt.Kind {
			t.Errorf("type %s is %s, want %s", name, gt.Kind, wt.Kind)
		}
		for _, iface := range wt.Interfaces {
			if !contains(gt.Interfaces, iface) {
				t.Errorf("type %s does not implement %s", name, iface)
			}
		}
		for _, ev := range wt.EnumValues {
			if gt.EnumValues.ForName(ev.Name) == nil {
				t.Errorf("enum %s lacks value %s", name, ev.Name)
			}
		}
		for _, wf := range wt.Fields {
			if len(wf.Name) > 1 && wf.Name[:2] == "__" {
				continue
			}
			gf := gt.Fields.ForName(wf.Name)
			if gf == nil {
				t.Errorf("field %s.%s is missing", name, wf.Name)
				continue
			}
			if gf.Type.String() != wf.Type.String() {
				t.Errorf("field %s.%s has type %s, want %s", name, wf.Name, gf.Type, wf.Type)
			}
			for _, wa := range wf.Arguments {
				ga := gf.Arguments.ForName(wa.Name)
				if ga == nil {
					t.Errorf("argument %s.%s(%s) is missing", name, wf.Name, wa.Name)
					continue
				}
				if ga.Type.String() != wa.Type.String() {
					t.Errorf("argument %s.%s(%s) has type %s, want %s", name, wf.Name, wa.Name, ga.Type, wa.Type)
				}
				if wa.DefaultValue != nil && (ga.DefaultValue == nil || ga.DefaultValue.String() != wa.DefaultValue.String()) {
					t.Errorf("argument %s.%s(%s) has default %v, want %v", name, wf.Name, wa.Name, ga.DefaultValue, wa.DefaultValue)
				}
			}
			for _, ga := range gf.Arguments {
				if wf.Arguments.ForName(ga.Name) == nil && ga.Type.NonNull && ga.DefaultValue == nil {
					t.Errorf("argument %s.%s(%s) is new and required: old clients would break", name, wf.Name, ga.Name)
				}
			}
		}
	}
	// Weapon.lineage takes the arguments of Query.lineage, with its defaults.
	ql, wl := got.Query.Fields.ForName("lineage"), got.Types["Weapon"].Fields.ForName("lineage")
	for _, a := range wl.Arguments {
		if qa := ql.Arguments.ForName(a.Name); qa == nil || qa.DefaultValue.String() != a.DefaultValue.String() {
			t.Errorf("Weapon.lineage(%s) default %v differs from Query.lineage's", a.Name, a.DefaultValue)
		}
	}
}

// withEntityFields adds the Entity interface's fields to every type of sdl
// that implements it, as the contract requires.
func withEntityFields(sdl string) string {
	const entity = "\n  id: ID!\n  kind: EntityKind!\n  name: String!\n  aliases: [String!]!\n  description: String\n  citations: [Citation!]!\n"
	return string(bytes.ReplaceAll([]byte(sdl), []byte("implements Entity {"), []byte("implements Entity {"+entity)))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
