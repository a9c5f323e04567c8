package ratelimit

import (
	"context"
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// MemoryConfig configures a Memory store. The zero value works.
type MemoryConfig struct {
	// Now is the clock (default time.Now). Tests inject one.
	Now func() time.Time
	// Shards is the number of lock shards, rounded up to a power of two
	// (default 256).
	Shards int
	// SweepInterval is how often each shard drops idle keys (default 1m). A key
	// is idle once its policies are full again, when forgetting it changes
	// nothing; so memory is bounded by the keys active within their burst
	// window. Sweeping happens inside Allow, a shard at a time: no goroutine,
	// nothing to Close.
	SweepInterval time.Duration
}

// Memory is an in-process Store: sharded hash tables from key to each
// policy's theoretical arrival time (one int64 per key and policy). It is the
// default store of a Limiter.
//
// Each shard holds one table per policy, open-addressed (linear probing)
// over the keys' 64-bit hashes (hash/maphash, seeded at random per store):
// a check finds its entry in one probe, usually one cache line, and updates
// it in place. An entry is 32 bytes with no pointer for the GC, whatever the
// key's length: it holds the key itself up to 21 bytes, a longer one by its
// length, hash and a second hash under another random seed, so two keys
// whose hashes collide keep separate limits and a client's long keys cost
// no more memory than short ones.
type Memory struct {
	now    func() int64 // µs
	seeds  rlSeeds
	mask   uint64
	sweep  int64 // µs
	shards []rlShard

	mu    sync.Mutex
	slots atomic.Pointer[rlSlots] // policy name → table index
}

// rlSlots maps policy names to table indexes. byPtr remembers the name
// strings seen, by address: a Limiter passes the same Policy values on every
// call, so a pointer compare usually finds the slot without hashing.
type rlSlots struct {
	byName map[string]int
	byPtr  []rlSlotPtr
}

const rlSlotPtrs = 64 // name addresses remembered

type rlSlotPtr struct {
	p    *byte
	n    int
	slot int
	// The interval of the first policy seen under this name, by the
	// fields it depends on: Allow then divides only for another policy of
	// the same name (FailLocal's scaled copies, say).
	period time.Duration
	limit  int64
	iv     int64
}

type rlShard struct {
	mu        sync.Mutex
	tabs      []rlTable // by policy slot
	nextSweep int64
	_         [64 - 8 - 24 - 8]byte // one cache line per shard
}

var _ Store = (*Memory)(nil)

// NewMemory returns a Memory store.
func NewMemory(cfg MemoryConfig) *Memory {
	n := cfg.Shards
	if n <= 0 {
		n = 256
	}
	size := 1
	for size < n {
		size <<= 1
	}
	m := &Memory{now: rlMicros(cfg.Now), seeds: rlSeeds{maphash.MakeSeed(), maphash.MakeSeed()}, mask: uint64(size - 1), shards: make([]rlShard, size)}
	m.sweep = cfg.SweepInterval.Microseconds()
	if m.sweep <= 0 {
		m.sweep = time.Minute.Microseconds()
	}
	m.slots.Store(&rlSlots{byName: map[string]int{}})
	return m
}

// slotOf returns p's table slot and interval.
func (m *Memory) slotOf(p *Policy) (slot int, iv int64) {
	cur := m.slots.Load()
	ptr := unsafe.StringData(p.Name)
	for i := range cur.byPtr {
		if e := &cur.byPtr[i]; e.p == ptr && e.n == len(p.Name) {
			if e.period == p.Period && e.limit == p.Limit {
				return e.slot, e.iv
			}
			return e.slot, p.Interval()
		}
	}
	return m.slot(p), p.Interval()
}

// slot returns p's table slot: one per policy name, in order of first use.
func (m *Memory) slot(p *Policy) int {
	name := p.Name
	if cur := m.slots.Load(); len(cur.byPtr) >= rlSlotPtrs {
		if i, ok := cur.byName[name]; ok {
			return i // a name built per call, past the addresses remembered
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	cur := m.slots.Load()
	next := &rlSlots{byName: make(map[string]int, len(cur.byName)+1)}
	for k, v := range cur.byName {
		next.byName[k] = v
	}
	i, ok := next.byName[name]
	if !ok {
		i = len(next.byName)
		next.byName[name] = i
	}
	// Remember this name's address too, a bounded number of them: names
	// built per call (never the case with a Limiter) must not grow the list.
	next.byPtr = cur.byPtr
	if len(cur.byPtr) < rlSlotPtrs {
		next.byPtr = append(append([]rlSlotPtr(nil), cur.byPtr...), rlSlotPtr{unsafe.StringData(name), len(name), i, p.Period, p.Limit, p.Interval()})
	}
	m.slots.Store(next)
	return i
}

// Allow implements Store.
func (m *Memory) Allow(_ context.Context, key string, cost int64, policies []Policy, out []Status) (bool, error) {
	return m.allowKey(key, cost, policies, out), nil
}

// rlPlan is what a check needs of its policies besides the policies
// themselves: each one's table slot in the store and emission interval
// (Policy.Interval, a division). A Limiter works it out once; Allow per call.
type rlPlan struct {
	slots []int
	ivs   []int64
	top   int // the largest slot
}

func (m *Memory) plan(policies []Policy, slotBuf []int, ivBuf []int64) rlPlan {
	p := rlPlan{slots: slotBuf[:0], ivs: ivBuf[:0], top: -1}
	for i := range policies {
		s, iv := m.slotOf(&policies[i])
		p.slots = append(p.slots, s)
		p.ivs = append(p.ivs, iv)
		p.top = max(p.top, s)
	}
	return p
}

// allowBytes is Allow for a key held in bytes (the Limiter's middleware
// builds it in a buffer of its own) and policies planned beforehand: the
// same hash as Allow of the same key as a string, without making that
// string.
func (m *Memory) allowBytes(key []byte, cost int64, policies []Policy, p *rlPlan, out []Status) bool {
	// The string shares key's bytes: the tables compare it and copy it,
	// never keep it.
	k := unsafe.String(unsafe.SliceData(key), len(key))
	return m.allowPlanned(maphash.Bytes(m.seeds.h, key), k, cost, policies, p.slots, p.ivs, p.top, out)
}

// allowKey is Allow without the error.
func (m *Memory) allowKey(key string, cost int64, policies []Policy, out []Status) bool {
	var slotBuf [4]int
	var ivBuf [4]int64
	slots, ivs, top := slotBuf[:0], ivBuf[:0], -1
	for i := range policies {
		s, iv := m.slotOf(&policies[i])
		slots = append(slots, s)
		ivs = append(ivs, iv)
		top = max(top, s)
	}
	return m.allowPlanned(maphash.String(m.seeds.h, key), key, cost, policies, slots, ivs, top, out)
}

// allowPlanned is Allow for key, whose hash is h, given each policy's slot
// and interval, and the largest slot.
func (m *Memory) allowPlanned(h uint64, key string, cost int64, policies []Policy, slots []int, ivs []int64, top int, out []Status) bool {
	var tatBuf, oldBuf [4]int64
	var atBuf [4]int
	tats, olds, ats := tatBuf[:0], oldBuf[:0], atBuf[:0]

	sh := &m.shards[h>>32&m.mask]
	now := m.now()
	sh.mu.Lock()
	if len(sh.tabs) <= top {
		sh.tabs = append(sh.tabs, make([]rlTable, top+1-len(sh.tabs))...)
	}
	allowed := true
	for i := range policies {
		t := &sh.tabs[slots[i]]
		var old int64
		at := t.find(&m.seeds, h, key)
		if at >= 0 {
			old = t.ents[at].tat
		}
		ats = append(ats, at)
		olds = append(olds, old)
		tat := max(old, now)
		nt := tat + cost*ivs[i]
		allowed = allowed && nt-policies[i].Capacity()*ivs[i] <= now // Policy.GCRA
		tats = append(tats, nt)
	}
	if allowed && cost > 0 {
		for i := range policies {
			if t := &sh.tabs[slots[i]]; ats[i] >= 0 {
				t.ents[ats[i]].tat = tats[i]
			} else {
				// A new key: inserting may grow the table, which only this
				// policy's slot uses (or a duplicate of it, whose key then
				// was not found either: set finds what the first inserted).
				t.set(&m.seeds, h, key, tats[i])
			}
		}
	} else {
		copy(tats, olds)
	}
	if now >= sh.nextSweep {
		sh.sweep(&m.seeds, now, m.sweep)
	}
	sh.mu.Unlock()

	for i := range policies {
		policies[i].fillStatus(&out[i], now, tats[i], cost, allowed, ivs[i])
	}
	return allowed
}

// Sweep drops every idle key now. Allow sweeps a shard at a time on its
// own; call Sweep from a ticker if traffic is too sparse for that.
func (m *Memory) Sweep() {
	now := m.now()
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.Lock()
		sh.sweep(&m.seeds, now, m.sweep)
		sh.mu.Unlock()
	}
}

// sweep drops the shard's idle keys; sh.mu is held.
func (sh *rlShard) sweep(seeds *rlSeeds, now, every int64) {
	sh.nextSweep = now + every
	for i := range sh.tabs {
		sh.tabs[i].sweep(seeds, now)
	}
}

// Len returns the number of keys held (summed over policies), for tests and metrics.
func (m *Memory) Len() int {
	n := 0
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.Lock()
		for i := range sh.tabs {
			n += sh.tabs[i].n
		}
		sh.mu.Unlock()
	}
	return n
}

// rlMicros returns the clock in µs: now's, or by default one that reads
// only the monotonic clock after start (one vDSO call instead of time.Now's
// two, and no time.Time to build): wall-clock steps do not disturb the
// limiter.
func rlMicros(now func() time.Time) func() int64 {
	if now != nil {
		return func() int64 { return now().UnixMicro() }
	}
	start := time.Now()
	base := start.UnixMicro()
	return func() int64 { return base + int64(time.Since(start)/time.Microsecond) }
}
