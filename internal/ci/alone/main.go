// Command alone checks that every test and subtest passes when run on its
// own (go test -run '^TestX$/^sub$'): no subtest may lean on state an
// earlier one left. scripts/run-subtests-alone runs it; see its --help.
//
// It compiles each package's test binary once (go test -c), runs it once
// with -test.v to list the subtests that run, then runs every leaf (a test
// or subtest with no subtests of its own) alone, a few at a time. Packages
// whose tests use the test Neo4j (they import internal/neo4jtest) take its
// lock in turn, so their leaves effectively run one at a time.
//
// With -ci it fits a CI budget: every leaf of the packages that need no
// Neo4j, and of the Neo4j packages a sample drawn from a manifest the full
// run writes (listing a Neo4j package means running all of it, minutes):
// -sample leaves picked by a fixed seed plus -sample by a fresh seed, both
// printed for replay.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// defaultSkip leaves out TestGeneratedQueries' two corpora: each is one
// subtest that runs thousands of generated operations (minutes), with no
// subtests to isolate; its regression cases are run alone like any other.
const defaultSkip = `^TestGeneratedQueries$/^(fixed-seed|fresh-seed)$`

// propSeed is the name internal/proptest gives the subtest of one seed; its
// fresh seed's subtest is named anew each run, so running it alone needs
// that seed replayed (proptest.SeedEnv).
var propSeed = regexp.MustCompile(`/seed=([0-9]+)$`)

// fixedSeed picks the CI mode's fixed sample of Neo4j leaves.
const fixedSeed = 1

// defaultManifest lists the leaves of the Neo4j packages (from the
// repository root); the full run rewrites it.
const defaultManifest = "internal/ci/testdata/neo4j-subtests.txt"

// neo4jImports mark a package whose tests use the test Neo4j.
var neo4jImports = []string{"armsgraph/internal/neo4jtest", "armsgraph/internal/neo4jtest/storetest"}

type options struct {
	ci        bool
	sample    int
	sampleMax time.Duration
	seed      uint64
	parallel  int
	skip      string
	manifest  string
	timeout   time.Duration
	pkgs      []string
	explicit  bool // packages were named on the command line
	goCommand string
}

