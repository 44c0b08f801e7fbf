// Package querygen generates valid GraphQL operations from a schema, for
// differential and fuzz tests of a GraphQL server: every root field, object
// fields nested to a depth, lists inside lists, fragments and inline
// fragments on every possible type of an interface, aliases (the same field
// twice with different arguments among them), @skip/@include, variables,
// and argument values drawn from a pool of real values and some that match
// nothing. It knows no field by name: a field added to the schema is
// generated too.
//
//	g := querygen.New(schema, pool, querygen.Config{})
//	op := g.Generate(rand.New(rand.NewPCG(seed, seed)))
//	// op.Query, op.Variables: valid against schema
//
// The generator keeps a count of the fields it has emitted and prefers the
// least used, so that a few thousand operations cover every field; the
// operations of one seed are therefore the same only when generated in the
// same order by one Generator.
package querygen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Pool holds the values arguments are drawn from.
type Pool struct {
	// IDs of things that exist (entity and source ids).
	IDs []string
	// Names that match something: names, aliases, misspellings of them.
	Names []string
	// Words for full-text arguments (any String argument may get one).
	Words []string
	// Scalars holds values per custom scalar name (e.g. "PartialDate"),
	// valid or not: a custom scalar is a string to the validator.
	Scalars map[string][]string
	// Unmatched are strings that match nothing (any String or ID argument
	// may get one).
	Unmatched []string
}

// Config bounds the operations.
type Config struct {
	// MaxDepth is how many levels of object fields a root field may nest
	// (the root field is level 1); 5 when zero.
	MaxDepth int
	// MaxRootFields caps the root fields of an operation; 3 when zero.
	MaxRootFields int
}

func (c Config) withDefaults() Config {
	if c.MaxDepth <= 0 {
		c.MaxDepth = 5
	}
	if c.MaxRootFields <= 0 {
		c.MaxRootFields = 3
	}
	return c
}

// Op is one generated operation.
type Op struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables,omitempty"`
}

// Generator generates operations over one schema.
type Generator struct {
	schema *ast.Schema
	pool   Pool
	cfg    Config
	uses   map[string]int
}

// New returns a generator for schema.
func New(schema *ast.Schema, pool Pool, cfg Config) *Generator {
	cfg = cfg.withDefaults()
	if len(pool.Unmatched) == 0 {
		pool.Unmatched = []string{"no such thing"}
	}
	return &Generator{schema: schema, pool: pool, cfg: cfg, uses: map[string]int{}}
}

// Uses reports how many times each field ("Type.field") has been emitted.
func (g *Generator) Uses() map[string]int { return g.uses }

// opGen is the state of one operation being generated.
type opGen struct {
	*Generator
	r         *rand.Rand
	vars      []string
	values    map[string]any
	fragments []*fragment
	frags     strings.Builder
	nvar      int
}

// fragment is a named fragment already written, with the response keys
// its top level adds to a selection it is spread into.
type fragment struct {
	name, on string
	keys     []scopedKey
}

// scopedKey is a response key in a selection set: the type whose fields
// it was chosen among, and the leaf type it returns ("" for an object).
type scopedKey struct {
	key, parent, leaf string
}

// scope tracks the response keys of one selection set, with its fragments,
// so that no two fields under one key need merging (which the validator
// would refuse when their arguments or shapes differ).
type scope struct {
	g    *opGen
	keys map[string][]scopedKey
}

func newScope(g *opGen) *scope { return &scope{g: g, keys: map[string][]scopedKey{}} }

// fits reports whether k may join the scope: its key is new, or every
// field already under it was chosen on another object type and returns
// the same leaf type (fields on different object types never merge).
func (s *scope) fits(k scopedKey) bool {
	for _, o := range s.keys[k.key] {
		if o.parent == k.parent || o.leaf == "" || o.leaf != k.leaf || !s.g.isObject(o.parent) || !s.g.isObject(k.parent) {
			return false
		}
	}
	return true
}

func (s *scope) add(k scopedKey) { s.keys[k.key] = append(s.keys[k.key], k) }

