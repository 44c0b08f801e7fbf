package seeds

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"

	"armsgraph/internal/kg"
)

// symtab numbers strings (ids, relationship keys) 0, 1, 2 … in the order
// they are first seen. It keeps them in one byte slice and finds them through
// an open-addressing table, so a million ids cost a few tens of bytes each
// and hold no pointers for the garbage collector to scan.
type symtab struct {
	seed  maphash.Seed
	slots []uint64 // the upper half of the string's hash, and sym+1 (0: empty); a power of two long
	data  []byte   // every string, one after the other
	ends  []int    // per sym: where its string ends in data
}

func newSymtab() *symtab {
	return &symtab{seed: maphash.MakeSeed(), slots: make([]uint64, 1024)}
}

func (t *symtab) len() int { return len(t.ends) }

func (t *symtab) bytes(sym uint32) []byte {
	start := 0
	if sym > 0 {
		start = t.ends[sym-1]
	}
	return t.data[start:t.ends[sym]]
}

func (t *symtab) str(sym uint32) string { return string(t.bytes(sym)) }

// slot returns where s is, or the empty slot where it would go.
func (t *symtab) slot(s string, h uint64) int {
	mask := len(t.slots) - 1
	tag := h >> 32 << 32
	for i := int(h) & mask; ; i = (i + 1) & mask {
		v := t.slots[i]
		if v == 0 || (v>>32<<32 == tag && string(t.bytes(uint32(v)-1)) == s) {
			return i
		}
	}
}

// lookup returns the number of s when it has one.
func (t *symtab) lookup(s string) (uint32, bool) {
	v := t.slots[t.slot(s, maphash.String(t.seed, s))]
	return uint32(v) - 1, v != 0
}

// intern returns the number of s, giving it the next one when it has none.
func (t *symtab) intern(s string) (sym uint32, added bool) {
	h := maphash.String(t.seed, s)
	i := t.slot(s, h)
	if v := t.slots[i]; v != 0 {
		return uint32(v) - 1, false
	}
	sym = uint32(len(t.ends))
	t.data = append(t.data, s...)
	t.ends = append(t.ends, len(t.data))
	t.slots[i] = h>>32<<32 | uint64(sym+1)
	if 2*len(t.ends) > len(t.slots) {
		t.grow()
	}
	return sym, true
}

func (t *symtab) grow() {
	slots := make([]uint64, 2*len(t.slots))
	mask := len(slots) - 1
	for sym := range t.ends {
		h := maphash.Bytes(t.seed, t.bytes(uint32(sym)))
		i := int(h) & mask
		for slots[i] != 0 {
			i = (i + 1) & mask
		}
		slots[i] = h>>32<<32 | uint64(sym+1)
	}
	t.slots = slots
}

// compare orders two syms by their strings.
func (t *symtab) compare(a, b uint32) int { return bytes.Compare(t.bytes(a), t.bytes(b)) }

// kindCode is a kind as one byte in the index; 0 means "not defined".
type kindCode uint8

var kindCodes = func() map[kg.Kind]kindCode {
	m := map[kg.Kind]kindCode{sourceKind: 1}
	for i, k := range kg.Kinds {
		m[k] = kindCode(i + 2)
	}
	return m
}()

var kindOfCode = func() []kg.Kind {
	out := make([]kg.Kind, len(kindCodes)+1)
	for k, c := range kindCodes {
		out[c] = k
	}
	return out
}()

// place is where something is defined: a file (by its number in the
// folder) and a line.
type place struct {
	file uint32
	line uint32
}

// def is what the index keeps of a defined id.
type def struct {
	place
	kind kindCode
}

// deferredRef is a reference to an id not defined when its file was read,
// checked once every file has been. Its field ("weapon/x.origin") is kept as
// the numbers of its owner (the id of the item holding it, or "relations")
// and of its suffix.
type deferredRef struct {
	place
	target  uint32 // sym
	owner   uint32 // sym in ids
	suffix  uint32 // index in suffixes
	kinds   uint8  // index in kindSets
	seq     uint32 // the reference's number within its file, for the order of problems
	maxLine uint32
}

