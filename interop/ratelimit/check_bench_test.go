package ratelimit_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/sethvargo/go-limiter"
	"github.com/sethvargo/go-limiter/memorystore"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/ratelimit"
)

// BenchmarkCheck is one admitted rate-limit check three ways, in one run:
//
//   - middleware: what a request pays in ratelimit's Middleware around a
//     handler that does nothing: the key from the request, the check, the
//     RateLimit-Policy and RateLimit fields (the header map is cleared
//     every op, as a fresh response's is, so every field is set anew);
//   - store: the ratelimit.Memory store's Allow underneath, with the same
//     key and policies;
//   - go-limiter: sethvargo/go-limiter's memorystore Take, the peer.
//
// The goals (issue 23): middleware 0 allocs and ≤ 1.5× store; store ≤
// go-limiter, at 1 key and at 1M keys. Keys are the default's (the client
// IP, "ip:" + address) at 1 key, the demo's (the API key's ID, after
// authentication) in keyid, and one of 1M tenants per op at 1M (a custom
// KeyFunc picking the next). The policy admits every check: a burst no loop
// can spend, so each op does its full read–compute–write.
//
// The stores' clock is the real one, so a key checked in a loop faster than
// its rate sees its RateLimit "t" grow (by a second every ~million checks);
// the "2policies" cases add a day policy whose remaining count changes on
// every check, so the RateLimit value is formatted anew each time: the
// worst case of the middleware's value cache.
func BenchmarkCheck(b *testing.B) {
	policy := []ratelimit.Policy{ratelimit.PerSecond(1_000_000).WithBurst(1 << 40)}
	// A day of 1e9 with its burst at the limit: its remaining count drops
	// by one on every check, so the RateLimit value is new every time.
	two := []ratelimit.Policy{policy[0], ratelimit.PerDay(1_000_000_000)}
	ctx := context.Background()
	ip := httptest.NewRequest(http.MethodGet, "/", nil) // RemoteAddr 192.0.2.1:1234

	b.Run("keys=1/middleware", func(b *testing.B) {
		h := ratelimit.New(ratelimit.Config{Policies: policy}).Middleware(rlNoop)
		rlServeLoop(b, h, ip, nil)
	})
	b.Run("keys=1/middleware-keyid", func(b *testing.B) {
		h := ratelimit.New(ratelimit.Config{Policies: policy, Key: ratelimit.ByKeyID}).Middleware(rlNoop)
		st := apierr.NewState(nil, "req-1")
		st.SetPrincipal(&apierr.Principal{Tenant: "ws_acme", KeyID: "key_4f9c2b7e"})
		rlServeLoop(b, h, ip.WithContext(apierr.NewContext(ip.Context(), st)), nil)
	})
	b.Run("keys=1/middleware-2policies", func(b *testing.B) {
		h := ratelimit.New(ratelimit.Config{Policies: two}).Middleware(rlNoop)
		rlServeLoop(b, h, ip, nil)
	})
	b.Run("keys=1/store", func(b *testing.B) {
		m := ratelimit.NewMemory(ratelimit.MemoryConfig{})
		var out [1]ratelimit.Status
		rlLoop(b, func(int) { m.Allow(ctx, "rl:ip:192.0.2.1", 1, policy, out[:]) }, 1)
	})
	b.Run("keys=1/store-2policies", func(b *testing.B) {
		m := ratelimit.NewMemory(ratelimit.MemoryConfig{})
		var out [2]ratelimit.Status
		rlLoop(b, func(int) { m.Allow(ctx, "rl:ip:192.0.2.1", 1, two, out[:]) }, 1)
	})
	b.Run("keys=1/go-limiter", func(b *testing.B) {
		s := rlGoLimiter(b)
		rlLoop(b, func(int) { s.Take(ctx, "ip:192.0.2.1") }, 1)
	})

	const n = 1_000_000
	var keys, prefixed []string
	build := func() {
		if keys == nil {
			keys = rlKeys(n)
			prefixed = make([]string, n)
			for i, k := range keys {
				prefixed[i] = "rl:" + k
			}
		}
	}
	b.Run("keys=1M/middleware", func(b *testing.B) {
		build()
		i := 0
		key := func(*http.Request) string { return keys[i] }
		h := ratelimit.New(ratelimit.Config{Policies: policy, Key: key}).Middleware(rlNoop)
		rlServeLoop(b, h, ip, func(next int) { i = next })
	})
	b.Run("keys=1M/store", func(b *testing.B) {
		build()
		m := ratelimit.NewMemory(ratelimit.MemoryConfig{})
		var out [1]ratelimit.Status
		rlLoop(b, func(i int) { m.Allow(ctx, prefixed[i], 1, policy, out[:]) }, n)
	})
	b.Run("keys=1M/go-limiter", func(b *testing.B) {
		build()
		s := rlGoLimiter(b)
		rlLoop(b, func(i int) { s.Take(ctx, keys[i]) }, n)
	})
}

func rlGoLimiter(b *testing.B) limiter.Store {
	s, err := memorystore.New(&memorystore.Config{Tokens: rlBenchRate, Interval: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

var rlNoop = http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})

// rlLoop warms every one of n keys with check(i), collects the heap, then
// times check over the keys in a scattered order (a stride prime to n).
// Besides wall time it reports cpu-ns/op, the process's CPU time per check
// (the GC's included): on a shared machine, the figure to compare.
func rlLoop(b *testing.B, check func(i int), n int) {
	b.Helper()
	for i := range n {
		check(i)
	}
	runtime.GC()
	b.ReportAllocs()
	cpu0 := rlCPU()
	for i := 0; b.Loop(); i = (i + 7919) % n {
		check(i)
	}
	if cpu := rlCPU() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
	}
}

// rlServeLoop is rlLoop through a handler: the response's header map is
// cleared every op, as a fresh response's is, so every field is set anew.
// pick, when set, selects the i-th of 1M keys before each request.
func rlServeLoop(b *testing.B, h http.Handler, r *http.Request, pick func(i int)) {
	b.Helper()
	w := &rlDiscard{h: http.Header{}}
	h.ServeHTTP(w, r)
	if w.h.Get("RateLimit") == "" {
		b.Fatalf("no RateLimit field: %v", w.h)
	}
	n := 1
	if pick != nil {
		n = 1_000_000
	}
	rlLoop(b, func(i int) {
		if pick != nil {
			pick(i)
		}
		clear(w.h)
		h.ServeHTTP(w, r)
	}, n)
}
