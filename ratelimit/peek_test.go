package ratelimit_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/ratelimit"
)

func TestPeekChargesNothing(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	store := ratelimit.NewMemory(ratelimit.MemoryConfig{Now: func() time.Time { return now }})
	l := ratelimit.New(ratelimit.Config{Policies: []ratelimit.Policy{ratelimit.PerMinute(3)}, Store: store})
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		for j := 0; j < 10; j++ {
			if res, err := l.Peek(ctx, "k", 1); err != nil || !res.Allowed || res.Statuses[0].Remaining != int64(3-i) {
				t.Fatalf("peek after %d charges: %+v %v", i, res, err)
			}
		}
		if _, err := l.Allow(ctx, "k", 1); err != nil {
			t.Fatalf("charge %d: %v", i, err)
		}
	}
	res, err := l.Peek(ctx, "k", 1)
	if !ratelimit.IsRateLimited(err) || res.Allowed || res.RetryAfter != 20*time.Second {
		t.Fatalf("peek of a spent key: %+v %v, want refused, retry after 20s (one unit)", res, err)
	}
	if e := apierr.From(err); e.RetryAfter != 20*time.Second || e.Context["retry_after"] != int64(20) {
		t.Fatalf("error %+v, want Retry-After 20s", e)
	}
	if _, err := l.Peek(ctx, "k", 2); apierr.From(err).RetryAfter != 40*time.Second {
		t.Fatalf("peek of cost 2: %v, want retry after 40s", err)
	}
	now = now.Add(20 * time.Second)
	if _, err := l.Peek(ctx, "k", 1); err != nil {
		t.Fatalf("peek once a unit is back: %v", err)
	}
	if store.Len() != 1 {
		t.Fatalf("store holds %d keys; peeks of other keys stored nothing", store.Len())
	}
}

func TestCheckAndChargeRequest(t *testing.T) {
	l := ratelimit.New(ratelimit.Config{Policies: []ratelimit.Policy{ratelimit.PerHour(2)}, Key: ratelimit.ByIP})
	r, _ := http.NewRequest("GET", "/", nil)
	r.RemoteAddr = "203.0.113.5:1"
	for i := 0; i < 2; i++ {
		if err := l.CheckRequest(r); err != nil {
			t.Fatal(err)
		}
		if err := l.ChargeRequest(r); err != nil {
			t.Fatal(err)
		}
	}
	err := l.CheckRequest(r)
	e := apierr.From(err)
	if e.Condition != apierr.CondRateLimited || e.Header.Get("RateLimit") != `"hour";r=0;t=3600` || e.Header.Get("RateLimit-Policy") != `"hour";q=2;w=3600` {
		t.Fatalf("check of a spent address: %v, headers %v", err, e.Header)
	}
	if err := l.ChargeRequest(r); !ratelimit.IsRateLimited(err) {
		t.Fatalf("charge of a spent address: %v", err)
	}
	r.RemoteAddr = "203.0.113.6:1"
	if err := l.CheckRequest(r); err != nil {
		t.Fatalf("another address: %v", err)
	}
}