func main() {
	var o options
	flag.BoolVar(&o.ci, "ci", false, "the bounded CI mode: every leaf of the packages without Neo4j, a sample of the Neo4j leaves from the manifest")
	flag.IntVar(&o.sample, "sample", 6, "with -ci: Neo4j leaves picked by the fixed seed, and as many again by the fresh seed; -1: every leaf of the manifest")
	flag.DurationVar(&o.sampleMax, "sample-max", 5*time.Second, "with -ci: draw only Neo4j leaves that took at most this long in the listing run (the long ones are the full run's)")
	flag.Uint64Var(&o.seed, "seed", 0, "with -ci: the fresh seed (0: a new one, printed)")
	flag.IntVar(&o.parallel, "parallel", 2, "test binaries run at once (Neo4j leaves still take the database in turn)")
	flag.StringVar(&o.skip, "skip", defaultSkip, "go test -skip pattern for leaves not to run (the listing run skips them too)")
	flag.StringVar(&o.manifest, "manifest", defaultManifest, "the Neo4j packages' leaves: read with -ci, rewritten by a full run (the entries of the packages it ran)")
	flag.DurationVar(&o.timeout, "timeout", 20*time.Minute, "-test.timeout of each run")
	flag.Usage = func() {
		fmt.Fprint(flag.CommandLine.Output(), `Usage: scripts/run-subtests-alone [flags] [PACKAGE...]

Runs every leaf test (a test or subtest without subtests) of each package
(default ./...) alone, as go test -run '^TestX$/^sub$' would, and fails if
any fails alone: each subtest must own its state. Each package's test binary
is compiled once; one -v run of it lists the leaves. A failure prints the
end of its output and the go test command that replays it.

The full run (no -ci) takes long (the Neo4j packages are listed by running
them, then each of their leaves seeds the database again); run it before a
release. It rewrites the manifest's entries for the Neo4j packages it ran.

-ci fits CI: every leaf of the packages that need no Neo4j, and from the
manifest -sample Neo4j leaves by a fixed seed plus -sample by a fresh seed
(printed; -seed replays it).

Flags:
`)
		flag.PrintDefaults()
	}
	flag.Parse()
	o.pkgs, o.explicit = flag.Args(), flag.NArg() > 0
	if !o.explicit {
		o.pkgs = []string{"./..."}
	}
	if o.parallel < 1 || o.sample < -1 {
		fmt.Fprintln(os.Stderr, "alone: -parallel must be at least 1 and -sample -1 (all) or more")
		os.Exit(2)
	}
	if o.seed == 0 {
		o.seed = rand.Uint64N(1<<31) + 1
	}
	o.goCommand = cmp.Or(os.Getenv("GO"), "go")

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ok, err := run(ctx, o, os.Stdout)
	if err != nil {
		fmt.Fprintf(os.Stderr, "alone: %v\n", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

// pkg is one package with tests.
type pkg struct {
	importPath string
	dir        string
	neo4j      bool
	binary     string
}

// leaf is one test or subtest to run alone.
type leaf struct {
	pkg  *pkg
	name string        // as go test -v prints it: TestX/sub/case
	took time.Duration // in the listing run, as go test -v printed it
}

// result is how one leaf fared alone.
type result struct {
	leaf
	status  string // ok, FAIL, SKIP, GONE (no longer in the package)
	elapsed time.Duration
	output  string
}

func run(ctx context.Context, o options, out io.Writer) (bool, error) {
	start := time.Now()
	pkgs, err := listPackages(ctx, o)
	if err != nil {
		return false, err
	}
	mode := "full"
	if o.ci {
		mode = fmt.Sprintf("ci (Neo4j sample: %d by the fixed seed %d, %d by the fresh seed %d)", o.sample, fixedSeed, o.sample, o.seed)
	}
	fmt.Fprintf(out, "run-subtests-alone: %d packages with tests, mode %s, %d at a time\n", len(pkgs), mode, o.parallel)

	binDir, err := os.MkdirTemp("", "run-subtests-alone-")
	if err != nil {
		return false, fmt.Errorf("a directory for the test binaries: %w", err)
	}
	defer os.RemoveAll(binDir)

	var leaves []leaf
	var sampled []leaf
	toList, toCompile := pkgs, pkgs
	if o.ci {
		// Only the Neo4j packages the sample drew from are compiled.
		if sampled, err = sampleNeo4j(o, pkgs, out); err != nil {
			return false, err
		}
		toList, toCompile = nil, nil
		for _, p := range pkgs {
			if !p.neo4j {
				toList = append(toList, p)
			}
			if !p.neo4j || slices.ContainsFunc(sampled, func(l leaf) bool { return l.pkg == p }) {
				toCompile = append(toCompile, p)
			}
		}
	}
	if err := compile(ctx, o, toCompile, binDir, out); err != nil {
		return false, err
	}

	var listFailures []string
	var manifest []leaf
	listed := map[string]bool{}
	fmt.Fprintf(out, "== listing the leaves of %d packages (one -v run each)\n", len(toList))
	var mu sync.Mutex
	listings := parallelMap(ctx, o.parallel, toList, func(p *pkg) listing {
		l := list(ctx, o, p)
		status := "ok"
		if l.err != nil {
			status = "FAIL"
		}
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(out, "  %-4s %-40s %3d leaves (%d skipped) in %s\n", status, p.importPath, len(l.leaves), len(l.skipped), l.elapsed.Round(100*time.Millisecond))
		return l
	})
	if ctx.Err() != nil {
		return false, fmt.Errorf("interrupted while listing")
	}
	for i, p := range toList {
		l := listings[i]
		listed[p.importPath] = true
		if l.err != nil {
			listFailures = append(listFailures, fmt.Sprintf("%s: the whole package fails, run as go test would: %v\n%s", p.importPath, l.err, tail(l.output, 30)))
		}
		for _, name := range l.leaves {
			leaves = append(leaves, leaf{p, name, l.took[name]})
			if p.neo4j {
				manifest = append(manifest, leaf{p, name, l.took[name]})
			}
		}
	}
	if o.ci {
		for _, n := range manifestNotes(ctx, o, toCompile) {
			fmt.Fprintf(out, "  note: %s\n", n)
		}
		leaves = append(leaves, sampled...)
	}

	fmt.Fprintf(out, "== running %d leaves alone (listed after %s)\n", len(leaves), time.Since(start).Round(time.Second))
	done := 0
	results := parallelMap(ctx, o.parallel, leafPointers(leaves), func(l *leaf) result {
		r := runAlone(ctx, o, *l)
		mu.Lock()
		defer mu.Unlock()
		done++
		fmt.Fprintf(out, "[%d/%d] %-4s %6s %s %s\n", done, len(leaves), r.status, r.elapsed.Round(10*time.Millisecond), l.pkg.importPath, l.name)
		if r.status == "FAIL" { // at once too: a long run may be stopped before its summary
			fmt.Fprintf(out, "%s\n  replay: %s\n", indent(tail(r.output, 15)), replay(r.leaf))
		}
		return r
	})
	if ctx.Err() != nil {
		return false, fmt.Errorf("interrupted after %d of %d leaves", done, len(leaves))
	}

	if !o.ci && len(listFailures) == 0 {
		if err := writeManifest(o, manifest, listed); err != nil {
			return false, err
		}
		fmt.Fprintf(out, "manifest %s: %d Neo4j leaves\n", o.manifest, len(manifest))
	}
	return summarize(out, o, results, listFailures, time.Since(start)), nil
}

func leafPointers(ls []leaf) []*leaf {
	ps := make([]*leaf, len(ls))
	for i := range ls {
		ps[i] = &ls[i]
	}
	return ps
}

// summarize prints the counts and every failure with its replay command,
// and reports whether all passed.
func summarize(out io.Writer, o options, results []result, listFailures []string, elapsed time.Duration) bool {
	count := map[string]int{}
	var failed, gone []result
	for _, r := range results {
		count[r.status]++
		switch r.status {
		case "FAIL":
			failed = append(failed, r)
		case "GONE":
			gone = append(gone, r)
		}
	}
	for _, f := range listFailures {
		fmt.Fprintf(out, "\nLISTING FAILED %s\n", f)
	}
	for _, r := range failed {
		fmt.Fprintf(out, "\nFAIL alone: %s %s\n%s\n  replay: %s\n", r.pkg.importPath, r.name, tail(r.output, 30), replay(r.leaf))
	}
	for _, r := range gone {
		fmt.Fprintf(out, "\nnote: %s %s did not run under that name alone (renamed or removed since the manifest, or named anew each run); refresh the manifest: scripts/run-subtests-alone %s\n", r.pkg.importPath, r.name, r.pkg.importPath)
	}
	fmt.Fprintf(out, "\nrun-subtests-alone: %d leaves run alone in %s: %d passed, %d failed, %d skipped, %d gone from the manifest",
		len(results), elapsed.Round(time.Second), count["ok"], count["FAIL"], count["SKIP"], count["GONE"])
	if len(listFailures) > 0 {
		fmt.Fprintf(out, "; %d packages failed their listing run", len(listFailures))
	}
	fmt.Fprintln(out)
	if o.ci {
		fmt.Fprintf(out, "replay this sample: scripts/run-subtests-alone -ci -seed %d", o.seed)
		if o.explicit {
			fmt.Fprintf(out, " %s", strings.Join(o.pkgs, " "))
		}
		fmt.Fprintln(out)
	}
	if len(failed) > 0 {
		fmt.Fprintln(out, "failed alone (replay each with the command shown):")
		for _, r := range failed {
			fmt.Fprintf(out, "  %s\n", replay(r.leaf))
		}
	}
	return len(failed) == 0 && len(listFailures) == 0
}

// replay is the go test command that runs one leaf alone.
func replay(l leaf) string {
	cmd := fmt.Sprintf("go test -count=1 -run '%s' %s", runPattern(l.name), l.pkg.importPath)
	if m := propSeed.FindStringSubmatch(l.name); m != nil {
		cmd = "ARMSGRAPH_PROP_SEED=" + m[1] + " " + cmd
	}
	return cmd
}

// runPattern anchors each level of a leaf's name, so that -run selects it
// and nothing else (not TestX2 beside TestX, not sub_b beside sub). A
// number of 15 digits or more is a seed drawn from the clock, which names
// a subtest anew each run ("seed 1796680767574325566"): it matches any such
// number, so that the fresh-seed subtest runs alone, with a seed of its own.
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + freshSeed.ReplaceAllString(regexp.QuoteMeta(p), "[0-9]{15,}") + "$"
	}
	return strings.Join(parts, "/")
}

// freshSeed is a seed drawn from the clock (time.Now().UnixNano()).
var freshSeed = regexp.MustCompile(`[0-9]{15,}`)

// ran reports whether output shows the leaf running ("=== RUN"); a leaf
// named by a fresh seed ran under a name of its own.
func ran(output, name string) bool {
	levels := strings.Split(runPattern(name), "/")
	for i, l := range levels {
		levels[i] = strings.TrimSuffix(strings.TrimPrefix(l, "^"), "$")
	}
	return regexp.MustCompile(`(?m)^=== RUN   ` + strings.Join(levels, "/") + `$`).MatchString(output)
}

// listPackages returns the packages that have tests, and which use Neo4j.
func listPackages(ctx context.Context, o options) ([]*pkg, error) {
	args := append([]string{"list", "-f", "{{.ImportPath}}\t{{.Dir}}\t{{len .TestGoFiles}}\t{{len .XTestGoFiles}}\t{{join .TestImports \" \"}} {{join .XTestImports \" \"}}"}, o.pkgs...)
	cmd := exec.CommandContext(ctx, o.goCommand, args...)
	cmd.Stderr = os.Stderr
	raw, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list %s: %w", strings.Join(o.pkgs, " "), err)
	}
	var pkgs []*pkg
	for line := range strings.Lines(string(raw)) {
		f := strings.Split(strings.TrimSpace(line), "\t")
		if len(f) != 5 || (f[2] == "0" && f[3] == "0") {
			continue
		}
		imports := strings.Fields(f[4])
		p := &pkg{importPath: f[0], dir: f[1], neo4j: slices.Contains(neo4jImports, f[0])}
		for _, imp := range neo4jImports {
			p.neo4j = p.neo4j || slices.Contains(imports, imp)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs, nil
}

// compile builds each package's test binary once (go builds them in
// parallel within one command).
func compile(ctx context.Context, o options, pkgs []*pkg, binDir string, out io.Writer) error {
	t0 := time.Now()
	var failed []string
	for i, p := range pkgs {
		p.binary = filepath.Join(binDir, fmt.Sprintf("%02d-%s.test", i, filepath.Base(p.importPath)))
	}
	errs := parallelMap(ctx, o.parallel, pkgs, func(p *pkg) error {
		cmd := exec.CommandContext(ctx, o.goCommand, "test", "-c", "-o", p.binary, p.importPath)
		if msg, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go test -c %s: %w\n%s", p.importPath, err, msg)
		}
		return nil
	})
	for _, err := range errs {
		if err != nil {
			failed = append(failed, err.Error())
		}
	}
	if len(failed) > 0 {
		return errors.New(strings.Join(failed, "\n"))
	}
	fmt.Fprintf(out, "== compiled %d test binaries in %s\n", len(pkgs), time.Since(t0).Round(100*time.Millisecond))
	return nil
}

// listing is what one -v run of a package printed.
type listing struct {
	leaves, skipped []string
	took            map[string]time.Duration
	elapsed         time.Duration
	output          string
	err             error
}

// list runs the whole package once with -test.v and returns its leaves:
// the tests and subtests that ran and have no subtests of their own, less
// those that skipped (a skip is the package's business: under CI every
// skip that depends on the machine fails instead).
func list(ctx context.Context, o options, p *pkg) listing {
	t0 := time.Now()
	output, err := runBinary(ctx, o, p, "-test.run=.", "-test.skip="+o.skip)
	l := listing{elapsed: time.Since(t0), output: output, err: err}
	l.leaves, l.skipped, l.took = leavesOf(output)
	return l
}

// leavesOf reads go test -v output: the names that ran ("=== RUN") and are
// no other name's parent, those among them that skipped, and how long each
// took ("--- PASS: name (1.23s)").
func leavesOf(output string) (leaves, skipped []string, took map[string]time.Duration) {
	took = map[string]time.Duration{}
	ran := map[string]bool{}
	parent := map[string]bool{}
	skips := map[string]bool{}
	var order []string
	sc := bufio.NewScanner(strings.NewReader(output))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		line := sc.Text()
		if name, ok := strings.CutPrefix(line, "=== RUN   "); ok {
			if !ran[name] {
				ran[name] = true
				order = append(order, name)
			}
			if i := strings.LastIndexByte(name, '/'); i > 0 {
				parent[name[:i]] = true
			}
			continue
		}
		if m := verdict.FindStringSubmatch(line); m != nil {
			if m[1] == "SKIP" {
				skips[m[2]] = true
			}
			if d, err := time.ParseDuration(m[3] + "s"); err == nil {
				took[m[2]] = d
			}
		}
	}
	for _, name := range order {
		if parent[name] {
			continue
		}
		if skips[name] {
			skipped = append(skipped, name)
		} else {
			leaves = append(leaves, name)
		}
	}
	return leaves, skipped, took
}

