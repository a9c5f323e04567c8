package ratelimit

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/apierr/apierr"
)

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
