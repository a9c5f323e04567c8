package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/internal/redistest"
	"github.com/apierr/apierr/ratelimit"
	"github.com/apierr/apierr/redisstore"
)

// TestQuotaRedisExpiry: a period's counter expires after its period (the
// contract itself is ratelimittest's); a total count never does.
func TestQuotaRedisExpiry(t *testing.T) {
	redistest.Each(t, func(t *testing.T, srv *redistest.Server) {
		client := rlClient(t, srv)
		store := redisstore.NewQuotaStore(client, redisstore.QuotaConfig{Prefix: srv.Prefix(), Timeout: rlTestTimeout})
		now := time.Date(2026, 11, 30, 23, 59, 59, 0, time.UTC)
		q := ratelimit.NewQuota(ratelimit.QuotaConfig{Name: "faxes", Limit: 2, Period: ratelimit.Monthly, Store: store,
			Now: func() time.Time { return now }})
		if _, err := q.Use(context.Background(), "t:acme", 1); err != nil {
			t.Fatal(err)
		}
		pttl, err := client.PTTL(context.Background(), srv.Prefix()+"{q:faxes:t:acme:2026-11}").Result()
		if err != nil || pttl <= 0 {
			t.Fatalf("period key PTTL %v %v, want an expiry", pttl, err)
		}
		inboxes := ratelimit.NewQuota(ratelimit.QuotaConfig{Name: "inboxes", Limit: 1, Store: store})
		if _, err := inboxes.Use(context.Background(), "acme", 1); err != nil {
			t.Fatal(err)
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