// Generate returns one operation.
func (g *Generator) Generate(r *rand.Rand) Op {
	og := &opGen{Generator: g, r: r, values: map[string]any{}}
	root := g.schema.Query
	n := 1 + r.IntN(g.cfg.MaxRootFields)
	var body strings.Builder
	sc := newScope(og)
	for range n {
		f := og.pickField(root, root.Fields, func(*ast.FieldDefinition) bool { return true })
		if f == nil {
			break
		}
		body.WriteString(og.field(sc, root, f, 1))
	}
	var q strings.Builder
	switch {
	case len(og.vars) > 0:
		fmt.Fprintf(&q, "query %s(%s) {%s }", og.opName(), strings.Join(og.vars, ", "), body.String())
	case r.IntN(3) == 0:
		fmt.Fprintf(&q, "query %s {%s }", og.opName(), body.String())
	default:
		fmt.Fprintf(&q, "{%s }", body.String())
	}
	q.WriteString(og.frags.String())
	op := Op{Query: q.String()}
	if len(og.values) > 0 {
		op.Variables = og.values
	}
	return op
}

func (og *opGen) opName() string { return fmt.Sprintf("Generated%d", og.r.IntN(1000)) }

func (g *Generator) isObject(name string) bool {
	d := g.schema.Types[name]
	return d != nil && d.Kind == ast.Object
}

func (g *Generator) isLeaf(t *ast.Type) bool {
	d := g.schema.Types[t.Name()]
	return d != nil && (d.Kind == ast.Scalar || d.Kind == ast.Enum)
}

// pickField draws a field of def among those ok accepts, preferring the
// least used; nil when none is accepted.
func (og *opGen) pickField(def *ast.Definition, fields ast.FieldList, ok func(*ast.FieldDefinition) bool) *ast.FieldDefinition {
	var cands []*ast.FieldDefinition
	var weights []float64
	total := 0.0
	for _, f := range fields {
		if strings.HasPrefix(f.Name, "__") || !ok(f) {
			continue
		}
		w := 1 / float64(1+og.uses[def.Name+"."+f.Name])
		cands, weights = append(cands, f), append(weights, w)
		total += w
	}
	if len(cands) == 0 {
		return nil
	}
	x := og.r.Float64() * total
	for i, w := range weights {
		if x < w {
			return cands[i]
		}
		x -= w
	}
	return cands[len(cands)-1]
}

// field writes one field of parent (with arguments, maybe an alias and a
// directive, and its selection set) into scope sc. depth is its level.
func (og *opGen) field(sc *scope, parent *ast.Definition, f *ast.FieldDefinition, depth int) string {
	og.uses[parent.Name+"."+f.Name]++
	leaf := ""
	if og.isLeaf(f.Type) {
		leaf = f.Type.String()
	}
	k := scopedKey{key: f.Name, parent: parent.Name, leaf: leaf}
	alias := ""
	if !sc.fits(k) || og.r.IntN(8) == 0 {
		for i := 2; ; i++ {
			k.key = fmt.Sprintf("%s%d", f.Name, i)
			if sc.fits(k) {
				break
			}
		}
		alias = k.key + ": "
	}
	sc.add(k)
	var b strings.Builder
	b.WriteString(" " + alias + f.Name + og.arguments(f.Arguments) + og.directive())
	if leaf == "" {
		b.WriteString(og.selection(og.schema.Types[f.Type.Name()], depth+1))
	}
	// The same field again under another alias, with other arguments.
	if len(f.Arguments) > 0 && og.r.IntN(6) == 0 {
		k2 := k
		for i := 2; ; i++ {
			k2.key = fmt.Sprintf("%sAgain%d", f.Name, i)
			if sc.fits(k2) {
				break
			}
		}
		sc.add(k2)
		b.WriteString(" " + k2.key + ": " + f.Name + og.arguments(f.Arguments))
		if leaf == "" {
			b.WriteString(og.selection(og.schema.Types[f.Type.Name()], depth+1))
		}
	}
	return b.String()
}

// directive is "", or @skip/@include with a literal or a variable.
func (og *opGen) directive() string {
	if og.r.IntN(10) != 0 {
		return ""
	}
	name := "skip"
	if og.r.IntN(2) == 0 {
		name = "include"
	}
	if og.r.IntN(2) == 0 {
		return fmt.Sprintf(" @%s(if: %t)", name, og.r.IntN(2) == 0)
	}
	return fmt.Sprintf(" @%s(if: %s)", name, og.variable(ast.NonNullNamedType("Boolean", nil), og.r.IntN(2) == 0))
}

