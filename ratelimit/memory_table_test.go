package ratelimit

import (
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestMemoryCollidingHashesKeepSeparateLimits: two keys whose 64-bit hashes
// are equal (forced here: a real collision cannot be found) get limits of
// their own, for short keys held inline and long ones held by their digest.
func TestMemoryCollidingHashesKeepSeparateLimits(t *testing.T) {
	for _, keys := range [][]string{
		{"rl:ip:192.0.2.1", "rl:ip:192.0.2.2"},
		{"a", "ab", ""}, // prefixes of each other, and the empty key
		{strings.Repeat("k", 40), strings.Repeat("k", 41), "rl:ip:192.0.2.1"},
		{strings.Repeat("x", rlInline), strings.Repeat("x", rlInline+1)}, // either side of inline
	} {
		t.Run(fmt.Sprintf("%q", keys), func(t *testing.T) {
			clk := rlNewClock()
			m := NewMemory(MemoryConfig{Now: clk.Now, Shards: 1})
			pols := []Policy{PerDay(1).WithBurst(3)}
			p := m.plan(pols, nil, nil)
			const h = 0x9e3779b97f4a7c15 // every key's "hash"
			allow := func(key string, cost int64) (bool, Status) {
				var out [1]Status
				ok := m.allowPlanned(h, key, cost, pols, p.slots, p.ivs, p.top, out[:])
				return ok, out[0]
			}
			for i, k := range keys {
				// The earlier keys have spent their bursts; this one has its own.
				if _, s := allow(k, 0); s.Remaining != 3 {
					t.Fatalf("key %d %q: a peek finds %d left before its first check, want 3", i, k, s.Remaining)
				}
				for n := 1; n <= 3; n++ {
					if ok, s := allow(k, 1); !ok || s.Remaining != int64(3-n) {
						t.Fatalf("key %d %q: check %d admitted %v with %d left, want true with %d", i, k, n, ok, s.Remaining, 3-n)
					}
				}
				if ok, _ := allow(k, 1); ok {
					t.Fatalf("key %d %q: admitted past its burst", i, k)
				}
			}
			if got := m.Len(); got != len(keys) {
				t.Fatalf("Len = %d, want %d", got, len(keys))
			}
		})
	}
}

// TestTableGrowsAndSweeps: a table keeps every key through its growth and
// rebuilds, the digested keys moved by their held hash. (Growth rehashes
// the inline keys with the store's seed, so the colliding hashes of the
// test above cannot be forced through it.)
func TestTableGrowsAndSweeps(t *testing.T) {
	seeds := &rlSeeds{maphash.MakeSeed(), maphash.MakeSeed()}
	var tab rlTable
	key := func(i int) string {
		if i%3 == 0 {
			return fmt.Sprintf("a-long-key-held-by-its-digest-%d", i)
		}
		return fmt.Sprint("k", i)
	}
	hash := func(i int) uint64 { return maphash.String(seeds.h, key(i)) }
	const n = 5000
	for i := range n {
		tab.set(seeds, hash(i), key(i), int64(i+1))
	}
	check := func(live func(i int) bool) {
		t.Helper()
		for i := range n {
			at := tab.find(seeds, hash(i), key(i))
			switch {
			case live(i) && (at < 0 || tab.ents[at].tat != int64(i+1)):
				t.Fatalf("key %q: at %d, want its entry with tat %d", key(i), at, i+1)
			case !live(i) && at >= 0:
				t.Fatalf("key %q: still there after the sweep", key(i))
			}
		}
	}
	check(func(int) bool { return true })
	if tab.n != n || len(tab.ents) < n*4/3 {
		t.Fatalf("n = %d, %d entries, want %d in at least %d", tab.n, len(tab.ents), n, n*4/3)
	}
	tab.sweep(seeds, n/2) // drops tat <= n/2: keys 0 … n/2-1
	check(func(i int) bool { return i+1 > n/2 })
	if tab.n != n-n/2 {
		t.Fatalf("n = %d after the sweep, want %d", tab.n, n-n/2)
	}
	tab.sweep(seeds, n)
	if tab.n != 0 || tab.ents != nil {
		t.Fatalf("after sweeping every key: n %d, %d entries", tab.n, len(tab.ents))
	}
}

// TestTableAgainstAMap runs random sets, lookups and sweeps on a table and
// on a Go map side by side: keys of every length from empty to past the
// inline limit, a universe small enough that keys come back after sweeps.
func TestTableAgainstAMap(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		rng := rand.New(rand.NewPCG(seed, 0))
		seeds := &rlSeeds{maphash.MakeSeed(), maphash.MakeSeed()}
		keys := make([]string, 300)
		for i := range keys {
			keys[i] = strings.Repeat("k", i%40) + strconv.Itoa(i)
		}
		var tab rlTable
		model := map[string]int64{}
		now := int64(0)
		for op := 0; op < 5000; op++ {
			k := keys[rng.IntN(len(keys))]
			h := maphash.String(seeds.h, k)
			switch n := rng.IntN(100); {
			case n < 60:
				tat := now + 1 + rng.Int64N(100)
				tab.set(seeds, h, k, tat)
				model[k] = tat
			case n < 99:
				at := tab.find(seeds, h, k)
				want, ok := model[k]
				if ok != (at >= 0) || ok && tab.ents[at].tat != want {
					t.Fatalf("seed %d op %d: find(%q) = %d, model has %v (%d)", seed, op, k, at, ok, want)
				}
			default:
				now += rng.Int64N(60)
				tab.sweep(seeds, now)
				for mk, tat := range model {
					if tat <= now {
						delete(model, mk)
					}
				}
			}
			if tab.n != len(model) {
				t.Fatalf("seed %d op %d: table holds %d keys, model %d", seed, op, tab.n, len(model))
			}
		}
	}
}

