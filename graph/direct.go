package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"armsgraph/graph/model"
	"armsgraph/internal/kg"
)

// The direct path (issue 19): a root field whose answer the compiled
// statement holds is written as JSON in one walk over the selection,
// instead of through gqlgen's executor, which gives every field of every
// element a field context, a middleware chain, a recover guard and a
// marshaler closure, and collects the fields of every object again.
//
// gqlgen keeps parsing, validation (its query cache) and errors; the root
// field's arguments are converted here (convertArg) to the resolver's
// parameter types. The root resolver runs as before (one statement,
// loaders primed with what it returned); then the selection is walked
// once: fields are collected once per selection set and type, each field
// is read from the model value (a struct field, or its resolver, which
// reads the primed loaders without waiting), and written straight into the
// response bytes with gqlgen's own scalar marshalers, so the bytes are
// those gqlgen would write.
//
// Nested resolvers run under the root field's field context (the walk
// makes none per field): a resolver that reads its own field context
// (arguments, path) must not be reached by the walk, or must read them
// from its parameters, as every resolver does today.
//
// Anything the walk is not sure of hands the root field back to gqlgen,
// which answers it as before: a field error or a panic, a null in a
// non-null position, a deferred fragment, a field that loaded through a
// batch (the statement did not cover it: gqlgen's executor overlaps those
// loads), the object budget passed (gqlgen reports it), an argument of a
// type the walk does not convert. The root resolver is not run twice: its
// result is handed to gqlgen's field middleware (replayRoot).

// DirectStats counts root fields by how they were answered.
type DirectStats struct {
	// Direct is the root fields written by the direct path.
	Direct atomic.Int64
	// Fallback is the root fields the direct path handed back to gqlgen.
	Fallback atomic.Int64
}

// errNotDirect stops the walk: the root field goes back to gqlgen.
var errNotDirect = errors.New("not answerable directly")

// directWriter holds what the walk needs of the schema and the resolvers,
// built once per handler; its caches fill as types and fields are met.
type directWriter struct {
	schema    *ast.Schema
	resolvers reflect.Value // the ResolverRoot
	stats     *DirectStats

	mu sync.RWMutex
	// fields maps a GraphQL object type and field name to how to read it.
	fields map[fieldKey]*fieldReader
	// objects maps a Go type to the GraphQL object type it marshals as.
	objects map[reflect.Type]string
	// implements holds the names CollectFields matches for an object type.
	implements map[string][]string
}

type fieldKey struct {
	goType reflect.Type
	field  string
}

// fieldReader reads one field of a model value: through its resolver
// method (bound to the resolver), or from a struct field.
type fieldReader struct {
	goType   reflect.Type  // the model type read
	resolver reflect.Value // a method value; invalid for a struct field
	index    []int         // the struct field, when there is no resolver
}

func newDirectWriter(schema *ast.Schema, resolvers ResolverRoot, stats *DirectStats) *directWriter {
	return &directWriter{
		schema:     schema,
		resolvers:  reflect.ValueOf(resolvers),
		stats:      stats,
		fields:     map[fieldKey]*fieldReader{},
		objects:    map[reflect.Type]string{},
		implements: map[string][]string{},
	}
}

// rootMiddleware answers the root fields it can directly and hands the
// others to next.
func (d *directWriter) rootMiddleware(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	// gqlgen's generated code sets RootFieldContext.Object to the field's
	// name: the operation says whether this is a Query field.
	rfc := graphql.GetRootFieldContext(ctx)
	if rfc == nil || !graphql.HasOperationContext(ctx) || strings.HasPrefix(rfc.Field.Name, "__") || rfc.Field.Definition == nil || rfc.Field.IsDeferred() {
		return next(ctx)
	}
	op := graphql.GetOperationContext(ctx)
	if op.Operation == nil || op.Operation.Operation != ast.Query {
		return next(ctx)
	}
	method, args, ok := d.rootCall(op, rfc.Field)
	if !ok {
		d.stats.Fallback.Add(1)
		return next(ctx)
	}
	fc := &graphql.FieldContext{Object: "Query", Field: rfc.Field, Args: args, IsMethod: true, IsResolver: true}
	rctx := graphql.WithFieldContext(ctx, fc)
	res, err, ok := callRoot(rctx, method, args, rfc.Field.Definition.Arguments)
	if !ok {
		d.stats.Fallback.Add(1)
		return next(ctx) // it panicked: gqlgen's guard reports it
	}
	if err == nil {
		if out, ok := d.write(rctx, op, rfc.Field, res); ok {
			d.stats.Direct.Add(1)
			return out
		}
	}
	d.stats.Fallback.Add(1)
	return next(context.WithValue(ctx, replayKey{}, &replay{field: rfc.Field.Field, res: res, err: err}))
}

