package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"armsgraph/internal/neo4jtest"
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

// An imported register is loaded only on top of its base: ingesting it into
// a graph without the base is refused before anything is written (its
// relationships to the base would be lost), and after the base it loads.
func TestIngestImportNeedsItsBase(t *testing.T) {
	ctx := context.Background()
	inst := neo4jtest.Get(t)
	vars := env(map[string]string{"NEO4J_URI": inst.URI, "NEO4J_USER": inst.User, "NEO4J_PASSWORD": inst.Password, "NEO4J_DATABASE": inst.Database})
	base := filepath.Join(testRegisters, "base")
	out := filepath.Join(t.TempDir(), "sipri")
	err := run(ctx, []string{"import", "sipri", "--file", filepath.Join(testRegisters, "register-2024.csv"), "--release", "2024", "--out", out, "--seeds", base}, vars, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	err = run(ctx, []string{"ingest", "--seeds", out, "--dataset", "sipri"}, vars, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "not in the graph") || !strings.Contains(err.Error(), "country/china") {
		t.Fatalf("ingest of the import without its base = %v, want a refusal naming missing base entities", err)
	}
	res, err := neo4j.ExecuteQuery(ctx, inst.Driver, "MATCH (n {dataset: 'sipri'}) RETURN count(n) AS n", nil,
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(inst.Database))
	if err != nil {
		t.Fatal(err)
	}
	if n := res.Records[0].Values[0].(int64); n != 0 {
		t.Errorf("the refused ingest wrote %d nodes", n)
	}
	if err := run(ctx, []string{"ingest", "--seeds", base, "--dataset", "base"}, vars, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	var summary bytes.Buffer
	if err := run(ctx, []string{"ingest", "--seeds", out, "--dataset", "sipri"}, vars, &summary, io.Discard); err != nil {
		t.Fatalf("ingest of the import after its base = %v", err)
	}
	if !strings.Contains(summary.String(), "Transfer") {
		t.Errorf("summary = %s, want the transfers loaded", summary.String())
	}
}
