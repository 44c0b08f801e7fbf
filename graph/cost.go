package graph

import (
	"context"
	"fmt"
	"reflect"

	gqlcomplexity "github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"armsgraph/graph/model"
	"armsgraph/internal/kg"
)

// The cost of an operation estimates the rows its statements return: every
// field costs 1, and a list multiplies what is selected inside it by its
// size. Lists with a size argument (first, limit, maxDepth, maxHops) count
// that many; the others count the fan-out the graph really has, from the
// graph model and the seeds (a weapon has one or two parents and a few
// children, a citation list two or three entries, a country is a hub).
// Before, every such list counted 5, so a page of 50 weapons with their
// derivations and citations (a few hundred rows) cost 15601 and was
// refused; it now costs about 2800, while nesting hub lists in hub lists,
// or big pages of them, still goes over the limit.
var fanouts = struct {
	citations, parents, children, transfers, countryHub, personLists,
	parties, participants, supporters, neighborGroups int
}{
	citations:      2,
	parents:        3,
	children:       5,
	transfers:      5,
	countryHub:     25,
	personLists:    5,
	parties:        3,
	participants:   5,
	supporters:     15,
	neighborGroups: 12,
}

// sizeArg records the size argument of one root field during a cost
// calculation, so that a refusal can say how to fit.
type sizeArg struct {
	field, arg string
	value, min int
	cost       func(v int) int // the field's cost for value v
}

// costRecorder collects the root fields' size arguments (nil: not recording).
type costRecorder struct{ args []sizeArg }

func (r *costRecorder) note(field, arg string, value, min int, cost func(v int) int) {
	if r != nil {
		r.args = append(r.args, sizeArg{field, arg, value, min, cost})
	}
}

// complexity returns the cost functions; rec, when not nil, records the
// root fields' size arguments. Arguments are clamped to their caps here,
// so an argument over its cap is refused by the resolver with an error
// naming it, not by the cost limit.
func complexity(l Limits, rec *costRecorder) ComplexityRoot {
	var c ComplexityRoot
	size := func(p *int, def, hi int) int {
		v := def
		if p != nil {
			v = *p
		}
		return min(max(v, 1), hi)
	}
	list := func(n int) func(child int) int {
		return func(child int) int { return 1 + n*child }
	}
	// Every citation list, wherever it is.
	root := reflect.ValueOf(&c).Elem()
	for i := range root.NumField() {
		if f := root.Field(i).FieldByName("Citations"); f.IsValid() {
			f.Set(reflect.ValueOf(list(fanouts.citations)))
		}
	}

	page := func(field string, def, hi int) func(child int, first *int) int {
		return func(child int, first *int) int {
			cost := func(v int) int { return 1 + v*child }
			v := size(first, def, hi)
			rec.note(field, "first", v, 1, cost)
			return cost(v)
		}
	}
	weapons, people := page("weapons", 50, l.MaxPageSize), page("people", 50, l.MaxPageSize)
	c.Query.Weapons = func(child int, _, _ *string, first *int, _ *string) int { return weapons(child, first) }
	c.Query.People = func(child int, _ *string, first *int, _ *string) int { return people(child, first) }
	c.Query.Search = func(child int, _ string, _ []model.EntityKind, first *int) int {
		cost := func(v int) int { return 1 + v*child }
		v := size(first, 20, l.MaxSearchResults)
		rec.note("search", "first", v, 1, cost)
		return cost(v)
	}
	c.Query.Resolve = func(child int, _ string, _ *model.EntityKind, limit *int) int {
		cost := func(v int) int { return 1 + v*child }
		v := size(limit, 10, l.MaxResolveResults)
		rec.note("resolve", "limit", v, 1, cost)
		return cost(v)
	}
	c.Query.Lineage = func(child int, _ string, _ *model.LineageDirection, maxDepth *int, _ *model.Confidence) int {
		cost := func(v int) int { return 1 + (v+1)*child }
		v := size(maxDepth, 10, l.MaxLineageDepth)
		rec.note("lineage", "maxDepth", v, 1, cost)
		return cost(v)
	}
	c.Weapon.Lineage = func(child int, _ *model.LineageDirection, maxDepth *int, _ *model.Confidence) int {
		return 1 + (size(maxDepth, 10, l.MaxLineageDepth)+1)*child
	}
	c.Query.Paths = func(child int, _, _ string, maxHops *int, _ []string, _ []model.EntityKind, limit *int) int {
		hops := size(maxHops, 6, l.MaxPathHops)
		cost := func(v int) int { return 1 + v*hops*child }
		v := size(limit, 5, l.MaxPaths)
		rec.note("paths", "limit", v, 1, cost)
		return cost(v)
	}
	c.Query.Neighborhood = func(child int, _ string, _ *int, _ []string, limit *int) int {
		cost := func(v int) int { return 1 + v*child }
		v := size(limit, 200, l.MaxNeighborhoodNodes)
		rec.note("neighborhood", "limit", v, 1, cost)
		return cost(v)
	}
	// A summary holds one group per relationship type, direction and kind
	// (a dozen on a hub), each with up to first members.
	c.Query.NeighborhoodSummary = func(child int, _ string, first *int) int {
		cost := func(v int) int { return 1 + fanouts.neighborGroups*v*child }
		v := size(first, 8, kg.MaxGroupPage)
		rec.note("neighborhoodSummary", "first", v, 1, cost)
		return cost(v)
	}
	c.Query.NeighborGroup = func(child int, _, _ string, _ model.RelationshipDirection, _ model.EntityKind, _ *string, first, _ *int) int {
		cost := func(v int) int { return 1 + v*child }
		v := size(first, 25, kg.MaxGroupPage)
		rec.note("neighborGroup", "first", v, 1, cost)
		return cost(v)
	}
	// Filtered lists: at most MaxListResults, usually a few dozen.
	c.Query.Agreements = func(child int, _ []string, _, _ *kg.PartialDate, _ *model.DateMatch) int {
		return list(fanouts.countryHub)(child)
	}
	c.Query.Transfers = func(child int, _, _, _ *string, _, _ *kg.PartialDate, _ *model.DateMatch) int {
		return list(fanouts.countryHub)(child)
	}
	c.Query.Events = func(child int, _ *string, _, _ *kg.PartialDate, _ *model.DateMatch) int {
		return list(fanouts.countryHub)(child)
	}
	c.Query.Resolutions = func(child int, _, _ *kg.PartialDate, _ *model.DateMatch) int { return list(fanouts.countryHub)(child) }
	c.Query.Sources = list(fanouts.countryHub)

	c.Weapon.DerivedFrom = list(fanouts.parents)
	c.Weapon.Derivatives = list(fanouts.children)
	c.Weapon.Transfers = list(fanouts.transfers)
	c.Country.Organizations = list(fanouts.countryHub)
	c.Country.People = list(fanouts.countryHub)
	c.Country.Agreements = list(fanouts.countryHub)
	c.Country.TransfersSupplied = list(fanouts.countryHub)
	c.Country.TransfersReceived = list(fanouts.countryHub)
	c.Country.WeaponsOriginated = list(fanouts.countryHub)
	c.Person.Positions = list(fanouts.personLists)
	c.Person.Agreements = list(fanouts.personLists)
	c.Person.Events = list(fanouts.personLists)
	c.Agreement.Parties = list(fanouts.parties)
	c.Agreement.PartyOrganizations = list(fanouts.parties)
	c.Agreement.Signatories = list(fanouts.parties)
	c.Event.Participants = list(fanouts.participants)
	c.Resolution.Supporters = list(fanouts.supporters)
	// The fields of schema/time.graphqls: holders and a total's parts are
	// filtered lists like transfers; a resolution's advocates and losses,
	// a weapon's co-producers and an aggregate's covered records are a few.
	c.Query.Holders = func(child int, _ kg.PartialDate, _ *kg.PartialDate, _, _, _ *string, _ *model.DateMatch) int {
		return list(fanouts.countryHub)(child)
	}
	c.TransferTotals.Parts = list(fanouts.countryHub)
	c.Resolution.Advocates = list(fanouts.parties)
	c.Resolution.Losses = list(fanouts.parties)
	c.Weapon.ProducedWith = list(fanouts.parties)
	c.Transfer.Covers = list(fanouts.parents)
	return c
}

