package querygen

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// testSchema loads the project's schema/*.graphqls, the files the server
// is generated from.
func testSchema(t testing.TB) *ast.Schema {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "schema", "*.graphqls"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no schema files under ../../schema: %v", err)
	}
	var srcs []*ast.Source
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, &ast.Source{Name: f, Input: string(b)})
	}
	s, err := gqlparser.LoadSchema(srcs...)
	if err != nil {
		t.Fatalf("load schema: %v", err)
	}
	return s
}

var testPool = Pool{
	IDs:       []string{"weapon/c-802", "country/iran", "person/hossein-dehghan", "source/rezaei-2015"},
	Names:     []string{"C-802", "Noor", "Iran", "c802", "Irn"},
	Words:     []string{"missile", "navy"},
	Scalars:   map[string][]string{"PartialDate": {"2016", "2016-11", "2016-11-14", "2016-13"}},
	Unmatched: []string{"no such thing", "weapon/nothing", "\"quoted\" \\ back"},
}

// checkValid fails the test when op does not validate against schema or
// its variables do not coerce.
func checkValid(t *testing.T, schema *ast.Schema, op Op) {
	t.Helper()
	doc, errs := gqlparser.LoadQuery(schema, op.Query)
	if len(errs) > 0 {
		t.Fatalf("generated operation does not validate: %v\n%s", errs, op.Query)
	}
	if _, err := validator.VariableValues(schema, doc.Operations[0], op.Variables); err != nil {
		t.Fatalf("variables %v do not coerce: %v\n%s", op.Variables, err, op.Query)
	}
}

// TestGeneratedOperationsValidate generates operations from fixed seeds
// and checks that every one validates against the schema, variables
// included.
func TestGeneratedOperationsValidate(t *testing.T) {
	schema := testSchema(t)
	g := New(schema, testPool, Config{})
	for seed := range uint64(3000) {
		checkValid(t, schema, g.Generate(rand.New(rand.NewPCG(seed, 1))))
	}
}

// TestEveryFieldIsGenerated checks that a few thousand operations reach
// every root field and every field of every type reachable from Query
// within the depth, and use each feature the package promises.
func TestEveryFieldIsGenerated(t *testing.T) {
	schema := testSchema(t)
	g := New(schema, testPool, Config{})
	features := map[string]string{
		"inline fragment": "... on ", "named fragment": "fragment F", "@skip": "@skip(",
		"@include": "@include(", "variable": "$v", "alias of the same field": "Again",
	}
	seen := map[string]bool{}
	for seed := range uint64(2000) {
		op := g.Generate(rand.New(rand.NewPCG(seed, 2)))
		for name, s := range features {
			if strings.Contains(op.Query, s) {
				seen[name] = true
			}
		}
	}
	for name := range features {
		if !seen[name] {
			t.Errorf("no operation of 2000 has a %s", name)
		}
	}
	var missing []string
	for _, f := range reachable(schema, schema.Query, 1, Config{}.withDefaults().MaxDepth+1, map[string]bool{}) {
		if g.Uses()[f] == 0 {
			missing = append(missing, f)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("fields never generated in 2000 operations: %v", missing)
	}
}

// reachable lists "Type.field" for every field reachable from def within
// depth levels.
func reachable(schema *ast.Schema, def *ast.Definition, depth, max int, seen map[string]bool) []string {
	var out []string
	types := []*ast.Definition{def}
	if def.Kind == ast.Interface || def.Kind == ast.Union {
		types = append(types, schema.GetPossibleTypes(def)...)
	}
	for _, d := range types {
		for _, f := range d.Fields {
			k := d.Name + "." + f.Name
			if strings.HasPrefix(f.Name, "__") || seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, k)
			if ft := schema.Types[f.Type.Name()]; depth < max && ft.Kind != ast.Scalar && ft.Kind != ast.Enum {
				out = append(out, reachable(schema, ft, depth+1, max, seen)...)
			}
		}
	}
	return out
}

// TestGenerateIsDeterministic checks that one seed, on a fresh generator,
// gives the same operations: the replay command depends on it.
func TestGenerateIsDeterministic(t *testing.T) {
	schema := testSchema(t)
	a, b := New(schema, testPool, Config{}), New(schema, testPool, Config{})
	ra, rb := rand.New(rand.NewPCG(7, 7)), rand.New(rand.NewPCG(7, 7))
	for i := range 200 {
		x, y := a.Generate(ra), b.Generate(rb)
		if x.Query != y.Query {
			t.Fatalf("operation %d differs between two runs of one seed:\n%s\n%s", i, x.Query, y.Query)
		}
	}
}

// TestShrink shrinks operations that "fail" when they name lineage and
// weaponsOriginated: the result must validate, still fail, be smaller than
// the original, and fail no more (or not validate) with any one more
// deletion.
func TestShrink(t *testing.T) {
	schema := testSchema(t)
	g := New(schema, testPool, Config{})
	fails := func(op Op) bool {
		return strings.Contains(op.Query, "lineage") && strings.Contains(op.Query, "weaponsOriginated")
	}
	shrunk := 0
	for seed := uint64(0); seed < 3000 && shrunk < 5; seed++ {
		op := g.Generate(rand.New(rand.NewPCG(seed, 3)))
		if !fails(op) {
			continue
		}
		got := Shrink(schema, op, fails, 2000)
		checkValid(t, schema, got)
		if !fails(got) {
			t.Fatalf("Shrink(%q) = %q, which no longer fails", op.Query, got.Query)
		}
		if len(got.Query) >= len(op.Query) {
			t.Errorf("Shrink did not shrink %q: %q", op.Query, got.Query)
		}
		// One deletion more and it validates no more or passes.
		for i := 0; ; i++ {
			doc, err := parser.ParseQuery(&ast.Source{Input: got.Query})
			if err != nil {
				t.Fatal(err)
			}
			if !deleteNth(doc, i) {
				break
			}
			cand := tidy(doc, got.Variables)
			if _, errs := gqlparser.LoadQuery(schema, cand.Query); len(errs) == 0 && fails(cand) {
				t.Errorf("Shrink left %q, which still fails without item %d: %q", got.Query, i, cand.Query)
			}
		}
		shrunk++
	}
	if shrunk == 0 {
		t.Fatal("no generated operation selects a lineage under weaponsOriginated")
	}
}

// FuzzGenerate drives the generator from the fuzzer's bytes: every
// operation must validate.
func FuzzGenerate(f *testing.F) {
	schema := testSchema(f)
	for _, s := range []string{"", "a", "0123456789abcdef0123456789abcdef", strings.Repeat("\xff", 64)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		g := New(schema, testPool, Config{})
		checkValid(t, schema, g.Generate(FromBytes(data)))
	})
}