// verdict is go test -v's line for a test that ended.
var verdict = regexp.MustCompile(`^\s*--- (PASS|FAIL|SKIP): (.+) \(([0-9.]+)s\)$`)

// runAlone runs one leaf alone and judges it: it must have run (a pattern
// that matches nothing passes silently) and passed.
func runAlone(ctx context.Context, o options, l leaf) result {
	t0 := time.Now()
	var env []string
	if m := propSeed.FindStringSubmatch(l.name); m != nil {
		env = append(env, "ARMSGRAPH_PROP_SEED="+m[1]) // proptest.SeedEnv
	}
	output, err := runBinaryEnv(ctx, o, l.pkg, env, "-test.run="+runPattern(l.name))
	r := result{leaf: l, elapsed: time.Since(t0), output: output}
	ranLeaf := ran(output, l.name)
	switch {
	case err != nil:
		r.status = "FAIL"
	case !ranLeaf:
		r.status = "GONE"
	case strings.Contains(output, "--- SKIP: "+l.name+" ("):
		r.status = "SKIP"
	default:
		r.status = "ok"
	}
	return r
}

// runBinary runs a package's test binary in the package's directory (where
// go test runs it: testdata paths are relative).
func runBinary(ctx context.Context, o options, p *pkg, args ...string) (string, error) {
	return runBinaryEnv(ctx, o, p, nil, args...)
}

