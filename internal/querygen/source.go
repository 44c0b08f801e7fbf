package querygen

import (
	"encoding/binary"
	"hash/fnv"
	"math/rand/v2"
)

// FromBytes returns a random source that draws its numbers from data, 8
// bytes at a time, and then from a generator seeded with data's hash: a
// fuzzer's bytes steer the operation, and any input, however short, gives
// one (a source that only repeated zeros would stall rand's rejection
// sampling).
func FromBytes(data []byte) *rand.Rand {
	h := fnv.New64a()
	h.Write(data)
	seed := h.Sum64()
	return rand.New(&byteSource{data: data, rest: rand.NewPCG(seed, uint64(len(data)))})
}

type byteSource struct {
	data []byte
	rest *rand.PCG
}

func (s *byteSource) Uint64() uint64 {
	if len(s.data) < 8 {
		return s.rest.Uint64()
	}
	v := binary.LittleEndian.Uint64(s.data)
	s.data = s.data[8:]
	return v
}
