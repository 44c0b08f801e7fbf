// Package ingest loads a validated seed folder into the graph: nodes first,
// then relationships, in batches, and finally removes what the dataset owned
// before but the folder no longer holds, so the graph mirrors the folder.
package ingest

import (
	"context"
	"fmt"
	"hash/maphash"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"armsgraph/internal/kg"
	"armsgraph/internal/seeds"
)

// Writer is what the ingester needs from the graph store.
type Writer interface {
	EnsureSchema(ctx context.Context) error
	UpsertNodes(ctx context.Context, label, dataset string, nodes []kg.Node, dry bool) (kg.Changes, error)
	UpsertRels(ctx context.Context, t kg.RelType, dataset string, rels []kg.Rel, dry bool) (kg.Changes, error)
	CreateRels(ctx context.Context, t kg.RelType, dataset string, rels []kg.Rel) (kg.Changes, error)
	Owns(ctx context.Context, dataset string) (bool, error)
	OwnedNodes(ctx context.Context, dataset string, fn func(label, id string) error) error
	OwnedRels(ctx context.Context, dataset string, t kg.RelType, fn func(key string) error) error
	DeleteNodes(ctx context.Context, dataset, label string, ids []string) error
	DeleteRels(ctx context.Context, dataset string, t kg.RelType, keys []string) error
	// BeginLoad and EndLoad bracket every write of a load: each raises the
	// graph's generation, which servers key their result caches on
	// (neo4jstore's generation.go says why two bumps, not one).
	BeginLoad(ctx context.Context, dataset string) error
	EndLoad(ctx context.Context, dataset string, nodes, rels int) error
}

// RetryTime is how long a store used for loading should let the driver
// retry a failed batch (neo4jstore.Config.RetryTime): two writers can
// deadlock on a shared node, and Neo4j then aborts one transaction, which
// succeeds when tried again. A server's store keeps a short window instead,
// so that its requests fail fast.
const RetryTime = 10 * time.Second

// Options tune a load.
type Options struct {
	Dataset   string        // the owner tag written on every node and relationship; default "seeds"
	BatchSize int           // rows per transaction; default 5000
	DryRun    bool          // compute the summary without writing
	Progress  io.Writer     // progress lines, at most every ProgressEvery; nil for none
	Every     time.Duration // default 2s
	TempDir   string        // where the relationships of a folder are spilled between passes; default the system's
	// Writers is how many batches are written at once; default 2. Neo4j runs
	// one transaction on one core, so a second writer uses the second core.
	// Relationships are written by one writer only when a batch could lock
	// nodes another batch locks (see writeRels).
	Writers int
}

// Counts is what happened to one label or relationship type.
type Counts struct {
	Seen, Created, Updated, Unchanged, Removed int
	// Changed names what changed, "+ id" created, "~ id" updated, "- id"
	// removed (keys for relationships), the first MaxListed of them; a first
	// load of a dataset lists none (everything is new).
	Changed []string
}

// MaxListed bounds the changes a summary names per label or type.
const MaxListed = 20

// list notes changes under mark ("+", "~" or "-"), up to MaxListed.
func (c *Counts) list(mark string, ids []string) {
	for _, id := range ids {
		if len(c.Changed) >= MaxListed {
			return
		}
		c.Changed = append(c.Changed, mark+" "+id)
	}
}

// Summary is what a load did, per node label and relationship type.
type Summary struct {
	Dataset string
	DryRun  bool
	Nodes   map[string]*Counts
	Rels    map[string]*Counts
	Took    time.Duration
}

