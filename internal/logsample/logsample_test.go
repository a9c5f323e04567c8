package logsample

import (
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

var t0 = time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC) // a multiple of 10s

type timers struct {
	mu    sync.Mutex
	armed []func()
	after []time.Duration
	stops int
}

func (m *timers) afterFunc(d time.Duration, f func()) func() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.armed = append(m.armed, f)
	m.after = append(m.after, d)
	return func() bool { m.mu.Lock(); m.stops++; m.mu.Unlock(); return true }
}

type sink struct {
	mu   sync.Mutex
	sums []Summary[string, int]
}

func (s *sink) emit(x Summary[string, int]) { s.mu.Lock(); s.sums = append(s.sums, x); s.mu.Unlock() }

func (s *sink) take() []Summary[string, int] {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.sums
	s.sums = nil
	return out
}

func newTest(t *testing.T, first int) (*Sampler[string, int], *sink, *timers) {
	t.Helper()
	var out sink
	tm := &timers{}
	return New(Config{First: first, Interval: 10 * time.Second, AfterFunc: tm.afterFunc}, out.emit), &out, tm
}

func TestFirstThroughRestCountedOncePerWindow(t *testing.T) {
	s, out, tm := newTest(t, 3)
	allowed := 0
	for i := range 100 {
		if s.Allow("rate_limited", t0.Add(time.Duration(i)*50*time.Millisecond), i) {
			allowed++
		}
	}
	if allowed != 3 {
		t.Fatalf("allowed %d of 100 in one window, want 3", allowed)
	}
	if got := out.take(); len(got) != 0 {
		t.Fatalf("summary before the window ended: %v", got)
	}
	// Armed once, at the first suppressed event (t0+150ms), for the window's end.
	if len(tm.armed) != 1 || tm.after[0] != 10*time.Second-150*time.Millisecond {
		t.Fatalf("timers armed %d, after %v; want one, for the window's end", len(tm.armed), tm.after)
	}
	// The next event, in the next window, flushes the summary first, then is
	// one of the first of its own window.
	if !s.Allow("rate_limited", t0.Add(10*time.Second), 100) {
		t.Fatal("first event of the next window suppressed")
	}
	got := out.take()
	if len(got) != 1 {
		t.Fatalf("summaries %v, want one", got)
	}
	if g := got[0]; g.Key != "rate_limited" || g.Suppressed != 97 || g.Last != 99 || !g.Start.Equal(t0) || g.Interval != 10*time.Second {
		t.Fatalf("summary %+v, want rate_limited: 97 suppressed, last 99, from %v for 10s", g, t0)
	}
	if tm.stops != 1 {
		t.Fatalf("the flushed window's timer was not cancelled (stops %d)", tm.stops)
	}
}

func TestTimerFlushesAnIdleWindow(t *testing.T) {
	s, out, tm := newTest(t, 1)
	for i := range 5 {
		s.Allow("a", t0.Add(time.Second), i)
		s.Allow("b", t0.Add(2*time.Second), i)
	}
	if len(tm.armed) != 1 {
		t.Fatalf("armed %d timers, want one for every key of the window", len(tm.armed))
	}
	tm.armed[0]() // the window ends; no event follows
	got := out.take()
	if len(got) != 2 {
		t.Fatalf("summaries %v, want a and b", got)
	}
	for _, g := range got {
		if g.Suppressed != 4 || g.Last != 4 {
			t.Errorf("summary %+v, want 4 suppressed, last 4", g)
		}
	}
	tm.armed[0]() // firing again has nothing to say
	s.Allow("a", t0.Add(20*time.Second), 0)
	if got := out.take(); len(got) != 0 {
		t.Fatalf("flushed twice: %v", got)
	}
}

func TestFlushAndQuietWindows(t *testing.T) {
	s, out, tm := newTest(t, 2)
	s.Allow("a", t0, 0)
	s.Allow("a", t0, 0)
	s.Flush()
	if got := out.take(); len(got) != 0 || len(tm.armed) != 0 {
		t.Fatalf("nothing suppressed yet got summaries %v, timers %d", got, len(tm.armed))
	}
	s.Allow("a", t0, 7)
	s.Flush()
	if got := out.take(); len(got) != 1 || got[0].Suppressed != 1 || got[0].Last != 7 {
		t.Fatalf("Flush: %v", got)
	}
	if tm.stops != 1 {
		t.Fatalf("Flush left its timer (stops %d)", tm.stops)
	}
	// Within the same window, the key stays sampled after a flush.
	if s.Allow("a", t0.Add(time.Second), 8) {
		t.Fatal("a third event of the window let through after Flush")
	}
}

func TestClockGoingBackStaysInTheLatestWindow(t *testing.T) {
	s, out, _ := newTest(t, 1)
	s.Allow("a", t0.Add(15*time.Second), 0)
	if s.Allow("a", t0.Add(5*time.Second), 1) {
		t.Fatal("an event stamped in an earlier window opened it again")
	}
	s.Allow("a", t0.Add(25*time.Second), 2)
	if got := out.take(); len(got) != 1 || got[0].Suppressed != 1 || !got[0].Start.Equal(t0.Add(10*time.Second)) {
		t.Fatalf("summaries %v", got)
	}
}

