package sipri

import (
	"context"
	"fmt"
	"slices"

	"armsgraph/internal/kg"
	"armsgraph/internal/seeds"
)

// Base is what the import joins a register to: the countries and weapons a
// seed folder (loaded under its own dataset) defines, found by the same name
// keys the API matches names with (kg.NameKey: "C802" is "C-802"), and the
// derivations it already records.
type Base struct {
	ids     map[string]kg.Kind
	keys    map[kg.Kind]map[string][]string // name key → ids
	derived map[[2]string]string            // child, parent → kind
}

// NewBase indexes the nodes and relationships of a base folder.
func NewBase(nodes []kg.Node, rels []kg.Rel) *Base {
	b := &Base{ids: map[string]kg.Kind{}, keys: map[kg.Kind]map[string][]string{}, derived: map[[2]string]string{}}
	for _, n := range nodes {
		b.ids[n.ID] = n.Kind
		if n.Kind != kg.Country && n.Kind != kg.Weapon {
			continue
		}
		for _, k := range kg.NameKeys(n.Name, n.Aliases) {
			b.addKey(n.Kind, k, n.ID)
		}
	}
	for _, r := range rels {
		if r.Type == kg.DerivedFrom {
			kind, _ := r.Props[kg.PropKind].(string)
			b.derived[[2]string{r.From, r.To}] = kind
		}
	}
	return b
}

func (b *Base) addKey(kind kg.Kind, key, id string) {
	m := b.keys[kind]
	if m == nil {
		m = map[string][]string{}
		b.keys[kind] = m
	}
	if !slices.Contains(m[key], id) {
		m[key] = append(m[key], id)
	}
}

// LoadBase reads a (valid) seed folder as a base.
func LoadBase(ctx context.Context, folder *seeds.Folder) (*Base, error) {
	var nodes []kg.Node
	var rels []kg.Rel
	err := folder.Each(ctx, func(c seeds.Chunk) error {
		nodes = append(nodes, c.Nodes...)
		for _, r := range c.Rels {
			if r.Type == kg.DerivedFrom {
				rels = append(rels, r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read base folder: %w", err)
	}
	return NewBase(nodes, rels), nil
}

// IDs are the ids the base defines, with their kinds (seeds.Options.Known).
func (b *Base) IDs() map[string]kg.Kind {
	if b == nil {
		return nil
	}
	return b.ids
}

func (b *Base) lookup(kind kg.Kind, key string) []string { return b.keys[kind][key] }