// callRoot calls the root resolver; ok is false when it panicked.
func callRoot(ctx context.Context, method reflect.Value, args map[string]any, defs ast.ArgumentDefinitionList) (res any, err error, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			ok = false
		}
	}()
	res, err = callResolver(ctx, method, args, defs, nil)
	return res, err, true
}

// replay is a root resolver's result, computed by the direct path and
// handed to gqlgen when the root field falls back.
type replay struct {
	field *ast.Field
	res   any
	err   error
}

type replayKey struct{}

// replayRoot is the field middleware that gives gqlgen the root result the
// direct path computed, so that the root statement runs once.
func replayRoot(ctx context.Context, next graphql.Resolver) (any, error) {
	if r, ok := ctx.Value(replayKey{}).(*replay); ok {
		if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Object == "Query" && fc.Field.Field == r.field {
			return r.res, r.err
		}
	}
	return next(ctx)
}

// write walks the root field's selection over res; ok is false when the
// root field must go back to gqlgen.
func (d *directWriter) write(ctx context.Context, op *graphql.OperationContext, f graphql.CollectedField, res any) (out graphql.Marshaler, ok bool) {
	w := &directWalk{d: d, op: op, ctx: ctx, buf: walkBuffers.Get().(*bytes.Buffer), collected: map[collectKey]*collected{}}
	w.buf.Reset()
	if c, _ := ctx.Value(objectCountKey{}).(*objectCount); c != nil {
		w.budget = c.max
	}
	w.loaders, _ = ctx.Value(loadersKey{}).(*loaders)
	defer func() {
		if r := recover(); r != nil {
			releaseWalkBuffer(w.buf)
			out, ok = nil, false
		}
	}()
	if err := w.value(reflect.ValueOf(res), f.Definition.Type, f.Selections, &fieldSlot{}); err != nil {
		releaseWalkBuffer(w.buf)
		return nil, false
	}
	// gqlgen writes a root field's marshaler once, into the response; the
	// buffer goes back to the pool then (a response dropped before it is
	// written leaves its buffer to the garbage collector).
	buf := w.buf
	return graphql.WriterFunc(func(wr io.Writer) {
		if buf == nil {
			return // written already
		}
		_, _ = wr.Write(buf.Bytes())
		releaseWalkBuffer(buf)
		buf = nil
	}), true
}

// walkBuffers holds the walks' buffers between requests: a large answer's
// buffer otherwise grows by doubling, several times its size in garbage.
var walkBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledWalkBuffer bounds the buffers kept, so one huge answer does not
// pin its memory.
const maxPooledWalkBuffer = 1 << 20

func releaseWalkBuffer(b *bytes.Buffer) {
	if b != nil && b.Cap() <= maxPooledWalkBuffer {
		walkBuffers.Put(b)
	}
}

// directWalk is one root field's walk.
type directWalk struct {
	d         *directWriter
	op        *graphql.OperationContext
	ctx       context.Context
	loaders   *loaders
	buf       *bytes.Buffer
	collected map[collectKey]*collected
	objects   int64
	budget    int64
}

type collectKey struct {
	sel *ast.Selection
	n   int
	typ string
}

