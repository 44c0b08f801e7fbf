package graph

import (
	"slices"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"armsgraph/internal/kg"
)

// TestEveryEntityFieldIsClassified keeps the field catalogue in step with
// the schema: a field added to an entity type must say what it follows and
// reads of the node (graph/catalogue.go), or requests selecting it fall
// back to whole nodes and are priced at a guess.
func TestEveryEntityFieldIsClassified(t *testing.T) {
	for _, k := range append([]kg.Kind{}, kg.Kinds...) {
		def := parsedSchema.Types[k.Label()]
		if def == nil {
			t.Fatalf("no type %s in the schema", k.Label())
		}
		for _, f := range def.Fields {
			ft := parsedSchema.Types[f.Type.Name()]
			scalar := ft.Kind == ast.Scalar || ft.Kind == ast.Enum
			_, catalogued := fieldOf(def.Name, f.Name)
			switch {
			case scalar && kg.IsNodeProp(f.Name), catalogued:
			default:
				t.Errorf("%s.%s: add it to the catalogue (graph/catalogue.go): the relationship it follows, the node properties it reads, its price (a scalar reads the property of its name, which must be in kg's allow-list)", def.Name, f.Name)
			}
		}
	}
}

// TestEveryRelationshipFieldIsClassified does the same for the types that
// stand for a relationship: a new field must say what it reads of it.
func TestEveryRelationshipFieldIsClassified(t *testing.T) {
	readsAll := map[string]bool{"Relationship.properties": true}
	for typ, fields := range relTypeFields {
		def := parsedSchema.Types[typ]
		if def == nil {
			t.Fatalf("no type %s in the schema", typ)
		}
		for _, f := range def.Fields {
			if _, ok := fields[f.Name]; !ok && !readsAll[typ+"."+f.Name] {
				t.Errorf("%s.%s: say in graph/props.go (relTypeFields) which relationship properties it reads", typ, f.Name)
			}
		}
	}
}

func TestOperationProps(t *testing.T) {
	cases := []struct {
		name, query string
		want        []string // nil: whole nodes
	}{
		{"lineage ids and names", `{ lineage(weapon: "weapon/c-802") { nodes { depth weapon { id name } } } }`, []string{"id", "name"}},
		{"fragments and inline fragments", `
			query { neighborhood(id: "country/iran") { nodes { ...N ... on Weapon { category rangeKm } } } }
			fragment N on Entity { kind ... on Transfer { valueUsd covers { id } } }`,
			[]string{"category", "covers", "id", "kind", "rangeKm", "valueUsd"}},
		{"every root field counts", `{ a: weapon(name: "Noor") { id } b: country(name: "Iran") { description aliases } }`,
			[]string{"aliases", "description", "id"}},
		{"citations read the citation lists", `{ weapon(name: "Noor") { citations { locator } origin { name } } }`,
			append(slices.Clone(kg.CiteProps), "name")},
		{"skipped fields still count", `query($s: Boolean!) { weapon(name: "Noor") { introduced @skip(if: $s) } }`, []string{"introduced"}},
		{"no entity field", `{ lineage(weapon: "weapon/c-802") { direction } }`, []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _ := propsOf(t, c.query)
			checkProps(t, "props", got, c.want)
		})
	}
}

func TestOperationRelProps(t *testing.T) {
	cases := []struct {
		name, query string
		want        []string // nil: whole relationships
	}{
		{"no relationship object", `{ weapon(name: "Noor") { origin { name } derivedFrom { parent { name } } } }`, []string{}},
		{"derivation fields", `{ weapon(name: "Noor") { derivedFrom { kind note parent { name } } } }`, []string{"kind", "note"}},
		{"derivation citations", `{ lineage(weapon: "weapon/noor") { derivations { confidence citations { locator } } } }`,
			append([]string{"confidence"}, kg.CiteProps...)},
		{"Relationship.properties reads every property", `{ neighborhood(id: "country/iran") { relationships { type properties { key } } } }`, nil},
		{"a traversal's relationships", `{ neighborhood(id: "country/iran") { relationships { type from { id } to { id } key } } }`, []string{"key"}},
		{"a position reads its country property", `{ person(name: "Dehghan") { positions { title country { name } } } }`, []string{"country", "title"}},
		{"a sales loss", `{ resolutions { losses { valueUsd estimatedBy country { name } } } }`, []string{"estimatedBy", "valueUsd"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, got := propsOf(t, c.query)
			checkProps(t, "relationship props", got, c.want)
		})
	}
}

// propsOf is operationProps of a query, validated against the schema.
func propsOf(t *testing.T, query string) (nodes, rels []string) {
	t.Helper()
	doc, errs := gqlparser.LoadQuery(parsedSchema, query)
	if errs != nil {
		t.Fatalf("query does not validate: %v", errs)
	}
	return operationProps(&graphql.OperationContext{Doc: doc, Operation: doc.Operations[0]})
}

// checkProps compares a property list with want (nil: whole values).
func checkProps(t *testing.T, what string, got, want []string) {
	t.Helper()
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(got, want) || (got == nil) != (want == nil) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}
