// Package ratelimittest holds every limiter store to the contracts of
// ratelimit.Store, ratelimit.ConcurrencyStore and ratelimit.QuotaStore, so
// the memory stores and the Redis stores (and any store of one's own) pass
// the same tests:
//
//	func TestStore(t *testing.T) {
//		ratelimittest.TestStore(t, func(t *testing.T) ratelimit.Store { return newStore(t) })
//	}
//
// Each subtest gets a fresh store (or a fresh key space of a shared one).
// The tests never wait for a clock: their policies have periods long enough
// that nothing refills while they run, however slow the machine. What
// depends on a store's own clock or storage (expiry, refill arithmetic, key
// layout) is left to the store's own tests.
package ratelimittest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierr/apierr/ratelimit"
)

// TestStore runs the ratelimit.Store contract against stores made by
// newStore, one per subtest.
func TestStore(t *testing.T, newStore func(t *testing.T) ratelimit.Store) {
	for _, tc := range []struct {
		name string
		run  func(*testing.T, ratelimit.Store)
	}{
		{"admits exactly the burst under concurrency", storeAdmitsExactlyTheBurstUnderConcurrency},
		{"policies are all or nothing", storePoliciesAreAllOrNothing},
		{"status of an admitted check", storeStatusOfAnAdmittedCheck},
		{"cost is charged whole", storeCostIsChargedWhole},
		{"cost 0 peeks", storeCostZeroPeeks},
		{"keys are independent", storeKeysAreIndependent},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, newStore(t)) })
	}
}

// storeAdmitsExactlyTheBurstUnderConcurrency: admits exactly the burst under concurrency.
func storeAdmitsExactlyTheBurstUnderConcurrency(t *testing.T, s ratelimit.Store) {
	ctx := context.Background()
	pols := []ratelimit.Policy{ratelimit.PerDay(1).WithBurst(137)}
	var admitted atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 50; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := make([]ratelimit.Status, 1)
			for i := 0; i < 6; i++ {
				ok, err := s.Allow(ctx, "burst", 1, pols, out)
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
	if got := admitted.Load(); got != 137 {
		t.Fatalf("admitted %d of 300 checks, want exactly the burst, 137", got)
	}
}

// storePoliciesAreAllOrNothing: policies are all or nothing.
func storePoliciesAreAllOrNothing(t *testing.T, s ratelimit.Store) {
	ctx := context.Background()
	pols := []ratelimit.Policy{
		{Name: "minute", Limit: 5, Period: time.Minute},
		{Name: "hour", Limit: 7, Period: time.Hour},
		ratelimit.PerDay(1000),
	}
	out := make([]ratelimit.Status, 3)
	admitted := 0
	for i := 0; i < 20; i++ {
		ok, err := s.Allow(ctx, "acme", 1, pols, out)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			admitted++
		}
	}
	if admitted != 5 {
		t.Fatalf("admitted %d, want 5 (the per-minute burst decides)", admitted)
	}
	// Refusals charge nothing: the hour policy still has 2 left, the day 995.
	if out[0].Allowed || !out[1].Allowed || out[1].Remaining != 2 || out[2].Remaining != 995 {
		t.Fatalf("statuses after refusals = %+v; want minute refusing, hour 2 left, day 995 left", out)
	}
	if out[0].RetryAfter <= 0 {
		t.Fatalf("refusing policy's RetryAfter = %v, want > 0", out[0].RetryAfter)
	}
}

// storeStatusOfAnAdmittedCheck: status of an admitted check.
func storeStatusOfAnAdmittedCheck(t *testing.T, s ratelimit.Store) {
	ctx := context.Background()
	pols := []ratelimit.Policy{{Name: "hour", Limit: 60, Period: time.Hour}}
	out := make([]ratelimit.Status, 1)
	for i := 0; i < 3; i++ {
		if ok, err := s.Allow(ctx, "status", 1, pols, out); !ok || err != nil {
			t.Fatalf("check %d: %v %v", i, ok, err)
		}
	}
	// A unit a minute, 3 spent: full again in just under 3 minutes.
	if !out[0].Allowed || out[0].Remaining != 57 || out[0].Reset > 3*time.Minute || out[0].Reset < 2*time.Minute {
		t.Fatalf("status = %+v, want allowed, 57 left, full again in just under 3m", out[0])
	}
}