// runBinaryEnv is runBinary with variables added to the environment.
func runBinaryEnv(ctx context.Context, o options, p *pkg, env []string, args ...string) (string, error) {
	args = append([]string{"-test.v", "-test.count=1", "-test.timeout=" + o.timeout.String()}, args...)
	cmd := exec.CommandContext(ctx, p.binary, args...)
	cmd.Dir = p.dir
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	return buf.String(), err
}

// sampleNeo4j picks the CI mode's Neo4j leaves from the manifest: o.sample
// by the fixed seed, o.sample more by the fresh one (-1: all of them).
func sampleNeo4j(o options, pkgs []*pkg, out io.Writer) ([]leaf, error) {
	byPath := map[string]*pkg{}
	for _, p := range pkgs {
		if p.neo4j {
			byPath[p.importPath] = p
		}
	}
	if len(byPath) == 0 || o.sample == 0 {
		return nil, nil
	}
	entries, err := readManifest(o)
	if err != nil {
		return nil, err
	}
	var pool []leaf
	var long int
	for _, e := range entries {
		if p := byPath[e.path]; p != nil {
			if o.sample > 0 && e.took > o.sampleMax {
				long++
				continue
			}
			pool = append(pool, leaf{p, e.name, e.took})
		}
	}
	if o.sample < 0 {
		return pool, nil
	}
	if long > 0 {
		fmt.Fprintf(out, "  the sample leaves out %d Neo4j leaves that took over %s in the listing run (the full run covers them)\n", long, o.sampleMax)
	}
	picked := pick(pool, o.sample, fixedSeed)
	for _, l := range pick(pool, o.sample, o.seed) {
		if !slices.ContainsFunc(picked, func(m leaf) bool { return m.pkg == l.pkg && m.name == l.name }) {
			picked = append(picked, l)
		}
	}
	return picked, nil
}

