package provision

import (
	"hash/maphash"
	"math/bits"
)

// strIndex maps strings to int32 values, for the indexes planning builds
// over every user of the org (ids, userNames, emails).
//
// A Go map would do, but its tables come in powers of two: a million keys
// get twice the room per key that 100,000 do, and clearing that room and
// faulting it in from the kernel is time a bigger org paid per user.
// strIndex sizes its table to the keys it expects. And in an index of a
// million keys nearly every lookup misses the CPU caches: warm lets the
// bulk passes load a batch of lookups' memory at once, so that their
// misses overlap instead of following each other.
//
// The table is open-addressed, linear-probed and at most half full. Each
// entry holds 32 bits of its key's hash and the key's position in keys
// and vals; 0 is an empty entry.
type strIndex struct {
	seed  maphash.Seed
	table []uint64
	keys  []string
	vals  []int32
}

// newStrIndex returns an index with room for n keys; it grows past that.
func newStrIndex(n int) *strIndex {
	return &strIndex{seed: maphash.MakeSeed(), table: make([]uint64, 2*max(n, 4)),
		keys: make([]string, 0, n), vals: make([]int32, 0, n)}
}

// home returns the table position where the probe for key starts, and the
// tag of key's entries.
func (x *strIndex) home(key string) (uint64, uint64) {
	h := maphash.String(x.seed, key)
	// The position comes from the hash's high bits (a multiply, not a
	// modulo: the table's length is any number), the tag from its low ones.
	i, _ := bits.Mul64(h, uint64(len(x.table)))
	return i, (h | 1) << 32
}

// probe returns the table position of key's entry, or of the empty entry
// where it would go, and its tag.
func (x *strIndex) probe(key string) (int, uint64) {
	i, tag := x.home(key)
	for {
		e := x.table[i]
		if e == 0 || e&^0xffffffff == tag && x.keys[uint32(e)-1] == key {
			return int(i), tag
		}
		if i++; i == uint64(len(x.table)) {
			i = 0
		}
	}
}

// get returns the value of key.
func (x *strIndex) get(key string) (int32, bool) {
	i, _ := x.probe(key)
	if e := x.table[i]; e != 0 {
		return x.vals[uint32(e)-1], true
	}
	return 0, false
}

// add gives key the value v unless it has one: it returns the value key
// has now and whether it had it before.
func (x *strIndex) add(key string, v int32) (int32, bool) {
	i, tag := x.probe(key)
	if e := x.table[i]; e != 0 {
		return x.vals[uint32(e)-1], true
	}
	x.keys, x.vals = append(x.keys, key), append(x.vals, v)
	x.table[i] = tag | uint64(len(x.keys))
	if 2*len(x.keys) > len(x.table) {
		x.grow()
	}
	return v, false
}

func (x *strIndex) grow() {
	x.table = make([]uint64, 4*len(x.keys))
	for n, key := range x.keys {
		i, tag := x.probe(key)
		x.table[i] = tag | uint64(n+1)
	}
}

// batch is how many keys lookup takes at once.
const batch = 32

// lookup is get for up to batch keys at once: it sets vals[j] and found[j]
// to what get(keys[j]) returns. Each of its steps (the entry at each key's
// home, the key that entry holds, that key's bytes) loads memory that does
// not depend on the other keys' loads of the step, so the CPU overlaps
// their cache misses instead of waiting for one after the other.
func (x *strIndex) lookup(keys []string, vals []int32, found []bool) {
	var entries [batch]uint64
	var tags [batch]uint64
	for j, key := range keys {
		var i uint64
		i, tags[j] = x.home(key)
		entries[j] = x.table[i]
	}
	var held [batch]string
	for j, e := range entries[:len(keys)] {
		if e&^0xffffffff == tags[j] {
			held[j] = x.keys[uint32(e)-1]
		}
	}
	for j, key := range keys {
		if e := entries[j]; e != 0 && held[j] == key && e&^0xffffffff == tags[j] {
			vals[j], found[j] = x.vals[uint32(e)-1], true
			continue
		}
		// Not at its home: further along the probe, or not held.
		vals[j], found[j] = x.get(key)
	}
}

// each calls do(i, v, found) for every i below n, with what get(key(i))
// returns, batch at a time: each batch is one lookup, whose loads also
// bring into the cache what do's own adds and gets of those keys read.
func (x *strIndex) each(n int, key func(int) string, do func(i int, v int32, found bool)) {
	var keys [batch]string
	var vals [batch]int32
	var found [batch]bool
	for start := 0; start < n; start += batch {
		end := min(start+batch, n)
		for i := start; i < end; i++ {
			keys[i-start] = key(i)
		}
		x.lookup(keys[:end-start], vals[:], found[:])
		for i := start; i < end; i++ {
			do(i, vals[i-start], found[i-start])
		}
	}
}
