package idempotency

import (
	"context"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// check verifies the store's bookkeeping: every record is in its scope's
// ring and the store's, counts and bytes add up, and both heaps are heaps
// whose entries know their places.
func (s *MemoryStore) check(t *testing.T) {
	t.Helper()
	n, bytes := 0, int64(0)
	for name, sc := range s.scopes {
		if sc.name != name || sc.n == 0 {
			t.Fatalf("scope %q: name %q, %d records", name, sc.name, sc.n)
		}
		cnt, b := 0, int64(0)
		for _, ring := range []*memEntry{&sc.leases, &sc.done} {
			for e := ring.next; e != ring; e = e.next {
				if s.m[e.key] != e || e.scope != sc || (ring == &sc.leases) != (e.rec.Status == InFlight) {
					t.Fatalf("entry %q misfiled", e.key)
				}
				cnt++
				b += e.size
			}
		}
		if cnt != sc.n || b != sc.bytes {
			t.Fatalf("scope %q: %d records, %d bytes counted; holds %d, %d", name, cnt, b, sc.n, sc.bytes)
		}
		n += cnt
		bytes += b
	}
	g := 0
	for e := s.all.gnext; e != &s.all; e = e.gnext {
		g++
	}
	if n != len(s.m) || g != n || bytes != s.bytes {
		t.Fatalf("%d records in scopes, %d in the ring, %d in the map; %d bytes, store says %d", n, g, len(s.m), bytes, s.bytes)
	}
	for _, h := range []*scopeHeap{&s.byCount, &s.byBytes} {
		if len(h.s) != len(s.scopes) {
			t.Fatalf("heap of %d scopes, store has %d", len(h.s), len(s.scopes))
		}
		for i, sc := range h.s {
			if *h.at(sc) != i {
				t.Fatalf("scope %q at %d thinks it is at %d", sc.name, i, *h.at(sc))
			}
			if i > 0 && h.larger(sc, h.s[(i-1)/2]) {
				t.Fatalf("heap order broken at %d", i)
			}
		}
	}
}

// Random traffic from uneven scopes keeps MaxEntries and the bookkeeping,
// and never evicts a lease its holder still renews.
func TestMemoryStoreRandomTraffic(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewMemoryStore(MemoryConfig{MaxEntries: 200, MaxBytes: 64 << 10, Now: func() time.Time { return now }})
	rng := rand.New(rand.NewPCG(1, 2))
	live := map[string]Token{} // leases this test holds
	for i := 0; i < 20_000; i++ {
		scope := strconv.Itoa(min(rng.IntN(12), rng.IntN(12))) // scope 0 sends the most
		key := strconv.Itoa(len(scope)) + ":" + scope + ":" + strconv.Itoa(rng.IntN(400))
		switch op := rng.IntN(10); {
		case op < 5:
			rec := &Record{Status: InFlight, Token: NewToken()}
			prev, err := s.Acquire(ctx, key, rec, time.Minute)
			if err == nil && prev == nil {
				live[key] = rec.Token
			}
		case op < 8:
			if tok, ok := live[key]; ok {
				body := make([]byte, rng.IntN(2048))
				if err := s.Complete(ctx, key, &Record{Status: Completed, Token: tok, Code: 201, Body: body}, time.Hour); err != nil {
					t.Fatalf("Complete of a held lease: %v", err)
				}
				delete(live, key)
			}
		case op < 9:
			if tok, ok := live[key]; ok {
				_ = s.Release(ctx, key, tok)
				delete(live, key)
			}
		default:
			now = now.Add(time.Duration(rng.IntN(20)) * time.Second)
			for k, tok := range live { // a live process renews its leases
				if err := s.Renew(ctx, k, tok, time.Minute); err != nil {
					t.Fatalf("Renew of a held lease %q: %v", k, err)
				}
			}
		}
		if len(s.m) > 200 {
			t.Fatalf("%d records over MaxEntries", len(s.m))
		}
		for k, tok := range live {
			if e := s.m[k]; e == nil || e.rec.Token != tok {
				t.Fatalf("op %d: live lease %q evicted", i, k)
			}
		}
		if i%500 == 0 {
			s.check(t)
		}
	}
	s.check(t)
}

// FuzzScopeOf: any key yields a scope that is a part of it, never a panic;
// a key built as the middleware builds it yields its scope.
func FuzzScopeOf(f *testing.F) {
	for _, k := range []string{"9:t4:acme:test:order-1", "0::k", "3:abc", "x:y:z", "", "99999999999:a:b", "2:ab:"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		sc := scopeOf(key)
		if len(sc) > len(key) {
			t.Fatalf("scope %q longer than key %q", sc, key)
		}
		built := strconv.Itoa(len(key)) + ":" + key + ":k"
		if got := scopeOf(built); got != key && len(key) < 1e7 {
			t.Fatalf("scopeOf(%q) = %q; want %q", built, got, key)
		}
	})
}
