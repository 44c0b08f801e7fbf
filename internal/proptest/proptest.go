// Package proptest runs property-based tests on generated inputs: always a
// fixed seed (what CI checks), then a fresh one whose value is logged, so a
// failure it finds can be replayed with ARMSGRAPH_PROP_SEED=N.
package proptest

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"
)

// SeedEnv names the variable that replays a seed in place of a fresh one.
const SeedEnv = "ARMSGRAPH_PROP_SEED"

// Run calls check in one subtest per seed ("seed=N"): fixed, then the seed
// from SeedEnv or else a fresh one.
func Run(t *testing.T, fixed uint64, check func(t *testing.T, r *rand.Rand)) {
	t.Helper()
	seeds := []uint64{fixed}
	if s := os.Getenv(SeedEnv); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: want a whole number", SeedEnv, s)
		}
		seeds = append(seeds, n)
	} else {
		seeds = append(seeds, uint64(time.Now().UnixNano()))
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Logf("replay with %s=%d", SeedEnv, seed)
			check(t, rand.New(rand.NewPCG(seed, seed)))
		})
	}
}
