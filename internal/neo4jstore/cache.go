package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"armsgraph/internal/kg"
	"armsgraph/internal/resultcache"
)

// The result cache. The graph changes only when a load writes, and a load
// brackets its writes between two bumps of the graph's generation
// (generation.go). So a read statement's records are a function of its
// text, its parameters and the generation, as long as no load is under
// way: they are cached under that key, bounded in bytes (LRU).
//
// How a request stays on one generation:
//   - The server pins a request to the generation its store last saw
//     (PinGeneration), read once; every statement of the request is keyed
//     with that generation.
//   - A statement not in the cache runs, and then, in the same session,
//     the generation is read again. If it is the pinned one, no load began
//     or ended since the pinned generation was seen (it would have bumped
//     it), so the records belong to it and are cached. If it moved, the
//     request straddled a bump: the records are not cached and the pin says
//     so (Pin.Straddled); the server answers the request again under the
//     new generation.
//   - While a dataset is loading, the graph is between generations: a
//     load writes in many transactions, and Neo4j reads committed data, so
//     two statements of one request could see two states of it. A request
//     is then pinned to the last complete generation, frozen: it is
//     answered from the cache alone, and a statement not in the cache
//     stops the answer (Pin.Straddled) and the server waits, up to
//     LoadWait, for the load to end, then answers under the new
//     generation. A load that lasts longer than MaxFrozen (or was
//     interrupted and left its dataset loading) is no longer waited for:
//     requests then bypass the cache and read Neo4j as it is being
//     written, as they would without a cache.
//   - When the last generation seen is older than MaxStaleness (Neo4j did
//     not answer the watcher), requests bypass the cache.
//
// How stale an answer can be: the store polls the generation every
// GenerationPoll and uses a generation seen at most MaxStaleness ago, so a
// cached answer reflects the graph as it was at most MaxStaleness before
// the request began. Every replica over one Neo4j (or one cluster) polls
// the same node, so all of them see a completed load within that bound.
const (
	// GenerationPoll is how often a store with a cache reads the generation.
	GenerationPoll = 200 * time.Millisecond
	// MaxStaleness bounds the age of the generation a request is pinned to.
	MaxStaleness = time.Second
	// LoadWait is how long a request that needs Neo4j waits for a running
	// load to end before it reads the graph as it is being written.
	LoadWait = 5 * time.Second
	// MaxFrozen is how long after a load was first seen running requests
	// are still answered from the last complete generation.
	MaxFrozen = 2 * time.Minute
)

// errLoading stops a frozen request's statement that is not in the cache.
var errLoading = errors.New("the graph is being loaded; the request is answered again when the load ends")

// resultCache is the store's cache of read results and what it knows of
// the generation. The zero value is off.
type resultCache struct {
	lru *resultcache.Cache[[]*neo4j.Record]

	mu     sync.Mutex
	known  Generation
	seenAt time.Time // when the read that saw known was sent; zero: never
	// stable is the last generation seen with no load running, and
	// loadingSince when a load was first seen running after it.
	stable       Generation
	hasStable    bool
	loadingSince time.Time

	stopOnce sync.Once
	stop     func()
}

// EnableCache turns the result cache on, holding at most maxBytes (0 or
// less leaves it off), and starts the generation watcher, which Close
// stops. Call it once, before serving.
func (s *Store) EnableCache(maxBytes int64) {
	if maxBytes <= 0 || s.results.lru != nil {
		return
	}
	s.results.lru = resultcache.New[[]*neo4j.Record](maxBytes)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.watchGeneration(ctx)
	}()
	s.results.stop = func() { cancel(); <-done }
}

// CacheStats returns the result cache's counters (zero when it is off).
func (s *Store) CacheStats() resultcache.Stats { return s.results.lru.Stats() }

// KnownGeneration is the generation the store last saw and when the read
// that saw it was sent (zero before one succeeded or without a cache).
func (s *Store) KnownGeneration() (Generation, time.Time) {
	s.results.mu.Lock()
	defer s.results.mu.Unlock()
	return s.results.known, s.results.seenAt
}

func (c *resultCache) stopWatching() {
	c.stopOnce.Do(func() {
		if c.stop != nil {
			c.stop()
		}
	})
}

// note records that a read sent at sentAt saw g, unless a later read
// already told more.
func (c *resultCache) note(g Generation, sentAt time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !sentAt.After(c.seenAt) {
		return
	}
	c.known, c.seenAt = g, sentAt
	switch {
	case !g.Loading:
		c.stable, c.hasStable, c.loadingSince = g, true, time.Time{}
	case c.loadingSince.IsZero():
		c.loadingSince = sentAt
	}
}