// TestLayout: an entry is half a cache line and a shard a whole one, as
// their comments say (a field added to either must keep it so).
func TestLayout(t *testing.T) {
	if n := unsafe.Sizeof(rlEntry{}); n != 32 {
		t.Errorf("rlEntry is %d bytes, want 32", n)
	}
	if n := unsafe.Sizeof(rlShard{}); n != 64 {
		t.Errorf("rlShard is %d bytes, want 64", n)
	}
}

// TestLongKeysCostNoMoreMemory: a store's memory is bounded by its number of
// keys, not by their length, and a long key is told apart from another of
// the same length and hash only by its digest.
func TestLongKeysCostNoMoreMemory(t *testing.T) {
	m := NewMemory(MemoryConfig{Shards: 1})
	pols := []Policy{PerDay(10)}
	var out [1]Status
	long := strings.Repeat("x", 64<<10)
	for i := range 100 {
		m.allowKey(long+strconv.Itoa(i), 1, pols, out[:])
	}
	tab := &m.shards[0].tabs[0]
	if tab.n != 100 || len(tab.ents) > 256 {
		t.Fatalf("%d keys of 64 KiB in %d entries", tab.n, len(tab.ents))
	}
	// Every entry is 32 bytes and holds no pointer: the table is all there is.
	if got := uintptr(len(tab.ents)) * unsafe.Sizeof(rlEntry{}); got > 8<<10 {
		t.Fatalf("100 keys of 64 KiB take %d bytes of table", got)
	}
	// Same length, same forced hash, another key: its own entry.
	seeds := &m.seeds
	var tb rlTable
	a, b := strings.Repeat("a", 40), strings.Repeat("b", 40)
	tb.set(seeds, 42, a, 1)
	if tb.find(seeds, 42, b) >= 0 {
		t.Fatal("a key of the same length and hash found another's entry")
	}
	tb.set(seeds, 42, b, 2)
	if at := tb.find(seeds, 42, a); at < 0 || tb.ents[at].tat != 1 {
		t.Fatal("the first key lost its entry")
	}
}
