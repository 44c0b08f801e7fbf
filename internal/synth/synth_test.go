package synth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"armsgraph/internal/kg"
	"armsgraph/internal/seeds"
)

func generate(t *testing.T, cfg Config) (string, *Manifest) {
	t.Helper()
	dir := t.TempDir()
	man, err := Generate(context.Background(), dir, cfg)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", cfg, err)
	}
	return dir, man
}

// digest hashes every file of a folder, names included.
func digest(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(p) == ManifestFile {
			return err // the manifest records the run time
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		h.Write([]byte(rel + "\x00"))
		h.Write(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestGenerateIsDeterministic(t *testing.T) {
	cfg := Config{Weapons: 1500, Countries: 20, Seed: 7, PerFile: 400}
	a, _ := generate(t, cfg)
	b, _ := generate(t, cfg)
	if da, db := digest(t, a), digest(t, b); da != db {
		t.Errorf("two runs with seed 7 differ: %s vs %s", da, db)
	}
	cfg.Seed = 8
	c, _ := generate(t, cfg)
	if digest(t, a) == digest(t, c) {
		t.Errorf("seeds 7 and 8 wrote identical folders")
	}
}

// The generated folder passes the real validator, with citations checked
// against the generated documents, and has the promised shape.
func TestGenerateIsValid(t *testing.T) {
	dir, man := generate(t, Config{Weapons: 1000, Countries: 25, Seed: 1, PerFile: 300})
	folder, err := seeds.Open(os.DirFS(dir), seeds.Options{Documents: os.DirFS(filepath.Join(dir, DocumentsDir))})
	if err != nil {
		t.Fatal(err)
	}
	stats, err := folder.Validate(context.Background(), nil)
	if err != nil {
		t.Fatalf("synthetic folder does not validate: %v", err)
	}
	if got := stats.Nodes["Weapon"]; got != 1000 {
		t.Errorf("weapons = %d, want 1000", got)
	}
	if got := stats.Nodes["Country"]; got != 25 {
		t.Errorf("countries = %d, want 25", got)
	}
	nodes, rels := 0, 0
	for _, n := range stats.Nodes {
		nodes += n
	}
	for _, n := range stats.Rels {
		rels += n
	}
	if ratio := float64(rels) / float64(nodes); ratio < 2.5 || ratio > 3.5 {
		t.Errorf("relationships per node = %.2f (%d/%d), want about 3", ratio, rels, nodes)
	}
	for _, t2 := range []kg.RelType{kg.DerivedFrom, kg.OriginatesFrom, kg.ManufacturedBy, kg.NationalOf, kg.HoldsPosition, kg.PartOf,
		kg.Signed, kg.PartyTo, kg.Supplier, kg.SupplierOrganization, kg.Recipient, kg.Item, kg.ParticipatedIn, kg.LocatedIn,
		kg.Met, kg.Adopted, kg.Targets, kg.Supported, kg.AlliedWith, kg.CooperatesWith} {
		if stats.Rels[string(t2)] == 0 {
			t.Errorf("no %s relationships", t2)
		}
	}

	// Every file holds at most PerFile items; weapons are spread over several.
	var weaponFiles int
	for _, f := range folder.Files() {
		if strings.HasPrefix(f, "weapons-") {
			weaponFiles++
		}
	}
	if weaponFiles != 4 {
		t.Errorf("weapons in %d files, want 4 (1000 at 300 per file)", weaponFiles)
	}

	// Derivation depth: chains reach 10+ generations, never more than MaxDepth;
	// keys are unique, as the ingester relies on them.
	parents := map[string][]string{}
	keys := map[string]bool{}
	err = folder.Each(context.Background(), func(c seeds.Chunk) error {
		for _, r := range c.Rels {
			k := string(r.Type) + "\x00" + r.Key
			if keys[k] {
				t.Errorf("duplicate relationship key %s", k)
			}
			keys[k] = true
			if r.Type == kg.DerivedFrom {
				parents[r.From] = append(parents[r.From], r.To)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	memo := map[string]int{}
	var depth func(id string) int
	depth = func(id string) int {
		if d, ok := memo[id]; ok {
			return d
		}
		d := 0
		for _, p := range parents[id] {
			d = max(d, depth(p)+1)
		}
		memo[id] = d
		return d
	}
	deepest := 0
	for id := range parents {
		deepest = max(deepest, depth(id))
	}
	if deepest < 10 || deepest > MaxDepth {
		t.Errorf("deepest derivation chain = %d, want 10..%d", deepest, MaxDepth)
	}
	if len(man.Samples.Deep) == 0 {
		t.Fatal("manifest names no deep weapon")
	}
	for _, id := range man.Samples.Deep {
		if depth(id) < 10 {
			t.Errorf("sample deep weapon %s has %d generations, want 10+", id, depth(id))
		}
	}
	if len(man.Samples.Aliases) == 0 || len(man.Samples.Weapons) == 0 || len(man.Samples.People) == 0 {
		t.Errorf("manifest samples incomplete: %+v", man.Samples)
	}
}

// A wide family is the first weapon's lineage: every one of its WideFamily
// weapons descends from the first, no deeper than WideFamilyDepth, and the
// manifest names its root; the rest of the folder stays valid.
func TestGenerateWideFamily(t *testing.T) {
	for _, seed := range []int64{1, 18, 99} {
		const size = 200
		dir, man := generate(t, Config{Weapons: 1000, Countries: 12, Seed: seed, WideFamily: size})
		folder, err := seeds.Open(os.DirFS(dir), seeds.Options{Documents: os.DirFS(filepath.Join(dir, DocumentsDir))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := folder.Validate(context.Background(), nil); err != nil {
			t.Fatalf("seed %d: the folder with a wide family does not validate: %v", seed, err)
		}
		children := map[string][]string{}
		err = folder.Each(context.Background(), func(c seeds.Chunk) error {
			for _, r := range c.Rels {
				if r.Type == kg.DerivedFrom {
					children[r.To] = append(children[r.To], r.From)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// Breadth first from the root: the shortest depth, as a lineage query reports it.
		root := weaponID(0)
		depth := map[string]int{root: 0}
		for queue := []string{root}; len(queue) > 0; queue = queue[1:] {
			for _, c := range children[queue[0]] {
				if _, seen := depth[c]; !seen {
					depth[c] = depth[queue[0]] + 1
					queue = append(queue, c)
				}
			}
		}
		for i := 0; i < size; i++ {
			d, ok := depth[weaponID(i)]
			if !ok {
				t.Errorf("seed %d: %s is not in the lineage of %s", seed, weaponID(i), root)
			} else if d > WideFamilyDepth {
				t.Errorf("seed %d: %s is %d generations below %s, want at most %d", seed, weaponID(i), d, root, WideFamilyDepth)
			}
		}
		if man.Samples.WideFamily != root {
			t.Errorf("seed %d: manifest's wide family %q, want %s", seed, man.Samples.WideFamily, root)
		}
	}
}

func TestGenerateRefusesToMixFolders(t *testing.T) {
	dir, _ := generate(t, Config{Weapons: 300, Countries: 5, Seed: 1})
	_, err := Generate(context.Background(), dir, Config{Weapons: 100, Countries: 5, Seed: 1})
	if err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("Generate into a used folder: err = %v, want a refusal naming --force", err)
	}
	if _, err := Generate(context.Background(), dir, Config{Weapons: 100, Countries: 5, Seed: 1, Force: true, PerFile: 40}); err != nil {
		t.Fatalf("Generate with Force: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "weapons-*.yaml"))
	if len(files) != 3 {
		t.Errorf("after a forced smaller run: %d weapon files, want 3", len(files))
	}
}

func TestGenerateRejectsBadConfig(t *testing.T) {
	for _, cfg := range []Config{{Weapons: 0, Countries: 5}, {Weapons: 10, Countries: 1}, {Weapons: 10, Countries: MaxCountries + 1},
		{Weapons: 100, Countries: 5, WideFamily: 101}, {Weapons: 1000, Countries: 5, WideFamily: MaxWideFamily + 1}, {Weapons: 100, Countries: 5, WideFamily: -1}} {
		if _, err := Generate(context.Background(), t.TempDir(), cfg); err == nil {
			t.Errorf("Generate(%+v) = nil error, want one", cfg)
		}
	}
}

func TestGenerateStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Generate(ctx, t.TempDir(), Config{Weapons: 5000, Countries: 10})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Generate(cancelled) = %v, want context.Canceled", err)
	}
}

func TestNamesAreDistinct(t *testing.T) {
	seen := map[string]bool{}
	for x := 0; x < MaxCountries; x++ {
		id := countryID(x)
		if seen[id] {
			t.Fatalf("countryID(%d) = %s repeats", x, id)
		}
		seen[id] = true
		if err := kg.CheckID(id, "country"); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{weaponID(0), companyID(5), personID(9), govOrgID(3, govAirForce), eventID(2, "port-call")} {
		kind, _ := kg.KindOfID(id)
		if err := kg.CheckID(id, kind.Prefix()); err != nil {
			t.Error(err)
		}
	}
	if !slices.Contains(derivationKinds, "closely-related") || derivationKinds[6] != "closely-related" {
		t.Error("derivationKinds[6] must be closely-related (used for second parents)")
	}
}
