package graph

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"armsgraph/internal/kg"
)

// The cost of an operation is the number of objects its answer is
// expected to hold, estimated from the graph's own statistics
// (kg.GraphStats: nodes per label, relationships per type, average degree
// per label, type and direction, citations per node): a root list counts
// what its label holds (capped by its size argument), a relationship list
// counts its average degree, a lineage or a neighbourhood the nodes its
// depth reaches at the average degree, capped by what the graph holds.
// Scalars cost nothing. The estimate only refuses, up front, what is
// surely too large (over HandlerConfig.MaxComplexity, by default ten times
// the object budget); the real size is enforced while the answer is
// built (budget.go), so no ordinary answer is refused on a guess.

// Priors used while the graph's statistics are not known yet (the server
// has not read them, or a store offers none): modest, since the object
// budget still stops a large answer while it is built.
const (
	priorList      = 25 // a root list
	priorFanout    = 3  // a relationship list
	priorCitations = 2  // citations per node or relationship
)

// estimator prices fields from stats (nil: the priors).
type estimator struct {
	stats  *kg.GraphStats
	limits Limits
	vars   map[string]any
	// scope holds the sizes of the lists inside the object being priced
	// that its parent's arguments set ("Lineage.nodes" under a lineage of
	// maxDepth 3), by "Type.field".
	scope map[string]float64
}

// operation is the estimate of every root field of op, in order.
func (e *estimator) operation(op *ast.OperationDefinition) []rootCost {
	var out []rootCost
	var walk func(set ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if !strings.HasPrefix(s.Name, "__") {
					out = append(out, rootCost{field: s, cost: e.field("Query", s, s.ArgumentMap(e.vars))})
				}
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				if s.Definition != nil {
					walk(s.Definition.SelectionSet)
				}
			}
		}
	}
	walk(op.SelectionSet)
	return out
}

// rootCost is the estimate of one root field.
type rootCost struct {
	field *ast.Field
	cost  float64
}

// selection is the expected number of objects below one object of GraphQL
// type typ that the selection set asks for.
func (e *estimator) selection(set ast.SelectionSet, typ string) float64 {
	var total float64
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				continue
			}
			total += e.field(typ, s, s.ArgumentMap(e.vars))
		case *ast.InlineFragment:
			total += e.fragment(typ, s.TypeCondition, s.SelectionSet)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				total += e.fragment(typ, s.Definition.TypeCondition, s.Definition.SelectionSet)
			}
		}
	}
	return total
}

// fragment prices a fragment on cond inside an object of type typ: on an
// entity kind inside Entity, only that kind's share of entities has it.
func (e *estimator) fragment(typ, cond string, set ast.SelectionSet) float64 {
	if cond == "" || cond == typ {
		return e.selection(set, typ)
	}
	share := 1.0
	if typ == "Entity" && e.stats != nil {
		if n := e.stats.Entities(); n > 0 {
			share = float64(e.stats.Count(cond)) / float64(n)
		}
	}
	return share * e.selection(set, cond)
}

// field is the expected number of objects field f of an object of type
// typ (the parent's type as the walk knows it) brings: how many objects
// it holds times one plus what each one's selection brings.
func (e *estimator) field(typ string, f *ast.Field, args map[string]any) float64 {
	if f.Definition == nil || f.Definition.Type == nil {
		return 0
	}
	target := f.Definition.Type.Name()
	def := parsedSchema.Types[target]
	if def == nil || (def.Kind != ast.Object && def.Kind != ast.Interface && def.Kind != ast.Union) {
		return 0 // scalars and enums are not objects
	}
	if f.ObjectDefinition != nil && typ != "Entity" && f.ObjectDefinition.Name != typ && f.ObjectDefinition.Name != "Entity" {
		typ = f.ObjectDefinition.Name
	}
	n := e.size(typ, f.Name, f.Definition.Type.Elem != nil, args)
	if n == 0 {
		return 0
	}
	if inner, ok := scopes[typ+"."+f.Name]; ok {
		saved := e.scope
		e.scope = inner(e, args)
		defer func() { e.scope = saved }()
	}
	return n * (1 + e.selection(f.SelectionSet, target))
}

