package ratelimit_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
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

// BenchmarkCheckRatio runs each pair of BenchmarkCheck against each other
// in alternating blocks of checks (ABBA) inside one benchmark and reports
// the ratio of the time they took as x-ref (wall) and x-ref-cpu (process
// CPU time): on a shared machine whose load changes from one second to the
// next, both sides of a ratio see the same load. ns/op is the first side's
// alone. Take the median over -count rounds (BENCHMARKS.md, "The limiter's
// hot path").
//
//   - keys=1/middleware-vs-store: the middleware's check (key, check,
//     both fields) against the Memory store's Allow (goal ≤ 1.5);
//   - keys=1/contract-vs-store: the least a check that sends the two fields
//     can cost (the store, then both fields assigned as shared values
//     already formatted) against the store alone: the goal's floor;
//   - keys=1/middleware-vs-contract: the middleware against that floor;
//   - keys=1/store-vs-go-limiter and keys=1M/store-vs-go-limiter: the
//     Memory store against go-limiter's memorystore (goal ≤ 1);
//   - keys=1M/middleware-vs-store: the middleware over 1M keys;
//   - keys=1/middleware-2policies-vs-store-2policies: a day policy whose
//     RateLimit value is new on every check (the cache's worst case).
func BenchmarkCheckRatio(b *testing.B) {
	policy := []ratelimit.Policy{ratelimit.PerSecond(1_000_000).WithBurst(1 << 40)}
	two := []ratelimit.Policy{policy[0], ratelimit.PerDay(1_000_000_000)}
	ctx := context.Background()
	ip := httptest.NewRequest(http.MethodGet, "/", nil) // RemoteAddr 192.0.2.1:1234

	serve := func(policies []ratelimit.Policy) func(int) {
		h := ratelimit.New(ratelimit.Config{Policies: policies}).Middleware(rlNoop)
		w := &rlDiscard{h: http.Header{}}
		return func(int) { clear(w.h); h.ServeHTTP(w, ip) }
	}
	store := func(policies []ratelimit.Policy, keys []string) func(int) {
		m := ratelimit.NewMemory(ratelimit.MemoryConfig{})
		out := make([]ratelimit.Status, len(policies))
		return func(i int) { m.Allow(ctx, keys[i], 1, policies, out) }
	}
	// contract is the least a check that keeps the contract can do: the
	// store's Allow, then the two fields every response carries, assigned
	// as shared values already formatted (no key built from the request,
	// no value formatted, no allocation), into a header map cleared as a
	// fresh response's is.
	contract := func(policies []ratelimit.Policy, keys []string) func(int) {
		m := ratelimit.NewMemory(ratelimit.MemoryConfig{})
		out := make([]ratelimit.Status, len(policies))
		w := &rlDiscard{h: http.Header{}}
		// The values the middleware sends for these policies, taken from
		// one of its responses.
		ratelimit.New(ratelimit.Config{Policies: policies}).Middleware(rlNoop).ServeHTTP(w, ip)
		policyV := slices.Clone(w.h["Ratelimit-Policy"])
		valueV := slices.Clone(w.h["Ratelimit"])
		if len(policyV) != 1 || len(valueV) != 1 {
			panic(fmt.Sprintf("the middleware sent %v", w.h))
		}
		return func(i int) {
			clear(w.h)
			m.Allow(ctx, keys[i], 1, policies, out)
			h := w.Header()
			h["Ratelimit-Policy"] = policyV
			h["Ratelimit"] = valueV
		}
	}
	goLimiter := func(b *testing.B, keys []string) func(int) {
		s := rlGoLimiter(b)
		return func(i int) { s.Take(ctx, keys[i]) }
	}
	one := []string{"rl:ip:192.0.2.1"}

	b.Run("keys=1/middleware-vs-store", func(b *testing.B) {
		rlPair(b, serve(policy), store(policy, one), 1)
	})
	b.Run("keys=1/contract-vs-store", func(b *testing.B) {
		rlPair(b, contract(policy, one), store(policy, one), 1)
	})
	b.Run("keys=1/middleware-vs-contract", func(b *testing.B) {
		rlPair(b, serve(policy), contract(policy, one), 1)
	})
	b.Run("keys=1/store-vs-go-limiter", func(b *testing.B) {
		rlPair(b, store(policy, one), goLimiter(b, one), 1)
	})
	b.Run("keys=1/middleware-2policies-vs-store-2policies", func(b *testing.B) {
		rlPair(b, serve(two), store(two, one), 1)
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
	b.Run("keys=1M/store-vs-go-limiter", func(b *testing.B) {
		build()
		rlPair(b, store(policy, prefixed), goLimiter(b, keys), n)
	})
	b.Run("keys=1M/middleware-vs-store", func(b *testing.B) {
		build()
		k := 0
		h := ratelimit.New(ratelimit.Config{Policies: policy, Key: func(*http.Request) string { return keys[k] }}).Middleware(rlNoop)
		w := &rlDiscard{h: http.Header{}}
		rlPair(b, func(i int) { k = i; clear(w.h); h.ServeHTTP(w, ip) }, store(policy, prefixed), n)
	})
}

// rlPair warms a and ref with each of n keys, then runs them in
// alternating blocks (a ref, ref a, …) of checks over the keys in a
// scattered order, and reports a's ns/op, a's wall time over ref's (x-ref)
// and a's process CPU time over ref's (x-ref-cpu).
func rlPair(b *testing.B, a, ref func(i int), n int) {
	b.Helper()
	for i := range n {
		a(i)
		ref(i)
	}
	runtime.GC()
	const block = 1024
	var wall, cpu [2]int64
	k := 0
	run := func(side int, f func(int)) {
		c0, t0 := rlCPU(), time.Now()
		j := k
		for range block {
			f(j)
			if j += 7919; j >= n {
				j %= n
			}
		}
		wall[side] += int64(time.Since(t0))
		cpu[side] += rlCPU() - c0
	}
	b.ResetTimer()
	for i := 0; i*block < b.N; i++ {
		if i%2 == 0 {
			run(0, a)
			run(1, ref)
		} else {
			run(1, ref)
			run(0, a)
		}
		k = (k + block*7919) % n
	}
	ops := (b.N + block - 1) / block * block
	b.ReportMetric(float64(wall[0])/float64(ops), "ns/op")
	b.ReportMetric(float64(wall[0])/float64(wall[1]), "x-ref")
	if cpu[1] > 0 {
		b.ReportMetric(float64(cpu[0])/float64(cpu[1]), "x-ref-cpu")
	}
}
