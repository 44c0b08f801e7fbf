// Package kg holds armsgraph's domain: the kinds of entity and relationship the
// graph knows, confidence levels, partial dates, citations, name keys and the
// error kinds every layer shares. It depends on the standard library only.
package kg

import (
	"fmt"
	"strings"
)

// Kind is the kind of an entity; its string form is the GraphQL enum value.
type Kind string

// The entity kinds, in the order the API lists them.
const (
	Country      Kind = "COUNTRY"
	Organization Kind = "ORGANIZATION"
	Person       Kind = "PERSON"
	Weapon       Kind = "WEAPON"
	Agreement    Kind = "AGREEMENT"
	Transfer     Kind = "TRANSFER"
	Event        Kind = "EVENT"
	Resolution   Kind = "RESOLUTION"
)

// Kinds lists every entity kind.
var Kinds = []Kind{Country, Organization, Person, Weapon, Agreement, Transfer, Event, Resolution}

var kindInfo = map[Kind]struct{ label, prefix string }{
	Country:      {"Country", "country"},
	Organization: {"Organization", "organization"},
	Person:       {"Person", "person"},
	Weapon:       {"Weapon", "weapon"},
	Agreement:    {"Agreement", "agreement"},
	Transfer:     {"Transfer", "transfer"},
	Event:        {"Event", "event"},
	Resolution:   {"Resolution", "resolution"},
}

// EntityLabel is the Neo4j label every entity node carries besides its kind's label.
const EntityLabel = "Entity"

// SourceLabel is the Neo4j label of source-document nodes; sources are not entities.
const SourceLabel = "Source"

// SourcePrefix is the id prefix of sources: "source/<slug>".
const SourcePrefix = "source"

// Label is the Neo4j label of the kind, e.g. "Weapon".
func (k Kind) Label() string { return kindInfo[k].label }

// Prefix is the id prefix of the kind, e.g. "weapon" in "weapon/c-802".
func (k Kind) Prefix() string { return kindInfo[k].prefix }

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { _, ok := kindInfo[k]; return ok }

// KindOfLabel returns the kind whose Neo4j label is label.
func KindOfLabel(label string) (Kind, bool) {
	for k, info := range kindInfo {
		if info.label == label {
			return k, true
		}
	}
	return "", false
}

// KindOfID returns the kind named by an id's prefix ("weapon/c-802" → Weapon).
func KindOfID(id string) (Kind, bool) {
	prefix, _, ok := strings.Cut(id, "/")
	if !ok {
		return "", false
	}
	for k, info := range kindInfo {
		if info.prefix == prefix {
			return k, true
		}
	}
	return "", false
}

// Labels returns the Neo4j labels of the given kinds (all kinds when none are given).
func Labels(kinds []Kind) []string {
	if len(kinds) == 0 {
		kinds = Kinds
	}
	out := make([]string, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, k.Label())
	}
	return out
}

// CheckID reports what is wrong with an id of the given kind ("" for a source id
// when kind is empty and wantPrefix is SourcePrefix), or nil when it is well formed:
// "<prefix>/<slug>" with a slug of lower-case letters, digits and single dashes.
func CheckID(id, wantPrefix string) error {
	prefix, slug, ok := strings.Cut(id, "/")
	if !ok {
		return fmt.Errorf("id %q has no %q prefix (want %s/<slug>)", id, wantPrefix+"/", wantPrefix)
	}
	if prefix != wantPrefix {
		return fmt.Errorf("id %q has prefix %q, want %q", id, prefix, wantPrefix)
	}
	if slug == "" {
		return fmt.Errorf("id %q has an empty slug", id)
	}
	for i, r := range slug {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case r == '-' || r == '.':
			if i == 0 || i == len(slug)-1 || slug[i-1] == '-' || slug[i-1] == '.' {
				return fmt.Errorf("id %q: a dash or dot must stand between letters or digits", id)
			}
		default:
			return fmt.Errorf("id %q: slug may hold only a-z, 0-9, '-' and '.', found %q", id, r)
		}
	}
	return nil
}
