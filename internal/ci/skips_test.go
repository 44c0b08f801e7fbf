package ci

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// skipOKMarker justifies a skip that may happen in CI: "// skip-ok: why",
// on the line of the skip or in the comment just above it.
const skipOKMarker = "skip-ok:"

// skipSite is one place where a test may end as skipped.
type skipSite struct {
	pos  string // file:line, from the repository root
	call string // t.Skip, t.Skipf, t.SkipNow, ci.Missing
	kind string // "fails in CI", "skip-ok: <why>", or "UNGUARDED"
}

// TestEverySkipIsAccountedFor lists every skip of the suite in one table and
// fails on any that CI would not see: each call of Skip, Skipf or SkipNow in
// a Go file that imports "testing" must either be ci.Missing (which fails
// under CI) or carry a "// skip-ok: why" comment. go test -v prints the
// table; .ci/run shows it.
func TestEverySkipIsAccountedFor(t *testing.T) {
	root := repoRoot(t)
	sites := findSkips(t, root)
	if len(sites) == 0 {
		t.Fatal("found no skip at all, not even ci.Missing's own: the walk is broken")
	}
	var table strings.Builder
	fmt.Fprintf(&table, "%-52s %-11s %s\n", "SKIP SITE", "CALL", "UNDER CI")
	for _, s := range sites {
		fmt.Fprintf(&table, "%-52s %-11s %s\n", s.pos, s.call, s.kind)
	}
	var skipInCI []string // skips that may still happen with CI set
	for _, s := range sites {
		if s.kind != "fails in CI" && !strings.HasPrefix(s.pos, "internal/ci/ci.go:") {
			skipInCI = append(skipInCI, s.pos)
		}
	}
	fmt.Fprintf(&table, "skips that may happen under CI: %d %v\n", len(skipInCI), skipInCI)
	t.Logf("every skip in the suite:\n%s", table.String())
	for _, s := range sites {
		if s.kind == "UNGUARDED" {
			t.Errorf("%s: %s would skip under CI too: call ci.Missing (fails under CI) instead, or justify it with a %q comment", s.pos, s.call, "// "+skipOKMarker+" why")
		}
	}
}

// TestSkipAuditSeesUnguardedSkips runs the audit over a file made for it, so
// that the audit above cannot pass by seeing nothing.
func TestSkipAuditSeesUnguardedSkips(t *testing.T) {
	dir := t.TempDir()
	src := `package x

import "testing"

func TestA(t *testing.T) { t.Skip("no reason") }

func TestB(t *testing.T) {
	// skip-ok: the reason
	t.SkipNow()
}

func TestC(t *testing.T) { ci.Missing(t, "no tool") }
`
	if err := os.WriteFile(filepath.Join(dir, "x_test.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range findSkips(t, dir) {
		got[s.pos] = s.call + " " + s.kind
	}
	want := map[string]string{
		"x_test.go:5":  "t.Skip UNGUARDED",
		"x_test.go:9":  "t.SkipNow skip-ok: the reason",
		"x_test.go:12": "ci.Missing fails in CI",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("audit of the made-up file:\n got %v\nwant %v", got, want)
	}
}

// findSkips parses every Go file under root that imports "testing" (test
// files and test helpers such as neo4jtest) and returns its skip sites.
func findSkips(t *testing.T, root string) []skipSite {
	t.Helper()
	var sites []skipSite
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || d.Name() == "testdata" || d.Name() == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return fmt.Errorf("parse %s: %w", path, err)
		}
		if !importsTesting(f) {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		sites = append(sites, skipsInFile(fset, f, filepath.ToSlash(rel))...)
		return nil
	})
	if err != nil {
		t.Fatalf("walking %s: %v", root, err)
	}
	sort.Slice(sites, func(i, j int) bool { return sites[i].pos < sites[j].pos })
	return sites
}

func importsTesting(f *ast.File) bool {
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == "testing" {
			return true
		}
	}
	return false
}

func skipsInFile(fset *token.FileSet, f *ast.File, rel string) []skipSite {
	// Justifications by the line they cover: a comment's own line, and the
	// line after its group (a comment just above the call).
	justified := map[int]string{}
	for _, group := range f.Comments {
		for _, c := range group.List {
			text := strings.TrimSpace(strings.TrimPrefix(c.Text, "//"))
			if why, ok := strings.CutPrefix(text, skipOKMarker); ok && strings.TrimSpace(why) != "" {
				justified[fset.Position(c.Pos()).Line] = strings.TrimSpace(why)
				justified[fset.Position(group.End()).Line+1] = strings.TrimSpace(why)
			}
		}
	}
	var sites []skipSite
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		recv := "?"
		if id, ok := sel.X.(*ast.Ident); ok {
			recv = id.Name
		}
		line := fset.Position(call.Pos()).Line
		site := skipSite{pos: fmt.Sprintf("%s:%d", rel, line), call: recv + "." + sel.Sel.Name}
		switch {
		case sel.Sel.Name == "Missing" && recv == "ci":
			site.kind = "fails in CI"
		case sel.Sel.Name == "Skip" || sel.Sel.Name == "Skipf" || sel.Sel.Name == "SkipNow":
			if why, ok := justified[line]; ok {
				site.kind = skipOKMarker + " " + why
			} else {
				site.kind = "UNGUARDED"
			}
		default:
			return true
		}
		sites = append(sites, site)
		return true
	})
	return sites
}

// repoRoot is the directory of go.mod, above this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}