// manifestNotes names the top-level tests of the compiled Neo4j packages
// that the manifest does not know (new since it was written, or skipped
// where it was written): a full run adds them.
func manifestNotes(ctx context.Context, o options, compiled []*pkg) []string {
	entries, err := readManifest(o)
	if err != nil {
		return []string{err.Error()}
	}
	known := map[string]bool{} // package + top-level test
	for _, e := range entries {
		known[e.path+" "+strings.SplitN(e.name, "/", 2)[0]] = true
	}
	var notes []string
	for _, p := range compiled {
		if !p.neo4j {
			continue
		}
		output, err := runBinary(ctx, o, p, "-test.list=.")
		if err != nil {
			notes = append(notes, fmt.Sprintf("%s -test.list: %v", p.importPath, err))
			continue
		}
		for name := range strings.Lines(output) {
			name = strings.TrimSpace(name)
			if (strings.HasPrefix(name, "Test") || strings.HasPrefix(name, "Fuzz")) && !known[p.importPath+" "+name] {
				notes = append(notes, fmt.Sprintf("%s %s is not in the manifest %s (new, or it skipped): a full run adds it: scripts/run-subtests-alone %s", p.importPath, name, o.manifest, p.importPath))
			}
		}
	}
	return notes
}

// pick returns n distinct leaves of pool chosen by seed.
func pick(pool []leaf, n int, seed uint64) []leaf {
	r := rand.New(rand.NewPCG(seed, seed))
	perm := r.Perm(len(pool))
	var out []leaf
	for _, i := range perm[:min(n, len(pool))] {
		out = append(out, pool[i])
	}
	return out
}