// storeCostIsChargedWhole: cost is charged whole.
func storeCostIsChargedWhole(t *testing.T, s ratelimit.Store) {
	ctx := context.Background()
	pols := []ratelimit.Policy{ratelimit.PerDay(1).WithBurst(10)}
	out := make([]ratelimit.Status, 1)
	for i, want := range []bool{true, true, true, false} {
		if ok, err := s.Allow(ctx, "cost", 3, pols, out); ok != want || err != nil {
			t.Fatalf("check %d of cost 3 against a burst of 10: %v %v, want %v", i, ok, err, want)
		}
	}
	if ok, err := s.Allow(ctx, "cost", 1, pols, out); !ok || err != nil || out[0].Remaining != 0 {
		t.Fatalf("the last unit: %v %v %+v, want admitted with none left", ok, err, out[0])
	}
}

// storeCostZeroPeeks: a check of cost 0 charges nothing, stores nothing on
// a fresh key (Redis refuses a SET with PX 0), and reports what is left.
func storeCostZeroPeeks(t *testing.T, s ratelimit.Store) {
	ctx := context.Background()
	pols := []ratelimit.Policy{ratelimit.PerHour(3), ratelimit.PerDay(100).WithBurst(2)}
	out := make([]ratelimit.Status, 2)
	if ok, err := s.Allow(ctx, "peek", 0, pols, out); !ok || err != nil || out[0].Remaining != 3 || out[1].Remaining != 2 {
		t.Fatalf("peek of a fresh key: %v %v %+v, want admitted with 3 and 2 left", ok, err, out)
	}
	for i := 0; i < 2; i++ {
		for j := 0; j < 5; j++ {
			if ok, err := s.Allow(ctx, "peek", 0, pols, out); !ok || err != nil || out[1].Remaining != int64(2-i) {
				t.Fatalf("peek %d after %d charges: %v %v %+v, want admitted with %d left", j, i, ok, err, out[1], 2-i)
			}
		}
		if ok, err := s.Allow(ctx, "peek", 1, pols, out); !ok || err != nil {
			t.Fatalf("charge %d: %v %v", i, ok, err)
		}
	}
	if ok, err := s.Allow(ctx, "peek", 0, pols, out); !ok || err != nil || out[0].Remaining != 1 || out[1].Remaining != 0 {
		t.Fatalf("peek of a spent key: %v %v %+v, want admitted (cost 0 always fits) with 1 and 0 left", ok, err, out)
	}
	if ok, err := s.Allow(ctx, "peek", 1, pols, out); ok || err != nil {
		t.Fatalf("charge past the burst: %v %v, want refused (peeks charged nothing)", ok, err)
	}
}

// TestConcurrencyStore runs the ratelimit.ConcurrencyStore contract against
// stores made by newStore, one per subtest.
func TestConcurrencyStore(t *testing.T, newStore func(t *testing.T) ratelimit.ConcurrencyStore) {
	for _, tc := range []struct {
		name string
		run  func(*testing.T, ratelimit.ConcurrencyStore)
	}{
		{"never more than limit in flight", concurrencyNeverMoreThanLimitInFlight},
		{"refusal reports the slots held", concurrencyRefusalReportsTheSlotsHeld},
		{"release counts once", concurrencyReleaseCountsOnce},
		{"keys are independent", concurrencyKeysAreIndependent},
		{"middleware releases after panics", testConcurrencyMiddleware},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, newStore(t)) })
	}
}

