package bench

import (
	"context"
	"fmt"
	"io/fs"
	"math"
	"os"
	"strings"
	"sync"
	"time"

	"armsgraph/internal/ingest"
	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jstore"
	"armsgraph/internal/seeds"
)

// IngestResult is what loading one seed folder cost.
type IngestResult struct {
	Dataset     string  `json:"dataset"`
	BatchSize   int     `json:"batch_size"`
	Files       int     `json:"files"`
	Nodes       int     `json:"nodes"`
	Rels        int     `json:"relationships"`
	ValidateSec float64 `json:"validate_seconds"` // seeds.Open + Validate, as `armsgraph ingest` does first
	IngestSec   float64 `json:"ingest_seconds"`   // ingest.Run: schema, nodes, relationships, prune
	NodesPerSec float64 `json:"nodes_per_second"` // nodes / time spent writing nodes (parse included)
	RelsPerSec  float64 `json:"relationships_per_second"`
	RowsPerSec  float64 `json:"rows_per_second"` // (nodes + relationships) / ingest seconds
	Breakdown   Phases  `json:"breakdown"`
	ValidateMem Memory  `json:"validate_memory"`
	IngestMem   Memory  `json:"ingest_memory"`
	StoreMB     float64 `json:"store_mb,omitempty"` // the database's size on disk afterwards, when known
	NodePassSec float64 `json:"node_pass_seconds"`
	RelPassSec  float64 `json:"relationship_pass_seconds"`
	// CPUPressurePct is the share of the ingest's wall time during which some
	// task waited for a CPU (Linux PSI); high values mean a contended machine.
	CPUPressurePct float64 `json:"cpu_pressure_pct"`
	WithinTarget   *bool   `json:"within_10_minutes,omitempty"` // set for the 1M size
	TargetComment  string  `json:"target_comment,omitempty"`
}

// Phases splits the ingest's wall time by what it waited for.
type Phases struct {
	SchemaSec     float64 `json:"schema_seconds"`
	NodeWritesSec float64 `json:"node_writes_seconds"` // while some UpsertNodes ran (Neo4j and the driver)
	RelWritesSec  float64 `json:"relationship_writes_seconds"`
	PruneSec      float64 `json:"prune_seconds"` // listing what the dataset owns, deleting the stale part
	// ReadSec is the rest: the wall time with no write in flight, when Neo4j
	// waited for Go to read, parse and batch the next rows.
	ReadSec float64 `json:"read_parse_seconds"`
}

// timedWriter wraps the store and measures, per call kind, the wall time
// during which at least one such call was in flight: the ingester runs
// several writers at once, so adding up call durations would count the
// same second twice.
type timedWriter struct {
	w                          ingest.Writer
	mu                         sync.Mutex
	schema, nodes, rels, prune busy
	firstRel                   time.Time
	nodeRows, relRows          int
	clock                      func() time.Time // time.Now when nil; tests set it
}

func (t *timedWriter) now() time.Time {
	if t.clock != nil {
		return t.clock()
	}
	return time.Now()
}

// busy is the wall time some call of one kind was running.
type busy struct {
	running int
	since   time.Time
	total   time.Duration
}

// enter marks a call of kind b as running, adds rows to *count and returns
// the function that marks it done.
func (t *timedWriter) enter(b *busy, count *int, rows int) func() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if b.running == 0 {
		b.since = t.now()
	}
	b.running++
	if count != nil {
		*count += rows
	}
	if b == &t.rels && t.firstRel.IsZero() {
		t.firstRel = t.now()
	}
	return func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		b.running--
		if b.running == 0 {
			b.total += t.now().Sub(b.since)
		}
	}
}

func (t *timedWriter) EnsureSchema(ctx context.Context) error {
	defer t.enter(&t.schema, nil, 0)()
	return t.w.EnsureSchema(ctx)
}

