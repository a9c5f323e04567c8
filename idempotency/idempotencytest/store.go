// Package idempotencytest checks that a Store keeps the idempotency.Store
// contract, and gives tests a caller without the auth middleware.
//
//	func TestStore(t *testing.T) {
//		idempotencytest.TestStore(t, func(t *testing.T) idempotency.Store { return newStore(t) })
//	}
package idempotencytest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierr/apierr/idempotency"
)

// TestStore runs the Store contract against stores made by newStore, one
// fresh store (or fresh key space) per subtest. Expiry is store-specific and
// left to the store's own tests.
func TestStore(t *testing.T, newStore func(t *testing.T) idempotency.Store) {
	for _, tc := range []struct {
		name string
		run  func(*testing.T, idempotency.Store)
	}{
		{"acquire on a new key takes the lease", storeAcquireOnANewKeyTakesTheLease},
		{"keys are independent", storeKeysAreIndependent},
		{"owner completes and the record is returned whole", storeOwnerCompletesAndTheRecordIsReturnedWhole},
		{"another token cannot complete", storeAnotherTokenCannotComplete},
		{"a completed record is never overwritten", storeACompletedRecordIsNeverOverwritten},
		{"complete with no record stores it", storeCompleteWithNoRecordStoresIt},
		{"release by the owner frees the key", storeReleaseByTheOwnerFreesTheKey},
		{"release by another token changes nothing", storeReleaseByAnotherTokenChangesNothing},
		{"release never deletes a completed record", storeReleaseNeverDeletesACompletedRecord},
		{"release of a missing key is not an error", storeReleaseOfAMissingKeyIsNotAnError},
		{"the owner renews its lease", storeTheOwnerRenewsItsLease},
		{"renew by another token changes nothing", storeRenewByAnotherTokenChangesNothing},
		{"renew never touches a completed record", storeRenewNeverTouchesACompletedRecord},
		{"renew of a missing key creates nothing", storeRenewOfAMissingKeyCreatesNothing},
		{"concurrent acquires have exactly one winner", storeConcurrentAcquiresHaveExactlyOneWinner},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, newStore(t)) })
	}
}

// The lease and TTL every subtest uses: long enough that nothing expires
// while the tests run.
const lease, ttl = time.Minute, time.Hour

// storeAcquireOnANewKeyTakesTheLease: acquire on a new key takes the lease.
func storeAcquireOnANewKeyTakesTheLease(t *testing.T, s idempotency.Store) {
	ctx := context.Background()
	a := inflight(1)
	if prev, err := s.Acquire(ctx, "k", a, lease); err != nil || prev != nil {
		t.Fatalf("Acquire = %v, %v; want nil, nil", prev, err)
	}
	prev, err := s.Acquire(ctx, "k", inflight(2), lease)
	if err != nil || prev == nil {
		t.Fatalf("second Acquire = %v, %v; want the first record", prev, err)
	}
	if prev.Status != idempotency.InFlight || prev.Token != a.Token || prev.Fingerprint != a.Fingerprint {
		t.Fatalf("second Acquire returned %+v; want the first owner's in-flight record", prev)
	}
}

// storeKeysAreIndependent: keys are independent.
func storeKeysAreIndependent(t *testing.T, s idempotency.Store) {
	mustAcquire(t, s, "k1", inflight(1))
	mustAcquire(t, s, "k2", inflight(2))
}

// storeOwnerCompletesAndTheRecordIsReturnedWhole: owner completes and the record is returned whole.
func storeOwnerCompletesAndTheRecordIsReturnedWhole(t *testing.T, s idempotency.Store) {
	ctx := context.Background()
	a := inflight(1)
	mustAcquire(t, s, "k", a)
	done := completed(a, 201, []byte(`{"id":"fax_1"}`))
	if err := s.Complete(ctx, "k", done, ttl); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	prev, err := s.Acquire(ctx, "k", inflight(2), lease)
	if err != nil || prev == nil {
		t.Fatalf("Acquire after Complete = %v, %v", prev, err)
	}
	if prev.Status != idempotency.Completed || prev.Code != 201 || !bytes.Equal(prev.Body, done.Body) ||
		prev.Fingerprint != a.Fingerprint || prev.ErrorCode != done.ErrorCode || prev.Header.Get("Content-Type") != "application/json" ||
		fmt.Sprint(prev.Header["X-Multi"]) != "[a b]" {
		t.Fatalf("stored record = %+v; want %+v", prev, done)
	}
}

