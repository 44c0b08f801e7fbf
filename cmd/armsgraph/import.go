package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"armsgraph/internal/sipri"
)

func runImport(ctx context.Context, args []string, env getenv, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		// The one format's flags are the command's.
		fmt.Fprint(stderr, importUsage)
		args = []string{"sipri", "--help"}
	}
	if len(args) == 0 || args[0] != "sipri" {
		fmt.Fprint(stderr, importUsage)
		return errUsageShown
	}
	fs := newFlags("import sipri", "Converts a trade register exported from the SIPRI Arms Transfers Database (CSV, UTF-8 or\n"+
		"Latin-1) into a seed folder, joined to the countries and weapons of --seeds by their names and\n"+
		"aliases (C802 = C-802, USSR = the Soviet Union). Load it with\n"+
		"  armsgraph ingest --seeds DIR --dataset sipri\n"+
		"after the base folder (ingested under its own dataset). The report lists every name matched,\n"+
		"created or ambiguous. A file the reader does not accept is refused with its line and column,\n"+
		"and nothing is written. Layout, rules and sources: docs/sipri-import.md.", stderr)
	file := fs.String("file", "", "the trade register (CSV) (required)")
	release := fs.String("release", "", "the database's release the register comes from, e.g. 2024 (required)")
	out := fs.String("out", "", "seed folder to write; a previous import there is replaced whole (required)")
	base := fs.String("seeds", "seeds", "base seed folder whose names and aliases the register's names resolve to")
	docs := fs.String("documents", "", "folder of source documents for checking the base folder (default: $ARMSGRAPH_DOCUMENTS, else ../shared/seed-documents when present)")
	dry := fs.Bool("dry-run", false, "print what would change against the previous import in --out, without writing")
	if done, err := parseFlags(fs, args[1:]); done {
		return err
	}
	if *file == "" || *release == "" || *out == "" {
		fmt.Fprintln(stderr, "import sipri: --file, --release and --out are required")
		fs.Usage()
		return errUsageShown
	}
	start := time.Now()
	var b *sipri.Base
	if *base != "" {
		folder, _, err := loadSeeds(ctx, *base, "", documentsDir(*docs, env), stderr)
		if err != nil {
			return err
		}
		if b, err = sipri.LoadBase(ctx, folder); err != nil {
			return err
		}
	}
	f, err := os.Open(*file)
	if err != nil {
		return fmt.Errorf("open the register: %w", err)
	}
	defer f.Close()
	reg, err := sipri.Read(f)
	if err != nil {
		return fmt.Errorf("%s: %w; nothing was written", *file, err)
	}
	res, err := sipri.Convert(reg, sipri.Options{Release: *release, Base: b})
	if err != nil {
		return fmt.Errorf("%s: %w; nothing was written", *file, err)
	}
	known := b.IDs()
	if err := res.Validate(ctx, known); err != nil {
		return err
	}
	if *dry {
		changes, err := res.Diff(ctx, *out, known)
		if err != nil {
			return err
		}
		sipri.WriteChanges(stdout, changes)
		res.Report.Write(stdout)
		return nil
	}
	if err := res.WriteFolder(*out, *base); err != nil {
		return err
	}
	res.Report.Write(stdout)
	fmt.Fprintf(stdout, "\nwrote %s in %s; load it with: armsgraph ingest --seeds %s --dataset sipri\n", *out, since(start), *out)
	return nil
}

const importUsage = `Usage: armsgraph import sipri --file F --release YEAR --out DIR [flags]

Converts a register of arms transfers into a seed folder. Formats: sipri (the SIPRI trade
register's CSV export).
`
