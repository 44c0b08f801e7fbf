// Package resultcache is a least-recently-used cache bounded by the bytes
// its values take (as their owner measures them), not by their number: the
// answers of a graph query range from a few hundred bytes to megabytes, so
// a bound on entries says nothing about memory.
package resultcache

import (
	"math"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// entryOverhead is what an entry costs beyond its key and value: the list
// element, the map slot and the entry itself, roughly.
const entryOverhead = 128

// MaxEntryShare is the largest part of the cache one value may take: a
// value above MaxBytes/MaxEntryShare is not kept, so that one huge answer
// cannot flush everything the other requests use.
const MaxEntryShare = 8

// Cache maps string keys to values of type V, evicting the least recently
// used entries once the bytes held pass the bound. It is safe for
// concurrent use.
type Cache[V any] struct {
	mu    sync.Mutex
	lru   *simplelru.LRU[string, entry[V]]
	max   int64
	bytes int64

	hits, misses, evictions, refused atomic.Uint64
}

type entry[V any] struct {
	value V
	size  int64
}

// Stats is a snapshot of a cache's counters.
type Stats struct {
	Hits, Misses, Evictions uint64
	// Refused counts values too large to keep (over MaxBytes/MaxEntryShare).
	Refused  uint64
	Bytes    int64 // held now, keys and overhead included
	Entries  int
	MaxBytes int64
}

// New returns a cache holding at most maxBytes, or nil when maxBytes is 0
// or less (no cache). Every method of a nil *Cache is a miss or a no-op.
func New[V any](maxBytes int64) *Cache[V] {
	if maxBytes <= 0 {
		return nil
	}
	// The entry count is bounded by bytes, not by simplelru (whose bound is
	// set out of reach); only an error for a size below 1 is possible.
	lru, err := simplelru.NewLRU[string, entry[V]](math.MaxInt32, nil)
	if err != nil {
		panic(err)
	}
	return &Cache[V]{lru: lru, max: maxBytes}
}

// Get returns the value stored under key and marks it recently used.
func (c *Cache[V]) Get(key string) (V, bool) {
	var zero V
	if c == nil {
		return zero, false
	}
	c.mu.Lock()
	e, ok := c.lru.Get(key)
	c.mu.Unlock()
	if !ok {
		c.misses.Add(1)
		return zero, false
	}
	c.hits.Add(1)
	return e.value, true
}

// Add stores value under key; size is what the value takes in bytes. It
// evicts the least recently used entries until the cache fits, and
// reports false (keeping nothing) when the value alone is larger than
// MaxBytes/MaxEntryShare.
func (c *Cache[V]) Add(key string, value V, size int64) bool {
	if c == nil {
		return false
	}
	size += int64(len(key)) + entryOverhead
	if size > c.max/MaxEntryShare {
		c.refused.Add(1)
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.lru.Peek(key); ok {
		c.bytes -= old.size
	}
	c.lru.Add(key, entry[V]{value: value, size: size})
	c.bytes += size
	for c.bytes > c.max {
		_, old, ok := c.lru.RemoveOldest()
		if !ok {
			break
		}
		c.bytes -= old.size
		c.evictions.Add(1)
	}
	return true
}

// Stats returns the counters; the zero Stats for a nil cache.
func (c *Cache[V]) Stats() Stats {
	if c == nil {
		return Stats{}
	}
	c.mu.Lock()
	bytes, n := c.bytes, c.lru.Len()
	c.mu.Unlock()
	return Stats{
		Hits: c.hits.Load(), Misses: c.misses.Load(), Evictions: c.evictions.Load(), Refused: c.refused.Load(),
		Bytes: bytes, Entries: n, MaxBytes: c.max,
	}
}