// index is everything validation keeps across files: every id defined, the
// references that were ahead of their target, relationship keys that may
// repeat, and the DERIVED_FROM edges.
type index struct {
	files    []string
	ids      *symtab
	defs     []def          // per sym in ids; kind 0 when the id is only referenced
	docLines map[uint32]int // per source sym with a readable document
	docs     map[string]docInfo
	deferred []deferredRef
	suffixes []string
	suffixNo map[string]uint32
	kindSets [][]kg.Kind
	relKeys  *symtab
	relAt    []place     // per sym in relKeys
	edges    [][2]uint32 // child, parent (syms in ids)
	problems []keyedProblem

	lastSym    uint32
	hasLast    bool
	recent     [8]uint32 // syms of recent reference targets
	nRecent    int
	nextRecent int
}

// keyedProblem orders problems as the folder's files and lines, and within
// one line the order in which validation used to find them.
type keyedProblem struct {
	file  uint32
	phase uint8 // 1 parse and convert, 2 ids, 3 relationships, 4 references, 5 cycles
	seq   uint32
	p     Problem
}

const (
	phaseFile = iota + 1
	phaseIDs
	phaseRels
	phaseRefs
	phaseCycles
)

type docInfo struct {
	lines int
	err   error // errNotFound, or the read error
}

func newIndex(files []string) *index {
	return &index{
		files:    files,
		ids:      newSymtab(),
		docLines: map[uint32]int{},
		docs:     map[string]docInfo{},
		suffixNo: map[string]uint32{},
		relKeys:  newSymtab(),
	}
}

func (x *index) problem(file int, phase uint8, seq int, line int, msg string) {
	x.problems = append(x.problems, keyedProblem{uint32(file), phase, uint32(seq), Problem{x.files[file], line, msg}})
}

func (x *index) sortedProblems() Problems {
	slices.SortStableFunc(x.problems, func(a, b keyedProblem) int {
		if a.file != b.file {
			return int(a.file) - int(b.file)
		}
		if a.p.Line != b.p.Line {
			if a.p.Line < b.p.Line {
				return -1
			}
			return 1
		}
		if a.phase != b.phase {
			return int(a.phase) - int(b.phase)
		}
		return int(a.seq) - int(b.seq)
	})
	out := make(Problems, len(x.problems))
	for i, kp := range x.problems {
		out[i] = kp.p
	}
	return out
}

func (x *index) def(sym uint32) def {
	if int(sym) < len(x.defs) {
		return x.defs[sym]
	}
	return def{}
}

// define enters an id; it returns where it was first defined when it already was.
func (x *index) define(id string, kind kg.Kind, at place) (uint32, def, bool) {
	sym, _ := x.ids.intern(id)
	for len(x.defs) <= int(sym) {
		x.defs = append(x.defs, def{})
	}
	if prev := x.defs[sym]; prev.kind != 0 {
		return sym, prev, false
	}
	x.defs[sym] = def{at, kindCodes[kind]}
	return sym, def{}, true
}

func (x *index) sym(id string) uint32 {
	// Consecutive calls often name one id (the item holding several
	// references, the child of several derivations).
	// (Remembered by number: a string could keep its file's text alive.)
	if x.hasLast && string(x.ids.bytes(x.lastSym)) == id {
		return x.lastSym
	}
	sym, _ := x.ids.intern(id)
	x.lastSym, x.hasLast = sym, true
	return sym
}

// lookupTarget finds the number of a referenced id. A few recent targets are
// remembered: most references are citations, of a handful of sources.
func (x *index) lookupTarget(id string) (uint32, bool) {
	for _, sym := range x.recent[:x.nRecent] {
		if string(x.ids.bytes(sym)) == id {
			return sym, true
		}
	}
	sym, ok := x.ids.lookup(id)
	if ok {
		if x.nRecent < len(x.recent) {
			x.nRecent++
		}
		x.recent[x.nextRecent] = sym
		x.nextRecent = (x.nextRecent + 1) % len(x.recent)
	}
	return sym, ok
}