// Run loads a folder. The folder must have been validated
// (seeds.Folder.Validate).
func Run(ctx context.Context, w Writer, folder *seeds.Folder, opts Options) (Summary, error) {
	if opts.Dataset == "" {
		opts.Dataset = "seeds"
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 5000
	}
	if opts.Every <= 0 {
		opts.Every = 2 * time.Second
	}
	if opts.Writers <= 0 {
		opts.Writers = 2
	}
	l := &loader{w: w, opts: opts, start: time.Now(), lastReport: time.Now(),
		sum:  Summary{Dataset: opts.Dataset, DryRun: opts.DryRun, Nodes: map[string]*Counts{}, Rels: map[string]*Counts{}},
		keep: map[uint64]struct{}{}, seed: maphash.MakeSeed()}
	if !opts.DryRun {
		if err := w.EnsureSchema(ctx); err != nil {
			return l.sum, err
		}
	}
	// A first load of a dataset can create relationships instead of merging
	// them and has nothing to prune. An interrupted first load leaves the
	// dataset owning something, so the next run takes the merging path.
	owns, err := w.Owns(ctx, opts.Dataset)
	if err != nil {
		return l.sum, fmt.Errorf("check what dataset %q owns: %w", opts.Dataset, err)
	}
	l.fresh = !owns && !opts.DryRun
	if !opts.DryRun {
		if err := w.BeginLoad(ctx, opts.Dataset); err != nil {
			return l.sum, err
		}
	}
	// Nodes first: a relationship write locks and needs both of its ends.
	// The relationships are spilled during the node pass, so the YAML is
	// parsed once.
	rels, err := newSpill[kg.Rel](opts.TempDir)
	if err != nil {
		return l.sum, err
	}
	defer rels.close()
	nodes := func(ctx context.Context, fn func([]kg.Node) error) error {
		return folder.Each(ctx, func(c seeds.Chunk) error {
			if err := rels.add(c.Rels); err != nil {
				return err
			}
			return fn(c.Nodes)
		})
	}
	if err := pass(ctx, l, "nodes", nodes, l.addNode, l.flushNodes); err != nil {
		return l.sum, err
	}
	if err := pass(ctx, l, "relationships", rels.each, l.addRel, l.flushRels); err != nil {
		return l.sum, err
	}
	if !l.fresh {
		if err := l.prune(ctx); err != nil {
			return l.sum, err
		}
	}
	if !opts.DryRun {
		// Only a load that wrote everything ends: an interrupted one leaves
		// its dataset marked loading, which keeps servers off their caches.
		nodes, rels := l.sum.Totals()
		if err := w.EndLoad(ctx, opts.Dataset, nodes.Seen, rels.Seen); err != nil {
			return l.sum, err
		}
	}
	l.sum.Took = time.Since(l.start)
	return l.sum, nil
}

type loader struct {
	w          Writer
	opts       Options
	sum        Summary
	nodes      map[string][]kg.Node
	rels       map[kg.RelType][]kg.Rel
	keep       map[uint64]struct{} // hashes of every id and key the folder holds
	seed       maphash.Seed
	pool       *pool
	mu         sync.Mutex // guards sum, written and lastReport while writers run
	written    int
	fresh      bool // the dataset owned nothing before this load
	start      time.Time
	lastReport time.Time
}

