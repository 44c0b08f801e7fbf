package resultcache

import (
	"fmt"
	"sync"
	"testing"
)

func TestCacheEvictsLeastRecentlyUsedByBytes(t *testing.T) {
	const valueSize = 1000
	perEntry := int64(valueSize + len("k0") + entryOverhead)
	c := New[int](10*perEntry + 10) // room for the one-byte-longer key "k10" after one eviction
	for i := range 10 {
		if !c.Add(fmt.Sprintf("k%d", i), i, valueSize) {
			t.Fatalf("Add(k%d) = false, want true", i)
		}
	}
	if got := c.Stats(); got.Bytes != 10*perEntry || got.Entries != 10 || got.Evictions != 0 {
		t.Fatalf("Stats() after 10 adds = %+v, want 10 entries, %d bytes, no eviction", got, 10*perEntry)
	}
	if v, ok := c.Get("k0"); !ok || v != 0 {
		t.Fatalf("Get(k0) = %v, %v, want 0, true", v, ok)
	}
	// k0 was just used, so k1 is the least recently used and goes first.
	c.Add("k10", 10, valueSize)
	if _, ok := c.Get("k1"); ok {
		t.Errorf("Get(k1) after an eviction = found, want evicted (least recently used)")
	}
	if _, ok := c.Get("k0"); !ok {
		t.Errorf("Get(k0) after an eviction = missing, want kept (recently used)")
	}
	got := c.Stats()
	if got.Evictions != 1 || got.Bytes > got.MaxBytes || got.Hits != 2 || got.Misses != 1 {
		t.Errorf("Stats() = %+v, want 1 eviction, bytes within %d, 2 hits, 1 miss", got, got.MaxBytes)
	}
}

func TestCacheReplacesWithoutLeakingBytes(t *testing.T) {
	c := New[string](1 << 20)
	c.Add("k", "a", 100)
	c.Add("k", "b", 300)
	if v, _ := c.Get("k"); v != "b" {
		t.Errorf("Get(k) = %q, want the replacement %q", v, "b")
	}
	if got, want := c.Stats().Bytes, int64(300+len("k")+entryOverhead); got != want {
		t.Errorf("Stats().Bytes = %d, want %d (the replaced value no longer counted)", got, want)
	}
}

func TestCacheRefusesOversizedValues(t *testing.T) {
	c := New[int](8000)
	if c.Add("big", 1, 1000) {
		t.Errorf("Add of a value over MaxBytes/%d = true, want false", MaxEntryShare)
	}
	if got := c.Stats(); got.Refused != 1 || got.Entries != 0 {
		t.Errorf("Stats() = %+v, want 1 refused, no entries", got)
	}
}

func TestNilCacheIsOff(t *testing.T) {
	c := New[int](0)
	if c != nil {
		t.Fatalf("New(0) = %v, want nil (off)", c)
	}
	if c.Add("k", 1, 1) {
		t.Errorf("nil cache Add = true, want false")
	}
	if _, ok := c.Get("k"); ok {
		t.Errorf("nil cache Get = found, want a miss")
	}
	if got := c.Stats(); got != (Stats{}) {
		t.Errorf("nil cache Stats() = %+v, want zero", got)
	}
}

func TestCacheConcurrentUseStaysWithinBound(t *testing.T) {
	c := New[int](50_000)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				key := fmt.Sprintf("k%d", (w*7919+i)%500)
				if _, ok := c.Get(key); !ok {
					c.Add(key, i, int64(100+i%900))
				}
			}
		}()
	}
	wg.Wait()
	if got := c.Stats(); got.Bytes > got.MaxBytes || got.Hits+got.Misses != 16000 {
		t.Errorf("Stats() = %+v, want bytes within the bound and 16000 lookups", got)
	}
}
