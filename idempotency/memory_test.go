package idempotency_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/apierr/apierr/idempotency"
	"github.com/apierr/apierr/idempotency/idempotencytest"
)

func TestMemoryStoreContract(t *testing.T) {
	idempotencytest.TestStore(t, func(t *testing.T) idempotency.Store {
		return idempotency.NewMemoryStore(idempotency.MemoryConfig{})
	})
}

func TestMemoryStoreExpiry(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	s := idempotency.NewMemoryStore(idempotency.MemoryConfig{Now: clk.Now})
	a := &idempotency.Record{Status: idempotency.InFlight, Token: idempotency.NewToken()}
	if prev, _ := s.Acquire(ctx, "k", a, time.Second); prev != nil {
		t.Fatal("first Acquire lost")
	}
	t.Run("lease holds until it expires", func(t *testing.T) {
		clk.Advance(999 * time.Millisecond)
		if prev, _ := s.Acquire(ctx, "k", &idempotency.Record{Status: idempotency.InFlight, Token: idempotency.NewToken()}, time.Second); prev == nil {
			t.Fatal("lease taken before it expired")
		}
	})
	b := &idempotency.Record{Status: idempotency.InFlight, Token: idempotency.NewToken()}
	t.Run("expired lease is free", func(t *testing.T) {
		clk.Advance(time.Millisecond)
		if prev, _ := s.Acquire(ctx, "k", b, time.Second); prev != nil {
			t.Fatalf("expired lease still held: %+v", prev)
		}
	})
	t.Run("stale owner cannot release the new lease", func(t *testing.T) {
		_ = s.Release(ctx, "k", a.Token)
		if prev, _ := s.Acquire(ctx, "k", &idempotency.Record{Status: idempotency.InFlight, Token: idempotency.NewToken()}, time.Second); prev == nil || prev.Token != b.Token {
			t.Fatalf("record = %+v; want b's lease", prev)
		}
	})
	t.Run("expired records are swept", func(t *testing.T) {
		clk.Advance(time.Hour)
		_, _ = s.Acquire(ctx, "other", &idempotency.Record{Status: idempotency.InFlight}, time.Second)
		if n := s.Len(); n != 1 {
			t.Fatalf("Len = %d; want the expired record swept", n)
		}
	})
}

