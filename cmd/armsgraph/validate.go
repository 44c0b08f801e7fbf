package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"armsgraph/internal/seeds"
	"armsgraph/internal/sipri"
)

func runValidate(ctx context.Context, args []string, env getenv, stdout, stderr io.Writer) error {
	fs := newFlags("validate", "Checks a seed folder (format: seeds/README.md) and reports every problem as file:line: what is wrong.\nNothing is written anywhere. Exit code 1 when a problem is found.", stderr)
	dir := fs.String("seeds", "seeds", "seed folder to check")
	docs := fs.String("documents", "", "folder of source documents to check citation lines against (default: $ARMSGRAPH_DOCUMENTS, else ../shared/seed-documents when present)")
	base := baseFlag(fs)
	if done, err := parseFlags(fs, args); done {
		return err
	}
	folder, stats, err := loadSeeds(ctx, *dir, *base, documentsDir(*docs, env), stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d files, %s valid\n", *dir, len(folder.Files()), countLine(stats))
	return nil
}

// baseFlag registers --base: the folder whose ids a folder may refer to.
func baseFlag(fs *flag.FlagSet) *string {
	return fs.String("base", "", "seed folder this one builds on (loaded under its own dataset): references to its ids are accepted (default: the base an import recorded in the folder)")
}

// loadSeeds opens and validates a seed folder, printing progress on stderr.
// A folder building on a base (an imported register) may refer to the
// base's ids; base "" takes the one the import recorded, if any.
func loadSeeds(ctx context.Context, dir, base, docs string, stderr io.Writer) (*seeds.Folder, seeds.Stats, error) {
	opts := seeds.Options{}
	if docs != "" {
		opts.Documents = os.DirFS(docs)
	}
	if base == "" {
		base = sipri.MarkedBase(dir)
	}
	if base != "" {
		baseFolder, err := seeds.Open(os.DirFS(base), seeds.Options{})
		if err != nil {
			return nil, seeds.Stats{}, fmt.Errorf("open base folder %s: %w", base, err)
		}
		if opts.Known, err = baseFolder.IDs(ctx); err != nil {
			return nil, seeds.Stats{}, fmt.Errorf("read base folder %s: %w (validate it first)", base, err)
		}
	}
	folder, err := seeds.Open(os.DirFS(dir), opts)
	if err != nil {
		return nil, seeds.Stats{}, fmt.Errorf("open seed folder %s: %w", dir, err)
	}
	start, last := time.Now(), time.Now()
	stats, err := folder.Validate(ctx, func(file string, done, total int) {
		if time.Since(last) > 2*time.Second {
			fmt.Fprintf(stderr, "validate: %d/%d files (%s)\n", done, total, file)
			last = time.Now()
		}
	})
	var problems seeds.Problems
	if errors.As(err, &problems) {
		for _, p := range problems {
			fmt.Fprintf(stderr, "%s/%s\n", dir, p)
		}
		return nil, stats, fmt.Errorf("%s: %d problem(s); nothing was written", dir, len(problems))
	}
	if err != nil {
		return nil, stats, fmt.Errorf("validate %s: %w", dir, err)
	}
	if time.Since(start) > 2*time.Second {
		fmt.Fprintf(stderr, "validate: %d files in %s\n", len(folder.Files()), since(start))
	}
	return folder, stats, nil
}

func countLine(s seeds.Stats) string {
	nodes, rels := 0, 0
	for _, n := range s.Nodes {
		nodes += n
	}
	for _, n := range s.Rels {
		rels += n
	}
	return fmt.Sprintf("%d nodes, %d relationships", nodes, rels)
}
