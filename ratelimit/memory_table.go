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
	ents []rlEntry
	n    int // live entries
}

// rlSeeds are a Memory store's two hash seeds, drawn at random when it is
// made: h hashes every key (shard, slot, tag), d digests the keys too long
// to be held in an entry.
type rlSeeds struct{ h, d maphash.Seed }

// rlEntry is one key's theoretical arrival time. It identifies its key
// exactly, so two keys whose 64-bit hashes collide get entries of their
// own: a key of up to rlInline bytes is held in the entry itself; a longer
// one by its length, its whole 64-bit hash and a second 64-bit hash under
// another random seed (a collision of both, at the same length, is a
// 2^-128 event no client can aim at without the seeds), so that an entry is
// 32 bytes whatever its key's length: memory is bounded by the number of
// keys, never by what a client puts in them. Two entries to a cache line,
// never across one (the tables' sizes are powers of two of at least 256
// bytes, which the allocator aligns to their size).
type rlEntry struct {
	tat  int64 // µs
	tag  uint16
	meta uint8          // 0: empty; 1+len: the key is inline; rlDigest: the key is digested
	key  [rlInline]byte // the key when inline, else its hash (8 bytes), digest (8) and length (4)
}

const (
	rlInline   = 21 // "rl:ip:" and any IPv4 address fit
	rlDigest   = 0xff
	rlMinTable = 8
)

// rlTag is the part of a key's hash an entry keeps, to pass over most
// entries of other keys without comparing keys: the top bits, which
// neither the shard nor (below 2^48 entries) the slot uses.
func rlTag(h uint64) uint16 { return uint16(h >> 48) }

// hash returns the hash of e's key: held in e when the key is digested,
// worked out again when it is inline.
func (e *rlEntry) hash(s *rlSeeds) uint64 {
	if e.meta == rlDigest {
		return binary.LittleEndian.Uint64(e.key[0:])
	}
	return maphash.Bytes(s.h, e.key[:e.meta-1])
}

// is reports whether e is key's entry; h is key's hash, and e's tag is h's.
func (e *rlEntry) is(s *rlSeeds, h uint64, key string) bool {
	if e.meta != rlDigest {
		return string(e.key[:e.meta-1]) == key
	}
	return len(key) > rlInline &&
		binary.LittleEndian.Uint64(e.key[0:]) == h &&
		binary.LittleEndian.Uint32(e.key[16:]) == uint32(len(key)) &&
		binary.LittleEndian.Uint64(e.key[8:]) == maphash.String(s.d, key)
}

// find returns the index of key's entry, whose hash is h, or -1.
func (t *rlTable) find(s *rlSeeds, h uint64, key string) int {
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
		if e.tag == tag && e.is(s, h, key) {
			return int(i)
		}
	}
}

// set stores tat for key, whose hash is h, adding the key when it is new.
func (t *rlTable) set(s *rlSeeds, h uint64, key string, tat int64) {
	if at := t.find(s, h, key); at >= 0 {
		t.ents[at].tat = tat
		return
	}
	if (t.n+1)*4 > len(t.ents)*3 {
		t.resize(s, max(rlMinTable, 2*len(t.ents)))
	}
	e := rlEntry{tat: tat, tag: rlTag(h)}
	if len(key) <= rlInline {
		e.meta = uint8(len(key) + 1)
		copy(e.key[:], key)
	} else {
		e.meta = rlDigest
		binary.LittleEndian.PutUint64(e.key[0:], h)
		binary.LittleEndian.PutUint64(e.key[8:], maphash.String(s.d, key))
		binary.LittleEndian.PutUint32(e.key[16:], uint32(len(key))) // a key of 4 GiB and one of 0 would differ by their digests
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

// resize moves the entries into a table of size entries (a power of two).
func (t *rlTable) resize(s *rlSeeds, size int) {
	old := t.ents
	t.ents = make([]rlEntry, size)
	for i := range old {
		if e := &old[i]; e.meta != 0 {
			t.place(e.hash(s), *e)
		}
	}
}

// sweep drops the entries whose tat has passed (their keys are idle: the
// policy is full again, so forgetting them changes nothing). When any is
// dropped the table is rebuilt from the live ones, sized for twice their
// number: memory follows the keys active now, not the busiest moment since
// start.
func (t *rlTable) sweep(s *rlSeeds, now int64) {
	live := 0
	for i := range t.ents {
		if e := &t.ents[i]; e.meta != 0 && e.tat > now {
			live++
		}
	}
	if live == t.n {
		return
	}
	old := t.ents
	*t = rlTable{}
	if live == 0 {
		return
	}
	size := rlMinTable
	for size < 2*live {
		size <<= 1
	}
	t.ents = make([]rlEntry, size)
	for i := range old {
		if e := &old[i]; e.meta != 0 && e.tat > now {
			t.place(e.hash(s), *e)
			t.n++
		}
	}
}
