// Command generate is what `go generate ./graph` runs: gqlgen's generate
// (gqlgen.yml found by walking up from the working directory, as `go tool
// gqlgen generate` finds it), with an executor that resolves the fields
// below the root in the calling goroutine.
//
// gqlgen v0.17 runs every resolver field of an object in a goroutine of its
// own (FieldSet.Dispatch) and every element of a list of objects too
// (graphql.MarshalSliceConcurrently), so that resolvers which wait (on a
// database, on a dataloader's batch window) overlap. armsgraph's nested
// resolvers read what the root field's one statement returned, from the
// request's loaders, and do not wait: the goroutines were a fifth of the
// server's CPU for a 200-node answer (issue 10). gqlgen has no option for
// it (99designs/gqlgen#3202), so this command
//
//   - adds a plugin that marks every object but the root types sequential,
//     the way gqlgen itself generates Mutation (codegen.Object.DisableConcurrency):
//     their fields are resolved in order, in the object's goroutine;
//   - rewrites the generated graphql.MarshalSliceConcurrently calls into
//     calls of marshalSlice (graph/sequential.go), which has the same
//     signature and panic handling, marshals in the calling goroutine, and
//     falls back to a goroutine per element once the request's loaders had
//     to wait for a batch (a selection no statement covered);
//   - gives every object an empty DeferredGroup instead of building one
//     (a path, a field set and a map per object, for nothing: only
//     FieldSet.ResolveConcurrently, which no object calls any more, defers a
//     field).
//
// The root Query fields still run concurrently: each runs its own statement.
// graph's TestGeneratedIsSequential fails when generated.go has drifted.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
)

func main() {
	// gqlgen logs its progress through the standard logger; its own command
	// discards it unless run with -v.
	log.SetOutput(io.Discard)
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "generate:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err != nil {
		return fmt.Errorf("load gqlgen.yml (run from graph/, below the file): %w", err)
	}
	if err := api.Generate(cfg, api.AddPlugin(sequentialObjects{})); err != nil {
		return fmt.Errorf("gqlgen generate: %w", err)
	}
	if err := rewriteFile(cfg.Exec.Filename); err != nil {
		return fmt.Errorf("rewrite %s: %w", cfg.Exec.Filename, err)
	}
	return nil
}

// sequentialObjects is the gqlgen plugin that marks every object type but
// the root operation types as not concurrent.
type sequentialObjects struct{}

func (sequentialObjects) Name() string { return "sequentialobjects" }

// GenerateCode runs after gqlgen has built its data and before it renders
// the executor, which reads DisableConcurrency through Field.IsConcurrent.
func (sequentialObjects) GenerateCode(data *codegen.Data) error {
	for _, o := range data.Objects {
		if !o.Root {
			o.DisableConcurrency = true
		}
	}
	return nil
}

var (
	concurrentSlice = []byte("graphql.MarshalSliceConcurrently(")
	sequentialSlice = []byte("marshalSlice(")
	// concurrentField is how gqlgen schedules a resolver field of a
	// concurrent object other than a root type.
	concurrentField = []byte(".ResolveConcurrently(")
	newDeferred     = []byte("deferred := graphql.NewDeferredGroup(ctx)")
	noDeferred      = []byte("var deferred graphql.DeferredGroup // nothing is deferred: no field is resolved concurrently (graph/internal/generate)")
)

// rewriteFile rewrites the generated executor at path in place (through a
// temporary file, so a failure leaves the file gqlgen wrote).
func rewriteFile(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, err := rewrite(src)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".generated-*.go")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(out); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// rewrite turns every graphql.MarshalSliceConcurrently call of the
// generated executor src into a marshalSlice call and every object's
// DeferredGroup into an empty one, and checks that no object below the
// root is still concurrent. It is idempotent. It fails
// when src has neither call (gqlgen's template changed: look at how it
// marshals lists now) or still schedules fields concurrently (the plugin
// did not take).
func rewrite(src []byte) ([]byte, error) {
	if !bytes.Contains(src, concurrentSlice) && !bytes.Contains(src, sequentialSlice) {
		return nil, errors.New("no graphql.MarshalSliceConcurrently call to rewrite: gqlgen's list template has changed; adapt graph/internal/generate")
	}
	if n := bytes.Count(src, concurrentField); n > 0 {
		return nil, fmt.Errorf("%d fields below the root are still resolved concurrently (FieldSet.ResolveConcurrently): the sequentialObjects plugin did not take", n)
	}
	out := bytes.ReplaceAll(src, concurrentSlice, sequentialSlice)
	out = bytes.ReplaceAll(out, newDeferred, noDeferred)
	formatted, err := format.Source(out)
	if err != nil {
		return nil, fmt.Errorf("format the rewritten executor: %w", err)
	}
	return formatted, nil
}
