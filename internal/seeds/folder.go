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
	"runtime"
	"slices"
	"strings"
	"sync"

	"armsgraph/internal/kg"
)

// Options configure how a folder is read.
type Options struct {
	// Documents, when set, holds the source documents named by sources'
	// `document` fields; citation locators are then checked against their lines.
	Documents fs.FS
	// Known are the ids a base folder defines (Folder.IDs), with their kinds
	// (empty for a source): a folder loaded under a dataset of its own, such
	// as an imported register, may refer to them without defining them, and
	// defining one again is a duplicate (two datasets cannot own one node).
	Known map[string]kg.Kind
}

// Folder is a seed folder: the YAML files below a root, read in name order.
type Folder struct {
	fsys   fs.FS
	files  []string
	opts   Options
	readMu *sync.Mutex
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
	f := &Folder{fsys: fsys, opts: opts, readMu: new(sync.Mutex)}
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

// IDs reads the folder and returns the id and kind of everything it defines
// (the kind is empty for a source): what Options.Known takes for a folder
// that builds on this one.
func (f *Folder) IDs(ctx context.Context) (map[string]kg.Kind, error) {
	ids := map[string]kg.Kind{}
	err := f.Each(ctx, func(c Chunk) error {
		for _, n := range c.Nodes {
			ids[n.ID] = n.Kind
		}
		return nil
	})
	return ids, err
}

// Known returns the ids of the base the folder builds on (Options.Known).
func (f *Folder) Known() map[string]kg.Kind { return f.opts.Known }

// Files lists the seed files, relative to the folder.
func (f *Folder) Files() []string { return slices.Clone(f.files) }

// Validate reads every file and checks everything the format promises:
// syntax, known fields, ids, dates, confidences, citations (source exists,
// lines exist in the document), references (exist, right kind), duplicate
// ids and derivation cycles. It returns the counts of what the folder holds,
// or Problems listing every problem found.
//
// Files are parsed in parallel and merged in file order; what is kept across
// files is compact (see index), so memory grows by tens of bytes per id and
// per reference to an id not yet defined, not with the size of the files.
func (f *Folder) Validate(ctx context.Context, progress func(file string, done, total int)) (Stats, error) {
	stats := Stats{Nodes: map[string]int{}, Rels: map[string]int{}}
	x := newIndex(f.files)
	x.defineKnown(f.opts.Known)
	err := f.pipeline(ctx, func(i int, c *fileCtx) error {
		x.merge(f, i, c, &stats)
		stats.Files++
		if progress != nil {
			progress(c.file, i+1, len(f.files))
		}
		return nil
	})
	if err != nil {
		return stats, err
	}
	x.checkDeferred()
	x.findCycles()
	if len(x.problems) > 0 {
		return stats, x.sortedProblems()
	}
	return stats, nil
}

// merge adds what one file yields to the index, in the order the checks
// have always run: ids, relationship keys, then references.
func (x *index) merge(f *Folder, file int, c *fileCtx, stats *Stats) {
	for i, p := range c.problems {
		x.problem(file, phaseFile, i, p.Line, p.Msg)
	}
	for i, n := range c.defs {
		at := place{uint32(file), uint32(n.line)}
		sym, prev, ok := x.define(n.id, n.kind, at)
		if !ok {
			x.problem(file, phaseIDs, i, n.line, fmt.Sprintf("duplicate id %s (first defined at %s)", n.id, x.where(prev.place)))
			continue
		}
		if n.kind == sourceKind {
			lines, err := f.documentLines(x.docs, n.id, n.doc)
			if err != nil {
				x.problem(file, phaseIDs, i, n.line, err.Error())
			}
			if lines > 0 {
				x.docLines[sym] = lines
			}
		}
		stats.Nodes[n.label]++
	}
	for _, rc := range c.relCounts {
		k := string(rc.t)
		if _, ok := stats.Rels[k]; !ok {
			k = strings.Clone(k) // it may share the file's text
		}
		stats.Rels[k] += rc.n
	}
	for i, r := range c.keyedRels {
		at := place{uint32(file), uint32(r.line)}
		sym, added := x.relKeys.intern(r.key)
		if !added {
			x.problem(file, phaseRels, i, r.line, fmt.Sprintf("duplicate %s relationship %s → %s with the same date and event (first at %s)", r.typ, r.from, r.to, x.where(x.relAt[sym])))
			continue
		}
		x.relAt = append(x.relAt, at)
	}
	for i := range c.refs {
		x.reference(file, i, &c.refs[i])
	}
	for _, e := range c.derived {
		x.edges = append(x.edges, [2]uint32{x.sym(e[0]), x.sym(e[1])})
	}
	// Covers between transfers join the same cycle check: transfers and
	// weapons never share an edge, so a cycle is all of one or the other.
	for _, e := range c.covers {
		x.edges = append(x.edges, [2]uint32{x.sym(e[0]), x.sym(e[1])})
	}
}

// Each hands every file's nodes and relationships to fn, in file order. It
// assumes the folder has been validated. Files are read one at a time: a
// caller that wants the next file read while it writes the last one (as the
// ingester does) calls Each on a goroutine of its own.
func (f *Folder) Each(ctx context.Context, fn func(Chunk) error) error {
	for _, file := range f.files {
		if err := ctx.Err(); err != nil {
			return err
		}
		c, err := f.read(file, true)
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

// pipeline reads and converts the files on as many goroutines as there are
// CPUs and hands them to fn one at a time, in file order. At most a few
// files are in memory at once.
func (f *Folder) pipeline(ctx context.Context, fn func(i int, c *fileCtx) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := min(runtime.GOMAXPROCS(0), len(f.files))
	type result struct {
		c     *fileCtx
		err   error
		panic any // raised again on the caller's goroutine
	}
	results := make([]chan result, len(f.files))
	for i := range results {
		results[i] = make(chan result, 1)
	}
	// A token is taken before a file is read and given back once fn is done
	// with it, which bounds the files in memory to workers+1.
	tokens := make(chan struct{}, workers+1)
	next := make(chan int)
	go func() {
		defer close(next)
		for i := range f.files {
			select {
			case tokens <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range workers {
		go func() {
			for i := range next {
				if ctx.Err() != nil {
					results[i] <- result{err: ctx.Err()}
					continue
				}
				results[i] <- func() (r result) {
					defer func() {
						if p := recover(); p != nil {
							r = result{panic: p}
						}
					}()
					r.c, r.err = f.read(f.files[i], false)
					return r
				}()
			}
		}()
	}
	for i := range f.files {
		var r result
		select {
		case r = <-results[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
		if r.panic != nil {
			panic(r.panic)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if r.err != nil {
			return r.err
		}
		if err := fn(i, r.c); err != nil {
			return err
		}
		<-tokens
	}
	return nil
}

// read parses and converts one file. With keep, the file's nodes and
// relationships are kept whole (for Each); without, only what validation
// needs across files is (ids, references, relationship keys).
func (f *Folder) read(file string, keep bool) (*fileCtx, error) {
	// An fs.FS need not be safe for concurrent use; reading is quick.
	f.readMu.Lock()
	data, err := fs.ReadFile(f.fsys, file)
	f.readMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	var c *fileCtx
	start := func() {
		c = &fileCtx{file: file, counting: !keep}
	}
	visit := func(key string, item any, line int) {
		c.curLine = line
		c.convert(key, item, line)
		if !keep {
			c.compact(line)
		}
	}
	start()
	text := string(data)
	data = nil
	// Validation keeps nothing of a file's text past the file, so its
	// values can share one copy of it; Each's chunks outlive the file.
	if parseFileFast(c, text, !keep, visit) {
		return c, nil
	}
	start()
	parseFile(c, []byte(text), visit)
	return c, nil
}

var errNotFound = errors.New("not found")

// documentLines counts the lines of a source's document; each document is
// read once however many sources name it.
func (f *Folder) documentLines(cache map[string]docInfo, id, doc string) (int, error) {
	if doc == "" || (f.opts.Documents == nil && !f.holds(path.Clean(doc))) {
		return 0, nil
	}
	info, ok := cache[doc]
	if !ok {
		data, err := f.readDocument(path.Clean(doc))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			info.err = errNotFound
		case err != nil:
			info.err = err
		default:
			info.lines = bytes.Count(data, []byte("\n"))
			if len(data) > 0 && data[len(data)-1] != '\n' {
				info.lines++
			}
		}
		cache[strings.Clone(doc)] = info // doc may share its file's text
	}
	if info.err == errNotFound {
		return 0, fmt.Errorf("%s: document %q not found among the source documents", id, doc)
	}
	if info.err != nil {
		return 0, fmt.Errorf("%s: read document %q: %w", id, doc, info.err)
	}
	return info.lines, nil
}

// holds tells whether the folder itself holds a file: a document kept beside
// the seeds (an imported register keeps its rows there), which citations are
// checked against even when no documents collection is given.
func (f *Folder) holds(name string) bool {
	f.readMu.Lock()
	defer f.readMu.Unlock()
	_, err := fs.Stat(f.fsys, name)
	return err == nil
}

// readDocument reads a source's document: from the folder when it holds
// it, else from the documents collection.
func (f *Folder) readDocument(name string) ([]byte, error) {
	if f.holds(name) {
		f.readMu.Lock()
		defer f.readMu.Unlock()
		return fs.ReadFile(f.fsys, name)
	}
	if f.opts.Documents == nil {
		return nil, fs.ErrNotExist
	}
	return fs.ReadFile(f.opts.Documents, name)
}
