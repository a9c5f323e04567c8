package client_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/client"
)

func ExampleDecode() {
	// A Google-style google.rpc.Status body.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req-7")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"error":{"code":429,"message":"Quota exceeded.","status":"RESOURCE_EXHAUSTED",
			"details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"3s"}]}}`)
	}))
	defer srv.Close()

	resp, err := http.Get(srv.URL)
	if err != nil {
		panic(err)
	}
	err = client.Decode(resp) // reads (bounded) and closes the body
	var e *apierr.Error
	if errors.As(err, &e) {
		fmt.Println(e.Code, e.Status, e.Message, e.RequestID, e.Retryable, e.RetryAfter)
	}
	fmt.Println(errors.Is(err, apierr.Cond(apierr.CondRateLimited)))
	fmt.Println(err)
	// Output:
	// RESOURCE_EXHAUSTED 429 Quota exceeded. req-7 true 3s
	// true
	// client: 429 RESOURCE_EXHAUSTED: Quota exceeded. [request_id=req-7]
}

func ExampleParseRetryAfter() {
	now := time.Date(2026, 11, 25, 11, 0, 0, 0, time.UTC)
	d, ok := client.ParseRetryAfter("Wed, 25 Nov 2026 11:00:30 GMT", now)
	fmt.Println(d, ok)
	d, ok = client.ParseRetryAfter("120", now)
	fmt.Println(d, ok)
	// Output:
	// 30s true
	// 2m0s true
}

func ExampleTransport() {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits++; hits < 3 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()

	c := client.New(&client.Transport{
		MaxRetries:     4,
		IdempotencyKey: client.RandomKey, // POST and PATCH become retryable, one key for all attempts
		OnRetry: func(ev client.RetryEvent) {
			fmt.Println("retry after attempt", ev.Attempt, "status", ev.StatusCode, "wait", ev.Wait)
		},
		Sleep: func(ctx context.Context, d time.Duration) error { return nil }, // no real waiting in an example
	})
	resp, err := c.Get(srv.URL)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	fmt.Println(resp.StatusCode, "after", client.Attempts(resp), "attempts")
	// Output:
	// retry after attempt 1 status 503 wait 1s
	// retry after attempt 2 status 503 wait 1s
	// 200 after 3 attempts
}

func ExampleRetryError() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120") // longer than the caller will wait
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"success":false,"message":"Service temporarily unavailable","error":{"code":"SERVICE_UNAVAILABLE"}}`)
	}))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	c := client.New(&client.Transport{MaxRetryAfter: 5 * time.Minute})
	_, err := c.Do(req) // returns at once: waiting 120s would pass the deadline

	var re *client.RetryError
	var e *apierr.Error
	if errors.As(err, &re) && errors.As(err, &e) {
		fmt.Println(re.Attempts, errors.Is(err, client.ErrDeadline), re.Wait)
		fmt.Println(e.Status, e.Code, e.Message)
	}
	// Output:
	// 1 true 2m0s
	// 503 SERVICE_UNAVAILABLE Service temporarily unavailable
}

func ExampleParseRateLimit() {
	h := http.Header{}
	h.Add("RateLimit-Policy", `"second";q=10;w=1, "day";q=10000;w=86400`)
	h.Add("RateLimit", `"second";r=0;t=1`)
	h.Add("RateLimit", `"day";r=9000;t=3600`) // a second field line counts too
	for _, s := range client.ParseRateLimit(h, time.Now()) {
		fmt.Printf("%s: %d per %v, %d left, full again in %v\n", s.Policy, s.Quota, s.Window, s.Remaining, s.Reset)
	}
	// Output:
	// second: 10 per 1s, 0 left, full again in 1s
	// day: 10000 per 24h0m0s, 9000 left, full again in 1h0m0s
}

func ExampleNewPacer() {
	// One Pacer for every goroutine that calls the API; add
	// PaceConfig{Store: redisstore.NewPaceStore(rdb, redisstore.PaceConfig{})}
	// to pace several processes as one.
	c := client.New(&client.Transport{Pacer: client.NewPacer(client.PaceConfig{})})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("RateLimit-Policy", `"default";q=100;w=60`)
		w.Header().Set("RateLimit", `"default";r=99;t=1`)
		io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()
	for range 3 { // the first answer teaches the Pacer the policy; the burst of 99 is not paced
		resp, err := c.Get(srv.URL)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	// Output:
	// 200
	// 200
	// 200
}