// value writes v, of GraphQL type t, with the selection sel. slot is the
// field's: what the walk learnt of its type at its earlier values.
func (w *directWalk) value(v reflect.Value, t *ast.Type, sel ast.SelectionSet, slot *fieldSlot) error {
	for v.IsValid() && (v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer) && !v.IsNil() {
		v = v.Elem()
	}
	if isNull(v, t) {
		if t.NonNull {
			return errNotDirect // gqlgen reports the null
		}
		w.buf.WriteString("null")
		return nil
	}
	if t.Elem != nil {
		if v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
			return errNotDirect
		}
		w.buf.WriteByte('[')
		for i := range v.Len() {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			if err := w.value(v.Index(i), t.Elem, sel, slot); err != nil {
				return err
			}
		}
		w.buf.WriteByte(']')
		return nil
	}
	def := slot.named
	if def == nil || def.Name != t.NamedType {
		if def = w.d.schema.Types[t.NamedType]; def == nil {
			return errNotDirect
		}
		slot.named = def
	}
	switch def.Kind {
	case ast.Scalar, ast.Enum:
		return w.scalar(v, t.NamedType)
	case ast.Object:
		return w.object(v, t.NamedType, sel, slot)
	case ast.Interface, ast.Union:
		name, ok := slot.concrete(w.d, v.Type(), t.NamedType)
		if !ok {
			return errNotDirect
		}
		return w.object(v, name, sel, slot)
	}
	return errNotDirect
}

// fieldSlot is what the walk keeps of one field of one collected
// selection, for its next values: its named type, the concrete object type
// of the last Go type met (interfaces and unions), the fields collected
// for that object type, and the field's reader.
type fieldSlot struct {
	reader *fieldReader
	named  *ast.Definition

	goType   reflect.Type // the last Go type met at an interface or union
	concName string       // its object type, "" when it is none of t's

	childType string // the object type child was collected for
	child     *collected
}

// concrete is the object type, of interface or union typ, that a value of
// Go type t is.
func (s *fieldSlot) concrete(d *directWriter, t reflect.Type, typ string) (string, bool) {
	if s.goType != t {
		s.goType, s.concName = t, ""
		if name, ok := d.objectOf(t); ok && implementsType(d.schema, name, typ) {
			s.concName = name
		}
	}
	return s.concName, s.concName != ""
}

// isNull reports whether gqlgen writes v, of GraphQL type t, as null: a
// nil pointer, interface or map, or a nil slice where the list may be
// null (a nil slice in a non-null list is written as []).
func isNull(v reflect.Value, t *ast.Type) bool {
	if !v.IsValid() {
		return true
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map:
		return v.IsNil()
	case reflect.Slice:
		return v.IsNil() && !t.NonNull
	}
	return false
}

// implementsType reports whether object type name implements or belongs to
// the interface or union typ.
func implementsType(s *ast.Schema, name, typ string) bool {
	for _, d := range s.GetImplements(s.Types[name]) {
		if d.Name == typ {
			return true
		}
	}
	return false
}

// scalar writes a scalar or enum value with the marshaler gqlgen's
// generated code uses for it.
func (w *directWalk) scalar(v reflect.Value, typ string) error {
	// Plain Go values (no methods: no MarshalGQL) are written here without
	// going through an interface.
	if v.Type().NumMethod() == 0 {
		switch {
		case v.Kind() == reflect.String && (typ == "String" || typ == "ID"):
			writeQuoted(w.buf, v.String())
			return nil
		case v.Kind() == reflect.Bool && typ == "Boolean":
			w.buf.WriteString(strconv.FormatBool(v.Bool()))
			return nil
		case v.CanInt() && typ == "Int":
			w.buf.Write(strconv.AppendInt(w.buf.AvailableBuffer(), v.Int(), 10))
			return nil
		}
	}
	if typ == "PartialDate" {
		switch d := v.Interface().(type) {
		case kg.PartialDate:
			model.MarshalPartialDate(d).MarshalGQL(w.buf)
			return nil
		case *kg.PartialDate:
			model.MarshalPartialDate(*d).MarshalGQL(w.buf)
			return nil
		}
		return errNotDirect
	}
	candidates := []reflect.Value{v}
	if v.CanAddr() {
		candidates = append(candidates, v.Addr())
	}
	for _, c := range candidates {
		if !c.CanInterface() {
			continue
		}
		switch m := c.Interface().(type) {
		case graphql.Marshaler:
			m.MarshalGQL(w.buf)
			return nil
		case graphql.ContextMarshaler:
			return m.MarshalGQLContext(w.ctx, w.buf)
		}
	}
	switch typ {
	case "String", "ID":
		if v.Kind() != reflect.String {
			return errNotDirect
		}
		writeQuoted(w.buf, v.String())
	case "Int":
		switch v.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			w.buf.WriteString(strconv.FormatInt(v.Int(), 10))
		default:
			return errNotDirect
		}
	case "Float":
		if v.Kind() != reflect.Float64 && v.Kind() != reflect.Float32 {
			return errNotDirect
		}
		return graphql.MarshalFloatContext(v.Float()).MarshalGQLContext(w.ctx, w.buf)
	case "Boolean":
		if v.Kind() != reflect.Bool {
			return errNotDirect
		}
		graphql.MarshalBoolean(v.Bool()).MarshalGQL(w.buf)
	default:
		return errNotDirect
	}
	return nil
}

