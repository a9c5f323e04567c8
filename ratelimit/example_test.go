package ratelimit_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/apierr/apierr/ratelimit"
)

func Example() {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	lim := ratelimit.New(ratelimit.Config{
		Policies: []ratelimit.Policy{ratelimit.PerMinute(2), ratelimit.PerDay(100)},
		Store:    ratelimit.NewMemory(ratelimit.MemoryConfig{Now: func() time.Time { return now }}),
		Key:      func(*http.Request) string { return "acme" },
	})
	h := lim.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	for i := 0; i < 3; i++ {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		fmt.Printf("%d %s retry-after=%q\n", w.Code, w.Header().Get("RateLimit"), w.Header().Get("Retry-After"))
	}
	fmt.Println(string(ratelimit.AppendPolicyField(nil, lim.Policies())))
	// Output:
	// 200 "minute";r=1;t=30, "day";r=99;t=864 retry-after=""
	// 200 "minute";r=0;t=60, "day";r=98;t=1728 retry-after=""
	// 429 "minute";r=0;t=60, "day";r=98;t=1728 retry-after="30"
	// "minute";q=2;w=60, "day";q=100;w=86400
}

func ExampleLimiter_Allow() {
	lim := ratelimit.New(ratelimit.Config{Policies: []ratelimit.Policy{ratelimit.PerHour(1)}})
	_, err := lim.Allow(context.Background(), "tenant-1", 1)
	fmt.Println(err)
	_, err = lim.Allow(context.Background(), "tenant-1", 1)
	fmt.Println(ratelimit.IsRateLimited(err))
	// Output:
	// <nil>
	// true
}

func ExampleQuota() {
	q := ratelimit.NewQuota(ratelimit.QuotaConfig{Name: "inboxes", Limit: 1})
	_, err := q.Use(context.Background(), "acme", 1)
	fmt.Println(err)
	_, err = q.Use(context.Background(), "acme", 1)
	fmt.Println(err)
	// Output:
	// <nil>
	// apierr: quota_exceeded
}