// storeAnotherTokenCannotComplete: another token cannot complete.
func storeAnotherTokenCannotComplete(t *testing.T, s idempotency.Store) {
	ctx := context.Background()
	a := inflight(1)
	mustAcquire(t, s, "k", a)
	stale := completed(inflight(9), 200, []byte("stale"))
	stale.Fingerprint = a.Fingerprint
	if err := s.Complete(ctx, "k", stale, ttl); !errors.Is(err, idempotency.ErrLeaseLost) {
		t.Fatalf("Complete by a stranger = %v; want ErrLeaseLost", err)
	}
	if prev, _ := s.Acquire(ctx, "k", inflight(2), lease); prev == nil || prev.Status != idempotency.InFlight || prev.Token != a.Token {
		t.Fatalf("record after a stranger's Complete = %+v; want the owner's lease untouched", prev)
	}
}

// storeACompletedRecordIsNeverOverwritten: a completed record is never overwritten.
func storeACompletedRecordIsNeverOverwritten(t *testing.T, s idempotency.Store) {
	ctx := context.Background()
	a := inflight(1)
	mustAcquire(t, s, "k", a)
	if err := s.Complete(ctx, "k", completed(a, 201, []byte("first")), ttl); err != nil {
		t.Fatal(err)
	}
	if err := s.Complete(ctx, "k", completed(a, 201, []byte("second")), ttl); !errors.Is(err, idempotency.ErrLeaseLost) {
		t.Fatalf("second Complete = %v; want ErrLeaseLost", err)
	}
	if prev, _ := s.Acquire(ctx, "k", inflight(2), lease); prev == nil || string(prev.Body) != "first" {
		t.Fatalf("record = %+v; want the first response", prev)
	}
}

// storeCompleteWithNoRecordStoresIt: complete with no record stores it.
func storeCompleteWithNoRecordStoresIt(t *testing.T, s idempotency.Store) {
	ctx := context.Background()
	a := inflight(1)
	if err := s.Complete(ctx, "k", completed(a, 200, []byte("late")), ttl); err != nil {
		t.Fatalf("Complete on an empty key = %v; want nil", err)
	}
	if prev, _ := s.Acquire(ctx, "k", inflight(2), lease); prev == nil || string(prev.Body) != "late" {
		t.Fatalf("record = %+v; want the late response", prev)
	}
}

// storeReleaseByTheOwnerFreesTheKey: release by the owner frees the key.
func storeReleaseByTheOwnerFreesTheKey(t *testing.T, s idempotency.Store) {
	ctx := context.Background()
	a := inflight(1)
	mustAcquire(t, s, "k", a)
	if err := s.Release(ctx, "k", a.Token); err != nil {
		t.Fatal(err)
	}
	mustAcquire(t, s, "k", inflight(2))
}

// storeReleaseByAnotherTokenChangesNothing: release by another token changes nothing.
func storeReleaseByAnotherTokenChangesNothing(t *testing.T, s idempotency.Store) {
	ctx := context.Background()
	a := inflight(1)
	mustAcquire(t, s, "k", a)
	if err := s.Release(ctx, "k", inflight(9).Token); err != nil {
		t.Fatal(err)
	}
	if prev, _ := s.Acquire(ctx, "k", inflight(2), lease); prev == nil || prev.Token != a.Token {
		t.Fatalf("record = %+v; want the owner's lease", prev)
	}
}

// storeReleaseNeverDeletesACompletedRecord: release never deletes a completed record.
func storeReleaseNeverDeletesACompletedRecord(t *testing.T, s idempotency.Store) {
	ctx := context.Background()
	a := inflight(1)
	mustAcquire(t, s, "k", a)
	if err := s.Complete(ctx, "k", completed(a, 201, []byte("done")), ttl); err != nil {
		t.Fatal(err)
	}
	if err := s.Release(ctx, "k", a.Token); err != nil {
		t.Fatal(err)
	}
	if prev, _ := s.Acquire(ctx, "k", inflight(2), lease); prev == nil || prev.Status != idempotency.Completed {
		t.Fatalf("record = %+v; want the completed response", prev)
	}
}

// storeReleaseOfAMissingKeyIsNotAnError: release of a missing key is not an error.
func storeReleaseOfAMissingKeyIsNotAnError(t *testing.T, s idempotency.Store) {
	ctx := context.Background()
	if err := s.Release(ctx, "nothing", inflight(1).Token); err != nil {
		t.Fatal(err)
	}
}