// object writes the fields of sel that apply to the object v of GraphQL
// type typ, in the order gqlgen writes them. slot is the field's that
// holds v.
func (w *directWalk) object(v reflect.Value, typ string, sel ast.SelectionSet, slot *fieldSlot) error {
	if w.objects++; w.budget > 0 && w.objects > w.budget {
		return errNotDirect // gqlgen stops the root field with its error
	}
	c := slot.child
	if c == nil || slot.childType != typ {
		var err error
		if c, err = w.collect(sel, typ); err != nil {
			return err
		}
		slot.child, slot.childType = c, typ
	}
	w.buf.WriteByte('{')
	for i := range c.fields {
		f := &c.fields[i]
		if i > 0 {
			w.buf.WriteByte(',')
		}
		w.buf.WriteString(c.keys[i])
		if f.Name == "__typename" {
			writeQuoted(w.buf, typ)
			continue
		}
		fs := &c.slots[i]
		fv, err := w.field(v, typ, f, fs)
		if err != nil {
			return err
		}
		if err := w.value(fv, f.Definition.Type, f.Selections, fs); err != nil {
			return err
		}
	}
	w.buf.WriteByte('}')
	return nil
}

// collect is graphql.CollectFields, once per selection set and type, with
// a slot per field (found at its first use) and its key written out.
func (w *directWalk) collect(sel ast.SelectionSet, typ string) (*collected, error) {
	if len(sel) == 0 {
		return &collected{}, nil
	}
	k := collectKey{sel: &sel[0], n: len(sel), typ: typ}
	if c, ok := w.collected[k]; ok {
		return c, nil
	}
	fs := graphql.CollectFields(w.op, sel, w.d.satisfies(typ))
	c := &collected{fields: fs, slots: make([]fieldSlot, len(fs)), keys: make([]string, len(fs))}
	var key bytes.Buffer
	for i, f := range fs {
		if f.IsDeferred() || (f.Definition == nil && f.Name != "__typename") {
			return nil, errNotDirect
		}
		if f.Name != "__typename" && strings.HasPrefix(f.Name, "__") {
			return nil, errNotDirect
		}
		key.Reset()
		writeQuoted(&key, f.Alias)
		key.WriteByte(':')
		c.keys[i] = key.String()
	}
	w.collected[k] = c
	return c, nil
}

// collected is what collect keeps of one selection set and type.
type collected struct {
	fields []graphql.CollectedField
	slots  []fieldSlot
	keys   []string // each field's `"alias":`
}

// field reads field f of the model value v (an object of GraphQL type typ).
// slot caches the reader for this selection's field.
func (w *directWalk) field(v reflect.Value, typ string, f *graphql.CollectedField, slot *fieldSlot) (reflect.Value, error) {
	r := slot.reader
	if r == nil || r.goType != v.Type() {
		var err error
		if r, err = w.d.reader(v.Type(), typ, f.Name); err != nil {
			return reflect.Value{}, err
		}
		slot.reader = r
	}
	if !r.resolver.IsValid() {
		return v.FieldByIndex(r.index), nil
	}
	obj := v
	if v.CanAddr() {
		obj = v.Addr()
	} else {
		obj = reflect.New(v.Type())
		obj.Elem().Set(v)
	}
	var args map[string]any
	if len(f.Definition.Arguments) > 0 {
		args = f.ArgumentMap(w.op.Variables)
	}
	res, err := callResolver(w.ctx, r.resolver, args, f.Definition.Arguments, &obj)
	if err != nil {
		return reflect.Value{}, err
	}
	if w.loaders != nil && w.loaders.batching.Load() {
		return reflect.Value{}, errNotDirect // the statement did not cover it
	}
	return reflect.ValueOf(res), nil
}

