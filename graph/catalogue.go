package graph

import (
	"fmt"
	"strconv"

	"armsgraph/internal/kg"
)

// sizeArg is an argument that sizes a field's answer (first, limit,
// maxDepth, maxHops, depth): its least value and its cap, from the
// server's Limits. Its default is the one the schema declares, read from
// the schema (schemaDefault), so it is written once.
type sizeArg struct {
	min int
	cap func(Limits) int
}

// sizeArgs lists the size arguments, by "Type.field.argument". The
// resolvers check them (Resolver.sizeArg), the planner reads them for
// nested lineages, and the cost estimate prices the field with them.
var sizeArgs = map[string]sizeArg{
	"Query.resolve.limit":      {1, func(l Limits) int { return l.MaxResolveResults }},
	"Query.search.first":       {0, func(l Limits) int { return l.MaxSearchResults }},
	"Query.people.first":       {0, func(l Limits) int { return l.MaxPageSize }},
	"Query.weapons.first":      {0, func(l Limits) int { return l.MaxPageSize }},
	"Query.lineage.maxDepth":   {0, func(l Limits) int { return l.MaxLineageDepth }},
	"Weapon.lineage.maxDepth":  {0, func(l Limits) int { return l.MaxLineageDepth }},
	"Query.paths.maxHops":      {1, func(l Limits) int { return l.MaxPathHops }},
	"Query.paths.limit":        {1, func(l Limits) int { return l.MaxPaths }},
	"Query.neighborhood.depth": {1, func(l Limits) int { return l.MaxNeighborhoodDepth }},
	"Query.neighborhood.limit": {1, func(l Limits) int { return l.MaxNeighborhoodNodes }},
}

// schemaDefault is the default the schema gives argument arg of
// typ.field; it panics when there is none, which a test catches for every
// entry of sizeArgs.
func schemaDefault(typ, field, arg string) int {
	def := parsedSchema.Types[typ]
	if def == nil {
		panic("schemaDefault: no type " + typ)
	}
	f := def.Fields.ForName(field)
	if f == nil {
		panic("schemaDefault: no field " + typ + "." + field)
	}
	a := f.Arguments.ForName(arg)
	if a == nil || a.DefaultValue == nil {
		panic("schemaDefault: no default for " + typ + "." + field + "(" + arg + ")")
	}
	v, err := strconv.Atoi(a.DefaultValue.Raw)
	if err != nil {
		panic("schemaDefault: " + typ + "." + field + "(" + arg + "): " + err.Error())
	}
	return v
}

// sizeArg reads size argument arg of typ.field: the schema's default when
// absent, an ErrInvalid error below its least value, an ErrLimit error
// above its cap; both name the argument.
func (r *Resolver) sizeArg(typ, field, arg string, p *int) (int, error) {
	spec, ok := sizeArgs[typ+"."+field+"."+arg]
	if !ok {
		panic("sizeArg: " + typ + "." + field + "." + arg + " is not in sizeArgs")
	}
	v := schemaDefault(typ, field, arg)
	if p != nil {
		v = *p
	}
	switch hi := spec.cap(r.limits); {
	case v < spec.min:
		return 0, kg.Invalid(arg, fmt.Sprintf("must be at least %d, got %d", spec.min, v))
	case v > hi:
		return 0, kg.OverLimit(arg, fmt.Sprintf("must be at most %d, got %d", hi, v))
	}
	return v, nil
}
