package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"armsgraph/internal/ingest"
	"armsgraph/internal/kg"
	"armsgraph/internal/neo4jstore"
)

func runIngest(ctx context.Context, args []string, env getenv, stdout, stderr io.Writer) error {
	fs := newFlags("ingest", "Validates a seed folder, then loads it into Neo4j: constraints and indexes first, nodes and\nrelationships in batched UNWIND … MERGE transactions, and finally removes what the dataset\nowned before but the folder no longer holds. Running it twice leaves the graph identical.\nNothing is written when validation finds a problem.", stderr)
	dir := fs.String("seeds", "seeds", "seed folder to load")
	docs := fs.String("documents", "", "folder of source documents to check citation lines against (default: $ARMSGRAPH_DOCUMENTS, else ../shared/seed-documents when present)")
	dataset := fs.String("dataset", "seeds", "owner tag of what this load writes; a later load with the same tag replaces it")
	batch := fs.Int("batch", 5000, "rows per write transaction")
	writers := fs.Int("writers", 2, "write transactions run at once (Neo4j runs each on one core)")
	dry := fs.Bool("dry-run", false, "print what would be created, updated and removed, without writing")
	base := baseFlag(fs)
	cfg := neo4jFlags(fs, env)
	if done, err := parseFlags(fs, args); done {
		return err
	}
	folder, _, err := loadSeeds(ctx, *dir, *base, documentsDir(*docs, env), stderr)
	if err != nil {
		return err
	}
	cfg.RetryTime = ingest.RetryTime
	store, err := neo4jstore.Open(ctx, *cfg)
	if err != nil {
		return err
	}
	defer store.Close(context.WithoutCancel(ctx))
	if err := store.Ping(ctx); err != nil {
		return fmt.Errorf("connect to Neo4j (%s): %w\nstart one with `scripts/neo4j start` or point NEO4J_URI at yours", describe(cfg), err)
	}
	if err := checkBaseLoaded(ctx, store, folder.Known()); err != nil {
		return fmt.Errorf("ingest %s: %w", *dir, err)
	}
	fmt.Fprintf(stderr, "ingest: %s → %s\n", *dir, describe(cfg))
	sum, err := ingest.Run(ctx, store, folder, ingest.Options{Dataset: *dataset, BatchSize: *batch, Writers: *writers, DryRun: *dry, Progress: stderr})
	if err != nil {
		return fmt.Errorf("ingest %s: %w (the graph may hold part of this load; run ingest again to complete it)", *dir, err)
	}
	sum.Write(stdout)
	return nil
}

// checkBaseLoaded makes sure the entities of the base a folder builds on are
// in the graph: a relationship to a missing one would silently not be written.
func checkBaseLoaded(ctx context.Context, store *neo4jstore.Store, known map[string]kg.Kind) error {
	var ids []string
	for id, kind := range known {
		if kind != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	found, _, err := store.Nodes(ctx, ids)
	if err != nil {
		return fmt.Errorf("check the base is loaded: %w", err)
	}
	if len(found) == len(ids) {
		return nil
	}
	have := make(map[string]bool, len(found))
	for _, n := range found {
		have[n.ID] = true
	}
	var missing []string
	for _, id := range ids {
		if !have[id] {
			missing = append(missing, id)
		}
	}
	slices.Sort(missing)
	return fmt.Errorf("%d entities of the base folder are not in the graph (%s …); ingest the base folder first, under its own dataset", len(missing), strings.Join(missing[:min(3, len(missing))], ", "))
}