// watchGeneration polls the generation every GenerationPoll until ctx ends.
func (s *Store) watchGeneration(ctx context.Context) {
	t := time.NewTicker(GenerationPoll)
	defer t.Stop()
	for {
		sent := time.Now()
		pctx, cancel := context.WithTimeout(ctx, MaxStaleness)
		g, err := s.ReadGeneration(pctx)
		cancel()
		if err == nil {
			s.results.note(g, sent)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

type pinKey struct{}

// Pin is one request's hold on a generation (PinGeneration).
type Pin struct {
	gen       Generation
	cached    bool // false: the request bypasses the cache
	frozen    bool // a load is running: answered from the cache alone
	final     bool // the request's last answer: sent whatever it saw
	straddled atomic.Bool
}

// Dropped reports whether the answer given under this pin will be
// dropped and the request answered again: it straddled a change of
// generation and is not the last answer (PinGenerationUnfrozen).
func (p *Pin) Dropped() bool { return p.Straddled() && !p.final }

// PinOf returns the pin of ctx (PinGeneration), or nil.
func PinOf(ctx context.Context) *Pin {
	p, _ := ctx.Value(pinKey{}).(*Pin)
	return p
}

// Frozen reports whether the request was pinned while a load ran: to the
// last complete generation, answered from the cache alone.
func (p *Pin) Frozen() bool { return p != nil && p.frozen }

// Straddled reports whether the generation moved while the request ran a
// statement that was not cached: its answer may mix two generations, so
// the request must be answered again under a new pin.
func (p *Pin) Straddled() bool { return p != nil && p.straddled.Load() }

// Cached reports whether the request reads through the cache (false while
// a dataset loads or when the known generation is too old).
func (p *Pin) Cached() bool { return p != nil && p.cached }

// Generation is the generation the request is pinned to.
func (p *Pin) Generation() Generation { return p.gen }

// PinGeneration pins the requests run under the returned context to the
// generation the store knows now (see the comment at the top of this
// file). Without a cache it returns ctx and nil.
func (s *Store) PinGeneration(ctx context.Context) (context.Context, *Pin) {
	return s.pin(ctx, true)
}

// PinGenerationUnfrozen is PinGeneration for a request's last answer: while
// a load runs it bypasses the cache instead of being frozen.
func (s *Store) PinGenerationUnfrozen(ctx context.Context) (context.Context, *Pin) {
	return s.pin(ctx, false)
}

func (s *Store) pin(ctx context.Context, freeze bool) (context.Context, *Pin) {
	if s.results.lru == nil {
		return ctx, nil
	}
	c := &s.results
	c.mu.Lock()
	g, seenAt, stable, hasStable, since := c.known, c.seenAt, c.stable, c.hasStable, c.loadingSince
	c.mu.Unlock()
	pin := &Pin{gen: g, final: !freeze}
	fresh := !seenAt.IsZero() && time.Since(seenAt) <= MaxStaleness
	switch {
	case !fresh:
	case !g.Loading:
		pin.cached = true
	case freeze && hasStable && stable.Epoch == g.Epoch && time.Since(since) <= MaxFrozen:
		pin.gen, pin.cached, pin.frozen = stable, true, true
	}
	return context.WithValue(ctx, pinKey{}, pin), pin
}

// AwaitLoad waits, up to LoadWait or the end of ctx, until the store has
// seen a generation after pin's with no load running.
func (s *Store) AwaitLoad(ctx context.Context, pin *Pin) {
	ctx, cancel := context.WithTimeout(ctx, LoadWait)
	defer cancel()
	t := time.NewTicker(GenerationPoll / 4)
	defer t.Stop()
	for {
		if g, _ := s.KnownGeneration(); !g.Loading && (g.Value != pin.gen.Value || g.Epoch != pin.gen.Epoch) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// cachedRead answers a read of a pinned request from the cache, or runs it
// and checks the generation after it (see the comment at the top).
func (s *Store) cachedRead(ctx context.Context, pin *Pin, name, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	key, ok := cacheKey(pin.gen, cypher, params)
	if !ok {
		return s.read(ctx, name, cypher, params)
	}
	if recs, ok := s.results.lru.Get(key); ok {
		return recs, nil
	}
	if pin.frozen {
		pin.straddled.Store(true)
		return nil, fmt.Errorf("%s: %w: %w", name, kg.ErrUnavailable, errLoading)
	}
	var now Generation
	var sent time.Time
	var checkErr error
	recs, err := s.readThen(ctx, name, cypher, params, func(session neo4j.SessionWithContext) error {
		sent = time.Now()
		var r []*neo4j.Record
		r, checkErr = autoCommitRead(ctx, session, generationStatement, nil, nil)
		if checkErr == nil {
			now, checkErr = generationOf(r)
		}
		return nil // the statement's records stand; a failed check only stops them being cached
	})
	if err != nil {
		return nil, err
	}
	if checkErr == nil {
		s.results.note(now, sent)
	}
	if checkErr != nil || now != pin.gen {
		pin.straddled.Store(true)
		return recs, nil
	}
	s.results.lru.Add(key, recs, recordsSize(recs))
	return recs, nil
}

// cacheKey is the cache key of a statement under generation g, or false
// when a parameter has a type the key cannot spell exactly (the statement
// then runs uncached).
func cacheKey(g Generation, cypher string, params map[string]any) (string, bool) {
	var b strings.Builder
	b.Grow(len(cypher) + 64)
	b.WriteString(g.Epoch)
	b.WriteByte(':')
	b.WriteString(strconv.FormatInt(g.Value, 10))
	b.WriteByte(0)
	b.WriteString(cypher)
	b.WriteByte(0)
	ok := writeParam(&b, reflect.ValueOf(params))
	return b.String(), ok
}

var timeType = reflect.TypeOf(time.Time{})

// writeParam spells v so that two values spell the same only if Neo4j
// receives the same parameter: each value carries its kind, strings their
// length, maps their keys in order, dates (the driver's dbtype types are
// time.Time underneath) their type and instant and zone.
func writeParam(b *strings.Builder, v reflect.Value) bool {
	if !v.IsValid() {
		b.WriteByte('n')
		return true
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			b.WriteByte('n')
			return true
		}
		return writeParam(b, v.Elem())
	case reflect.String:
		s := v.String()
		b.WriteByte('s')
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteByte('i')
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		b.WriteByte('i')
		b.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		b.WriteByte('f')
		b.WriteString(strconv.FormatFloat(v.Float(), 'g', -1, 64))
	case reflect.Slice, reflect.Array:
		b.WriteByte('[')
		for i := range v.Len() {
			if !writeParam(b, v.Index(i)) {
				return false
			}
			b.WriteByte(',')
		}
		b.WriteByte(']')
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return false
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(x, y reflect.Value) int { return strings.Compare(x.String(), y.String()) })
		b.WriteByte('{')
		for _, k := range keys {
			writeParam(b, k)
			b.WriteByte('=')
			if !writeParam(b, v.MapIndex(k)) {
				return false
			}
			b.WriteByte(',')
		}
		b.WriteByte('}')
	case reflect.Struct:
		if !v.Type().ConvertibleTo(timeType) {
			return false
		}
		t := v.Convert(timeType).Interface().(time.Time)
		b.WriteString(v.Type().String())
		b.WriteByte('@')
		b.WriteString(t.Format(time.RFC3339Nano))
		b.WriteString(t.Location().String())
	default:
		return false
	}
	return true
}

// recordsSize estimates the bytes recs hold in memory: what the cache
// counts against its bound. Keys are shared by the records of a result.
func recordsSize(recs []*neo4j.Record) int64 {
	n := int64(24 + 8*len(recs))
	for i, r := range recs {
		n += 48 + 16*int64(len(r.Values))
		if i == 0 {
			for _, k := range r.Keys {
				n += 16 + int64(len(k))
			}
		}
		for _, v := range r.Values {
			n += valueSize(v)
		}
	}
	return n
}

// valueSize estimates the bytes a record value holds beyond its interface
// slot (16 bytes, counted by the container).
func valueSize(v any) int64 {
	switch x := v.(type) {
	case nil, bool, int64, float64:
		return 0
	case string:
		return int64(len(x))
	case []any:
		n := int64(24 + 16*len(x))
		for _, e := range x {
			n += valueSize(e)
		}
		return n
	case map[string]any:
		n := int64(48)
		for k, e := range x {
			n += 48 + int64(len(k)) + valueSize(e)
		}
		return n
	case dbtype.Node:
		n := int64(64 + len(x.ElementId))
		for _, l := range x.Labels {
			n += 16 + int64(len(l))
		}
		return n + valueSize(x.Props)
	case dbtype.Relationship:
		return int64(96+len(x.ElementId)+len(x.StartElementId)+len(x.EndElementId)+len(x.Type)) + valueSize(x.Props)
	case dbtype.Path:
		n := int64(48)
		for _, node := range x.Nodes {
			n += valueSize(node)
		}
		for _, rel := range x.Relationships {
			n += valueSize(rel)
		}
		return n
	}
	return 32 // dates, times, durations, points
}
