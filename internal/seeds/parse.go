package seeds

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// listDecoders decode one list item of each top-level key into its struct.
var listKinds = []string{
	"sources", "countries", "organizations", "people", "weapons",
	"agreements", "transfers", "events", "resolutions", "relations",
}

var itemTypes = map[string]reflect.Type{
	"sources":       reflect.TypeFor[sourceItem](),
	"countries":     reflect.TypeFor[countryItem](),
	"organizations": reflect.TypeFor[organizationItem](),
	"people":        reflect.TypeFor[personItem](),
	"weapons":       reflect.TypeFor[weaponItem](),
	"agreements":    reflect.TypeFor[agreementItem](),
	"transfers":     reflect.TypeFor[transferItem](),
	"events":        reflect.TypeFor[eventItem](),
	"resolutions":   reflect.TypeFor[resolutionItem](),
	"relations":     reflect.TypeFor[relationItem](),
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseFile decodes one seed file and hands every item to visit, with the
// list key it stands under and its line. Structural problems (bad YAML,
// unknown keys, wrong types) go to c.
func parseFile(c *fileCtx, data []byte, visit func(key string, item any, line int)) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := 1, err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		c.fail(line, "invalid YAML: %s", msg)
		return
	}
	if len(doc.Content) == 0 {
		return // an empty file holds no facts
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		c.fail(top.Line, "a seed file is a mapping of kinds (%s) to lists", strings.Join(listKinds, ", "))
		return
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		key, list := top.Content[i], top.Content[i+1]
		if item := listItems(c, key, list, visit); item != nil {
			for _, n := range list.Content {
				item(n)
			}
		}
	}
}

// parseFileFast is parseFile for a file in the subset of YAML the fast
// parser reads, item by item. It returns false, having perhaps reported
// problems and visited items already, when the file is not in the subset.
func parseFileFast(c *fileCtx, data string, share bool, visit func(key string, item any, line int)) bool {
	return parseFast(data, share, func(key, list *yaml.Node) func(*yaml.Node) {
		return listItems(c, key, list, visit)
	})
}

// listItems checks a top-level key and its value, and returns what to do
// with each item of the list, or nil when the list is to be skipped.
func listItems(c *fileCtx, key, list *yaml.Node, visit func(key string, item any, line int)) func(*yaml.Node) {
	typ, ok := itemTypes[key.Value]
	if !ok {
		c.fail(key.Line, "unknown kind %q%s; known kinds: %s", key.Value, didYouMean(key.Value, listKinds), strings.Join(listKinds, ", "))
		return nil
	}
	if list.Kind == yaml.ScalarNode && list.Tag == "!!null" {
		return nil
	}
	if list.Kind != yaml.SequenceNode {
		c.fail(list.Line, "%s: want a list of items", key.Value)
		return nil
	}
	return func(n *yaml.Node) {
		if n.Kind != yaml.MappingNode {
			c.fail(n.Line, "%s: each item is a mapping of fields", key.Value)
			return
		}
		if item, ok := decodeFast(key.Value, n); ok {
			visit(key.Value, item, n.Line)
			return
		}
		if !checkKeys(c, n, typ, key.Value) {
			return
		}
		item := reflect.New(typ)
		if err := n.Decode(item.Interface()); err != nil {
			c.fail(n.Line, "%s item: %s", key.Value, cleanDecodeError(err))
			return
		}
		visit(key.Value, item.Interface(), n.Line)
	}
}

// cleanDecodeError turns yaml.v3's type errors into one readable line.
func cleanDecodeError(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: unmarshal errors:\n")
	msg = strings.ReplaceAll(msg, "\n  ", "; ")
	return strings.TrimSpace(msg)
}

// checkKeys reports fields a struct does not know, recursing into nested
// items, so a typo such as "aliasses" is an error instead of silently lost data.
func checkKeys(c *fileCtx, n *yaml.Node, t reflect.Type, where string) bool {
	ok := true
	switch {
	case t.Kind() == reflect.Pointer:
		return checkKeys(c, n, t.Elem(), where)
	case t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode:
		for _, e := range n.Content {
			ok = checkKeys(c, e, t.Elem(), where) && ok
		}
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		fields, names := knownFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ft, known := fields[k.Value]
			if !known {
				c.fail(k.Line, "%s: unknown field %q%s; known fields: %s", where, k.Value, didYouMean(k.Value, names), strings.Join(names, ", "))
				ok = false
				continue
			}
			ok = checkKeys(c, v, ft, where+"."+k.Value) && ok
		}
	}
	return ok
}

type fieldSet struct {
	types map[string]reflect.Type
	names []string // sorted, for messages
}

// fieldCache holds each struct's fields: reflection per mapping node was a
// tenth of the parse time of a large folder.
var fieldCache sync.Map // reflect.Type → fieldSet

func knownFields(t reflect.Type) (map[string]reflect.Type, []string) {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.(fieldSet).types, fs.(fieldSet).names
	}
	types := yamlFields(t)
	names := make([]string, 0, len(types))
	for name := range types {
		names = append(names, name)
	}
	slices.Sort(names)
	fieldCache.Store(t, fieldSet{types, names})
	return types, names
}

// yamlFields maps the yaml names of a struct's exported fields (inline ones flattened) to their types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if opts == "inline" {
			for k, v := range yamlFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		out[name] = f.Type
	}
	return out
}

// parseLocator reads "line N" or "lines N-M".
func parseLocator(at string) (first, last int, err error) {
	bad := func() error { return fmt.Errorf("locator %q: want \"line N\" or \"lines N-M\"", at) }
	switch {
	case strings.HasPrefix(at, "line "):
		n, e := strconv.Atoi(strings.TrimSpace(at[len("line "):]))
		if e != nil || n < 1 {
			return 0, 0, bad()
		}
		return n, n, nil
	case strings.HasPrefix(at, "lines "):
		a, b, ok := strings.Cut(strings.TrimSpace(at[len("lines "):]), "-")
		n, e1 := strconv.Atoi(strings.TrimSpace(a))
		m, e2 := strconv.Atoi(strings.TrimSpace(b))
		if !ok || e1 != nil || e2 != nil || n < 1 || m < n {
			return 0, 0, bad()
		}
		return n, m, nil
	}
	return 0, 0, bad()
}
