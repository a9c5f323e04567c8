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
