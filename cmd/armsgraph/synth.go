package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"armsgraph/internal/sipri"
	"armsgraph/internal/synth"
)

func runSynth(ctx context.Context, args []string, env getenv, stdout, stderr io.Writer) error {
	fs := newFlags("synth", "Writes a synthetic seed folder for benchmarks: N weapons over M countries with lineage families\n"+
		"up to 12 generations deep, and transfers, agreements, people, events, resolutions and relations\n"+
		"in fixed proportions (about 1.9 nodes and 5.8 relationships per weapon). Every reference is\n"+
		"valid and every citation points at a line of a small invented document written to DIR/documents.\n"+
		"The same flags always write the same bytes. Items are streamed to files of at most --per-file\n"+
		"items each (weapons-00001.yaml …), so memory stays flat from 1k to 1M weapons.\n\n"+
		"Check the result with: armsgraph validate --seeds DIR --documents DIR/documents\n\n"+
		"With --sipri-register FILE it writes instead a synthetic trade register of --rows deals in the\n"+
		"SIPRI export's layout, for `armsgraph import sipri` (docs/benchmarks.md).", stderr)
	out := fs.String("out", "", "folder to write (created if missing; must hold no seed files unless --force) (required)")
	register := fs.String("sipri-register", "", "write a synthetic SIPRI trade register (CSV) to this file instead of a seed folder")
	rows := fs.String("rows", "30k", "deals in the synthetic register (with --sipri-register)")
	weapons := fs.String("weapons", "10k", "number of weapons: 1000, 10k, 100k, 1m …")
	countries := fs.Int("countries", 100, fmt.Sprintf("number of countries (2-%d)", synth.MaxCountries))
	seed := fs.Int64("seed", 1, "random seed; the same seed writes the same folder")
	perFile := fs.Int("per-file", 10000, "items per file at most")
	wide := fs.Int("wide-family", 0, fmt.Sprintf("make the first lineage family exactly this many weapons (1-%d, at most %d generations deep; 0: all random), for a lineage of a known size", synth.MaxWideFamily, synth.WideFamilyDepth))
	force := fs.Bool("force", false, "replace the seed files a previous run left in --out")
	quiet := fs.Bool("quiet", false, "no progress lines")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	if *register != "" {
		return synthRegister(*register, *rows, *seed, stdout, stderr)
	}
	if *out == "" {
		fmt.Fprintln(stderr, "synth: --out is required")
		fs.Usage()
		return errUsageShown
	}
	n, err := parseCount(*weapons)
	if err != nil {
		fmt.Fprintf(stderr, "synth: --weapons: %v\n", err)
		return errUsageShown
	}
	cfg := synth.Config{Weapons: n, Countries: *countries, Seed: *seed, PerFile: *perFile, Force: *force, WideFamily: *wide}
	if !*quiet {
		cfg.Progress = stderr
	}
	man, err := synth.Generate(ctx, *out, cfg)
	if err != nil {
		return fmt.Errorf("synth %s: %w", *out, err)
	}
	total := 0
	for _, k := range []string{"sources", "countries", "organizations", "people", "weapons", "transfers", "agreements", "events", "resolutions", "relations"} {
		total += man.Items[k]
		fmt.Fprintf(stdout, "  %-14s %9d\n", k, man.Items[k])
	}
	fmt.Fprintf(stdout, "wrote %d items in %d files (%.1f MB) to %s in %.1fs (seed %d)\n",
		total, man.Files, float64(man.Bytes)/1e6, *out, man.Seconds, man.Seed)
	fmt.Fprintf(stdout, "validate: armsgraph validate --seeds %s --documents %s\n", *out, filepath.Join(*out, synth.DocumentsDir))
	return nil
}

// synthRegister writes a synthetic trade register (sipri.Synthesize).
func synthRegister(file, rows string, seed int64, stdout, stderr io.Writer) error {
	n, err := parseCount(rows)
	if err != nil {
		fmt.Fprintf(stderr, "synth: --rows: %v\n", err)
		return errUsageShown
	}
	f, err := os.Create(file)
	if err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	if err := sipri.Synthesize(f, n, uint64(seed)); err != nil {
		f.Close()
		return fmt.Errorf("synth %s: %w", file, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("synth %s: %w", file, err)
	}
	fmt.Fprintf(stdout, "wrote a synthetic trade register of %d deals to %s (seed %d)\n", n, file, seed)
	return nil
}

// parseCount reads a count such as 1000, 10k, 2.5k or 1m.
func parseCount(s string) (int, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	mult := 1.0
	switch {
	case strings.HasSuffix(s, "k"):
		mult, s = 1e3, strings.TrimSuffix(s, "k")
	case strings.HasSuffix(s, "m"):
		mult, s = 1e6, strings.TrimSuffix(s, "m")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f*mult < 1 || f*mult > 1e9 {
		return 0, fmt.Errorf("want a count such as 1000, 10k or 1m, got %q", s)
	}
	return int(f * mult), nil
}
