package ratelimit_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

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

	for _, n := range []int{1, 1_000_000} {
		keys := rlKeys(n)
		prefix := "keys=" + rlCount(n) + "/"
		if n == 1 {
			b.Run(prefix+"middleware", func(b *testing.B) {
				m := ratelimit.NewMemory(ratelimit.MemoryConfig{})
				h := ratelimit.New(ratelimit.Config{Policies: policy, Store: m}).Middleware(rlNoop)
				rlServeLoop(b, h, httptest.NewRequest(http.MethodGet, "/", nil))
			})
			b.Run(prefix+"middleware-keyid", func(b *testing.B) {
				m := ratelimit.NewMemory(ratelimit.MemoryConfig{})
				h := ratelimit.New(ratelimit.Config{Policies: policy, Store: m, Key: ratelimit.ByKeyID}).Middleware(rlNoop)
				r := httptest.NewRequest(http.MethodGet, "/", nil)
				st := apierr.NewState(nil, "req-1")
				st.SetPrincipal(&apierr.Principal{Tenant: "ws_acme", KeyID: "key_4f9c2b7e"})
				rlServeLoop(b, h, r.WithContext(apierr.NewContext(r.Context(), st)))
			})
			b.Run(prefix+"middleware-2policies", func(b *testing.B) {
				m := ratelimit.NewMemory(ratelimit.MemoryConfig{})
				h := ratelimit.New(ratelimit.Config{Policies: two, Store: m}).Middleware(rlNoop)
				rlServeLoop(b, h, httptest.NewRequest(http.MethodGet, "/", nil))
			})
			b.Run(prefix+"store", func(b *testing.B) {
				m := ratelimit.NewMemory(ratelimit.MemoryConfig{})
				var out [1]ratelimit.Status
				b.ReportAllocs()
				for b.Loop() {
					m.Allow(ctx, "rl:ip:192.0.2.1", 1, policy, out[:])
				}
			})
			b.Run(prefix+"store-2policies", func(b *testing.B) {
				m := ratelimit.NewMemory(ratelimit.MemoryConfig{})
				var out [2]ratelimit.Status
				b.ReportAllocs()
				for b.Loop() {
					m.Allow(ctx, "rl:ip:192.0.2.1", 1, two, out[:])
				}
			})
		} else {
			b.Run(prefix+"middleware", func(b *testing.B) {
				m := ratelimit.NewMemory(ratelimit.MemoryConfig{})
				i := 0
				key := func(*http.Request) string { return keys[i] }
				h := ratelimit.New(ratelimit.Config{Policies: policy, Store: m, Key: key}).Middleware(rlNoop)
				r := httptest.NewRequest(http.MethodGet, "/", nil)
				w := &rlDiscard{h: http.Header{}}
				for i = range keys {
					h.ServeHTTP(w, r)
				}
				rlGC()
				b.ReportAllocs()
				for i = 0; b.Loop(); i = (i + 7919) % n {
					clear(w.h)
					h.ServeHTTP(w, r)
				}
			})
			b.Run(prefix+"store", func(b *testing.B) {
				m := ratelimit.NewMemory(ratelimit.MemoryConfig{})
				var out [1]ratelimit.Status
				for _, k := range keys {
					m.Allow(ctx, "rl:"+k, 1, policy, out[:])
				}
				pk := make([]string, n)
				for i, k := range keys {
					pk[i] = "rl:" + k
				}
				rlGC()
				b.ReportAllocs()
				for i := 0; b.Loop(); i = (i + 7919) % n {
					m.Allow(ctx, pk[i], 1, policy, out[:])
				}
			})
		}
		b.Run(prefix+"go-limiter", func(b *testing.B) {
			s, err := memorystore.New(&memorystore.Config{Tokens: rlBenchRate, Interval: time.Second})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close(ctx)
			for _, k := range keys {
				s.Take(ctx, k)
			}
			rlGC()
			b.ReportAllocs()
			for i := 0; b.Loop(); i = (i + 7919) % n {
				s.Take(ctx, keys[i])
			}
		})
	}
}

var rlNoop = http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})

func rlServeLoop(b *testing.B, h http.Handler, r *http.Request) {
	b.Helper()
	w := &rlDiscard{h: http.Header{}}
	h.ServeHTTP(w, r)
	if w.h.Get("RateLimit") == "" {
		b.Fatalf("no RateLimit field: %v", w.h)
	}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, r)
	}
}

// rlGC collects the warm-up's garbage before timing.
func rlGC() { runtime.GC() }