func (t *timedWriter) UpsertNodes(ctx context.Context, label, dataset string, nodes []kg.Node, dry bool) (neo4jstore.Changes, error) {
	defer t.enter(&t.nodes, &t.nodeRows, len(nodes))()
	return t.w.UpsertNodes(ctx, label, dataset, nodes, dry)
}

func (t *timedWriter) UpsertRels(ctx context.Context, rt kg.RelType, dataset string, rels []kg.Rel, dry bool) (neo4jstore.Changes, error) {
	defer t.enter(&t.rels, &t.relRows, len(rels))()
	return t.w.UpsertRels(ctx, rt, dataset, rels, dry)
}

func (t *timedWriter) CreateRels(ctx context.Context, rt kg.RelType, dataset string, rels []kg.Rel) (neo4jstore.Changes, error) {
	defer t.enter(&t.rels, &t.relRows, len(rels))()
	return t.w.CreateRels(ctx, rt, dataset, rels)
}

func (t *timedWriter) BeginLoad(ctx context.Context, dataset string) error {
	defer t.enter(&t.schema, nil, 0)()
	return t.w.BeginLoad(ctx, dataset)
}

func (t *timedWriter) EndLoad(ctx context.Context, dataset string, nodes, rels int) error {
	defer t.enter(&t.prune, nil, 0)()
	return t.w.EndLoad(ctx, dataset, nodes, rels)
}

func (t *timedWriter) Owns(ctx context.Context, dataset string) (bool, error) {
	defer t.enter(&t.prune, nil, 0)()
	return t.w.Owns(ctx, dataset)
}

func (t *timedWriter) OwnedNodes(ctx context.Context, dataset string, fn func(label, id string) error) error {
	defer t.enter(&t.prune, nil, 0)()
	return t.w.OwnedNodes(ctx, dataset, fn)
}

func (t *timedWriter) OwnedRels(ctx context.Context, dataset string, rt kg.RelType, fn func(key string) error) error {
	defer t.enter(&t.prune, nil, 0)()
	return t.w.OwnedRels(ctx, dataset, rt, fn)
}

func (t *timedWriter) DeleteNodes(ctx context.Context, dataset, label string, ids []string) error {
	defer t.enter(&t.prune, nil, 0)()
	return t.w.DeleteNodes(ctx, dataset, label, ids)
}

func (t *timedWriter) DeleteRels(ctx context.Context, dataset string, rt kg.RelType, keys []string) error {
	defer t.enter(&t.prune, nil, 0)()
	return t.w.DeleteRels(ctx, dataset, rt, keys)
}

func secs(d time.Duration) float64 { return math.Round(d.Seconds()*100) / 100 }

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return math.Round(float64(n) / d.Seconds())
}

// openFolder opens a seed folder the way the CLI does.
func openFolder(dir, docs string) (*seeds.Folder, error) {
	opts := seeds.Options{}
	if docs != "" {
		opts.Documents = os.DirFS(docs)
	}
	return seeds.Open(os.DirFS(dir), opts)
}