// selection writes the selection set of a field of type def at level depth.
func (og *opGen) selection(def *ast.Definition, depth int) string {
	sc := newScope(og)
	var b strings.Builder
	b.WriteString(" {")
	switch def.Kind {
	case ast.Object:
		og.fields(&b, sc, def, depth)
	case ast.Interface, ast.Union:
		if def.Kind == ast.Interface && og.r.IntN(3) > 0 {
			og.fields(&b, sc, def, depth)
		}
		possible := slices.Clone(og.schema.GetPossibleTypes(def))
		og.r.Shuffle(len(possible), func(i, j int) { possible[i], possible[j] = possible[j], possible[i] })
		for _, p := range possible[:1+og.r.IntN(min(3, len(possible)))] {
			og.fragmentOn(&b, sc, p, depth)
		}
		if og.r.IntN(4) == 0 {
			b.WriteString(" __typename")
		}
	}
	b.WriteString(" }")
	return b.String()
}

// fragmentOn writes an inline fragment or a spread of a named fragment on
// type on (an object type of the selection's possible types).
func (og *opGen) fragmentOn(b *strings.Builder, sc *scope, on *ast.Definition, depth int) {
	if og.r.IntN(3) > 0 {
		inner := strings.Builder{}
		og.fields(&inner, sc, on, depth)
		fmt.Fprintf(b, " ... on %s%s {%s }", on.Name, og.directive(), inner.String())
		return
	}
	og.spread(b, sc, on, depth)
}

// spread writes a spread of a named fragment on type on: one written
// before whose keys fit the scope, or a new one.
func (og *opGen) spread(b *strings.Builder, sc *scope, on *ast.Definition, depth int) {
	for _, f := range og.fragments {
		if f.on != on.Name || og.r.IntN(2) == 0 {
			continue
		}
		fits := true
		for _, k := range f.keys {
			fits = fits && sc.fits(k)
		}
		if fits {
			for _, k := range f.keys {
				sc.add(k)
			}
			fmt.Fprintf(b, " ...%s%s", f.name, og.directive())
			return
		}
	}
	// A new fragment: its keys are chosen in a scope of their own that
	// starts as a copy of sc, so that they fit where it is spread.
	fsc := newScope(og)
	for k, v := range sc.keys {
		fsc.keys[k] = slices.Clone(v)
	}
	var body strings.Builder
	og.fields(&body, fsc, on, depth)
	f := &fragment{name: fmt.Sprintf("F%d", len(og.fragments)+1), on: on.Name}
	for k, v := range fsc.keys {
		for _, sk := range v[len(sc.keys[k]):] {
			f.keys = append(f.keys, sk)
			sc.add(sk)
		}
	}
	og.fragments = append(og.fragments, f)
	fmt.Fprintf(&og.frags, "\nfragment %s on %s {%s }", f.name, f.on, body.String())
	fmt.Fprintf(b, " ...%s%s", f.name, og.directive())
}

// fields writes a few fields of def (an object or interface type) at level
// depth, some of them in inline fragments on def itself or in a named
// fragment. Object fields are chosen up to level MaxDepth, leaves below.
func (og *opGen) fields(b *strings.Builder, sc *scope, def *ast.Definition, depth int) {
	leaves := 1 + og.r.IntN(3)
	objects := 0
	if depth <= og.cfg.MaxDepth {
		// Fewer nested lists the deeper: the answers stay small.
		objects = og.r.IntN(max(1, 4-depth/2))
		if og.r.IntN(3) == 0 {
			objects++
		}
	}
	n := 0
	for range objects {
		f := og.pickField(def, def.Fields, func(f *ast.FieldDefinition) bool { return !og.isLeaf(f.Type) })
		if f == nil {
			break
		}
		b.WriteString(og.field(sc, def, f, depth))
		n++
	}
	for range leaves {
		f := og.pickField(def, def.Fields, func(f *ast.FieldDefinition) bool { return og.isLeaf(f.Type) })
		if f == nil {
			break
		}
		b.WriteString(og.field(sc, def, f, depth))
		n++
	}
	if n == 0 {
		// Only object fields past the depth: __typename is always a leaf.
		k := scopedKey{key: "__typename", parent: def.Name, leaf: "String!"}
		if sc.fits(k) {
			sc.add(k)
			b.WriteString(" __typename")
		} else {
			b.WriteString(" " + fmt.Sprintf("t%d: __typename", len(sc.keys)))
		}
	}
	if def.Kind == ast.Object && og.r.IntN(8) == 0 {
		// The same type again, as an inline fragment (with or without a
		// type condition) or a named fragment.
		switch og.r.IntN(3) {
		case 0:
			var inner strings.Builder
			og.fields(&inner, sc, def, depth)
			fmt.Fprintf(b, " ...%s {%s }", og.directive(), inner.String())
		case 1:
			var inner strings.Builder
			og.fields(&inner, sc, def, depth)
			fmt.Fprintf(b, " ... on %s {%s }", def.Name, inner.String())
		default:
			og.spread(b, sc, def, depth)
		}
	}
}