// reader finds how to read field name of Go type goType (GraphQL type typ):
// the resolver method gqlgen calls, or the struct field it reads.
func (d *directWriter) reader(goType reflect.Type, typ, name string) (*fieldReader, error) {
	k := fieldKey{goType, name}
	d.mu.RLock()
	r, ok := d.fields[k]
	d.mu.RUnlock()
	if ok {
		if r == nil {
			return nil, errNotDirect
		}
		return r, nil
	}
	r = d.findReader(goType, typ, name)
	if r != nil {
		r.goType = goType
	}
	d.mu.Lock()
	d.fields[k] = r
	d.mu.Unlock()
	if r == nil {
		return nil, errNotDirect
	}
	return r, nil
}

func (d *directWriter) findReader(goType reflect.Type, typ, name string) *fieldReader {
	if m := d.resolvers.MethodByName(typ); m.IsValid() && m.Type().NumIn() == 0 && m.Type().NumOut() == 1 {
		tr := m.Call(nil)[0]
		if tr.Kind() == reflect.Interface {
			tr = tr.Elem()
		}
		for i := range tr.NumMethod() {
			if strings.EqualFold(tr.Type().Method(i).Name, name) {
				return &fieldReader{resolver: tr.Method(i)}
			}
		}
	}
	if goType.Kind() != reflect.Struct {
		return nil
	}
	sf, ok := goType.FieldByNameFunc(func(n string) bool { return strings.EqualFold(n, name) })
	if !ok || !sf.IsExported() {
		return nil
	}
	return &fieldReader{index: sf.Index}
}

// objectOf is the GraphQL object type a Go value of type t marshals as:
// the object of the same name.
func (d *directWriter) objectOf(t reflect.Type) (string, bool) {
	d.mu.RLock()
	name, ok := d.objects[t]
	d.mu.RUnlock()
	if ok {
		return name, name != ""
	}
	for n, def := range d.schema.Types {
		if def.Kind == ast.Object && strings.EqualFold(n, t.Name()) {
			name = n
		}
	}
	d.mu.Lock()
	d.objects[t] = name
	d.mu.Unlock()
	return name, name != ""
}

// satisfies lists the names CollectFields matches for object type typ:
// the type, its interfaces and its unions, as gqlgen's implementors.
func (d *directWriter) satisfies(typ string) []string {
	d.mu.RLock()
	s, ok := d.implements[typ]
	d.mu.RUnlock()
	if ok {
		return s
	}
	s = []string{typ}
	for _, def := range d.schema.GetImplements(d.schema.Types[typ]) {
		s = append(s, def.Name)
	}
	d.mu.Lock()
	d.implements[typ] = s
	d.mu.Unlock()
	return s
}

// rootCall finds the Query resolver method of root field f and converts
// its arguments; ok is false when an argument has a type the walk does not
// convert (gqlgen's generated code then does).
func (d *directWriter) rootCall(op *graphql.OperationContext, f graphql.CollectedField) (reflect.Value, map[string]any, bool) {
	r, err := d.reader(reflect.TypeFor[struct{}](), "Query", f.Name)
	if err != nil || !r.resolver.IsValid() {
		return reflect.Value{}, nil, false
	}
	args := f.ArgumentMap(op.Variables)
	mt := r.resolver.Type()
	if mt.NumIn() != 1+len(f.Definition.Arguments) {
		return reflect.Value{}, nil, false
	}
	for i, a := range f.Definition.Arguments {
		cv, err := convertArg(args[a.Name], mt.In(1+i), a.Type)
		if err != nil {
			return reflect.Value{}, nil, false
		}
		args[a.Name] = cv.Interface()
	}
	return r.resolver, args, true
}

