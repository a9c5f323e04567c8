package idempotency_test

import (
	"context"
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
		if prev, _ := s.Acquire(ctx, k, &idempotency.Record{Status: idempotency.InFlight}, time.Hour); prev != nil {
			t.Fatalf("Acquire(%q) found a record", k)
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
