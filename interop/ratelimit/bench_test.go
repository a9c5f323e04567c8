package ratelimit_test

// Memory store benchmarks beside the peers a user would pick instead, in one
// run. See BENCHMARKS.md for the command and figures.

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/sethvargo/go-limiter/memorystore"
	"golang.org/x/time/rate"

	"github.com/apierr/apierr/ratelimit"
)

// rlBenchPolicy admits everything a benchmark throws at it, so every
// implementation does its full work (read, compute, write) on every call.
var rlBenchPolicy = []ratelimit.Policy{ratelimit.PerSecond(1_000_000).WithBurst(1_000_000)}

const rlBenchRate = 1_000_000

func rlKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = "tenant-" + strconv.Itoa(i)
	}
	return keys
}

// rlImpl is one contender: take(key) admits or refuses one request.
type rlImpl struct {
	name string
	make func(b *testing.B) (take func(key string) bool, done func())
}

var rlImpls = []rlImpl{
	{"apierr-memory", func(b *testing.B) (func(string) bool, func()) {
		m := ratelimit.NewMemory(ratelimit.MemoryConfig{})
		return func(k string) bool {
			var out [1]ratelimit.Status
			ok, _ := m.Allow(context.Background(), k, 1, rlBenchPolicy, out[:])
			return ok
		}, func() {}
	}},
	{"x-time-rate-syncmap", func(b *testing.B) (func(string) bool, func()) {
		var m sync.Map
		return func(k string) bool {
			v, ok := m.Load(k)
			if !ok {
				v, _ = m.LoadOrStore(k, rate.NewLimiter(rlBenchRate, rlBenchRate))
			}
			return v.(*rate.Limiter).Allow()
		}, func() {}
	}},
	{"x-time-rate-mutexmap", func(b *testing.B) (func(string) bool, func()) {
		var mu sync.Mutex
		m := map[string]*rate.Limiter{}
		return func(k string) bool {
			mu.Lock()
			l := m[k]
			if l == nil {
				l = rate.NewLimiter(rlBenchRate, rlBenchRate)
				m[k] = l
			}
			mu.Unlock()
			return l.Allow()
		}, func() {}
	}},
	{"go-limiter-memorystore", func(b *testing.B) (func(string) bool, func()) {
		s, err := memorystore.New(&memorystore.Config{Tokens: rlBenchRate, Interval: time.Second})
		if err != nil {
			b.Fatal(err)
		}
		return func(k string) bool {
				_, _, _, ok, _ := s.Take(context.Background(), k)
				return ok
			}, func() {
				_ = s.Close(context.Background())
			}
	}},
}

// BenchmarkMemoryStore checks one request per op, sequentially and from
// GOMAXPROCS goroutines, over 1 key and over 1M keys. Each contender is
// built, warmed with every key and the heap collected inside its own
// sub-benchmark, so no other contender's garbage or GC runs in its timing.
func BenchmarkMemoryStore(b *testing.B) {
	for _, n := range []int{1, 1_000_000} {
		keys := rlKeys(n)
		for _, impl := range rlImpls {
			b.Run("keys="+rlCount(n)+"/"+impl.name, func(b *testing.B) {
				take, done := rlWarm(b, impl, keys)
				defer done()
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					take(keys[i%n])
				}
			})
			b.Run("keys="+rlCount(n)+"/parallel/"+impl.name, func(b *testing.B) {
				take, done := rlWarm(b, impl, keys)
				defer done()
				b.ReportAllocs()
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					i := 0
					for pb.Next() {
						take(keys[i%n])
						i += 7919
					}
				})
			})
		}
	}
}

func rlWarm(b *testing.B, impl rlImpl, keys []string) (func(string) bool, func()) {
	take, done := impl.make(b)
	for _, k := range keys {
		take(k)
	}
	runtime.GC()
	return take, done
}

// BenchmarkMemoryBytesPerKey reports the heap each implementation holds per
// key (B/key, after GC, key strings excluded: every contender shares them).
func BenchmarkMemoryBytesPerKey(b *testing.B) {
	const n = 1_000_000
	keys := rlKeys(n)
	for _, impl := range rlImpls {
		b.Run(impl.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				take, done := impl.make(b)
				b.StartTimer()
				for _, k := range keys {
					take(k)
				}
				b.StopTimer()
				runtime.GC()
				runtime.ReadMemStats(&after)
				b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "B/key")
				runtime.KeepAlive(take)
				done()
				b.StartTimer()
			}
		})
	}
}

func rlCount(n int) string {
	if n >= 1_000_000 {
		return strconv.Itoa(n/1_000_000) + "M"
	}
	return strconv.Itoa(n)
}

// BenchmarkMiddleware is the whole allow path: key, check, both header
// fields; one tenant, two policies, memory store.
func BenchmarkMiddleware(b *testing.B) {
	lim := ratelimit.New(ratelimit.Config{
		Policies: []ratelimit.Policy{ratelimit.PerSecond(1_000_000), ratelimit.PerDay(1_000_000_000)},
		Key:      func(*http.Request) string { return "tenant-1" },
	})
	h := lim.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	w := &rlDiscard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
}

type rlDiscard struct{ h http.Header }

func (d *rlDiscard) Header() http.Header         { return d.h }
func (d *rlDiscard) Write(p []byte) (int, error) { return len(p), nil }
func (d *rlDiscard) WriteHeader(int)             {}
