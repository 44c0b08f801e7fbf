// Package seeds reads and validates seed folders (the format is described in
// seeds/README.md) and turns them into the nodes and relationships of the graph.
package seeds

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"armsgraph/internal/kg"
)

// Options configure how a folder is read.
type Options struct {
	// Documents, when set, holds the source documents named by sources'
	// `document` fields; citation locators are then checked against their lines.
	Documents fs.FS
}

// Folder is a seed folder: the YAML files below a root, read in name order.
type Folder struct {
	fsys  fs.FS
	files []string
	opts  Options
}

// Chunk is what one seed file yields.
type Chunk struct {
	File  string
	Nodes []kg.Node
	Rels  []kg.Rel
}

// Stats counts what a folder holds, per node label and relationship type.
type Stats struct {
	Files int
	Nodes map[string]int
	Rels  map[string]int
}

// Open lists the seed files (*.yaml, *.yml) of a folder.
func Open(fsys fs.FS, opts Options) (*Folder, error) {
	f := &Folder{fsys: fsys, opts: opts}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			f.files = append(f.files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list seed files: %w", err)
	}
	if len(f.files) == 0 {
		return nil, fmt.Errorf("no seed files (*.yaml) found")
	}
	slices.Sort(f.files)
	return f, nil
}

// Files lists the seed files, relative to the folder.
func (f *Folder) Files() []string { return slices.Clone(f.files) }

type def struct {
	kind     kg.Kind
	file     string
	line     int
	docLines int // for sources with a readable document: its line count
}

// Validate reads every file and checks everything the format promises:
// syntax, known fields, ids, dates, confidences, citations (source exists,
// lines exist in the document), references (exist, right kind), duplicate
// ids and derivation cycles. It returns the counts of what the folder holds,
// or Problems listing every problem found.
func (f *Folder) Validate(ctx context.Context, progress func(file string, done, total int)) (Stats, error) {
	stats := Stats{Nodes: map[string]int{}, Rels: map[string]int{}}
	index := map[string]def{}
	var problems Problems
	var refs []pendingRef
	var derived [][2]string
	relKeys := map[string]string{}
	for i, file := range f.files {
		if err := ctx.Err(); err != nil {
			return stats, err
		}
		c, err := f.read(file)
		if err != nil {
			return stats, err
		}
		problems = append(problems, c.problems...)
		refs = append(refs, c.refs...)
		derived = append(derived, c.derived...)
		for _, n := range c.nodes {
			kind := n.Kind
			if kind == "" {
				kind = sourceKind
			}
			line := c.lineOf(n.ID)
			if prev, dup := index[n.ID]; dup {
				problems = append(problems, Problem{file, line, fmt.Sprintf("duplicate id %s (first defined at %s:%d)", n.ID, prev.file, prev.line)})
				continue
			}
			d := def{kind: kind, file: file, line: line}
			if kind == sourceKind {
				d.docLines, err = f.documentLines(n)
				if err != nil {
					problems = append(problems, Problem{file, line, err.Error()})
				}
			}
			index[n.ID] = d
			stats.Nodes[n.Label()]++
		}
		for i, r := range c.rels {
			stats.Rels[string(r.Type)]++
			// Only these types can repeat a key (two positions with the same
			// title and start, two identical relations); the others are
			// unique by construction, so the check stays small at any size.
			if r.Type == kg.HoldsPosition || slices.Contains(kg.GenericRelTypes, r.Type) {
				if prev, dup := relKeys[r.Key]; dup {
					problems = append(problems, Problem{file, c.relLines[i], fmt.Sprintf("duplicate %s relationship %s → %s with the same date and event (first at %s)", r.Type, r.From, r.To, prev)})
					continue
				}
				relKeys[r.Key] = fmt.Sprintf("%s:%d", file, c.relLines[i])
			}
		}
		stats.Files++
		if progress != nil {
			progress(file, i+1, len(f.files))
		}
	}
	problems = append(problems, checkRefs(index, refs)...)
	problems = append(problems, findCycles(index, derived)...)
	if len(problems) > 0 {
		problems.sort()
		return stats, problems
	}
	return stats, nil
}