// benchIngest validates and loads one folder under the dataset name, as
// `armsgraph ingest` does, measuring each phase and the process's memory.
func (r *runner) benchIngest(ctx context.Context, dir, docs, dataset string) (IngestResult, error) {
	res := IngestResult{Dataset: dataset, BatchSize: r.cfg.BatchSize}
	folder, err := openFolder(dir, docs)
	if err != nil {
		return res, err
	}
	res.Files = len(folder.Files())
	r.logf("  validate %s (%d files)", dir, res.Files)
	mw := watchMemory()
	t0 := time.Now()
	stats, err := folder.Validate(ctx, nil)
	res.ValidateSec = secs(time.Since(t0))
	res.ValidateMem = mw.finish()
	if err != nil {
		return res, fmt.Errorf("validate %s: %w", dir, err)
	}
	for _, n := range stats.Nodes {
		res.Nodes += n
	}
	for _, n := range stats.Rels {
		res.Rels += n
	}
	r.logf("  valid: %d nodes, %d relationships in %.1fs; ingesting as dataset %q (batch %d)", res.Nodes, res.Rels, res.ValidateSec, dataset, r.cfg.BatchSize)

	tw := &timedWriter{w: r.store}
	mw = watchMemory()
	pw := watchPressure()
	t0 = time.Now()
	var progress *logWriter
	if r.cfg.Progress != nil {
		progress = &logWriter{r: r}
	}
	opts := ingest.Options{Dataset: dataset, BatchSize: r.cfg.BatchSize, Every: 10 * time.Second}
	if progress != nil {
		opts.Progress = progress
	}
	sum, err := ingest.Run(ctx, tw, folder, opts)
	took := time.Since(t0)
	res.CPUPressurePct = pw.percent()
	res.IngestMem = mw.finish()
	if err != nil {
		return res, fmt.Errorf("ingest %s: %w", dir, err)
	}
	nodes, rels := sum.Totals()
	if nodes.Seen != res.Nodes || rels.Seen != res.Rels {
		r.logf("  note: ingest saw %d nodes and %d relationships, validation counted %d and %d", nodes.Seen, rels.Seen, res.Nodes, res.Rels)
	}
	res.IngestSec = secs(took)
	res.Breakdown = Phases{SchemaSec: secs(tw.schema.total), NodeWritesSec: secs(tw.nodes.total), RelWritesSec: secs(tw.rels.total), PruneSec: secs(tw.prune.total)}
	res.Breakdown.ReadSec = secs(took - tw.schema.total - tw.nodes.total - tw.rels.total - tw.prune.total)
	// The node pass runs from the end of the schema step to the first
	// relationship batch; the relationship pass from there to the prune.
	nodePass := tw.firstRel.Sub(t0) - tw.schema.total
	if tw.firstRel.IsZero() {
		nodePass = took - tw.schema.total - tw.prune.total
	}
	relPass := took - tw.schema.total - nodePass - tw.prune.total
	res.NodePassSec, res.RelPassSec = secs(nodePass), secs(relPass)
	res.NodesPerSec = rate(nodes.Seen, nodePass)
	res.RelsPerSec = rate(rels.Seen, relPass)
	res.RowsPerSec = rate(nodes.Seen+rels.Seen, took)
	r.logf("  ingested in %.1fs: %.0f nodes/s, %.0f relationships/s; peak heap %.0f MB, peak RSS %.0f MB; CPU pressure %.0f%%",
		res.IngestSec, res.NodesPerSec, res.RelsPerSec, res.IngestMem.PeakHeapMB, res.IngestMem.PeakRSSMB, res.CPUPressurePct)
	return res, nil
}

// NaiveResult compares one-row-per-transaction writes with batched ones on the same sample.
type NaiveResult struct {
	Nodes            int     `json:"nodes"`
	Rels             int     `json:"relationships"`
	NaiveSec         float64 `json:"naive_seconds"`
	NaiveRowsPerSec  float64 `json:"naive_rows_per_second"`
	SampleBatchSec   float64 `json:"sample_batched_seconds"`
	SampleBatchRate  float64 `json:"sample_batched_rows_per_second"`
	FullRowsPerSec   float64 `json:"full_ingest_rows_per_second"`
	RatioFull        float64 `json:"ratio_full_ingest_vs_naive"`    // the headline: batched ingest rate / naive rate
	RatioSample      float64 `json:"ratio_sample_batched_vs_naive"` // the same rows, batched in one go
	Method           string  `json:"method"`
	WithinTarget     bool    `json:"at_least_20x"`
	NaiveNodesPerSec float64 `json:"naive_nodes_per_second"`
	NaiveRelsPerSec  float64 `json:"naive_relationships_per_second"`
}

const naiveMethod = "one store.UpsertNodes/UpsertRels call per row (one UNWIND of one row = one MERGE in its own managed write transaction), on copies of rows from the first file of each kind under fresh ids, so every write creates; compared with the same rows batched per label and type"

