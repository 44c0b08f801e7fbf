package synth

// Weapons are laid out in blocks of blockSize consecutive weapons. A block
// is cut into lineage families (a root and the weapons derived from it, all
// inside the block), and everything about a weapon that other items refer to
// (its origin, its manufacturer, its family) is a function of its block
// alone. So a transfer can name any weapon's origin as its supplier by
// regenerating that one block, and no table of weapons is ever kept.

// blockSize bounds a family's size: 256 weapons.
const blockSize = 256

// MaxDepth is the longest derivation chain synth writes: a weapon descends
// from at most MaxDepth generations of ancestors.
const MaxDepth = 12

// WideFamilyDepth bounds the depth of Config.WideFamily's family, so that
// the explorer's lineage view (10 generations by default) draws all of it.
const WideFamilyDepth = 8

type category struct {
	name         string
	weight       int
	minKm, maxKm int // 0, 0: no range given
	naval        bool
}

var categories = []category{
	{"anti-ship-missile", 12, 30, 300, false},
	{"ballistic-missile", 10, 150, 3000, false},
	{"cruise-missile", 7, 200, 2500, false},
	{"surface-to-air-missile", 12, 10, 200, false},
	{"air-defence-system", 6, 20, 400, false},
	{"anti-tank-missile", 8, 2, 8, false},
	{"rocket-artillery", 7, 20, 300, false},
	{"torpedo", 4, 10, 50, true},
	{"fighter-aircraft", 6, 0, 0, false},
	{"helicopter", 4, 0, 0, false},
	{"uav", 8, 50, 2000, false},
	{"fast-attack-craft", 4, 0, 0, true},
	{"frigate", 3, 0, 0, true},
	{"corvette", 3, 0, 0, true},
	{"destroyer", 2, 0, 0, true},
	{"submarine", 3, 0, 0, true},
	{"mine", 2, 0, 0, true},
	{"radar", 5, 50, 600, false},
	{"tank", 4, 0, 0, false},
}

var categoryWeights = func() []int {
	w := make([]int, len(categories))
	for i, c := range categories {
		w[i] = c.weight
	}
	return w
}()

// derivationKinds with their weights, in the seeds format's vocabulary.
var derivationKinds = []string{"variant", "modified", "based-on", "copy", "export-rename", "replica", "closely-related"}
var derivationWeights = []int{40, 15, 15, 10, 8, 5, 7}

// weapon is what a block layout knows about one weapon.
type weapon struct {
	index    int
	root     int    // index of its family's root
	parents  [2]int // -1 when absent; always earlier weapons, so derivations never cycle
	kinds    [2]uint8
	depth    uint8 // longest chain of ancestors
	category uint8
	origin   int // country
	maker    int // company
	year     int // introduced
}

type block struct {
	n       int
	weapons []weapon
}

// world holds the sizes of everything and regenerates weapon blocks on demand.
type world struct {
	seed      int64
	weapons   int
	countries int
	companies int
	people    int
	transfers int
	agrees    int
	events    int
	resols    int
	mets      int
	alliances int
	coops     int

	wideFamily int // size of block 0's first family; 0 for a random one

	cache [1024]*block // direct-mapped by block number
}

// country picks a country, favouring the low-numbered ones the way a few
// states make most of the world's arms.
func (w *world) producer(r *rng) int {
	u := r.float()
	return int(float64(w.countries) * u * u)
}

// companyOf picks one of country x's companies (company j is in country j % countries).
func (w *world) companyOf(r *rng, x int) int {
	count := (w.companies - x + w.countries - 1) / w.countries
	return x + w.countries*r.intn(count)
}

func (w *world) companyCountry(j int) int { return j % w.countries }

// personOf picks one of country x's people (person p is a national of p % countries).
func (w *world) personOf(r *rng, x int) int {
	count := (w.people - x + w.countries - 1) / w.countries
	return x + w.countries*r.intn(count)
}

func (w *world) personCountry(p int) int { return p % w.countries }