// CostLimit refuses, before any statement runs, an operation whose cost
// (see complexity) exceeds Max, with COMPLEXITY_LIMIT_EXCEEDED (presented
// as BAD_USER_INPUT, limit "complexity"). The message says how to fit: the
// largest size argument of the costliest root field that would pass.
type CostLimit struct {
	Max      int
	resolver *Resolver
	es       graphql.ExecutableSchema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &CostLimit{}

// ExtensionName names the extension.
func (*CostLimit) ExtensionName() string { return "CostLimit" }

// Validate keeps the schema the costs are calculated on.
func (c *CostLimit) Validate(es graphql.ExecutableSchema) error {
	c.es = es
	return nil
}

// MutateOperationContext calculates the operation's cost.
func (c *CostLimit) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	op := opCtx.Doc.Operations.ForName(opCtx.OperationName)
	if op == nil {
		return nil
	}
	cost := gqlcomplexity.Calculate(ctx, c.es, op, opCtx.Variables)
	if cost <= c.Max {
		return nil
	}
	// Over the limit (rare): calculate again, recording the size arguments.
	rec := &costRecorder{}
	recording := NewExecutableSchema(Config{Resolvers: c.resolver, Complexity: complexity(c.resolver.limits, rec)})
	gqlcomplexity.Calculate(ctx, recording, op, opCtx.Variables)
	err := gqlerror.Errorf("operation has complexity %d, which exceeds the limit of %d; %s", cost, c.Max, fitHint(rec.args, cost, c.Max))
	errcode.Set(err, "COMPLEXITY_LIMIT_EXCEEDED")
	return err
}

// fitHint says how an operation of cost total fits under max: the largest
// value of the costliest root field's size argument that would pass, or
// to select fewer nested lists when none would.
func fitHint(args []sizeArg, total, max int) string {
	var best *sizeArg
	for i := range args {
		if best == nil || args[i].cost(args[i].value) > best.cost(best.value) {
			best = &args[i]
		}
	}
	if best != nil {
		rest := total - best.cost(best.value)
		lo, hi := best.min, best.value-1
		fit := -1
		for lo <= hi { // the cost grows with the value
			mid := (lo + hi) / 2
			if rest+best.cost(mid) <= max {
				fit, lo = mid, mid+1
			} else {
				hi = mid - 1
			}
		}
		if fit >= best.min {
			return fmt.Sprintf("to fit, ask %s for at most %s: %d, or select fewer nested lists", best.field, best.arg, fit)
		}
	}
	return "to fit, select fewer nested lists or split the request"
}
