package sipri

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"armsgraph/internal/seeds"
)

var update = flag.Bool("update", false, "rewrite the golden seed folders under testdata")

// testBase reads the base folder the fixtures join to.
func testBase(t *testing.T) *Base {
	t.Helper()
	folder, err := seeds.Open(os.DirFS("testdata/base"), seeds.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := folder.Validate(context.Background(), nil); err != nil {
		t.Fatalf("testdata/base does not validate: %v", err)
	}
	b, err := LoadBase(context.Background(), folder)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func convertFile(t *testing.T, file, release string, base *Base) *Result {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	reg, err := Read(f)
	if err != nil {
		t.Fatalf("Read(%s): %v", file, err)
	}
	res, err := Convert(reg, Options{Release: release, Base: base})
	if err != nil {
		t.Fatalf("Convert(%s): %v", file, err)
	}
	if err := res.Validate(context.Background(), base.IDs()); err != nil {
		t.Fatalf("Convert(%s) gives a folder that does not validate: %v", file, err)
	}
	return res
}

// checkGolden compares a converted register with the golden folder dir:
// every file and the report, exactly.
func checkGolden(t *testing.T, res *Result, dir string) {
	t.Helper()
	var report bytes.Buffer
	res.Report.Write(&report)
	got := map[string][]byte{"report.txt": report.Bytes()}
	for name, data := range res.Files {
		if !strings.HasPrefix(name, "documents/") {
			got[name] = data
		}
	}
	if *update {
		os.RemoveAll(dir)
		for name, data := range got {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("golden folder %s: %v (run go test -run %s -update)", dir, err, t.Name())
	}
	var want []string
	for _, e := range entries {
		want = append(want, e.Name())
	}
	var names []string
	for name := range got {
		names = append(names, name)
	}
	slices.Sort(names)
	if !slices.Equal(names, want) {
		t.Errorf("files = %v, want %v", names, want)
	}
	for _, name := range names {
		w, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		if !bytes.Equal(got[name], w) {
			t.Errorf("%s differs from %s:\n--- got\n%s\n--- want\n%s", name, filepath.Join(dir, name), got[name], w)
		}
	}
}

// The 2024 fixture holds every quirk of the layout (testdata/README.md says
// which real row each imitates) and converts to exactly the golden folder.
func TestConvertMatchesGolden(t *testing.T) {
	for _, tc := range []struct{ file, release, golden string }{
		{"testdata/register-2024.csv", "2024", "testdata/golden-2024"},
		{"testdata/register-2025.csv", "2025", "testdata/golden-2025"},
	} {
		t.Run(tc.release, func(t *testing.T) {
			res := convertFile(t, tc.file, tc.release, testBase(t))
			checkGolden(t, res, tc.golden)
		})
	}
}
