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

// Memory is an in-process Store: a sharded map from key to each policy's
// theoretical arrival time (one int64 per key and policy). It is the default
// store of a Limiter.
//
// Keys are held by their 64-bit hash (hash/maphash, seeded at random per
// store), not as strings: 16 bytes a slot, no pointer for the GC, no string
// compare on lookup. Two keys share a limit only if their hashes collide,
// about n²/2⁶⁵ for n live keys (3·10⁻⁸ for a million), and the random seed
// keeps a client from aiming for a collision.
type Memory struct {
	now    func() int64 // µs
	seed   maphash.Seed
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

type rlSlotPtr struct {
	p    *byte
	n    int
	slot int
}

type rlShard struct {
	mu        sync.Mutex
	tabs      []map[uint64]int64 // by policy slot: key hash → tat (µs)
	peak      []int              // by policy slot: the most keys the table has held
	nextSweep int64
	// 8+24+24+8 = 64 bytes: one cache line per shard.
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
	m := &Memory{now: rlMicros(cfg.Now), seed: maphash.MakeSeed(), mask: uint64(size - 1), shards: make([]rlShard, size)}
	m.sweep = cfg.SweepInterval.Microseconds()
	if m.sweep <= 0 {
		m.sweep = time.Minute.Microseconds()
	}
	m.slots.Store(&rlSlots{byName: map[string]int{}})
	return m
}

func (m *Memory) slot(name string) int {
	cur := m.slots.Load()
	p := unsafe.StringData(name)
	for _, e := range cur.byPtr {
		if e.p == p && e.n == len(name) {
			return e.slot
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	cur = m.slots.Load()
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
	if len(cur.byPtr) < 64 {
		next.byPtr = append(append([]rlSlotPtr(nil), cur.byPtr...), rlSlotPtr{p, len(name), i})
	}
	m.slots.Store(next)
	return i
}

// Allow implements Store.
func (m *Memory) Allow(_ context.Context, key string, cost int64, policies []Policy, out []Status) (bool, error) {
	return m.allowHash(maphash.String(m.seed, key), cost, policies, out), nil
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
		s := m.slot(policies[i].Name)
		p.slots = append(p.slots, s)
		p.ivs = append(p.ivs, policies[i].Interval())
		p.top = max(p.top, s)
	}
	return p
}

// allowBytes is Allow for a key held in bytes (the Limiter's middleware
// builds it in a buffer of its own) and policies planned beforehand: the
// same hash as Allow of the same key as a string, without making that
// string.
func (m *Memory) allowBytes(key []byte, cost int64, policies []Policy, p *rlPlan, out []Status) bool {
	return m.allowPlanned(maphash.Bytes(m.seed, key), cost, policies, p.slots, p.ivs, p.top, out)
}

// allowHash is Allow for the key whose hash is h.
func (m *Memory) allowHash(h uint64, cost int64, policies []Policy, out []Status) bool {
	var slotBuf [4]int
	var ivBuf [4]int64
	slots, ivs, top := slotBuf[:0], ivBuf[:0], -1
	for i := range policies {
		s := m.slot(policies[i].Name)
		slots = append(slots, s)
		ivs = append(ivs, policies[i].Interval())
		top = max(top, s)
	}
	return m.allowPlanned(h, cost, policies, slots, ivs, top, out)
}

// allowPlanned is Allow for the key whose hash is h, given each policy's
// slot and interval, and the largest slot.
func (m *Memory) allowPlanned(h uint64, cost int64, policies []Policy, slots []int, ivs []int64, top int, out []Status) bool {
	var tatBuf, oldBuf [4]int64
	tats, olds := tatBuf[:0], oldBuf[:0]

	sh := &m.shards[h>>32&m.mask]
	now := m.now()
	sh.mu.Lock()
	for len(sh.tabs) <= top {
		sh.tabs = append(sh.tabs, make(map[uint64]int64))
		sh.peak = append(sh.peak, 0)
	}
	allowed := true
	for i := range policies {
		old := sh.tabs[slots[i]][h]
		olds = append(olds, old)
		tat := max(old, now)
		nt := tat + cost*ivs[i]
		allowed = allowed && nt-policies[i].Capacity()*ivs[i] <= now // Policy.GCRA
		tats = append(tats, nt)
	}
	if allowed && cost > 0 {
		for i := range policies {
			t := sh.tabs[slots[i]]
			t[h] = tats[i]
			if len(t) > sh.peak[slots[i]] {
				sh.peak[slots[i]] = len(t)
			}
		}
	} else {
		copy(tats, olds)
	}
	if now >= sh.nextSweep {
		sh.sweep(now, m.sweep)
	}
	sh.mu.Unlock()

	for i := range policies {
		out[i] = policies[i].statusAt(now, tats[i], cost, allowed, ivs[i])
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
		sh.sweep(now, m.sweep)
		sh.mu.Unlock()
	}
}

// sweep drops the shard's idle keys; sh.mu is held. A Go map keeps the
// memory of its largest size after deletes, so a table that has shrunk to a
// quarter of its peak is copied into a fresh one: memory follows the keys
// active now, not the busiest moment since start.
func (sh *rlShard) sweep(now, every int64) {
	sh.nextSweep = now + every
	for i, t := range sh.tabs {
		for k, tat := range t {
			if tat <= now {
				delete(t, k)
			}
		}
		if sh.peak[i] >= 1024 && len(t) < sh.peak[i]/4 {
			fresh := make(map[uint64]int64, len(t))
			for k, v := range t {
				fresh[k] = v
			}
			sh.tabs[i], sh.peak[i] = fresh, len(t)
		}
	}
}

// Len returns the number of keys held (summed over policies), for tests and metrics.
func (m *Memory) Len() int {
	n := 0
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.Lock()
		for _, t := range sh.tabs {
			n += len(t)
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
