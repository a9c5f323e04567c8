package ratelimit

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/apierr/apierr"
)

func TestQuotaMonthlyRollover(t *testing.T) {
	clk := rlNewClock()
	clk.Set(time.Date(2026, 1, 31, 23, 59, 0, 0, time.UTC))
	q := NewQuota(QuotaConfig{Name: "faxes", Limit: 3, Period: Monthly, Now: clk.Now})
	srv := rlServe(t, apierr.Default(), q.Middleware(rlOK))
	for i := 0; i < 3; i++ {
		if r := rlGet(t, srv.URL, "acme"); r.status != http.StatusNoContent {
			t.Fatalf("use %d: status %d", i, r.status)
		}
	}
	r := rlGet(t, srv.URL, "acme")
	if r.status != http.StatusPaymentRequired {
		t.Fatalf("over quota: status %d, want 402", r.status)
	}
	if r.header.Get("Retry-After") != "" {
		t.Fatalf("402 carries Retry-After %q; it must not", r.header.Get("Retry-After"))
	}
	if r.body["error"] != "quota_exceeded" {
		t.Fatalf("error = %v", r.body["error"])
	}
	ctx, _ := r.body["context"].(map[string]any)
	if ctx["limit"] != float64(3) || ctx["used"] != float64(3) || ctx["resets_at"] != "2026-02-01T00:00:00Z" {
		t.Fatalf("context = %v", ctx)
	}
	if r := rlGet(t, srv.URL, "other"); r.status != http.StatusNoContent {
		t.Fatalf("other tenant: %d", r.status)
	}
	clk.Advance(time.Minute) // February
	if r := rlGet(t, srv.URL, "acme"); r.status != http.StatusNoContent {
		t.Fatalf("after rollover: status %d, want 204", r.status)
	}
}

func TestQuotaDailyInLocation(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	clk := rlNewClock()
	clk.Set(time.Date(2026, 3, 7, 23, 30, 0, 0, ny))
	q := NewQuota(QuotaConfig{Limit: 1, Period: Daily, Location: ny, Now: clk.Now})
	if _, err := q.Use(context.Background(), "acme", 1); err != nil {
		t.Fatal(err)
	}
	u, err := q.Use(context.Background(), "acme", 1)
	var e *apierr.Error
	if !errors.As(err, &e) || e.Condition != apierr.CondQuotaExceeded {
		t.Fatalf("second use: %v", err)
	}
	if want := time.Date(2026, 3, 8, 0, 0, 0, 0, ny); !u.ResetsAt.Equal(want) || e.Context["resets_at"] != "2026-03-08T05:00:00Z" {
		t.Fatalf("resets at %v / %v, want %v", u.ResetsAt, e.Context["resets_at"], want)
	}
	clk.Advance(31 * time.Minute) // 00:01 on the 8th in New York, 05:01 UTC
	if _, err := q.Use(context.Background(), "acme", 1); err != nil {
		t.Fatalf("new local day: %v", err)
	}
}

func TestQuotaTotalCount(t *testing.T) {
	q := NewQuota(QuotaConfig{Name: "inboxes", Limit: 2})
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if _, err := q.Use(ctx, "acme", 1); err != nil {
			t.Fatal(err)
		}
	}
	u, err := q.Use(ctx, "acme", 1)
	var e *apierr.Error
	if !errors.As(err, &e) || e.Context["used"] != int64(2) || e.Context["resets_at"] != nil || !u.ResetsAt.IsZero() {
		t.Fatalf("third inbox: %v %+v", err, u)
	}
	if err := q.Release(ctx, "acme", 1); err != nil {
		t.Fatal(err)
	}
	if u, err := q.Use(ctx, "acme", 1); err != nil || u.Used != 2 {
		t.Fatalf("after delete: %+v %v", u, err)
	}
	_ = q.Release(ctx, "acme", 10)
	if u, _ := q.Use(ctx, "acme", 0); u.Used != 0 {
		t.Fatalf("release below zero: used %d, want 0", u.Used)
	}
}

func TestQuotaLimitFor(t *testing.T) {
	q := NewQuota(QuotaConfig{LimitFor: func(_ context.Context, key string) (int64, error) {
		if key == "enterprise" {
			return -1, nil
		}
		return 1, nil
	}})
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		if _, err := q.Use(ctx, "enterprise", 1); err != nil {
			t.Fatalf("unlimited plan: %v", err)
		}
	}
	q.Use(ctx, "free", 1)
	if _, err := q.Use(ctx, "free", 1); err == nil {
		t.Fatal("free plan: second use admitted")
	}
}
