package redisstore_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/internal/redistest"
	"github.com/apierr/apierr/ratelimit"
	"github.com/apierr/apierr/redisstore"
)

// TestQuotaRedisExact: 2 clients × 50 goroutines use a quota of 250: exactly
// 250 units are granted.
func TestQuotaRedisExact(t *testing.T) {
	redistest.Each(t, func(t *testing.T, srv *redistest.Server) {
		var quotas [2]*ratelimit.Quota
		for i := range quotas {
			store := redisstore.NewQuotaStore(rlClient(t, srv), redisstore.QuotaConfig{Prefix: srv.Prefix(), Timeout: 10 * time.Second})
			quotas[i] = ratelimit.NewQuota(ratelimit.QuotaConfig{Name: "faxes", Limit: 250, Period: ratelimit.Monthly, Store: store})
		}
		var granted atomic.Int64
		var wg sync.WaitGroup
		for g := 0; g < 100; g++ {
			wg.Add(1)
			go func(q *ratelimit.Quota) {
				defer wg.Done()
				for i := 0; i < 5; i++ {
					if _, err := q.Use(context.Background(), "acme", 1); err == nil {
						granted.Add(1)
					}
				}
			}(quotas[g%2])
		}
		wg.Wait()
		if granted.Load() != 250 {
			t.Fatalf("granted %d, want exactly 250", granted.Load())
		}
	})
}

func TestQuotaRedisRolloverAndTotals(t *testing.T) {
	redistest.Each(t, func(t *testing.T, srv *redistest.Server) {
		client := rlClient(t, srv)
		store := redisstore.NewQuotaStore(client, redisstore.QuotaConfig{Prefix: srv.Prefix(), Timeout: rlTestTimeout})
		now := time.Date(2026, 11, 30, 23, 59, 59, 0, time.UTC)
		var mu sync.Mutex
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		q := ratelimit.NewQuota(ratelimit.QuotaConfig{Name: "faxes", Limit: 2, Period: ratelimit.Monthly, Store: store, Now: clock})
		hs := rlServe(t, apierr.Default(), q.Middleware(rlOK))
		for i, want := range []int{204, 204, 402} {
			if r := rlGet(t, hs.URL, "acme"); r.status != want {
				t.Fatalf("request %d: %d, want %d", i, r.status, want)
			}
		}
		r := rlGet(t, hs.URL, "acme")
		ctx, _ := r.body["context"].(map[string]any)
		if r.status != http.StatusPaymentRequired || r.header.Get("Retry-After") != "" ||
			ctx["limit"] != float64(2) || ctx["used"] != float64(2) || ctx["resets_at"] != "2026-12-01T00:00:00Z" {
			t.Fatalf("over quota: %d Retry-After=%q %v", r.status, r.header.Get("Retry-After"), r.body)
		}
		pttl, err := client.PTTL(context.Background(), srv.Prefix()+"{q:faxes:t:acme:2026-11}").Result()
		if err != nil || pttl <= 0 {
			t.Fatalf("period key PTTL %v %v, want an expiry", pttl, err)
		}
		mu.Lock()
		now = now.Add(time.Second) // December
		mu.Unlock()
		if r := rlGet(t, hs.URL, "acme"); r.status != http.StatusNoContent {
			t.Fatalf("after rollover: %d", r.status)
		}

		inboxes := ratelimit.NewQuota(ratelimit.QuotaConfig{Name: "inboxes", Limit: 1, Store: store})
		if _, err := inboxes.Use(context.Background(), "acme", 1); err != nil {
			t.Fatal(err)
		}
		if _, err := inboxes.Use(context.Background(), "acme", 1); err == nil {
			t.Fatal("second inbox admitted")
		}
		if err := inboxes.Release(context.Background(), "acme", 5); err != nil {
			t.Fatal(err)
		}
		if u, err := inboxes.Use(context.Background(), "acme", 1); err != nil || u.Used != 1 {
			t.Fatalf("after release: %+v %v (the count must not go below zero)", u, err)
		}
		if pttl, _ := client.PTTL(context.Background(), srv.Prefix()+"{q:inboxes:acme}").Result(); pttl != -1 {
			t.Fatalf("total count PTTL = %v, want none (-1)", pttl)
		}
	})
}

func TestQuotaRedisOutage(t *testing.T) {
	srv := redistest.New(t)
	if !srv.Owned() {
		t.Skip("needs a redis-server it can stop")
	}
	store := redisstore.NewQuotaStore(rlClient(t, srv), redisstore.QuotaConfig{Prefix: srv.Prefix(), Timeout: rlOutageTimeout})
	open := ratelimit.NewQuota(ratelimit.QuotaConfig{Limit: 1, Store: store})
	closed := ratelimit.NewQuota(ratelimit.QuotaConfig{Limit: 1, Store: store, FailurePolicy: apierr.FailurePolicy{Mode: apierr.FailClosed}})
	srv.Stop()
	if _, err := open.Use(context.Background(), "k", 1); err != nil {
		t.Fatalf("fail open: %v", err)
	}
	_, err := closed.Use(context.Background(), "k", 1)
	var e *apierr.Error
	if !asErr(err, &e) || e.Condition != apierr.CondUnavailable {
		t.Fatalf("fail closed: %v", err)
	}
	if open.Failures() != 1 || closed.Failures() != 1 {
		t.Fatalf("failures %d/%d", open.Failures(), closed.Failures())
	}
}