// pass reads items with each and hands them to add, then flushes what is left.
func pass[T any](ctx context.Context, l *loader, what string, each func(context.Context, func([]T) error) error, add func(context.Context, T) error, flush func(context.Context, bool) error) error {
	l.nodes, l.rels = map[string][]kg.Node{}, map[kg.RelType][]kg.Rel{}
	// The next file is read while the current batches are written, so Go
	// and Neo4j work at the same time instead of waiting for each other.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	l.pool = startPool(ctx, l.opts.Writers)
	defer l.pool.wait()
	chunks := make(chan []T, 1)
	readErr := make(chan error, 1)
	go func() {
		defer close(chunks)
		readErr <- each(ctx, func(items []T) error {
			select {
			case chunks <- items:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	for items := range chunks {
		for _, it := range items {
			if err := add(ctx, it); err != nil {
				cancel()
				for range chunks { // let the reader finish
				}
				<-readErr
				return fmt.Errorf("load %s: %w", what, err)
			}
		}
	}
	if err := <-readErr; err != nil {
		return fmt.Errorf("load %s: %w", what, err)
	}
	if err := flush(ctx, true); err != nil {
		return fmt.Errorf("load %s: %w", what, err)
	}
	if err := l.pool.wait(); err != nil {
		return fmt.Errorf("load %s: %w", what, err)
	}
	return nil
}

func (l *loader) remember(kind, key string) {
	l.keep[maphash.String(l.seed, kind+"\x00"+key)] = struct{}{}
}

func (l *loader) kept(kind, key string) bool {
	_, ok := l.keep[maphash.String(l.seed, kind+"\x00"+key)]
	return ok
}

func (l *loader) addNode(ctx context.Context, n kg.Node) error {
	label := n.Label()
	l.remember("node", n.ID)
	l.nodes[label] = append(l.nodes[label], n)
	if len(l.nodes[label]) >= l.opts.BatchSize {
		return l.flushNodes(ctx, false)
	}
	return nil
}

func (l *loader) addRel(ctx context.Context, r kg.Rel) error {
	l.remember(string(r.Type), r.Key)
	l.rels[r.Type] = append(l.rels[r.Type], r)
	if len(l.rels[r.Type]) >= l.opts.BatchSize {
		return l.flushRels(ctx, false)
	}
	return nil
}

// flushNodes writes full batches (every non-empty one when all is set).
func (l *loader) flushNodes(ctx context.Context, all bool) error {
	for _, label := range sortedKeys(l.nodes) {
		batch := l.nodes[label]
		if len(batch) == 0 || (!all && len(batch) < l.opts.BatchSize) {
			continue
		}
		l.nodes[label] = nil // the batch now belongs to its writer
		if err := l.pool.submit(func(ctx context.Context) error {
			ch, err := l.w.UpsertNodes(ctx, label, l.opts.Dataset, batch, l.opts.DryRun)
			if err != nil {
				return fmt.Errorf("write %d %s nodes (first %s): %w", len(batch), label, batch[0].ID, err)
			}
			l.count(l.sum.Nodes, label, len(batch), ch)
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

func (l *loader) flushRels(ctx context.Context, all bool) error {
	for _, t := range sortedKeys(l.rels) {
		batch := l.rels[t]
		if len(batch) == 0 || (!all && len(batch) < l.opts.BatchSize) {
			continue
		}
		write := l.w.UpsertRels
		if l.fresh {
			write = func(ctx context.Context, t kg.RelType, ds string, rels []kg.Rel, _ bool) (kg.Changes, error) {
				return l.w.CreateRels(ctx, t, ds, rels)
			}
		}
		l.rels[t] = nil // the batch now belongs to its writer
		if err := l.pool.submit(func(ctx context.Context) error {
			ch, err := write(ctx, t, l.opts.Dataset, batch, l.opts.DryRun)
			if err != nil {
				return fmt.Errorf("write %d %s relationships (first %s): %w", len(batch), t, batch[0].Key, err)
			}
			l.count(l.sum.Rels, string(t), len(batch), ch)
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

func (l *loader) count(m map[string]*Counts, name string, n int, ch kg.Changes) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := m[name]
	if c == nil {
		c = &Counts{}
		m[name] = c
	}
	c.Seen += n
	c.Created += ch.Created
	c.Updated += ch.Updated
	c.Unchanged += n - ch.Created - ch.Updated
	if !l.fresh {
		c.list("+", ch.CreatedIDs)
	}
	c.list("~", ch.UpdatedIDs)
	l.written += n
	if l.opts.Progress != nil && time.Since(l.lastReport) >= l.opts.Every {
		el := time.Since(l.start)
		fmt.Fprintf(l.opts.Progress, "ingest: %d rows in %s (%.0f rows/s), last batch %s\n",
			l.written, el.Round(time.Second), float64(l.written)/el.Seconds(), name)
		l.lastReport = time.Now()
	}
}

// prune deletes what the dataset owns in the graph but the folder no longer holds.
func (l *loader) prune(ctx context.Context) error {
	// Relationships first, so those of a removed node are counted before DETACH DELETE takes them.
	for _, t := range kg.RelTypes {
		var keys []string
		if err := l.w.OwnedRels(ctx, l.opts.Dataset, t, func(key string) error {
			if !l.kept(string(t), key) {
				keys = append(keys, key)
			}
			return nil
		}); err != nil {
			return fmt.Errorf("list owned %s relationships: %w", t, err)
		}
		if len(keys) == 0 {
			continue
		}
		l.bump(l.sum.Rels, string(t), keys)
		if l.opts.DryRun {
			continue
		}
		for b := range slices.Chunk(keys, l.opts.BatchSize) {
			if err := l.w.DeleteRels(ctx, l.opts.Dataset, t, b); err != nil {
				return fmt.Errorf("remove %d stale %s relationships: %w", len(b), t, err)
			}
		}
	}
	stale := map[string][]string{}
	if err := l.w.OwnedNodes(ctx, l.opts.Dataset, func(label, id string) error {
		if !l.kept("node", id) {
			stale[label] = append(stale[label], id)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("list owned nodes: %w", err)
	}
	for _, label := range sortedKeys(stale) {
		ids := stale[label]
		l.bump(l.sum.Nodes, label, ids)
		if l.opts.DryRun {
			continue
		}
		for b := range slices.Chunk(ids, l.opts.BatchSize) {
			if err := l.w.DeleteNodes(ctx, l.opts.Dataset, label, b); err != nil {
				return fmt.Errorf("remove %d stale %s nodes: %w", len(b), label, err)
			}
		}
	}
	return nil
}

func (l *loader) bump(m map[string]*Counts, name string, removed []string) {
	if m[name] == nil {
		m[name] = &Counts{}
	}
	m[name].Removed += len(removed)
	m[name].list("-", removed)
}

func sortedKeys[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Totals adds up a summary's counts.
func (s Summary) Totals() (nodes, rels Counts) {
	add := func(dst *Counts, m map[string]*Counts) {
		for _, c := range m {
			dst.Seen += c.Seen
			dst.Created += c.Created
			dst.Updated += c.Updated
			dst.Unchanged += c.Unchanged
			dst.Removed += c.Removed
		}
	}
	add(&nodes, s.Nodes)
	add(&rels, s.Rels)
	return nodes, rels
}

// Write prints the summary as a table.
func (s Summary) Write(w io.Writer) {
	verb := "ingested"
	if s.DryRun {
		verb = "dry run (nothing written)"
	}
	fmt.Fprintf(w, "%s: dataset %q in %s\n", verb, s.Dataset, s.Took.Round(time.Millisecond))
	fmt.Fprintf(w, "  %-24s %8s %8s %8s %9s %8s\n", "label / type", "in seeds", "created", "updated", "unchanged", "removed")
	row := func(name string, c *Counts) {
		fmt.Fprintf(w, "  %-24s %8d %8d %8d %9d %8d\n", name, c.Seen, c.Created, c.Updated, c.Unchanged, c.Removed)
	}
	for _, part := range []map[string]*Counts{s.Nodes, s.Rels} {
		names := make([]string, 0, len(part))
		for n := range part {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			row(n, part[n])
		}
	}
	n, r := s.Totals()
	row(strings.Repeat("-", 5)+" nodes", &n)
	row(strings.Repeat("-", 5)+" relationships", &r)
	s.writeChanged(w)
}

// writeChanged names what the load changed, per label and type (none on a
// first load, where everything is new).
func (s Summary) writeChanged(w io.Writer) {
	header := false
	for _, part := range []map[string]*Counts{s.Nodes, s.Rels} {
		for _, name := range sortedKeys(part) {
			c := part[name]
			if len(c.Changed) == 0 {
				continue
			}
			if !header {
				fmt.Fprintln(w, "changed (+ created, ~ updated, - removed):")
				header = true
			}
			for _, id := range c.Changed {
				fmt.Fprintf(w, "  %-24s %s\n", name, id)
			}
			if more := c.Created + c.Updated + c.Removed - len(c.Changed); more > 0 {
				fmt.Fprintf(w, "  %-24s … and %d more\n", name, more)
			}
		}
	}
}