// size is how many objects field of an object of type typ holds on average.
func (e *estimator) size(typ, field string, list bool, args map[string]any) float64 {
	if typ == "Entity" {
		// A field of the interface: the average over the kinds.
		if e.stats == nil || e.stats.Entities() == 0 {
			return e.size(kg.Weapon.Label(), field, list, args)
		}
		var sum float64
		for _, k := range kg.Kinds {
			sum += float64(e.stats.Count(k.Label())) * e.size(k.Label(), field, list, args)
		}
		return sum / float64(e.stats.Entities())
	}
	if v, ok := e.scope[typ+"."+field]; ok {
		return v
	}
	if fi, ok := fieldOf(typ, field); ok {
		switch {
		case fi.price != nil:
			return fi.price(e, typ, args)
		case fi.spec.Type != "":
			d := e.degree(typ, fi.spec.Type, fi.spec.Incoming)
			if !list {
				return min(d, 1)
			}
			return d
		}
	}
	if !list {
		return 1
	}
	return priorFanout // a list this file does not know (TestEveryListIsPriced lists them)
}

// degree is the average number of relationships of type t leaving
// (incoming: entering) a node of GraphQL type typ.
func (e *estimator) degree(typ string, t kg.RelType, incoming bool) float64 {
	if e.stats == nil {
		return priorFanout
	}
	return e.stats.Degree(typ, t, incoming).Avg
}

// count is how many nodes of label the graph holds, at most limit.
func (e *estimator) count(label string, limit float64) float64 {
	if e.stats == nil {
		return min(priorList, limit)
	}
	return min(float64(e.stats.Count(label)), limit)
}

// citations is the average number of citations of an entity of type typ.
func (e *estimator) citations(typ string) float64 {
	if e.stats == nil {
		return priorCitations
	}
	return e.stats.Citations[typ].Avg
}

// arg is the integer argument name of args (already holding the schema's
// default), clamped to [lo, hi].
func arg(args map[string]any, name string, def, lo, hi int) int {
	v := def
	switch n := args[name].(type) {
	case int64:
		v = int(n)
	case int:
		v = n
	case float64:
		v = int(n)
	}
	return min(max(v, lo), hi)
}

// sizeOf reads size argument name of typ.field as its resolver does,
// clamped to the argument's range: an argument out of range is refused by
// the resolver with an error naming it, not by the estimate.
func (e *estimator) sizeOf(args map[string]any, typ, field, name string) int {
	spec := sizeArgs[typ+"."+field+"."+name]
	return arg(args, name, schemaDefault(typ, field, name), spec.min, spec.cap(e.limits))
}

// lineageSize is the expected number of weapons in a lineage of maxDepth
// levels in direction dir: the weapon, then at every level the average
// number of parents (or children) of the previous one, capped by the
// number of weapons.
func (e *estimator) lineageSize(args map[string]any, typ string) float64 {
	depth := e.sizeOf(args, typ, "lineage", "maxDepth")
	dir, _ := args["direction"].(string)
	weapons := e.count(kg.Weapon.Label(), math.Inf(1))
	reach := func(incoming bool) float64 {
		d := e.degree(kg.Weapon.Label(), kg.DerivedFrom, incoming)
		var sum, level float64 = 0, 1
		for range depth {
			level *= d
			sum += level
			if sum >= weapons {
				break
			}
		}
		return sum
	}
	n := 1.0
	if dir != string(kg.Descendants) {
		n += reach(false)
	}
	if dir != string(kg.Ancestors) {
		n += reach(true)
	}
	return min(n, max(weapons, 1))
}

// neighborhoodSize is the expected number of entities a neighbourhood
// holds: the average degree's powers up to its depth, capped by its limit
// and the graph's entities.
func (e *estimator) neighborhoodSize(args map[string]any) float64 {
	depth := e.sizeOf(args, "Query", "neighborhood", "depth")
	limit := float64(e.sizeOf(args, "Query", "neighborhood", "limit"))
	deg := float64(priorFanout)
	entities := limit
	if e.stats != nil {
		deg, entities = e.stats.EntityDegree(), float64(e.stats.Entities())
	}
	n, level := 1.0, 1.0
	for range depth {
		level *= deg
		n += level
	}
	return min(n, limit, max(entities, 1))
}

