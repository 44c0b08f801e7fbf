package querygen

import (
	"bytes"
	"maps"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/parser"
)

// Shrink returns a smallest operation it finds that still fails: it
// deletes one selection, argument, directive or alias at a time, drops the
// fragments and variables nothing uses any more, keeps the result when it
// still validates against schema and fails says it still fails, and starts
// again until no deletion keeps it failing. fails is called at most
// maxTries times. An operation that does not parse is returned as it is.
func Shrink(schema *ast.Schema, op Op, fails func(Op) bool, maxTries int) Op {
	cur := op
	for tries := 0; tries < maxTries; {
		shrunk := false
		for i := 0; tries < maxTries; i++ {
			doc, err := parser.ParseQuery(&ast.Source{Input: cur.Query})
			if err != nil {
				return cur
			}
			if !deleteNth(doc, i) {
				break
			}
			cand := tidy(doc, cur.Variables)
			if _, errs := gqlparser.LoadQuery(schema, cand.Query); len(errs) > 0 {
				continue
			}
			tries++
			if fails(cand) {
				cur, shrunk = cand, true
				i-- // the next item now has this index
			}
		}
		if !shrunk {
			break
		}
	}
	return cur
}

// deleteNth deletes the i-th deletable item of doc in walk order: a
// selection, an argument, a directive, an alias. It reports false when doc
// has fewer items.
func deleteNth(doc *ast.QueryDocument, i int) bool {
	n := 0
	hit := func() bool { n++; return n-1 == i }
	var walk func(set *ast.SelectionSet) bool
	walk = func(set *ast.SelectionSet) bool {
		for j := 0; j < len(*set); j++ {
			if hit() {
				*set = append((*set)[:j:j], (*set)[j+1:]...)
				return true
			}
			var dirs *ast.DirectiveList
			switch s := (*set)[j].(type) {
			case *ast.Field:
				for k := range s.Arguments {
					if hit() {
						s.Arguments = append(s.Arguments[:k:k], s.Arguments[k+1:]...)
						return true
					}
				}
				if s.Alias != "" && s.Alias != s.Name && hit() {
					s.Alias = ""
					return true
				}
				dirs = &s.Directives
				if walk(&s.SelectionSet) {
					return true
				}
			case *ast.InlineFragment:
				dirs = &s.Directives
				if walk(&s.SelectionSet) {
					return true
				}
			case *ast.FragmentSpread:
				dirs = &s.Directives
			}
			for k := range *dirs {
				if hit() {
					*dirs = append((*dirs)[:k:k], (*dirs)[k+1:]...)
					return true
				}
			}
		}
		return false
	}
	for _, op := range doc.Operations {
		if walk(&op.SelectionSet) {
			return true
		}
	}
	for _, f := range doc.Fragments {
		if walk(&f.SelectionSet) {
			return true
		}
	}
	return false
}

// tidy drops the fragments no spread names and the variables nothing
// reads, and formats what is left.
func tidy(doc *ast.QueryDocument, vars map[string]any) Op {
	for {
		spread := map[string]bool{}
		for _, op := range doc.Operations {
			spreads(op.SelectionSet, spread)
		}
		for _, f := range doc.Fragments {
			spreads(f.SelectionSet, spread)
		}
		kept := doc.Fragments[:0]
		for _, f := range doc.Fragments {
			if spread[f.Name] {
				kept = append(kept, f)
			}
		}
		if len(kept) == len(doc.Fragments) {
			break
		}
		doc.Fragments = kept
	}
	used := map[string]bool{}
	for _, op := range doc.Operations {
		variables(op.SelectionSet, used)
	}
	for _, f := range doc.Fragments {
		variables(f.SelectionSet, used)
	}
	out := Op{}
	for _, op := range doc.Operations {
		kept := op.VariableDefinitions[:0]
		for _, v := range op.VariableDefinitions {
			if used[v.Variable] {
				kept = append(kept, v)
			}
		}
		op.VariableDefinitions = kept
	}
	if len(vars) > 0 {
		out.Variables = maps.Clone(vars)
		maps.DeleteFunc(out.Variables, func(k string, _ any) bool { return !used[k] })
		if len(out.Variables) == 0 {
			out.Variables = nil
		}
	}
	var b bytes.Buffer
	formatter.NewFormatter(&b, formatter.WithIndent(" ")).FormatQueryDocument(doc)
	out.Query = b.String()
	return out
}

// spreads adds the names of the fragments spread in set to out.
func spreads(set ast.SelectionSet, out map[string]bool) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			spreads(s.SelectionSet, out)
		case *ast.InlineFragment:
			spreads(s.SelectionSet, out)
		case *ast.FragmentSpread:
			out[s.Name] = true
		}
	}
}

// variables adds the names of the variables set reads to out.
func variables(set ast.SelectionSet, out map[string]bool) {
	dirs := func(l ast.DirectiveList) {
		for _, d := range l {
			for _, a := range d.Arguments {
				valueVars(a.Value, out)
			}
		}
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			for _, a := range s.Arguments {
				valueVars(a.Value, out)
			}
			dirs(s.Directives)
			variables(s.SelectionSet, out)
		case *ast.InlineFragment:
			dirs(s.Directives)
			variables(s.SelectionSet, out)
		case *ast.FragmentSpread:
			dirs(s.Directives)
		}
	}
}

func valueVars(v *ast.Value, out map[string]bool) {
	if v == nil {
		return
	}
	if v.Kind == ast.Variable {
		out[v.Raw] = true
	}
	for _, c := range v.Children {
		valueVars(c.Value, out)
	}
}