func (x *index) where(p place) string {
	if int(p.file) >= len(x.files) {
		return "the base folder"
	}
	return fmt.Sprintf("%s:%d", x.files[p.file], p.line)
}

// defineKnown enters the ids a base folder defines (Options.Known), placed
// past the folder's own files.
func (x *index) defineKnown(known map[string]kg.Kind) {
	for id, kind := range known {
		if kind == "" {
			kind = sourceKind
		}
		x.define(id, kind, place{file: uint32(len(x.files))})
	}
}

func (x *index) kindSet(kinds []kg.Kind) uint8 {
	for i, ks := range x.kindSets {
		if slices.Equal(ks, kinds) {
			return uint8(i)
		}
	}
	x.kindSets = append(x.kindSets, kinds)
	return uint8(len(x.kindSets) - 1)
}

func (x *index) suffix(s string) uint32 {
	if n, ok := x.suffixNo[s]; ok {
		return n
	}
	n := uint32(len(x.suffixes))
	s = strings.Clone(s) // it may share its file's text
	x.suffixes = append(x.suffixes, s)
	x.suffixNo[s] = n
	return n
}

// reference checks one reference of a file: now, when its target is already
// defined, else once every file has been read.
func (x *index) reference(file, seq int, r *pendingRef) {
	if sym, ok := x.lookupTarget(r.id); ok {
		if d := x.def(sym); d.kind != 0 {
			x.checkRef(file, seq, r.line, r.owner, r.suffix, r.id, r.kinds, r.maxLine, sym, d)
			return
		}
	}
	x.deferred = append(x.deferred, deferredRef{
		place:   place{uint32(file), uint32(r.line)},
		target:  x.sym(r.id),
		owner:   x.sym(r.owner),
		suffix:  x.suffix(r.suffix),
		kinds:   x.kindSet(r.kinds),
		seq:     uint32(seq),
		maxLine: uint32(r.maxLine),
	})
}

// checkRef reports a reference to a defined id of the wrong kind, or a
// citation of lines past the end of its source's document.
func (x *index) checkRef(file, seq, line int, owner, suffix, id string, kinds []kg.Kind, maxLine int, sym uint32, d def) {
	kind := kindOfCode[d.kind]
	if slices.Contains(kinds, kind) {
		if maxLine > 0 {
			if n := x.docLines[sym]; n > 0 && maxLine > n {
				x.problem(file, phaseRefs, seq, line, fmt.Sprintf("%s%s: line %d is past the end of %s's document (%d lines)", owner, suffix, maxLine, id, n))
			}
		}
		return
	}
	x.problem(file, phaseRefs, seq, line, fmt.Sprintf("%s%s: %s is a %s, want a %s", owner, suffix, id, strings.ToLower(string(kind)), wantKinds(kinds)))
}

func wantKinds(kinds []kg.Kind) string {
	want := make([]string, len(kinds))
	for i, k := range kinds {
		want[i] = strings.ToLower(string(k))
	}
	return strings.Join(want, " or ")
}

// checkDeferred checks the references that were ahead of their targets.
func (x *index) checkDeferred() {
	var byKind map[kindCode][]string // built on the first miss only
	for _, r := range x.deferred {
		owner, suffix := x.ids.str(r.owner), x.suffixes[r.suffix]
		id := x.ids.str(r.target)
		kinds := x.kindSets[r.kinds]
		if d := x.def(r.target); d.kind != 0 {
			x.checkRef(int(r.file), int(r.seq), int(r.line), owner, suffix, id, kinds, int(r.maxLine), r.target, d)
			continue
		}
		if byKind == nil {
			byKind = map[kindCode][]string{}
			for sym, d := range x.defs {
				if d.kind != 0 {
					byKind[d.kind] = append(byKind[d.kind], x.ids.str(uint32(sym)))
				}
			}
		}
		var candidates []string
		for _, k := range kinds {
			candidates = append(candidates, byKind[kindCodes[k]]...)
		}
		x.problem(int(r.file), phaseRefs, int(r.seq), int(r.line), fmt.Sprintf("%s%s: unknown %s %q%s", owner, suffix, wantKinds(kinds), id, didYouMean(id, candidates)))
	}
	x.deferred = nil
}