// concurrencyNeverMoreThanLimitInFlight: never more than limit in flight.
func concurrencyNeverMoreThanLimitInFlight(t *testing.T, s ratelimit.ConcurrencyStore) {
	ctx := context.Background()
	var inFlight, peak, admitted, refused atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 40; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				release, _, ok, err := s.Acquire(ctx, "acme", 3, 0)
				if err != nil {
					t.Error(err)
					return
				}
				if !ok {
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
				inFlight.Add(-1)
				release()
			}
		}()
	}
	wg.Wait()
	if peak.Load() > 3 {
		t.Fatalf("peak in flight %d, limit 3", peak.Load())
	}
	if admitted.Load() == 0 {
		t.Fatal("nothing admitted")
	}
	// Every slot was released: all 3 are free again.
	for i := 0; i < 3; i++ {
		if _, _, ok, err := s.Acquire(ctx, "acme", 3, 0); !ok || err != nil {
			t.Fatalf("slot %d after the run: %v %v (a slot leaked)", i, ok, err)
		}
	}
}

// concurrencyRefusalReportsTheSlotsHeld: refusal reports the slots held.
func concurrencyRefusalReportsTheSlotsHeld(t *testing.T, s ratelimit.ConcurrencyStore) {
	ctx := context.Background()
	for i := int64(1); i <= 2; i++ {
		if _, n, ok, err := s.Acquire(ctx, "k", 2, 0); !ok || err != nil || n != i {
			t.Fatalf("acquire %d: ok=%v n=%d err=%v; want ok with %d in flight", i, ok, n, err, i)
		}
	}
	if _, n, ok, err := s.Acquire(ctx, "k", 2, 0); ok || err != nil || n != 2 {
		t.Fatalf("third acquire: ok=%v n=%d err=%v; want refused with 2 in flight", ok, n, err)
	}
}

// concurrencyReleaseCountsOnce: release counts once.
func concurrencyReleaseCountsOnce(t *testing.T, s ratelimit.ConcurrencyStore) {
	ctx := context.Background()
	rel, _, ok, err := s.Acquire(ctx, "k", 1, 0)
	if !ok || err != nil {
		t.Fatalf("acquire: %v %v", ok, err)
	}
	rel()
	rel() // twice is harmless
	if _, _, ok, err := s.Acquire(ctx, "k", 1, 0); !ok || err != nil {
		t.Fatalf("after release: %v %v", ok, err)
	}
	if _, _, ok, _ := s.Acquire(ctx, "k", 1, 0); ok {
		t.Fatal("a double release freed a slot twice")
	}
}

// concurrencyKeysAreIndependent: keys are independent.
func concurrencyKeysAreIndependent(t *testing.T, s ratelimit.ConcurrencyStore) {
	ctx := context.Background()
	for _, key := range []string{"a", "b"} {
		if _, _, ok, err := s.Acquire(ctx, key, 1, 0); !ok || err != nil {
			t.Fatalf("key %s: %v %v", key, ok, err)
		}
	}
}

// TestQuotaStore runs the ratelimit.QuotaStore contract against stores
// made by newStore, one per subtest.
func TestQuotaStore(t *testing.T, newStore func(t *testing.T) ratelimit.QuotaStore) {
	for _, tc := range []struct {
		name string
		run  func(*testing.T, ratelimit.QuotaStore)
	}{
		{"grants exactly the limit under concurrency", quotaGrantsExactlyTheLimitUnderConcurrency},
		{"refusal changes nothing", quotaRefusalChangesNothing},
		{"negative add never goes below zero", quotaNegativeAddNeverGoesBelowZero},
		{"keys are independent", quotaKeysAreIndependent},
		{"periodic quota rolls over", quotaPeriodicQuotaRollsOver},
		{"total quota releases", quotaTotalReleases},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, newStore(t)) })
	}
}