// storeTheOwnerRenewsItsLease: the owner renews its lease.
func storeTheOwnerRenewsItsLease(t *testing.T, s idempotency.Store) {
	ctx := context.Background()
	a := inflight(1)
	mustAcquire(t, s, "k", a)
	if err := s.Renew(ctx, "k", a.Token, lease); err != nil {
		t.Fatalf("Renew by the owner = %v; want nil", err)
	}
	prev, err := s.Acquire(ctx, "k", inflight(2), lease)
	if err != nil || prev == nil || prev.Status != idempotency.InFlight || prev.Token != a.Token || prev.Fingerprint != a.Fingerprint {
		t.Fatalf("record after Renew = %+v, %v; want the owner's lease, unchanged", prev, err)
	}
	// Once renewed, the lease completes as usual.
	if err := s.Complete(ctx, "k", completed(a, 201, []byte("done")), ttl); err != nil {
		t.Fatalf("Complete after Renew: %v", err)
	}
}

// storeRenewByAnotherTokenChangesNothing: renew by another token changes nothing.
func storeRenewByAnotherTokenChangesNothing(t *testing.T, s idempotency.Store) {
	ctx := context.Background()
	a := inflight(1)
	mustAcquire(t, s, "k", a)
	if err := s.Renew(ctx, "k", inflight(9).Token, lease); !errors.Is(err, idempotency.ErrLeaseLost) {
		t.Fatalf("Renew by a stranger = %v; want ErrLeaseLost", err)
	}
	if prev, _ := s.Acquire(ctx, "k", inflight(2), lease); prev == nil || prev.Token != a.Token {
		t.Fatalf("record = %+v; want the owner's lease", prev)
	}
}

// storeRenewNeverTouchesACompletedRecord: renew never touches a completed record.
func storeRenewNeverTouchesACompletedRecord(t *testing.T, s idempotency.Store) {
	ctx := context.Background()
	a := inflight(1)
	mustAcquire(t, s, "k", a)
	if err := s.Complete(ctx, "k", completed(a, 201, []byte("done")), ttl); err != nil {
		t.Fatal(err)
	}
	if err := s.Renew(ctx, "k", a.Token, lease); !errors.Is(err, idempotency.ErrLeaseLost) {
		t.Fatalf("Renew of a completed key = %v; want ErrLeaseLost", err)
	}
	if prev, _ := s.Acquire(ctx, "k", inflight(2), lease); prev == nil || prev.Status != idempotency.Completed || string(prev.Body) != "done" {
		t.Fatalf("record = %+v; want the completed response", prev)
	}
}

// storeRenewOfAMissingKeyCreatesNothing: renew of a missing key creates nothing.
func storeRenewOfAMissingKeyCreatesNothing(t *testing.T, s idempotency.Store) {
	ctx := context.Background()
	if err := s.Renew(ctx, "nothing", inflight(1).Token, lease); !errors.Is(err, idempotency.ErrLeaseLost) {
		t.Fatalf("Renew of a missing key = %v; want ErrLeaseLost", err)
	}
	mustAcquire(t, s, "nothing", inflight(2))
}

// storeConcurrentAcquiresHaveExactlyOneWinner: concurrent acquires have exactly one winner.
func storeConcurrentAcquiresHaveExactlyOneWinner(t *testing.T, s idempotency.Store) {
	ctx := context.Background()
	const n = 64
	var wins atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			prev, err := s.Acquire(ctx, "race", inflight(byte(i)), lease)
			if err != nil {
				errs <- err
				return
			}
			if prev == nil {
				wins.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if w := wins.Load(); w != 1 {
		t.Fatalf("%d goroutines took the lease; want exactly 1", w)
	}
}

func mustAcquire(t *testing.T, s idempotency.Store, key string, rec *idempotency.Record) {
	t.Helper()
	prev, err := s.Acquire(context.Background(), key, rec, time.Minute)
	if err != nil || prev != nil {
		t.Fatalf("Acquire(%q) = %+v, %v; want the lease", key, prev, err)
	}
}

func inflight(seed byte) *idempotency.Record {
	r := &idempotency.Record{Status: idempotency.InFlight, Token: idempotency.NewToken()}
	r.Fingerprint[0] = seed
	return r
}

func completed(owner *idempotency.Record, code int, body []byte) *idempotency.Record {
	return &idempotency.Record{
		Status: idempotency.Completed, Token: owner.Token, Fingerprint: owner.Fingerprint,
		Code: code, Body: body, ErrorCode: "test_code",
		Header: http.Header{"Content-Type": {"application/json"}, "X-Multi": {"a", "b"}},
	}
}