// callResolver calls a resolver method with ctx, obj (nested fields) and
// the arguments in the order of defs, and returns its result.
func callResolver(ctx context.Context, method reflect.Value, args map[string]any, defs ast.ArgumentDefinitionList, obj *reflect.Value) (any, error) {
	mt := method.Type()
	in := make([]reflect.Value, 0, mt.NumIn())
	in = append(in, reflect.ValueOf(ctx))
	if obj != nil {
		if mt.NumIn() < 2 || !obj.Type().AssignableTo(mt.In(1)) {
			return nil, errNotDirect
		}
		in = append(in, *obj)
	}
	if mt.NumIn() != len(in)+len(defs) || mt.NumOut() != 2 {
		return nil, errNotDirect
	}
	for _, a := range defs {
		pt := mt.In(len(in))
		v := args[a.Name]
		if obj != nil {
			cv, err := convertArg(v, pt, a.Type)
			if err != nil {
				return nil, errNotDirect
			}
			in = append(in, cv)
			continue
		}
		if v == nil {
			in = append(in, reflect.Zero(pt))
		} else {
			in = append(in, reflect.ValueOf(v))
		}
	}
	out := method.Call(in)
	if e := out[1].Interface(); e != nil {
		return nil, e.(error)
	}
	return out[0].Interface(), nil
}

// convertArg converts an argument value as ArgumentMap gives it (strings,
// int64, float64, bool, []any) to the resolver's parameter type pt, as
// gqlgen's generated unmarshalers do for the types the schema's root and
// nested fields take.
func convertArg(v any, pt reflect.Type, t *ast.Type) (reflect.Value, error) {
	if v == nil {
		return reflect.Zero(pt), nil
	}
	if pt.Kind() == reflect.Pointer {
		inner, err := convertArg(v, pt.Elem(), t)
		if err != nil {
			return reflect.Value{}, err
		}
		p := reflect.New(pt.Elem())
		p.Elem().Set(inner)
		return p, nil
	}
	if t.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			list = []any{v} // input coercion of a single value to a list
		}
		if pt.Kind() != reflect.Slice {
			return reflect.Value{}, errNotDirect
		}
		out := reflect.MakeSlice(pt, 0, len(list))
		for _, e := range list {
			ev, err := convertArg(e, pt.Elem(), t.Elem)
			if err != nil {
				return reflect.Value{}, err
			}
			out = reflect.Append(out, ev)
		}
		return out, nil
	}
	if t.NamedType == "PartialDate" {
		d, err := model.UnmarshalPartialDate(v)
		if err != nil {
			return reflect.Value{}, err
		}
		if reflect.TypeOf(d) != pt {
			return reflect.Value{}, errNotDirect
		}
		return reflect.ValueOf(d), nil
	}
	if u, ok := reflect.New(pt).Interface().(graphql.Unmarshaler); ok {
		if err := u.UnmarshalGQL(v); err != nil {
			return reflect.Value{}, err
		}
		return reflect.ValueOf(u).Elem(), nil
	}
	switch pt.Kind() {
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			return reflect.Value{}, errNotDirect
		}
		return reflect.ValueOf(s).Convert(pt), nil
	case reflect.Int:
		n, err := graphql.UnmarshalInt(v)
		if err != nil {
			return reflect.Value{}, err
		}
		return reflect.ValueOf(n).Convert(pt), nil
	case reflect.Float64:
		f, err := graphql.UnmarshalFloat(v)
		if err != nil {
			return reflect.Value{}, err
		}
		return reflect.ValueOf(f), nil
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return reflect.Value{}, errNotDirect
		}
		return reflect.ValueOf(b), nil
	}
	return reflect.Value{}, fmt.Errorf("argument type %s: %w", pt, errNotDirect)
}

// writeQuoted writes s as a JSON string exactly as gqlgen's
// graphql.MarshalString does (TestWriteQuoted compares them), without the
// closure MarshalString allocates per value.
func writeQuoted(b *bytes.Buffer, s string) {
	const hex = "0123456789ABCDEF"
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '\\' && c != '"' {
			continue
		}
		b.WriteString(s[start:i])
		switch c {
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		case '\n':
			b.WriteString(`\n`)
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		default:
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		}
		start = i + 1
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}
