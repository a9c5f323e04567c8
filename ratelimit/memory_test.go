package ratelimit

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestMemoryExact hammers one key from 50 goroutines while an injected clock
// moves; the admitted count must be exactly burst + floor(elapsed/interval).
// Each case runs with a key held inline in its entry and one held by its
// digest.
func TestMemoryExact(t *testing.T) {
	tests := []rlExactCase{
		{"100/s burst 10", PerSecond(100).WithBurst(10), 1, 3 * time.Millisecond, 400},
		{"7/s burst 1", PerSecond(7), 1, 50 * time.Millisecond, 100},
		{"long period admits only the burst", PerDay(1).WithBurst(25), 1, time.Second, 50},
		{"cost 3 of 300/s burst 30", PerSecond(300).WithBurst(30), 3, 7 * time.Millisecond, 200},
	}
	for _, tt := range tests {
		for _, key := range []string{"k", "a key longer than an entry holds inline"} {
			t.Run(tt.name+"/"+key, func(t *testing.T) { rlExact(t, tt, key) })
		}
	}
}

type rlExactCase struct {
	name string
	p    Policy
	cost int64
	step time.Duration
	n    int
}

// rlExact checks key 150 times (50 goroutines, 3 checks each) at each of
// tt.n+1 clock readings tt.step apart, and counts what was admitted.
func rlExact(t *testing.T, tt rlExactCase, key string) {
	clk := rlNewClock()
	m := NewMemory(MemoryConfig{Now: clk.Now})
	pols := []Policy{tt.p}
	var admitted atomic.Int64
	for step := 0; step <= tt.n; step++ {
		var wg sync.WaitGroup
		for g := 0; g < 50; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var out [1]Status
				for i := 0; i < 3; i++ {
					ok, err := m.Allow(context.Background(), key, tt.cost, pols, out[:])
					if err != nil {
						t.Error(err)
						return
					}
					if ok {
						admitted.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		if step < tt.n {
			clk.Advance(tt.step)
		}
	}
	elapsed := (time.Duration(tt.n) * tt.step).Microseconds()
	want := (tt.p.Capacity() + elapsed/tt.p.Interval()) / tt.cost
	if got := admitted.Load(); got != want {
		t.Fatalf("admitted %d, want exactly %d (burst %d + %dµs / %dµs, cost %d)",
			got, want, tt.p.Capacity(), elapsed, tt.p.Interval(), tt.cost)
	}
}

func TestMemoryPoliciesAllOrNothing(t *testing.T) {
	clk := rlNewClock()
	m := NewMemory(MemoryConfig{Now: clk.Now})
	pols := []Policy{PerSecond(10), PerMinute(12)}
	out := make([]Status, 2)
	admitted := 0
	for i := 0; i < 100; i++ {
		if ok, _ := m.Allow(context.Background(), "k", 1, pols, out); ok {
			admitted++
		}
	}
	if admitted != 10 {
		t.Fatalf("first second admitted %d, want 10 (the per-second burst)", admitted)
	}
	if out[0].Allowed || !out[1].Allowed || out[1].Remaining != 2 {
		t.Fatalf("statuses after refusal = %+v; want second refusing, minute allowing with 2 left", out)
	}
	clk.Advance(time.Second)
	admitted = 0
	for i := 0; i < 100; i++ {
		if ok, _ := m.Allow(context.Background(), "k", 1, pols, out); ok {
			admitted++
		}
	}
	if admitted != 2 {
		t.Fatalf("second second admitted %d, want 2: refusals must not charge the minute policy", admitted)
	}
	if !out[0].Allowed || out[1].Allowed {
		t.Fatalf("statuses = %+v; want minute policy refusing", out)
	}
	// 12/min is one unit per 5s with a 60s capacity: 12 spent by t=1s put the
	// tat at 60s, so the next unit is due at 65s-60s = 5s, 4s from now.
	if out[1].RetryAfter != 4*time.Second {
		t.Fatalf("minute retry after %v, want 4s", out[1].RetryAfter)
	}
}

func TestMemorySweepsIdleKeys(t *testing.T) {
	clk := rlNewClock()
	m := NewMemory(MemoryConfig{Now: clk.Now, Shards: 1, SweepInterval: time.Second})
	pols := []Policy{PerSecond(10), PerDay(100)}
	out := make([]Status, 2)
	for i := 0; i < 1000; i++ {
		m.Allow(context.Background(), fmt.Sprint("key-", i), 1, pols, out)
	}
	if n := m.Len(); n != 2000 {
		t.Fatalf("Len = %d, want 2000", n)
	}
	clk.Advance(2 * time.Second) // the per-second entries are full again, the per-day ones not
	m.Allow(context.Background(), "other", 1, pols, out)
	if n := m.Len(); n != 1000+2 {
		t.Fatalf("after lazy sweep Len = %d, want 1002", n)
	}
	clk.Advance(24 * time.Hour)
	m.Sweep()
	if n := m.Len(); n != 0 {
		t.Fatalf("after Sweep Len = %d, want 0", n)
	}
}

// TestMemoryReleasesMemory: after a burst of keys goes idle, the heap the
// store holds falls back (Go maps keep their peak size after deletes, so the
// sweep rebuilds shrunken tables).
func TestMemoryReleasesMemory(t *testing.T) {
	clk := rlNewClock()
	m := NewMemory(MemoryConfig{Now: clk.Now, Shards: 4})
	pols := []Policy{PerSecond(10)}
	out := make([]Status, 1)
	heap := func() uint64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	for i := 0; i < 200_000; i++ {
		m.Allow(context.Background(), strconv.Itoa(i), 1, pols, out)
	}
	peak := heap()
	clk.Advance(time.Hour)
	m.Sweep()
	after := heap()
	runtime.KeepAlive(m)
	if m.Len() != 0 {
		t.Fatalf("Len = %d after the sweep, want 0", m.Len())
	}
	grown, left := int64(peak)-int64(before), int64(after)-int64(before)
	t.Logf("heap: +%d B at 200k keys, +%d B after they went idle", grown, left)
	if left > grown/4 {
		t.Fatalf("after the sweep the store still holds %d of the %d bytes it grew by", left, grown)
	}
	for i := 0; i < 10; i++ { // still works
		if ok, _ := m.Allow(context.Background(), "k", 1, pols, out); !ok {
			t.Fatal("refused after the rebuild")
		}
	}
}
