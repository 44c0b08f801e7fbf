package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testRegisters = "../../internal/sipri/testdata"

// A register the reader refuses names the line and column, and leaves no
// folder behind; a good one is written, validates against the base it
// recorded, and a dry run of the next release lists its changes.
func TestImportSipri(t *testing.T) {
	ctx := context.Background()
	base := filepath.Join(testRegisters, "base")
	importRelease := func(t *testing.T, out, release string, extra ...string) (string, error) {
		t.Helper()
		var stdout bytes.Buffer
		args := append([]string{"import", "sipri", "--file", filepath.Join(testRegisters, "register-"+release+".csv"), "--release", release, "--out", out, "--seeds", base}, extra...)
		err := run(ctx, args, env(nil), &stdout, &bytes.Buffer{})
		return stdout.String(), err
	}
	t.Run("refused", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "sipri")
		bad := filepath.Join(t.TempDir(), "bad.csv")
		data, err := os.ReadFile(filepath.Join(testRegisters, "register-2024.csv"))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(bad, bytes.Replace(data, []byte("Iran,USSR,1990,,14,"), []byte("Iran,USSR,1990,,fourteen,"), 1), 0o644)
		var stdout, stderr bytes.Buffer
		err = run(ctx, []string{"import", "sipri", "--file", bad, "--release", "2024", "--out", out, "--seeds", base}, env(nil), &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), "line 7, column 5 (Number ordered)") || !strings.Contains(err.Error(), "nothing was written") {
			t.Errorf("import of a bad register = %v, want line 7, column 5 (Number ordered) and nothing written", err)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("the refused import left %s behind (%v)", out, err)
		}
	})
	t.Run("written", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "sipri")
		report, err := importRelease(t, out, "2024")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(report, `country "USSR"`) || !strings.Contains(report, "ingest --seeds "+out+" --dataset sipri") {
			t.Errorf("report = %s, want the matched names and the ingest command", report)
		}
		if err := run(ctx, []string{"validate", "--seeds", out}, env(nil), &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
			t.Fatalf("validate the import (base from its marker) = %v", err)
		}
	})
	t.Run("dry run", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "sipri")
		if _, err := importRelease(t, out, "2024"); err != nil {
			t.Fatal(err)
		}
		printed, err := importRelease(t, out, "2025", "--dry-run")
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"remove transfer/sipri-china-pakistan-f-22p-2005-2", "add    transfer/sipri-russia-iran-su-35-2023", "would add 5, update 18, remove 4"} {
			if !strings.Contains(printed, want) {
				t.Errorf("dry run printed\n%s\nwant %q", printed, want)
			}
		}
		if data, _ := os.ReadFile(filepath.Join(out, "sources.yaml")); !bytes.Contains(data, []byte("2024")) {
			t.Errorf("the dry run changed the previous import")
		}
	})
}