// anchoredList is the size of a root list of label narrowed by the id
// arguments of args that anchor it (argument → relationship type at the
// anchor): at most the largest degree of the anchor's relationship, else
// every node of the label, capped by what a list may hold.
func (e *estimator) anchoredList(label string, args map[string]any, anchors map[string]kg.RelType, incoming bool) float64 {
	n := e.count(label, maxListResults)
	for name, t := range anchors {
		if v, ok := args[name]; !ok || v == nil {
			continue
		}
		if e.stats == nil {
			continue
		}
		var most int64
		for _, k := range kg.Kinds {
			most = max(most, e.stats.Degree(k.Label(), t, incoming).Max)
		}
		n = min(n, float64(most))
	}
	return n
}

// maxListResults is how many items a filtered root list may hold (the
// store refuses more: neo4jstore.MaxListResults).
const maxListResults = 1000

// scopes set, for the fields whose answer is an object with lists sized
// by the field's own arguments, the sizes of those lists.
var scopes = map[string]func(e *estimator, args map[string]any) map[string]float64{
	"Query.lineage":  lineageScope("Query"),
	"Weapon.lineage": lineageScope("Weapon"),
	"Query.weapons": func(e *estimator, a map[string]any) map[string]float64 {
		return map[string]float64{"WeaponConnection.edges": e.count(kg.Weapon.Label(), float64(e.sizeOf(a, "Query", "weapons", "first")))}
	},
	"Query.people": func(e *estimator, a map[string]any) map[string]float64 {
		return map[string]float64{"PersonConnection.edges": e.count(kg.Person.Label(), float64(e.sizeOf(a, "Query", "people", "first")))}
	},
	"Query.paths": func(e *estimator, a map[string]any) map[string]float64 {
		hops := float64(e.sizeOf(a, "Query", "paths", "maxHops"))
		return map[string]float64{"Path.nodes": hops + 1, "Path.relationships": hops}
	},
	"Query.neighborhood": func(e *estimator, a map[string]any) map[string]float64 {
		n := e.neighborhoodSize(a)
		rels := n * priorFanout
		if e.stats != nil {
			rels = n * max(e.stats.EntityDegree(), 1)
		}
		return map[string]float64{"Subgraph.nodes": n, "Subgraph.relationships": rels}
	},
	"Query.neighborhoodSummary": func(e *estimator, a map[string]any) map[string]float64 {
		// The groups' pages share the entity's relationships among them.
		n := min(float64(e.sizeOf(a, "Query", "neighborhoodSummary", "first")), max(e.entityDegree()/e.summaryGroups(), 1))
		return map[string]float64{"NeighborGroup.nodes": n, "NeighborGroup.relationships": n}
	},
	"Query.neighborGroup": groupScope("neighborGroup"),
	"Query.transferTotals": func(e *estimator, _ map[string]any) map[string]float64 {
		return map[string]float64{"TransferTotals.parts": e.count(kg.Transfer.Label(), maxListResults), "TransferTotals.quantities": priorFanout}
	},
}

// groupScope sizes the page of a neighbour group that field of Query
// returns: first neighbours, each with its relationship.
func groupScope(field string) func(e *estimator, args map[string]any) map[string]float64 {
	return func(e *estimator, a map[string]any) map[string]float64 {
		n := min(float64(e.sizeOf(a, "Query", field, "first")), e.entities())
		return map[string]float64{"NeighborGroup.nodes": n, "NeighborGroup.relationships": n}
	}
}

// entityDegree is the average number of relationships of an entity.
func (e *estimator) entityDegree() float64 {
	if e.stats == nil {
		return priorList
	}
	return max(e.stats.EntityDegree(), 1)
}

// summaryGroups is the number of groups neighborhoodSummary returns on
// average: one per relationship type, direction and kind, and no more
// than the entity has relationships.
func (e *estimator) summaryGroups() float64 {
	return max(min(float64(len(kg.RelTypes)*2), e.entityDegree()), 1)
}

