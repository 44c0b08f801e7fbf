package seeds

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"armsgraph/internal/ci"
)

// The project's own seeds and the source documents they cite.
const (
	projectSeeds = "../../seeds"
	documentsDir = "../../../shared/seed-documents"
)

func documentsFS(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(documentsDir); err != nil {
		ci.Missing(t, "source documents not found at %s (the project's shared/seed-documents): %v", documentsDir, err)
	}
	return documentsDir
}

func TestProjectSeedsAreValid(t *testing.T) {
	docs := documentsFS(t)
	f, err := Open(os.DirFS(projectSeeds), Options{Documents: os.DirFS(docs)})
	if err != nil {
		t.Fatal(err)
	}
	stats, err := f.Validate(context.Background(), nil)
	if err != nil {
		t.Fatalf("seeds/ does not validate:\n%v", err)
	}
	if stats.Nodes["Source"] != 5 {
		t.Errorf("seeds/ has %d sources, want one per document (5)", stats.Nodes["Source"])
	}
}

var word = regexp.MustCompile(`[\p{L}\p{N}]+`)

// shingleLen words in a row shared with a source document count as a copied
// phrase; shorter runs are names, titles and dates, which facts must repeat.
const shingleLen = 10

func shingles(text string) []string {
	words := word.FindAllString(strings.ToLower(text), -1)
	var out []string
	for i := 0; i+shingleLen <= len(words); i++ {
		out = append(out, strings.Join(words[i:i+shingleLen], " "))
	}
	return out
}

// The seeds must say everything in the curators' own words: no run of ten
// words from a source document may appear in any seed file.
func TestSeedsCopyNoSentenceFromTheSources(t *testing.T) {
	docs := documentsFS(t)
	fromSources := map[string]string{}
	entries, err := os.ReadDir(docs)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(docs, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range shingles(string(data)) {
			fromSources[s] = e.Name()
		}
	}
	if len(fromSources) == 0 {
		t.Fatal("no text read from the source documents")
	}
	files, _ := filepath.Glob(filepath.Join(projectSeeds, "*.yaml"))
	if len(files) == 0 {
		t.Fatal("no seed files found")
	}
	// The second-read checklist restates the documents too.
	files = append(files, filepath.Join(projectSeeds, "..", "docs", "source-checklist.md"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for n, line := range strings.Split(string(data), "\n") {
			for _, s := range shingles(line) {
				if doc, ok := fromSources[s]; ok {
					t.Errorf("%s:%d copies %q from %s; say it in your own words", filepath.Base(file), n+1, s, doc)
					break
				}
			}
		}
	}
}