// Each hands every file's nodes and relationships to fn, in file order. It
// assumes the folder has been validated.
func (f *Folder) Each(ctx context.Context, fn func(Chunk) error) error {
	for _, file := range f.files {
		if err := ctx.Err(); err != nil {
			return err
		}
		c, err := f.read(file)
		if err != nil {
			return err
		}
		if len(c.problems) > 0 {
			return Problems(c.problems)
		}
		if err := fn(Chunk{File: file, Nodes: c.nodes, Rels: c.rels}); err != nil {
			return err
		}
	}
	return nil
}

func (f *Folder) read(file string) (*fileCtx, error) {
	data, err := fs.ReadFile(f.fsys, file)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	c := &fileCtx{file: file, lines: map[string]int{}}
	parseFile(c, data, func(key string, item any, line int) {
		before := len(c.nodes)
		c.curLine = line
		c.convert(key, item, line)
		for _, n := range c.nodes[before:] {
			c.lines[n.ID] = line
		}
	})
	return c, nil
}

func (c *fileCtx) lineOf(id string) int { return c.lines[id] }

func (f *Folder) documentLines(n kg.Node) (int, error) {
	if f.opts.Documents == nil {
		return 0, nil
	}
	doc, _ := n.Props["document"].(string)
	if doc == "" {
		return 0, nil
	}
	data, err := fs.ReadFile(f.opts.Documents, path.Clean(doc))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("%s: document %q not found among the source documents", n.ID, doc)
	}
	if err != nil {
		return 0, fmt.Errorf("%s: read document %q: %w", n.ID, doc, err)
	}
	lines := bytes.Count(data, []byte("\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		lines++
	}
	return lines, nil
}

func checkRefs(index map[string]def, refs []pendingRef) Problems {
	var problems Problems
	var byKind map[kg.Kind][]string // built on the first miss only
	for _, r := range refs {
		d, ok := index[r.id]
		if ok && slices.Contains(r.kinds, d.kind) {
			if r.maxLine > 0 && d.docLines > 0 && r.maxLine > d.docLines {
				problems = append(problems, Problem{r.file, r.line, fmt.Sprintf("%s: line %d is past the end of %s's document (%d lines)", r.field, r.maxLine, r.id, d.docLines)})
			}
			continue
		}
		want := make([]string, len(r.kinds))
		for i, k := range r.kinds {
			want[i] = strings.ToLower(string(k))
		}
		if ok {
			problems = append(problems, Problem{r.file, r.line, fmt.Sprintf("%s: %s is a %s, want a %s", r.field, r.id, strings.ToLower(string(d.kind)), strings.Join(want, " or "))})
			continue
		}
		if byKind == nil {
			byKind = map[kg.Kind][]string{}
			for id, d := range index {
				byKind[d.kind] = append(byKind[d.kind], id)
			}
		}
		var candidates []string
		for _, k := range r.kinds {
			candidates = append(candidates, byKind[k]...)
		}
		problems = append(problems, Problem{r.file, r.line, fmt.Sprintf("%s: unknown %s %q%s", r.field, strings.Join(want, " or "), r.id, didYouMean(r.id, candidates))})
	}
	return problems
}

// findCycles reports every DERIVED_FROM cycle once: a weapon cannot descend from itself.
func findCycles(index map[string]def, edges [][2]string) Problems {
	parents := map[string][]string{}
	for _, e := range edges {
		parents[e[0]] = append(parents[e[0]], e[1])
	}
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var problems Problems
	var stack []string
	var visit func(id string)
	visit = func(id string) {
		color[id] = grey
		stack = append(stack, id)
		for _, p := range parents[id] {
			switch color[p] {
			case white:
				visit(p)
			case grey:
				i := slices.Index(stack, p)
				cycle := append(slices.Clone(stack[i:]), p)
				d := index[id]
				problems = append(problems, Problem{d.file, d.line, "derivation cycle: " + strings.Join(cycle, " → ")})
			}
		}
		stack = stack[:len(stack)-1]
		color[id] = black
	}
	ids := make([]string, 0, len(parents))
	for id := range parents {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if color[id] == white {
			visit(id)
		}
	}
	return problems
}
