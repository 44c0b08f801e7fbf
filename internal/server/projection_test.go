package server_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"armsgraph/cmd/wiring"
	"armsgraph/graph"
	"armsgraph/internal/kg"
)

// allFieldsFragment is a selection of every field of every entity kind that
// reads node properties (every scalar and enum field, citations with their
// sources, a transfer's covers), built from the schema so that a field added
// later is covered too.
// Each field is aliased by its kind: fields of the same name differ in
// nullability between kinds. With no kinds, every kind.
func allFieldsFragment(t *testing.T, kinds ...kg.Kind) string {
	t.Helper()
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	if len(kinds) == 0 {
		kinds = kg.Kinds
	}
	var b strings.Builder
	for _, k := range kinds {
		def := schema.Types[k.Label()]
		if def == nil {
			t.Fatalf("the schema has no type %s", k.Label())
		}
		fmt.Fprintf(&b, " ... on %s {", def.Name)
		for _, f := range def.Fields {
			if len(f.Arguments) > 0 {
				continue
			}
			alias := fmt.Sprintf(" %s_%s: ", def.Name, f.Name)
			switch ft := schema.Types[f.Type.Name()]; {
			case ft.Kind == ast.Scalar || ft.Kind == ast.Enum:
				b.WriteString(alias + f.Name)
			case f.Name == "citations":
				b.WriteString(alias + "citations { locator note confidence claims { field value values } source { id title } }")
			case f.Name == "covers":
				b.WriteString(alias + "covers { id name valueUsd }")
			}
		}
		b.WriteString(" }")
	}
	return b.String()
}

// TestProjectionKeepsEveryField asks for every property-backed field of every
// kind, under the root fields that project nodes (neighbourhood, lineage,
// paths, a page, a lookup, nested lists), through the server (which fetches
// only the properties the request reads) and through the same handler over
// a store that ignores the prefetch (whole nodes, per-level loaders). The
// answers must be equal: a field whose property the projection misses
// would come back empty.
func TestProjectionKeepsEveryField(t *testing.T) {
	store := seededStore(t)
	projected := newServer(t, wiring.Config{}, store)
	whole := graph.NewHandler(uncompiled{store}, graph.HandlerConfig{}, nil)
	all, weapon, transfer := allFieldsFragment(t), allFieldsFragment(t, kg.Weapon), allFieldsFragment(t, kg.Transfer)
	country := allFieldsFragment(t, kg.Country)
	requests := map[string]string{
		// The limits keep every field of every kind under the complexity bound.
		"neighborhood":       `{ neighborhood(id: "country/iran", depth: 1, limit: 30) { nodes { id` + all + ` } } }`,
		"neighborhood-china": `{ neighborhood(id: "country/china", depth: 1, limit: 30) { nodes { id` + all + ` } } }`,
		"lineage":            `{ lineage(weapon: "weapon/c-802", direction: BOTH) { weapon { id` + weapon + ` } nodes { depth weapon { id` + weapon + ` } } } }`,
		"paths":              `{ paths(from: "person/sergei-shoigu", to: "person/chang-wanquan", maxHops: 4, limit: 3) { nodes { id` + all + ` } } }`,
		"page":               `{ weapons(first: 50) { edges { node { id` + weapon + ` origin { id` + country + ` } } } } }`,
		"lookup":             `{ weapon(name: "Noor") { id` + weapon + ` derivedFrom { parent { id` + weapon + ` } } transfers { id` + transfer + ` } } }`,
		"transfers":          `{ transfers { id` + transfer + ` supplier { id` + country + ` } weapon { id` + weapon + ` } } }`,
		"nested lineage":     `{ neighborhood(id: "weapon/noor", depth: 1, limit: 20) { nodes { id ... on Weapon { lineage(direction: BOTH, maxDepth: 3) { weapon { id` + weapon + ` } nodes { depth weapon { id` + weapon + ` } } } } } } }`,
		// Every field of a Derivation, whose relationships are projected too.
		"derivations": `{ lineage(weapon: "weapon/c-802", direction: BOTH) { derivations { kind confidence note citations { locator note confidence claims { field value } source { id } } child { id } parent { id } } }
		  weapon(name: "Noor") { derivedFrom { kind confidence note citations { locator source { id } } parent { name } } derivatives { kind child { name } } } }`,
		"derivation kinds": `{ weapon(name: "C-802") { derivatives { kind child { id derivatives { note child { id } } } } } }`,
		// The other types that stand for a relationship: every field but
		// Relationship.properties (which takes whole relationships).
		"relationships": `{ neighborhood(id: "country/iran", depth: 1, limit: 60) { relationships { type key kind note confidence citations { locator note source { id } } from { id } to { id } } }
		  paths(from: "person/sergei-shoigu", to: "person/chang-wanquan", maxHops: 4, limit: 3) { relationships { type key confidence from { id } to { id } } } }`,
		"positions": `{ person(name: "Dehghan") { id positions { title from to attested confidence citations { locator source { id } } organization { id name } country { id name } } } }`,
		"losses":    `{ resolutions { id losses { valueUsd valueEstimated estimatedBy confidence citations { locator note } country { id name } } } }`,
		// Only a few fields: the projection is at its narrowest.
		"narrow": `{ neighborhood(id: "country/russia", depth: 2, limit: 300) { nodes { id name } } }`,
	}
	names := make([]string, 0, len(requests))
	for name := range requests {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			q := requests[name]
			got, _ := runCounted(t, projected, q, nil)
			want, _ := runCounted(t, whole, q, nil)
			if !bytes.Equal(got, want) {
				t.Errorf("the projected answer differs from the whole nodes' answer\nquery: %s\n got: %s\nwant: %s", q, trunc(string(got), 3000), trunc(string(want), 3000))
			}
			if bytes.Count(got, []byte(`"id"`)) < 2 {
				t.Errorf("the request found almost nothing, so it proves nothing: %s", trunc(string(got), 3000))
			}
		})
	}
}