func TestMemoryStoreBounded(t *testing.T) {
	ctx := context.Background()
	s := idempotency.NewMemoryStore(idempotency.MemoryConfig{MaxEntries: 3})
	for _, k := range []string{"a", "b", "c", "d"} {
		// Completed records: a running request's lease is never evicted
		// (TestMemoryStoreNeverEvictsRunningLeases).
		rec := &idempotency.Record{Status: idempotency.InFlight, Token: idempotency.NewToken()}
		if prev, _ := s.Acquire(ctx, k, rec, time.Hour); prev != nil {
			t.Fatalf("Acquire(%q) found a record", k)
		}
		if err := s.Complete(ctx, k, &idempotency.Record{Status: idempotency.Completed, Token: rec.Token, Code: 201}, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.Len(); n != 3 {
		t.Fatalf("Len = %d; want the bound 3", n)
	}
	if prev, _ := s.Acquire(ctx, "a", &idempotency.Record{Status: idempotency.InFlight}, time.Hour); prev != nil {
		t.Fatal("oldest key a survived eviction")
	}
}

// The byte bound evicts stored responses, never the lease of a running
// request: its duplicate would run beside it.
func TestMemoryStoreByteBoundKeepsLeases(t *testing.T) {
	ctx := context.Background()
	s := idempotency.NewMemoryStore(idempotency.MemoryConfig{MaxBytes: 4 << 10})
	running := &idempotency.Record{Status: idempotency.InFlight, Token: idempotency.NewToken()}
	if prev, _ := s.Acquire(ctx, "running", running, time.Minute); prev != nil {
		t.Fatal("first Acquire lost")
	}
	for _, k := range []string{"a", "b", "c", "d"} {
		rec := &idempotency.Record{Status: idempotency.InFlight, Token: idempotency.NewToken()}
		if prev, _ := s.Acquire(ctx, k, rec, time.Minute); prev != nil {
			t.Fatalf("%s: Acquire lost", k)
		}
		done := *rec
		done.Status, done.Code, done.Body = idempotency.Completed, 201, make([]byte, 1500)
		if err := s.Complete(ctx, k, &done, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.Len(); n > 3 {
		t.Errorf("Len = %d: four 1.5 KiB responses kept under a 4 KiB bound", n)
	}
	dup := &idempotency.Record{Status: idempotency.InFlight, Token: idempotency.NewToken()}
	prev, _ := s.Acquire(ctx, "running", dup, time.Minute)
	if prev == nil || prev.Token != running.Token {
		t.Fatalf("the running request's lease was evicted: a duplicate took it (prev %+v)", prev)
	}
}

// At MaxEntries a running request's lease stays: evicting it would let its
// duplicate run beside it. With nothing else to evict, Acquire fails (the
// middleware answers 503), which runs nothing twice.
func TestMemoryStoreNeverEvictsRunningLeases(t *testing.T) {
	ctx := context.Background()
	s := idempotency.NewMemoryStore(idempotency.MemoryConfig{MaxEntries: 3})
	leases := map[string]idempotency.Token{}
	for _, k := range []string{"a", "b", "c"} {
		rec := &idempotency.Record{Status: idempotency.InFlight, Token: idempotency.NewToken()}
		if prev, err := s.Acquire(ctx, k, rec, time.Hour); prev != nil || err != nil {
			t.Fatalf("Acquire(%q) = %v, %v", k, prev, err)
		}
		leases[k] = rec.Token
	}
	if _, err := s.Acquire(ctx, "d", &idempotency.Record{Status: idempotency.InFlight, Token: idempotency.NewToken()}, time.Hour); !errors.Is(err, idempotency.ErrStoreFull) {
		t.Fatalf("Acquire on a store full of leases = %v; want ErrStoreFull", err)
	}
	for k, tok := range leases {
		prev, err := s.Acquire(ctx, k, &idempotency.Record{Status: idempotency.InFlight, Token: idempotency.NewToken()}, time.Hour)
		if err != nil || prev == nil || prev.Token != tok {
			t.Fatalf("%s: the running request's lease was evicted (prev %+v, %v)", k, prev, err)
		}
	}
}

// scoped builds a key as the middleware does.
func scoped(scope, key string) string { return strconv.Itoa(len(scope)) + ":" + scope + ":" + key }

// One scope flooding the store with fresh keys pays with its own oldest
// records: another scope's completed and running keys stay.
func TestMemoryStoreFloodEvictsTheFloodersOwn(t *testing.T) {
	ctx := context.Background()
	s := idempotency.NewMemoryStore(idempotency.MemoryConfig{MaxEntries: 1000})
	lease := func(key string) *idempotency.Record {
		t.Helper()
		rec := &idempotency.Record{Status: idempotency.InFlight, Token: idempotency.NewToken()}
		if prev, err := s.Acquire(ctx, key, rec, time.Hour); prev != nil || err != nil {
			t.Fatalf("Acquire(%q) = %+v, %v", key, prev, err)
		}
		return rec
	}
	paid := lease(scoped("B", "paid"))
	if err := s.Complete(ctx, scoped("B", "paid"), &idempotency.Record{Status: idempotency.Completed, Token: paid.Token, Code: 201}, time.Hour); err != nil {
		t.Fatal(err)
	}
	running := lease(scoped("B", "running"))
	for i := 0; i < 5000; i++ {
		k := scoped("A", strconv.Itoa(i))
		rec := lease(k)
		if i%2 == 0 { // half of them complete, half stay running for a while
			if err := s.Complete(ctx, k, &idempotency.Record{Status: idempotency.Completed, Token: rec.Token, Code: 201}, time.Hour); err != nil {
				t.Fatal(err)
			}
		} else if err := s.Release(ctx, k, rec.Token); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.Len(); n > 1000 {
		t.Fatalf("Len = %d over MaxEntries", n)
	}
	if prev, _ := s.Acquire(ctx, scoped("B", "paid"), &idempotency.Record{Status: idempotency.InFlight}, time.Hour); prev == nil || prev.Status != idempotency.Completed {
		t.Fatalf("B's completed key after A's flood: %+v; want it kept", prev)
	}
	if prev, _ := s.Acquire(ctx, scoped("B", "running"), &idempotency.Record{Status: idempotency.InFlight}, time.Hour); prev == nil || prev.Token != running.Token {
		t.Fatalf("B's running key after A's flood: %+v; want its lease kept", prev)
	}
	// A's newest records are the ones kept.
	if prev, _ := s.Acquire(ctx, scoped("A", "4998"), &idempotency.Record{Status: idempotency.InFlight}, time.Hour); prev == nil {
		t.Fatal("A's newest completed key was evicted before its oldest")
	}
}

// Renew keeps a lease past its first expiry; without it the key frees.
func TestMemoryStoreRenewOutlivesTheFirstLease(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	s := idempotency.NewMemoryStore(idempotency.MemoryConfig{Now: clk.Now})
	a := &idempotency.Record{Status: idempotency.InFlight, Token: idempotency.NewToken()}
	if prev, _ := s.Acquire(ctx, "k", a, time.Second); prev != nil {
		t.Fatal("Acquire lost")
	}
	for i := 0; i < 5; i++ {
		clk.Advance(900 * time.Millisecond)
		if err := s.Renew(ctx, "k", a.Token, time.Second); err != nil {
			t.Fatalf("renewal %d: %v", i, err)
		}
	}
	if prev, _ := s.Acquire(ctx, "k", &idempotency.Record{Status: idempotency.InFlight, Token: idempotency.NewToken()}, time.Second); prev == nil || prev.Token != a.Token {
		t.Fatalf("after 4.5 s of renewals: %+v; want the lease held", prev)
	}
	clk.Advance(time.Second) // the holder stops renewing (it crashed)
	if err := s.Renew(ctx, "k", a.Token, time.Second); !errors.Is(err, idempotency.ErrLeaseLost) {
		t.Fatalf("Renew after expiry = %v; want ErrLeaseLost", err)
	}
	if prev, _ := s.Acquire(ctx, "k", &idempotency.Record{Status: idempotency.InFlight, Token: idempotency.NewToken()}, time.Second); prev != nil {
		t.Fatalf("expired lease still held: %+v", prev)
	}
}