// quotaGrantsExactlyTheLimitUnderConcurrency: grants exactly the limit under concurrency.
func quotaGrantsExactlyTheLimitUnderConcurrency(t *testing.T, s ratelimit.QuotaStore) {
	ctx := context.Background()
	var granted atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 50; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				_, ok, err := s.Add(ctx, "acme", 1, 250, time.Hour)
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					granted.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if granted.Load() != 250 {
		t.Fatalf("granted %d, want exactly 250", granted.Load())
	}
}

// quotaRefusalChangesNothing: refusal changes nothing.
func quotaRefusalChangesNothing(t *testing.T, s ratelimit.QuotaStore) {
	ctx := context.Background()
	if used, ok, err := s.Add(ctx, "k", 2, 3, 0); !ok || err != nil || used != 2 {
		t.Fatalf("first add: %d %v %v", used, ok, err)
	}
	if used, ok, err := s.Add(ctx, "k", 2, 3, 0); ok || err != nil || used != 2 {
		t.Fatalf("add over the limit: used %d ok %v err %v; want refused with 2 used", used, ok, err)
	}
	if used, ok, err := s.Add(ctx, "k", 1, 3, 0); !ok || err != nil || used != 3 {
		t.Fatalf("add to the limit: %d %v %v", used, ok, err)
	}
}

// quotaNegativeAddNeverGoesBelowZero: negative add never goes below zero.
func quotaNegativeAddNeverGoesBelowZero(t *testing.T, s ratelimit.QuotaStore) {
	ctx := context.Background()
	if _, ok, err := s.Add(ctx, "k", 1, 1, 0); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if used, ok, err := s.Add(ctx, "k", -5, 1, 0); !ok || err != nil || used != 0 {
		t.Fatalf("release of 5: used %d ok %v err %v; want 0, always accepted", used, ok, err)
	}
	if used, ok, err := s.Add(ctx, "k", 1, 1, 0); !ok || err != nil || used != 1 {
		t.Fatalf("add after release: %d %v %v", used, ok, err)
	}
}

// quotaKeysAreIndependent: keys are independent.
func quotaKeysAreIndependent(t *testing.T, s ratelimit.QuotaStore) {
	ctx := context.Background()
	for _, key := range []string{"a", "b"} {
		if _, ok, err := s.Add(ctx, key, 1, 1, 0); !ok || err != nil {
			t.Fatalf("key %s: %v %v", key, ok, err)
		}
	}
}

// quotaPeriodicQuotaRollsOver: periodic quota rolls over.
func quotaPeriodicQuotaRollsOver(t *testing.T, s ratelimit.QuotaStore) {
	testQuotaRollover(t, s)
}

// storeKeysAreIndependent: keys are independent.
func storeKeysAreIndependent(t *testing.T, s ratelimit.Store) {
	ctx := context.Background()
	pols := []ratelimit.Policy{ratelimit.PerDay(1).WithBurst(2)}
	out := make([]ratelimit.Status, 1)
	for _, key := range []string{"a", "a", "b", "b"} {
		if ok, err := s.Allow(ctx, key, 1, pols, out); !ok || err != nil {
			t.Fatalf("key %s: %v %v", key, ok, err)
		}
	}
	if ok, _ := s.Allow(ctx, "a", 1, pols, out); ok {
		t.Fatal("a third check of key a was admitted")
	}
}

// quotaTotalReleases: total quota releases.
func quotaTotalReleases(t *testing.T, s ratelimit.QuotaStore) {
	ctx := context.Background()
	q := ratelimit.NewQuota(ratelimit.QuotaConfig{Name: "inboxes", Limit: 2, Store: s})
	for i := 0; i < 2; i++ {
		if _, err := q.Use(ctx, "acme", 1); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := q.Use(ctx, "acme", 1); err == nil {
		t.Fatal("third inbox admitted")
	}
	if err := q.Release(ctx, "acme", 5); err != nil {
		t.Fatal(err)
	}
	if u, err := q.Use(ctx, "acme", 1); err != nil || u.Used != 1 {
		t.Fatalf("after release: %+v %v (the count must not go below zero)", u, err)
	}
}