// firstOfEachKind shows a seed folder with only the first file of each
// kind ("weapons-00001.yaml" of weapons-*.yaml; every file of a folder
// named by kind), so a sample reads a few files, not the whole folder.
type firstOfEachKind struct {
	fs.FS
	keep map[string]bool
}

func newFirstOfEachKind(fsys fs.FS) (firstOfEachKind, error) {
	f := firstOfEachKind{FS: fsys, keep: map[string]bool{}}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return f, err
	}
	seen := map[string]bool{}
	for _, e := range entries { // in name order
		name := e.Name()
		if e.IsDir() || !(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			continue
		}
		kind := strings.TrimRight(strings.TrimSuffix(strings.TrimSuffix(name, ".yaml"), ".yml"), "0123456789")
		if !seen[kind] {
			seen[kind] = true
			f.keep[name] = true
		}
	}
	return f, nil
}

func (f firstOfEachKind) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(f.FS, name)
	if err != nil || name != "." {
		return nil, err // sub-folders are left out
	}
	var out []fs.DirEntry
	for _, e := range entries {
		if f.keep[e.Name()] {
			out = append(out, e)
		}
	}
	return out, nil
}

// sample picks about n/2 entity nodes and n/2 relationships from the first
// file of each kind, spread evenly, and returns two copies, renamed with
// each suffix (ids and keys), so writing a copy creates new nodes and
// relationships beside the loaded dataset. A relationship keeps an end that
// is not in the sample: it exists already.
func sample(ctx context.Context, dir string, n int, suffixes ...string) ([][]kg.Node, [][]kg.Rel, error) {
	fsys, err := newFirstOfEachKind(os.DirFS(dir))
	if err != nil {
		return nil, nil, err
	}
	folder, err := seeds.Open(fsys, seeds.Options{})
	if err != nil {
		return nil, nil, err
	}
	files := len(folder.Files())
	per := max(1, (n/2+files-1)/files)
	var nodes []kg.Node
	var rels []kg.Rel
	err = folder.Each(ctx, func(c seeds.Chunk) error {
		taken := 0
		for _, nd := range c.Nodes {
			if taken >= per || len(nodes) >= n/2 {
				break
			}
			if nd.Kind != "" { // sources are not entities; relationships never end at them
				nodes = append(nodes, nd)
				taken++
			}
		}
		for _, rl := range c.Rels[:min(per, len(c.Rels))] {
			if len(rels) < n/2 {
				rels = append(rels, rl)
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	inSample := map[string]bool{}
	for _, nd := range nodes {
		inSample[nd.ID] = true
	}
	var outNodes [][]kg.Node
	var outRels [][]kg.Rel
	for _, suffix := range suffixes {
		ns := make([]kg.Node, len(nodes))
		for i, nd := range nodes {
			nd.ID += suffix
			ns[i] = nd
		}
		rs := make([]kg.Rel, len(rels))
		for i, rl := range rels {
			if inSample[rl.From] {
				rl.From += suffix
			}
			if inSample[rl.To] {
				rl.To += suffix
			}
			rl.Key += suffix
			rs[i] = rl
		}
		outNodes, outRels = append(outNodes, ns), append(outRels, rs)
	}
	return outNodes, outRels, nil
}

// benchNaive writes a sample row by row, then the same rows batched, and
// compares the rates. Both copies are removed afterwards.
func (r *runner) benchNaive(ctx context.Context, dir string, full IngestResult) (NaiveResult, error) {
	res := NaiveResult{Method: naiveMethod, FullRowsPerSec: full.RowsPerSec}
	const naiveDS, batchDS = "bench-naive", "bench-naive-batched"
	ns, rs, err := sample(ctx, dir, r.cfg.NaiveSample, "-naive", "-batched")
	if err != nil {
		return res, err
	}
	nodes, rels, bnodes, brels := ns[0], rs[0], ns[1], rs[1]
	res.Nodes, res.Rels = len(nodes), len(rels)
	r.logf("  naive baseline: %d nodes and %d relationships, one transaction each", len(nodes), len(rels))
	defer r.dropSample(context.WithoutCancel(ctx), naiveDS, nodes, rels)
	defer r.dropSample(context.WithoutCancel(ctx), batchDS, bnodes, brels)
	t0 := time.Now()
	for _, n := range nodes {
		if _, err := r.store.UpsertNodes(ctx, n.Label(), naiveDS, []kg.Node{n}, false); err != nil {
			return res, fmt.Errorf("naive node %s: %w", n.ID, err)
		}
	}
	nodeTook := time.Since(t0)
	t1 := time.Now()
	for _, rl := range rels {
		if _, err := r.store.UpsertRels(ctx, rl.Type, naiveDS, []kg.Rel{rl}, false); err != nil {
			return res, fmt.Errorf("naive relationship %s: %w", rl.Key, err)
		}
	}
	relTook := time.Since(t1)
	naive := time.Since(t0)
	res.NaiveSec = secs(naive)
	res.NaiveRowsPerSec = rate(len(nodes)+len(rels), naive)
	res.NaiveNodesPerSec = rate(len(nodes), nodeTook)
	res.NaiveRelsPerSec = rate(len(rels), relTook)

	// The same rows, batched per label and type as the ingester does, under other ids.
	byLabel := map[string][]kg.Node{}
	for _, n := range bnodes {
		byLabel[n.Label()] = append(byLabel[n.Label()], n)
	}
	byType := map[kg.RelType][]kg.Rel{}
	for _, rl := range brels {
		byType[rl.Type] = append(byType[rl.Type], rl)
	}
	t0 = time.Now()
	for label, ns := range byLabel {
		if _, err := r.store.UpsertNodes(ctx, label, batchDS, ns, false); err != nil {
			return res, err
		}
	}
	for t, rs := range byType {
		if _, err := r.store.UpsertRels(ctx, t, batchDS, rs, false); err != nil {
			return res, err
		}
	}
	batched := time.Since(t0)
	res.SampleBatchSec = secs(batched)
	res.SampleBatchRate = rate(len(bnodes)+len(brels), batched)
	if res.NaiveRowsPerSec > 0 {
		res.RatioFull = math.Round(full.RowsPerSec/res.NaiveRowsPerSec*10) / 10
		res.RatioSample = math.Round(res.SampleBatchRate/res.NaiveRowsPerSec*10) / 10
	}
	res.WithinTarget = res.RatioFull >= 20
	r.logf("  naive %.0f rows/s; batched ingest %.0f rows/s (%.1f×); same sample batched %.0f rows/s (%.1f×)",
		res.NaiveRowsPerSec, full.RowsPerSec, res.RatioFull, res.SampleBatchRate, res.RatioSample)
	return res, nil
}

// dropSample removes what benchNaive wrote, by key and id (index-backed).
func (r *runner) dropSample(ctx context.Context, dataset string, nodes []kg.Node, rels []kg.Rel) {
	byType := map[kg.RelType][]string{}
	for _, rl := range rels {
		byType[rl.Type] = append(byType[rl.Type], rl.Key)
	}
	for t, keys := range byType {
		if err := r.store.DeleteRels(ctx, dataset, t, keys); err != nil {
			r.logf("  cleanup of %s %s: %v", dataset, t, err)
		}
	}
	byLabel := map[string][]string{}
	for _, n := range nodes {
		byLabel[n.Label()] = append(byLabel[n.Label()], n.ID)
	}
	for label, ids := range byLabel {
		if err := r.store.DeleteNodes(ctx, dataset, label, ids); err != nil {
			r.logf("  cleanup of %s %s: %v", dataset, label, err)
		}
	}
}

// logWriter turns the ingester's progress lines into bench log lines.
type logWriter struct{ r *runner }

func (l *logWriter) Write(p []byte) (int, error) {
	l.r.logf("  %s", trimNL(string(p)))
	return len(p), nil
}

func trimNL(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}
