package sipri

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing/fstest"

	"armsgraph/internal/kg"
	"armsgraph/internal/seeds"
)

// marker names the file that marks a folder as written by the importer, so
// that a later import replaces it and never a folder curated by hand.
const marker = ".armsgraph-import"

// Folder opens the converted folder in memory, as a seed folder building on
// a base with the ids known.
func (res *Result) Folder(known map[string]kg.Kind) (*seeds.Folder, error) {
	fsys := fstest.MapFS{}
	for name, data := range res.Files {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	return seeds.Open(fsys, seeds.Options{Known: known})
}

// Validate checks the converted folder as the ingester will: the seeds
// validator, with the base's ids as known.
func (res *Result) Validate(ctx context.Context, known map[string]kg.Kind) error {
	folder, err := res.Folder(known)
	if err != nil {
		return err
	}
	if _, err := folder.Validate(ctx, nil); err != nil {
		return fmt.Errorf("the converted folder does not validate (a bug of the importer; please report it with the register): %w", err)
	}
	return nil
}

// WriteFolder writes a converted register to dir: into a temporary folder
// beside it first, which replaces dir (a previous import) only once every
// file is written. Nothing is left half-written on failure. base is the
// folder the import joined to; the marker file records it (relative to
// dir), so that validate and ingest find the ids the folder refers to.
func (res *Result) WriteFolder(dir, base string) (err error) {
	if err := checkReplaceable(dir); err != nil {
		return err
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, ".sipri-import-*")
	if err != nil {
		return fmt.Errorf("create a temporary folder beside %s: %w", dir, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	names := make([]string, 0, len(res.Files))
	for name := range res.Files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range append(names, marker) {
		data := res.Files[name]
		if name == marker {
			data = markerText(dir, base)
		}
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", dir, err)
	}
	old := ""
	if _, err := os.Stat(dir); err == nil {
		old = tmp + ".old"
		if err := os.Rename(dir, old); err != nil {
			return fmt.Errorf("move the previous import %s aside: %w", dir, err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			_ = os.Rename(old, dir) // put the previous import back
		}
		return fmt.Errorf("move the new import into %s: %w", dir, err)
	}
	if old != "" {
		_ = os.RemoveAll(old)
	}
	return nil
}

func markerText(dir, base string) []byte {
	text := "# written by `armsgraph import sipri`; the next import replaces this folder whole\n"
	if base != "" {
		absDir, errDir := filepath.Abs(dir)
		absBase, errBase := filepath.Abs(base)
		if filepath.IsAbs(base) || errDir != nil || errBase != nil {
			// kept as given
		} else if rel, err := filepath.Rel(absDir, absBase); err == nil {
			base = rel
		}
		text += "base: " + filepath.ToSlash(base) + "\n"
	}
	return []byte(text)
}

// MarkedBase returns the base folder an import at dir recorded, as a path
// usable from the current directory; "" when dir is no import or names none.
func MarkedBase(dir string) string {
	data, err := os.ReadFile(filepath.Join(dir, marker))
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "base: "); ok {
			p := filepath.FromSlash(strings.TrimSpace(rest))
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			return p
		}
	}
	return ""
}

// checkReplaceable refuses to replace a folder the importer did not write.
func checkReplaceable(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && len(entries) == 0) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", dir, err)
	}
	if _, err := os.Stat(filepath.Join(dir, marker)); err != nil {
		return fmt.Errorf("%s exists and was not written by the importer (no %s); give --out a new folder or a previous import", dir, marker)
	}
	return nil
}

// Change is how one node or relationship differs between two imports.
type Change struct {
	Op     string // add, update or remove
	What   string // a node id, or a relationship's key
	Fields []string
}

// Diff compares a previous import (the folder dir, which may not exist) with
// a converted register: the nodes and relationships added, updated (with the
// fields that differ) and removed, in id order. It is what the next ingest
// of the dataset will do with what the import owns.
func (res *Result) Diff(ctx context.Context, dir string, known map[string]kg.Kind) ([]Change, error) {
	before := map[string]any{}
	if _, err := os.Stat(filepath.Join(dir, marker)); err == nil {
		prev, err := seeds.Open(os.DirFS(dir), seeds.Options{Known: known})
		if err == nil {
			err = collect(ctx, prev, before)
		}
		if err != nil {
			return nil, fmt.Errorf("read the previous import %s: %w", dir, err)
		}
	}
	after := map[string]any{}
	next, err := res.Folder(known)
	if err != nil {
		return nil, err
	}
	if err := collect(ctx, next, after); err != nil {
		return nil, err
	}
	var out []Change
	for k, a := range after {
		b, ok := before[k]
		switch {
		case !ok:
			out = append(out, Change{Op: "add", What: k})
		case !reflect.DeepEqual(a, b):
			out = append(out, Change{Op: "update", What: k, Fields: differing(a, b)})
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			out = append(out, Change{Op: "remove", What: k})
		}
	}
	slices.SortFunc(out, func(x, y Change) int { return strings.Compare(x.What, y.What) })
	return out, nil
}

// collect gathers a folder's nodes by id and relationships by key.
func collect(ctx context.Context, folder *seeds.Folder, into map[string]any) error {
	return folder.Each(ctx, func(c seeds.Chunk) error {
		for _, n := range c.Nodes {
			into[n.ID] = n
		}
		for _, r := range c.Rels {
			into[r.Key] = r
		}
		return nil
	})
}

// differing names the fields of two nodes or relationships that differ.
func differing(a, b any) []string {
	var out []string
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := range va.NumField() {
		name := va.Type().Field(i).Name
		fa, fb := va.Field(i).Interface(), vb.Field(i).Interface()
		if name != "Props" {
			if !reflect.DeepEqual(fa, fb) {
				out = append(out, strings.ToLower(name))
			}
			continue
		}
		pa, pb := fa.(map[string]any), fb.(map[string]any)
		for k := range pa {
			if !reflect.DeepEqual(pa[k], pb[k]) {
				out = append(out, k)
			}
		}
		for k := range pb {
			if _, ok := pa[k]; !ok {
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}

// WriteChanges prints a diff, one line per change, and the counts.
func WriteChanges(w io.Writer, changes []Change) {
	counts := map[string]int{}
	for _, c := range changes {
		counts[c.Op]++
		line := fmt.Sprintf("%-6s %s", c.Op, c.What)
		if len(c.Fields) > 0 {
			line += " (" + strings.Join(c.Fields, ", ") + ")"
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "would add %d, update %d, remove %d (nodes and relationships the import owns)\n", counts["add"], counts["update"], counts["remove"])
}
