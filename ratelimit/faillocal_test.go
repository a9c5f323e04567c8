package ratelimit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/ratelimit"
)

type downStore struct{}

var errDown = errors.New("store down")

func (downStore) Allow(context.Context, string, int64, []ratelimit.Policy, []ratelimit.Status) (bool, error) {
	return false, errDown
}
func (downStore) Acquire(context.Context, string, int64, time.Duration) (func(), int64, bool, error) {
	return func() {}, 0, false, errDown
}
func (downStore) Add(context.Context, string, int64, int64, time.Duration) (int64, bool, error) {
	return 0, false, errDown
}

// TestFailLocal: while the store fails, FailLocal limits in the process to
// LocalShare of each limit, reports the local statuses, and counts every
// failure; a Quota under FailLocal fails closed.
func TestFailLocal(t *testing.T) {
	ctx := context.Background()
	t.Run("rate", func(t *testing.T) {
		l := ratelimit.New(ratelimit.Config{Policies: []ratelimit.Policy{ratelimit.PerHour(10)}, Store: downStore{}, LocalShare: 0.5,
			FailurePolicy: apierr.FailurePolicy{Mode: apierr.FailLocal},
		})
		admitted := 0
		for i := 0; i < 20; i++ {
			res, err := l.Allow(ctx, "k", 1)
			switch {
			case err == nil:
				admitted++
			case !ratelimit.IsRateLimited(err):
				t.Fatalf("check %d: %v, want admitted or rate limited", i, err)
			case res.RetryAfter <= 0 || len(res.Statuses) != 1:
				t.Fatalf("refusal without a local status: %+v", res)
			}
		}
		if admitted != 5 || l.Failures() != 20 {
			t.Fatalf("admitted %d (want 5, half of 10), failures %d (want 20)", admitted, l.Failures())
		}
		if _, err := l.Allow(ctx, "other", 1); err != nil {
			t.Fatalf("another key shares nothing: %v", err)
		}
	})
	t.Run("concurrency", func(t *testing.T) {
		c := ratelimit.NewConcurrency(ratelimit.ConcurrencyConfig{Limit: 4, Store: downStore{}, LocalShare: 0.5,
			FailurePolicy: apierr.FailurePolicy{Mode: apierr.FailLocal},
		})
		r1, err1 := c.Acquire(ctx, "k")
		_, err2 := c.Acquire(ctx, "k")
		_, err3 := c.Acquire(ctx, "k")
		var e *apierr.Error
		if err1 != nil || err2 != nil || !errors.As(err3, &e) || e.Condition != apierr.CondConcurrencyLimited {
			t.Fatalf("acquires: %v %v %v, want 2 slots then concurrency limited", err1, err2, err3)
		}
		r1()
		if _, err := c.Acquire(ctx, "k"); err != nil {
			t.Fatalf("after a release: %v", err)
		}
	})
	t.Run("quota fails closed", func(t *testing.T) {
		q := ratelimit.NewQuota(ratelimit.QuotaConfig{Name: "faxes", Limit: 10, Store: downStore{}, FailurePolicy: apierr.FailurePolicy{Mode: apierr.FailLocal}})
		_, err := q.Use(ctx, "k", 1)
		var e *apierr.Error
		if !errors.As(err, &e) || e.Condition != apierr.CondUnavailable {
			t.Fatalf("quota under FailLocal: %v, want unavailable", err)
		}
	})
	if apierr.FailLocal.String() != "fail_local" {
		t.Fatal(apierr.FailLocal.String())
	}
}