// arguments writes the arguments of a field: every required one, some of
// the others, each a literal or a variable.
func (og *opGen) arguments(args ast.ArgumentDefinitionList) string {
	var parts []string
	for _, a := range args {
		required := a.Type.NonNull && a.DefaultValue == nil
		if !required && og.r.IntN(2) == 0 {
			continue
		}
		if og.r.IntN(5) == 0 {
			parts = append(parts, a.Name+": "+og.variable(a.Type, og.value(a.Type)))
			continue
		}
		parts = append(parts, a.Name+": "+og.literal(a.Type, og.value(a.Type)))
	}
	if len(parts) == 0 {
		return ""
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// variable declares a variable of type t with value v and returns its
// reference; now and then the value is the declaration's default instead.
func (og *opGen) variable(t *ast.Type, v any) string {
	og.nvar++
	name := fmt.Sprintf("v%d", og.nvar)
	decl := "$" + name + ": " + t.String()
	if !t.NonNull && v != nil && og.r.IntN(5) == 0 {
		decl += " = " + og.literal(t, v)
	} else {
		og.values[name] = v
	}
	og.vars = append(og.vars, decl)
	return "$" + name
}

// value draws a value of type t (a Go value as JSON decodes it; enum
// values are their names).
func (og *opGen) value(t *ast.Type) any {
	if !t.NonNull && og.r.IntN(12) == 0 {
		return nil
	}
	if t.Elem != nil {
		n := og.r.IntN(4)
		out := make([]any, n)
		for i := range out {
			out[i] = og.value(t.Elem)
		}
		return out
	}
	def := og.schema.Types[t.Name()]
	switch {
	case def == nil:
		return nil
	case def.Kind == ast.Enum:
		return def.EnumValues[og.r.IntN(len(def.EnumValues))].Name
	case def.Kind == ast.InputObject:
		m := map[string]any{}
		for _, f := range def.Fields {
			if (f.Type.NonNull && f.DefaultValue == nil) || og.r.IntN(2) == 0 {
				m[f.Name] = og.value(f.Type)
			}
		}
		return m
	}
	switch def.Name {
	case "Int":
		return og.intValue()
	case "Float":
		return []float64{0, 1.5, 250, 1e6}[og.r.IntN(4)]
	case "Boolean":
		return og.r.IntN(2) == 0
	case "ID":
		return og.pick(og.pool.IDs, og.pool.IDs, og.pool.IDs, og.pool.Names, og.pool.Unmatched)
	case "String":
		return og.pick(og.pool.Names, og.pool.Names, og.pool.Words, og.pool.IDs, og.pool.Unmatched)
	}
	if vs := og.pool.Scalars[def.Name]; len(vs) > 0 {
		return vs[og.r.IntN(len(vs))]
	}
	return og.pick(og.pool.Unmatched)
}

// intValue is mostly a small size, now and then one past any sensible
// limit or below zero.
func (og *opGen) intValue() int {
	if og.r.IntN(15) == 0 {
		return []int{-1, 100, 500, 100000}[og.r.IntN(4)]
	}
	return []int{0, 1, 1, 2, 2, 3, 3, 5, 10, 25}[og.r.IntN(10)]
}

// pick draws a string from one of lists (an empty one falls to Unmatched).
func (og *opGen) pick(lists ...[]string) string {
	l := lists[og.r.IntN(len(lists))]
	if len(l) == 0 {
		l = og.pool.Unmatched
	}
	return l[og.r.IntN(len(l))]
}

// literal writes v as a GraphQL literal of type t.
func (og *opGen) literal(t *ast.Type, v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case []any:
		if len(x) == 1 && og.r.IntN(3) == 0 {
			return og.literal(t.Elem, x[0]) // a lone value stands for a list of one
		}
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = og.literal(t.Elem, e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		def := og.schema.Types[t.Name()]
		var parts []string
		for _, f := range def.Fields {
			if fv, ok := x[f.Name]; ok {
				parts = append(parts, f.Name+": "+og.literal(f.Type, fv))
			}
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case string:
		if d := og.schema.Types[t.Name()]; d != nil && d.Kind == ast.Enum {
			return x
		}
		b, _ := json.Marshal(x) // a JSON string is a GraphQL string
		return string(b)
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	panic(fmt.Sprintf("querygen: no literal for %T", v))
}