// pruneAcyclic colours black every id from which no cycle can be reached,
// and tells whether any id is left.
func (x *index) pruneAcyclic(start []uint32, color []uint8, black uint8) bool {
	n := len(color)
	// Who derives from each id, and how many of each id's parents are left.
	cstart := make([]uint32, n+1)
	for _, e := range x.edges {
		cstart[e[1]+1]++
	}
	for i := 1; i <= n; i++ {
		cstart[i] += cstart[i-1]
	}
	kids := make([]uint32, len(x.edges))
	fill := slices.Clone(cstart[:n])
	for _, e := range x.edges {
		kids[fill[e[1]]] = e[0]
		fill[e[1]]++
	}
	left := fill // reused: parents left per id
	var queue []uint32
	for id := range n {
		left[id] = start[id+1] - start[id]
		if left[id] == 0 {
			queue = append(queue, uint32(id))
		}
	}
	removed := 0
	for len(queue) > 0 {
		id := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		color[id] = black
		removed++
		for _, k := range kids[cstart[id]:cstart[id+1]] {
			if left[k]--; left[k] == 0 {
				queue = append(queue, k)
			}
		}
	}
	return removed < n
}

// findCycles reports every DERIVED_FROM cycle once: a weapon cannot descend
// from itself. The search walks children in id order and each child's
// parents in the order the files give them.
func (x *index) findCycles() {
	n := x.ids.len()
	// parents[start[c]:start[c+1]] are c's parents, in edge order.
	start := make([]uint32, n+1)
	for _, e := range x.edges {
		start[e[0]+1]++
	}
	for i := 1; i <= n; i++ {
		start[i] += start[i-1]
	}
	parents := make([]uint32, len(x.edges))
	fill := slices.Clone(start[:n])
	var children []uint32
	for _, e := range x.edges {
		if fill[e[0]] == start[e[0]] {
			children = append(children, e[0])
		}
		parents[fill[e[0]]] = e[1]
		fill[e[0]]++
	}
	fill = nil

	const (
		white = iota
		grey
		black
	)
	color := make([]uint8, n)
	// An id that reaches no cycle plays no part in what the search below
	// reports, whenever it is visited: take those away first (repeatedly
	// removing ids without parents left), so that a folder without cycles
	// needs no search, nor the sorting of every child by id.
	if !x.pruneAcyclic(start, color, black) {
		x.edges = nil
		return
	}
	x.edges = nil
	children = slices.DeleteFunc(children, func(c uint32) bool { return color[c] == black })
	slices.SortFunc(children, x.ids.compare)

	type frame struct{ id, next uint32 }
	var stack []frame
	var seq int
	for _, root := range children {
		if color[root] != white {
			continue
		}
		color[root] = grey
		stack = append(stack[:0], frame{root, start[root]})
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.next == start[top.id+1] {
				color[top.id] = black
				stack = stack[:len(stack)-1]
				continue
			}
			p := parents[top.next]
			top.next++
			switch color[p] {
			case white:
				color[p] = grey
				stack = append(stack, frame{p, start[p]})
			case grey:
				i := slices.IndexFunc(stack, func(f frame) bool { return f.id == p })
				cycle := make([]string, 0, len(stack)-i+1)
				for _, f := range stack[i:] {
					cycle = append(cycle, x.ids.str(f.id))
				}
				cycle = append(cycle, x.ids.str(p))
				d := x.def(top.id)
				what := "derivation cycle: "
				if strings.HasPrefix(cycle[0], kg.Transfer.Prefix()+"/") {
					what = "covers cycle (a transfer record covers itself through others): "
				}
				x.problem(int(d.file), phaseCycles, seq, int(d.line), what+strings.Join(cycle, " → "))
				seq++
			}
		}
	}
}
