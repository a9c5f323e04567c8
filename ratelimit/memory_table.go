package ratelimit

import (
	"encoding/binary"
	"hash/maphash"
)

// rlTable is one policy's table in a Memory shard: open addressing with
// linear probing over the keys' 64-bit hashes, the low bits picking the
// first slot. len(ents) is 0 or a power of two, at most 3/4 full, so a
// probe always ends at an empty entry. Entries are only removed by sweep,
// which rebuilds the table from its live entries: no tombstones.
type rlTable struct {
	ents  []rlEntry
	n     int    // live entries
	arena []byte // the keys longer than rlInline, back to back
}

// rlEntry is one key's theoretical arrival time. It holds the key itself,
// so a lookup compares keys, not only hashes: two keys whose 64-bit hashes
// collide get entries of their own. 32 bytes: two to a cache line, never
// across one (the tables' sizes are powers of two of at least 256 bytes,
// which the allocator aligns to their size).
type rlEntry struct {
	tat  int64 // µs
	tag  uint16
	meta uint8          // 0: empty; 1+len: the key is inline; rlInArena: the key is in the arena
	key  [rlInline]byte // the key when inline, else its arena offset (8 bytes) and length (4)
}

const (
	rlInline   = 21 // "rl:ip:" and any IPv4 address fit
	rlInArena  = 0xff
	rlMinTable = 8
)

// rlTag is the part of a key's hash an entry keeps, to pass over most
// entries of other keys without comparing keys: the top bits, which
// neither the shard nor (below 2^48 entries) the slot uses.
func rlTag(h uint64) uint16 { return uint16(h >> 48) }

// keyOf returns e's key, in e or in t's arena.
func (t *rlTable) keyOf(e *rlEntry) []byte {
	if e.meta != rlInArena {
		return e.key[:e.meta-1]
	}
	off := binary.LittleEndian.Uint64(e.key[0:])
	n := uint64(binary.LittleEndian.Uint32(e.key[8:]))
	return t.arena[off : off+n]
}

// find returns the index of key's entry, whose hash is h, or -1.
func (t *rlTable) find(h uint64, key string) int {
	if t.n == 0 {
		return -1
	}
	mask := uint64(len(t.ents) - 1)
	tag := rlTag(h)
	for i := h & mask; ; i = (i + 1) & mask {
		e := &t.ents[i]
		if e.meta == 0 {
			return -1
		}
		if e.tag == tag && string(t.keyOf(e)) == key {
			return int(i)
		}
	}
}

// set stores tat for key, whose hash is h (seed's), adding the key when
// it is new.
func (t *rlTable) set(seed maphash.Seed, h uint64, key string, tat int64) {
	if at := t.find(h, key); at >= 0 {
		t.ents[at].tat = tat
		return
	}
	if (t.n+1)*4 > len(t.ents)*3 {
		t.resize(seed, max(rlMinTable, 2*len(t.ents)))
	}
	e := rlEntry{tat: tat, tag: rlTag(h)}
	if len(key) <= rlInline {
		e.meta = uint8(len(key) + 1)
		copy(e.key[:], key)
	} else {
		e.meta = rlInArena
		binary.LittleEndian.PutUint64(e.key[0:], uint64(len(t.arena)))
		binary.LittleEndian.PutUint32(e.key[8:], uint32(len(key)))
		t.arena = append(t.arena, key...)
	}
	t.place(h, e)
	t.n++
}

// place puts e, whose key's hash is h, in the first empty entry of its probe.
func (t *rlTable) place(h uint64, e rlEntry) {
	mask := uint64(len(t.ents) - 1)
	i := h & mask
	for t.ents[i].meta != 0 {
		i = (i + 1) & mask
	}
	t.ents[i] = e
}

// resize moves the entries into a table of size entries (a power of two);
// the arena stays.
func (t *rlTable) resize(seed maphash.Seed, size int) {
	old := t.ents
	t.ents = make([]rlEntry, size)
	for i := range old {
		if e := &old[i]; e.meta != 0 {
			t.place(maphash.Bytes(seed, t.keyOf(e)), *e)
		}
	}
}

// sweep drops the entries whose tat has passed (their keys are idle: the
// policy is full again, so forgetting them changes nothing). When any is
// dropped the table is rebuilt from the live ones, sized for twice their
// number, and its arena with it: memory follows the keys active now, not
// the busiest moment since start.
func (t *rlTable) sweep(seed maphash.Seed, now int64) {
	live := 0
	for i := range t.ents {
		if e := &t.ents[i]; e.meta != 0 && e.tat > now {
			live++
		}
	}
	if live == t.n {
		return
	}
	old := *t
	*t = rlTable{}
	if live == 0 {
		return
	}
	size := rlMinTable
	for size < 2*live {
		size <<= 1
	}
	t.ents = make([]rlEntry, size)
	for i := range old.ents {
		e := &old.ents[i]
		if e.meta == 0 || e.tat <= now {
			continue
		}
		key := old.keyOf(e)
		ne := *e
		if e.meta == rlInArena {
			binary.LittleEndian.PutUint64(ne.key[0:], uint64(len(t.arena)))
			t.arena = append(t.arena, key...)
		}
		t.place(maphash.Bytes(seed, key), ne)
		t.n++
	}
}
