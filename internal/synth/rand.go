package synth

import "hash/fnv"

// rng is a small deterministic generator (splitmix64). The synthetic data
// set must be byte-identical for a seed on every Go release, so it does not
// use math/rand, whose derived helpers may change between releases.
type rng struct{ s uint64 }

// stream returns the generator of one item: the seed, a stream name (the
// kind of item) and the item's index fully determine what it draws, so any
// item can be regenerated on its own, in any order.
func stream(seed int64, name string, i int) rng {
	h := fnv.New64a()
	h.Write([]byte(name))
	r := rng{s: uint64(seed)*0x9e3779b97f4a7c15 ^ h.Sum64()}
	r.s ^= mix(uint64(i) + 0x632be59bd9b4e019)
	r.next()
	return r
}

func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix(r.s)
}

// intn returns a number in [0, n); n must be positive.
func (r *rng) intn(n int) int {
	return int((r.next() >> 1) % uint64(n))
}

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// float returns a number in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// chance is true with probability p.
func (r *rng) chance(p float64) bool { return r.float() < p }

// pick returns one of the strings.
func (r *rng) pick(s []string) string { return s[r.intn(len(s))] }

// weighted returns an index of w with probability proportional to its weight.
func (r *rng) weighted(w []int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	n := r.intn(total)
	for i, x := range w {
		if n < x {
			return i
		}
		n -= x
	}
	return len(w) - 1
}
