package redisstore_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/internal/redistest"
	"github.com/apierr/apierr/ratelimit"
	"github.com/apierr/apierr/redisstore"
)

// TestConcurrencyRedisTwoProcesses: two clients (two processes' worth of
// pools) share one limit of 3 in flight: at no moment do more than 3 run.
func TestConcurrencyRedisTwoProcesses(t *testing.T) {
	redistest.Each(t, func(t *testing.T, srv *redistest.Server) {
		var lims [2]*ratelimit.ConcurrencyLimiter
		for i := range lims {
			store := redisstore.NewConcurrencyStore(rlClient(t, srv), redisstore.ConcurrencyConfig{Prefix: srv.Prefix(), Timeout: 10 * time.Second})
			lims[i] = ratelimit.NewConcurrency(ratelimit.ConcurrencyConfig{Limit: 3, Store: store})
		}
		var inFlight, peak, admitted, refused atomic.Int64
		var wg sync.WaitGroup
		for g := 0; g < 40; g++ {
			wg.Add(1)
			go func(l *ratelimit.ConcurrencyLimiter) {
				defer wg.Done()
				for i := 0; i < 10; i++ {
					release, err := l.Acquire(context.Background(), "acme")
					if err != nil {
						refused.Add(1)
						continue
					}
					n := inFlight.Add(1)
					for {
						p := peak.Load()
						if n <= p || peak.CompareAndSwap(p, n) {
							break
						}
					}
					admitted.Add(1)
					time.Sleep(time.Millisecond) // hold the slot a moment: work, not a clock wait
					inFlight.Add(-1)
					release()
				}
			}(lims[g%2])
		}
		wg.Wait()
		if peak.Load() > 3 {
			t.Fatalf("peak in flight %d, limit 3", peak.Load())
		}
		if admitted.Load() == 0 || refused.Load() == 0 {
			t.Fatalf("admitted %d refused %d; want both", admitted.Load(), refused.Load())
		}
		// Every slot was released: all 3 are free again.
		var rels []func()
		for i := 0; i < 3; i++ {
			rel, err := lims[i%2].Acquire(context.Background(), "acme")
			if err != nil {
				t.Fatalf("slot %d after the run: %v (a slot leaked)", i, err)
			}
			rels = append(rels, rel)
		}
		for _, r := range rels {
			r()
		}
	})
}

// TestConcurrencyRedisLeaseExpiry: a process that dies holding slots does
// not leak them: the leases expire on Redis's clock.
func TestConcurrencyRedisLeaseExpiry(t *testing.T) {
	redistest.Each(t, func(t *testing.T, srv *redistest.Server) {
		client := rlClient(t, srv)
		store := redisstore.NewConcurrencyStore(client, redisstore.ConcurrencyConfig{Prefix: srv.Prefix(), LeaseTTL: 5 * time.Second, Timeout: rlTestTimeout})
		ctx := context.Background()
		for i := 0; i < 2; i++ {
			if _, _, ok, err := store.Acquire(ctx, "crashed", 2, 0); !ok || err != nil {
				t.Fatalf("acquire %d: %v %v", i, ok, err)
			} // never released: the holder "crashed"
		}
		if _, n, ok, err := store.Acquire(ctx, "crashed", 2, 0); ok || err != nil || n != 2 {
			t.Fatalf("third acquire: ok=%v n=%d err=%v; want refused with 2 in flight", ok, n, err)
		}
		pttl, err := client.PTTL(ctx, srv.Prefix()+"{crashed}").Result()
		if err != nil || pttl <= 0 || pttl > 5*time.Second {
			t.Fatalf("lease set PTTL = %v %v, want ≤ the lease TTL", pttl, err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			_, _, ok, err := store.Acquire(ctx, "crashed", 2, 0)
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the crashed holder's leases never expired")
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
}

func TestConcurrencyRedisOutage(t *testing.T) {
	srv := redistest.New(t)
	if !srv.Owned() {
		t.Skip("needs a redis-server it can stop")
	}
	store := redisstore.NewConcurrencyStore(rlClient(t, srv), redisstore.ConcurrencyConfig{Prefix: srv.Prefix(), Timeout: rlOutageTimeout})
	closed := ratelimit.NewConcurrency(ratelimit.ConcurrencyConfig{Limit: 1, Store: store, FailurePolicy: apierr.FailurePolicy{Mode: apierr.FailClosed}})
	open := ratelimit.NewConcurrency(ratelimit.ConcurrencyConfig{Limit: 1, Store: store})
	srv.Stop()
	if _, err := open.Acquire(context.Background(), "k"); err != nil {
		t.Fatalf("fail open: %v", err)
	}
	_, err := closed.Acquire(context.Background(), "k")
	var e *apierr.Error
	if !asErr(err, &e) || e.Condition != apierr.CondUnavailable || e.RetryAfter <= 0 {
		t.Fatalf("fail closed: %v", err)
	}
}