// manifestEntry is one line of the manifest.
type manifestEntry struct {
	path, name string
	took       time.Duration // in the listing run that wrote it
}

// readManifest reads "import path<TAB>leaf<TAB>seconds" lines.
func readManifest(o options) ([]manifestEntry, error) {
	raw, err := os.ReadFile(o.manifest)
	if err != nil {
		return nil, fmt.Errorf("the manifest of Neo4j leaves: %w (write it with a full run: scripts/run-subtests-alone)", err)
	}
	var entries []manifestEntry
	for line := range strings.Lines(string(raw)) {
		line = strings.TrimRight(line, "\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return nil, fmt.Errorf("%s: %q is not \"import path<TAB>leaf<TAB>seconds\"", o.manifest, line)
		}
		took, err := time.ParseDuration(f[2] + "s")
		if err != nil {
			return nil, fmt.Errorf("%s: %q: seconds: %w", o.manifest, line, err)
		}
		entries = append(entries, manifestEntry{f[0], f[1], took})
	}
	return entries, nil
}

// writeManifest replaces the entries of the packages listed by this run,
// keeping those of the packages it did not run.
func writeManifest(o options, fresh []leaf, listed map[string]bool) error {
	old, err := readManifest(o)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	line := func(path, name string, took time.Duration) string {
		return fmt.Sprintf("%s\t%s\t%.2f", path, name, took.Seconds())
	}
	var lines []string
	for _, e := range old {
		if !listed[e.path] {
			lines = append(lines, line(e.path, e.name, e.took))
		}
	}
	for _, l := range fresh {
		lines = append(lines, line(l.pkg.importPath, l.name, l.took))
	}
	slices.Sort(lines)
	var buf bytes.Buffer
	buf.WriteString("# The leaf tests of the packages that use the test Neo4j, one \"import path<TAB>leaf<TAB>seconds\" a line\n")
	buf.WriteString("# (seconds: in the -v run that listed them). Written by scripts/run-subtests-alone (a full run); -ci samples them.\n")
	for _, l := range lines {
		buf.WriteString(l + "\n")
	}
	if err := os.MkdirAll(filepath.Dir(o.manifest), 0o755); err != nil {
		return fmt.Errorf("write the manifest: %w", err)
	}
	tmp := o.manifest + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write the manifest: %w", err)
	}
	return os.Rename(tmp, o.manifest)
}

// parallelMap applies f to each item with at most n at once, keeping order.
func parallelMap[T, R any](ctx context.Context, n int, items []T, f func(T) R) []R {
	out := make([]R, len(items))
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i, item := range items {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			out[i] = f(item)
		})
	}
	wg.Wait()
	return out
}

// indent indents every line of s.
func indent(s string) string {
	return "    | " + strings.ReplaceAll(s, "\n", "\n    | ")
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