// weapon returns what the layout says about weapon i.
func (w *world) weapon(i int) *weapon {
	b := w.block(i / blockSize)
	return &b.weapons[i%blockSize]
}

func (w *world) block(n int) *block {
	slot := n % len(w.cache)
	if b := w.cache[slot]; b != nil && b.n == n {
		return b
	}
	b := w.layout(n)
	w.cache[slot] = b
	return b
}

// layout cuts block n into families and derives each weapon from earlier
// ones of its family: mostly in chains (each weapon from the one before),
// otherwise branching from any earlier member, sometimes from two parents,
// never deeper than MaxDepth.
func (w *world) layout(n int) *block {
	start := n * blockSize
	size := min(blockSize, w.weapons-start)
	b := &block{n: n, weapons: make([]weapon, size)}
	r := stream(w.seed, "weapon-block", n)
	var roots []int // positions of family roots in this block
	pos := 0
	for pos < size {
		fam := familySize(&r)
		deepest := uint8(MaxDepth)
		if n == 0 && pos == 0 && w.wideFamily > 0 {
			fam, deepest = w.wideFamily, WideFamilyDepth
		}
		fam = min(fam, size-pos)
		cat := uint8(r.weighted(categoryWeights))
		origin := w.producer(&r)
		year := r.between(1950, 2015)
		for k := 0; k < fam; k++ {
			p := pos + k
			wp := &b.weapons[p]
			*wp = weapon{index: start + p, root: start + pos, parents: [2]int{-1, -1}, category: cat, origin: origin, year: year}
			switch {
			case k == 0 && fam == 1 && len(roots) > 0 && r.chance(0.35):
				// A lone weapon copied from, or built on, another family's root,
				// often in another country.
				rp := roots[r.intn(len(roots))]
				wp.parents[0] = start + rp
				wp.kinds[0] = uint8(r.pick2(3, 5, 2)) // copy, replica, based-on
				wp.depth = b.weapons[rp].depth + 1
				wp.category = b.weapons[rp].category
				wp.year = min(b.weapons[rp].year+r.between(2, 15), 2024)
				if r.chance(0.7) {
					wp.origin = r.intn(w.countries)
				}
			case k > 0:
				var parent int
				if b.weapons[p-1].depth < deepest && r.chance(0.6) {
					parent = p - 1
				} else {
					parent = pos + r.intn(k)
					for try := 0; try < 8 && b.weapons[parent].depth >= deepest; try++ {
						parent = pos + r.intn(k)
					}
					if b.weapons[parent].depth >= deepest {
						parent = pos // the root always has room
					}
				}
				wp.parents[0] = start + parent
				wp.kinds[0] = uint8(r.weighted(derivationWeights))
				wp.depth = b.weapons[parent].depth + 1
				wp.year = min(b.weapons[parent].year+r.between(1, 6), 2024)
				if k >= 2 && r.chance(0.06) {
					second := pos + r.intn(k)
					if second != parent && b.weapons[second].depth < deepest {
						wp.parents[1] = start + second
						wp.kinds[1] = 6 // closely-related
						wp.depth = max(wp.depth, b.weapons[second].depth+1)
					}
				}
				if r.chance(0.12) {
					wp.origin = r.intn(w.countries) // licensed or copied abroad
				}
			}
			wp.maker = w.companyOf(&r, wp.origin)
		}
		roots = append(roots, pos)
		pos += fam
	}
	return b
}

// pick2 picks index 3 (copy), 5 (replica) or 2 (based-on) of derivationKinds.
func (r *rng) pick2(a, b, c int) int {
	switch r.intn(3) {
	case 0:
		return a
	case 1:
		return b
	}
	return c
}

// familySize draws a lineage family's size: most weapons stand alone or in
// small families, a few families are large and deep.
func familySize(r *rng) int {
	u := r.float()
	switch {
	case u < 0.40:
		return 1
	case u < 0.70:
		return r.between(2, 5)
	case u < 0.90:
		return r.between(6, 20)
	case u < 0.985:
		return r.between(21, 60)
	}
	return r.between(61, 200)
}
