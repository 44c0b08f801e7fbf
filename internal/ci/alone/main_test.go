package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLeavesOf(t *testing.T) {
	output := `=== RUN   TestA
=== RUN   TestA/one
=== RUN   TestA/one/deep
=== PAUSE TestA/one/deep
=== RUN   TestA/two
=== CONT  TestA/one/deep
    --- SKIP: TestA/two (0.00s)
--- PASS: TestA (0.00s)
=== RUN   TestB
    b_test.go:3: a log line
--- PASS: TestB (0.01s)
=== RUN   FuzzC
=== RUN   FuzzC/seed#0
--- PASS: FuzzC (0.00s)
`
	leaves, skipped, took := leavesOf(output)
	if want := []string{"TestA/one/deep", "TestB", "FuzzC/seed#0"}; !slices.Equal(leaves, want) {
		t.Errorf("leavesOf: leaves %q, want %q", leaves, want)
	}
	if want := []string{"TestA/two"}; !slices.Equal(skipped, want) {
		t.Errorf("leavesOf: skipped %q, want %q", skipped, want)
	}
	if got, want := took["TestB"], 10*time.Millisecond; got != want {
		t.Errorf("leavesOf: TestB took %s, want %s", got, want)
	}
}

// TestRunPatternSelectsOneLeaf checks the pattern level by level, as go
// test matches it: each level of the leaf matches, a sibling whose name
// extends it or holds it does not.
func TestRunPatternSelectsOneLeaf(t *testing.T) {
	for _, c := range []struct {
		leaf   string
		others []string
	}{
		{"TestX/sub", []string{"TestX2/sub", "TestX/sub_b", "TestX/a_sub"}},
		{"TestX/a.b(c)[d]*+?|^$", []string{"TestX/aXb(c)[d]*+?|^$"}},
		{"FuzzX/seed#1", []string{"FuzzX/seed#10"}},
		// A clock-drawn seed: the next run's subtest, not the fixed seed's.
		{"TestX/seed_1796680767574325566", []string{"TestX/seed_1", "TestX/seed_12345678901234"}},
	} {
		pattern := strings.Split(runPattern(c.leaf), "/")
		matches := func(name string) bool {
			parts := strings.Split(name, "/")
			if len(parts) != len(pattern) {
				return false
			}
			for i, p := range parts {
				if !regexp.MustCompile(pattern[i]).MatchString(p) {
					return false
				}
			}
			return true
		}
		if !matches(c.leaf) || !ran("=== RUN   "+c.leaf+"\n", c.leaf) {
			t.Errorf("runPattern(%q) = %q does not select the leaf itself", c.leaf, runPattern(c.leaf))
		}
		if next := freshSeed.ReplaceAllString(c.leaf, "1800000000000000000"); next != c.leaf && !matches(next) {
			t.Errorf("runPattern(%q) = %q does not select the next run's fresh-seed subtest %q", c.leaf, runPattern(c.leaf), next)
		}
		for _, o := range c.others {
			if matches(o) {
				t.Errorf("runPattern(%q) = %q also selects %q", c.leaf, runPattern(c.leaf), o)
			}
		}
	}
}

func TestPickIsDistinctAndReplayable(t *testing.T) {
	var pool []leaf
	for _, n := range strings.Fields("a b c d e f g h i j") {
		pool = append(pool, leaf{name: n})
	}
	first, again := pick(pool, 4, 99), pick(pool, 4, 99)
	names := func(ls []leaf) []string {
		var out []string
		for _, l := range ls {
			out = append(out, l.name)
		}
		return out
	}
	if !slices.Equal(names(first), names(again)) {
		t.Errorf("pick with seed 99 twice: %q then %q, want the same", names(first), names(again))
	}
	if got := slices.Compact(slices.Sorted(slices.Values(names(first)))); len(got) != 4 {
		t.Errorf("pick(pool, 4, 99) = %q, want 4 distinct leaves", names(first))
	}
	if got := pick(pool, 20, 1); len(got) != len(pool) {
		t.Errorf("pick of more than the pool: %d leaves, want all %d", len(got), len(pool))
	}
}

// TestCatchesALeafThatLeansOnItsSibling runs the whole check (go test -c,
// the listing run, each leaf alone) over testdata/orderdep, whose subtest
// passes only after its sibling: that one must fail alone, with the
// command that replays it, and the others pass.
func TestCatchesALeafThatLeansOnItsSibling(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var out bytes.Buffer
	o := options{
		sample: 0, parallel: 2, skip: defaultSkip, timeout: time.Minute, goCommand: "go",
		manifest: filepath.Join(t.TempDir(), "manifest.txt"),
		pkgs:     []string{"./testdata/orderdep"}, explicit: true,
	}
	ok, err := run(ctx, o, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	report := out.String()
	if ok {
		t.Fatalf("run passed; want it to fail on TestShared/needs_what_opens_left:\n%s", report)
	}
	for _, want := range []string{
		"FAIL alone: armsgraph/internal/ci/alone/testdata/orderdep TestShared/needs_what_opens_left",
		"nothing opened: this subtest leans on its sibling",
		"replay: go test -count=1 -run '^TestShared$/^needs_what_opens_left$' armsgraph/internal/ci/alone/testdata/orderdep",
		"3 leaves run alone",
		"2 passed, 1 failed, 0 skipped",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}
}
