package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"armsgraph/internal/seeds"
)

func runValidate(ctx context.Context, args []string, env getenv, stdout, stderr io.Writer) error {
	fs := newFlags("validate", "Checks a seed folder (format: seeds/README.md) and reports every problem as file:line: what is wrong.\nNothing is written anywhere. Exit code 1 when a problem is found.", stderr)
	dir := fs.String("seeds", "seeds", "seed folder to check")
	docs := fs.String("documents", "", "folder of source documents to check citation lines against (default: $ARMSGRAPH_DOCUMENTS, else ../shared/seed-documents when present)")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	folder, stats, err := loadSeeds(ctx, *dir, documentsDir(*docs, env), stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d files, %s valid\n", *dir, len(folder.Files()), countLine(stats))
	return nil
}

// loadSeeds opens and validates a seed folder, printing progress on stderr.
func loadSeeds(ctx context.Context, dir, docs string, stderr io.Writer) (*seeds.Folder, seeds.Stats, error) {
	opts := seeds.Options{}
	if docs != "" {
		opts.Documents = os.DirFS(docs)
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