func TestMaxKeysSharesTheZeroKey(t *testing.T) {
	var out sink
	tm := &timers{}
	s := New(Config{First: 1, Interval: time.Second, AfterFunc: tm.afterFunc, MaxKeys: 2}, out.emit)
	through := 0
	for i := range 50 {
		if s.Allow(string(rune('a'+i%26))+string(rune('a'+i/26)), t0, i) {
			through++
		}
	}
	if through != 3 {
		t.Fatalf("%d of 50 distinct keys let through with MaxKeys 2, want 3 (two keys' own, one of the rest)", through)
	}
	if len(s.buckets) != 3 {
		t.Fatalf("buckets %d, want 2 keys and the shared zero key", len(s.buckets))
	}
	s.Flush()
	if got := out.take(); len(got) != 1 || got[0].Key != "" || got[0].Suppressed != 47 {
		t.Fatalf("summaries %+v, want the zero key with 47 (one let through)", got)
	}
}

func TestConcurrentCountsAddUp(t *testing.T) {
	s, out, _ := newTest(t, 5)
	const workers, each = 8, 2000
	var allowed sync.Map
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			n := 0
			for i := range each {
				// Three windows' worth of clock, each worker on its own pace.
				at := t0.Add(time.Duration(i) * 15 * time.Millisecond)
				if s.Allow([]string{"x", "y"}[i%2], at, g) {
					n++
				}
			}
			allowed.Store(g, n)
		})
	}
	wg.Wait()
	s.Flush()
	total := int64(0)
	allowed.Range(func(_, v any) bool { total += int64(v.(int)); return true })
	for _, sum := range out.take() {
		total += sum.Suppressed
	}
	if total != workers*each {
		t.Fatalf("let through + summarised = %d, want every one of %d events", total, workers*each)
	}
}

func TestSuppressedPathDoesNotAllocate(t *testing.T) {
	s, _, _ := newTest(t, 1)
	s.Allow("rate_limited", t0, 0)
	s.Allow("rate_limited", t0, 0) // arms the window's timer
	at := t0.Add(time.Second)
	if n := testing.AllocsPerRun(1000, func() { s.Allow("rate_limited", at, 1) }); n != 0 {
		t.Fatalf("suppressed Allow allocates %v times", n)
	}
}

// With the real time.AfterFunc (in a synctest bubble, whose clock is fake),
// a flood's summary comes at the window's end with no event after it, and
// nothing is left running: synctest.Test fails on a goroutine still blocked
// when the bubble ends, and the count is checked too.
func TestRealTimerLeavesNothingRunning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		before := runtime.NumGoroutine()
		var out sink
		s := New(Config{First: 2, Interval: 10 * time.Second}, out.emit)
		for i := range 1000 {
			s.Allow("rate_limited", time.Now(), i)
		}
		time.Sleep(10 * time.Second) // fake time: the bubble's clock jumps
		synctest.Wait()
		if got := out.take(); len(got) != 1 || got[0].Suppressed != 998 {
			t.Fatalf("summaries at the window's end: %v", got)
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		if got := out.take(); len(got) != 0 {
			t.Fatalf("an idle sampler emitted %v", got)
		}
		// No goroutine of the bubble is left in the sampler's code.
		// (runtime.NumGoroutine counts the whole process, where a finalizer
		// or an earlier test's timer may run at any moment; a goroutine's
		// stack header says whether it is this bubble's.)
		buf := make([]byte, 1<<20)
		for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
			if strings.Contains(g, "synctest bubble") && strings.Contains(g, "(*Sampler[") {
				t.Fatalf("a goroutine of the sampler is still there (%d goroutines in the process, %d before):\n%s", runtime.NumGoroutine(), before, g)
			}
		}
	})
}

func BenchmarkAllowSuppressed(b *testing.B) {
	s := New(Config{First: 5, Interval: 10 * time.Second}, func(Summary[string, int]) {})
	now := time.Now()
	for range 10 {
		s.Allow("rate_limited", now, 0)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s.Allow("rate_limited", now, 1)
	}
	b.StopTimer()
	s.Flush()
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 12345: "12,345", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// FlushAll reaches every live Sampler, and a Sampler nobody holds any more
// leaves the registry (it is held weakly).
func TestFlushAllAndTheRegistry(t *testing.T) {
	s, out, _ := newTest(t, 1)
	s.Allow("a", t0, 1)
	s.Allow("a", t0, 2)
	FlushAll()
	if got := out.take(); len(got) != 1 || got[0].Suppressed != 1 || got[0].Last != 2 {
		t.Fatalf("FlushAll: %v", got)
	}
	registry.mu.Lock()
	pruneLocked()
	before := len(registry.entries)
	registry.mu.Unlock()
	for range 1000 {
		New(Config{First: 1, Interval: time.Second}, func(Summary[int, int]) {})
	}
	runtime.GC()
	registry.mu.Lock()
	pruneLocked()
	after := len(registry.entries)
	registry.mu.Unlock()
	if after > before {
		t.Errorf("registry holds %d entries after 1,000 unreferenced samplers were collected (%d before): they are not let go", after, before)
	}
	// Registering prunes by itself, the list at most doubling in between.
	for range 3000 {
		New(Config{First: 1, Interval: time.Second}, func(Summary[int, int]) {})
		registry.mu.Lock()
		n, p := len(registry.entries), registry.pruned
		registry.mu.Unlock()
		if n > 2*max(p, 32)+1 {
			t.Fatalf("%d entries, %d at the last pruning: registering does not prune", n, p)
		}
	}
	runtime.KeepAlive(s)
}