// lineageScope sizes a lineage's nodes and derivations from the arguments
// of typ.lineage.
func lineageScope(typ string) func(e *estimator, args map[string]any) map[string]float64 {
	return func(e *estimator, a map[string]any) map[string]float64 {
		n := e.lineageSize(a, typ)
		return map[string]float64{"Lineage.nodes": n, "Lineage.derivations": max(n-1, 0)}
	}
}

func (e *estimator) entities() float64 {
	if e.stats == nil {
		return priorList
	}
	return float64(e.stats.Entities())
}

// CostLimit refuses, before any statement runs, an operation whose
// estimated answer (see estimator) exceeds Max objects, with
// COMPLEXITY_LIMIT_EXCEEDED (presented as BAD_USER_INPUT, limit
// "complexity"). The message gives the estimate, the budget and how to fit.
type CostLimit struct {
	Max    int
	Budget int // the object budget, named in the message
	Stats  func() *kg.GraphStats
	limits Limits
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &CostLimit{}

// ExtensionName names the extension.
func (*CostLimit) ExtensionName() string { return "CostLimit" }

// Validate accepts any schema.
func (c *CostLimit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext estimates the operation's answer.
func (c *CostLimit) MutateOperationContext(_ context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	op := opCtx.Operation
	if op == nil || op.Operation != ast.Query {
		return nil
	}
	e := &estimator{limits: c.limits, vars: opCtx.Variables}
	if c.Stats != nil {
		e.stats = c.Stats()
	}
	roots := e.operation(op)
	var total float64
	for _, r := range roots {
		total += r.cost
	}
	if total <= float64(c.Max) {
		return nil
	}
	err := gqlerror.Errorf("the answer is estimated at %s objects from the graph's statistics, far over the budget of %d objects (the server's --max-objects; up-front refusals start at --max-complexity %d); %s",
		roundEstimate(total), c.Budget, c.Max, e.fitHint(roots, total, float64(c.Max)))
	// The figures, for clients that ask again for what fits (the explorer).
	err.Extensions = map[string]any{"estimate": int64(math.Min(math.Ceil(total), math.MaxInt64/2)), "max": c.Max}
	errcode.Set(err, "COMPLEXITY_LIMIT_EXCEEDED")
	return err
}

func roundEstimate(v float64) string {
	if v >= math.MaxInt64/2 {
		return "more than 10^18"
	}
	return fmt.Sprintf("%d", int64(math.Ceil(v)))
}

// rootSizeArgs names, per root field, the argument that sizes its answer.
var rootSizeArgs = map[string]string{
	"resolve": "limit", "search": "first", "people": "first", "weapons": "first",
	"lineage": "maxDepth", "paths": "limit", "neighborhood": "limit",
}

// fitHint says how an operation of cost total fits under limit: the
// largest value of the costliest root field's size argument that would
// pass, or to select fewer nested lists (or filter) when none would.
func (e *estimator) fitHint(roots []rootCost, total, limit float64) string {
	var best *rootCost
	for i := range roots {
		if best == nil || roots[i].cost > best.cost {
			best = &roots[i]
		}
	}
	if best == nil {
		return "split the request"
	}
	name, ok := rootSizeArgs[best.field.Name]
	if ok {
		args := best.field.ArgumentMap(e.vars)
		spec := sizeArgs["Query."+best.field.Name+"."+name]
		cost := func(v int) float64 {
			args[name] = v
			return e.field("Query", best.field, args)
		}
		rest := total - best.cost
		lo, hi := max(spec.min, 1), e.sizeOf(args, "Query", best.field.Name, name)-1
		fit := -1
		for lo <= hi { // the cost grows with the value
			mid := (lo + hi) / 2
			if rest+cost(mid) <= limit {
				fit, lo = mid, mid+1
			} else {
				hi = mid - 1
			}
		}
		if fit >= 1 {
			return fmt.Sprintf("to fit, ask %s for at most %s: %d, or select fewer nested lists", best.field.Name, name, fit)
		}
	}
	return fmt.Sprintf("to fit, filter %s or select fewer nested lists, or split the request", best.field.Name)
}
