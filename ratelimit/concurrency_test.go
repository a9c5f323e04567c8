package ratelimit

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/apierr/apierr"
)

func TestConcurrencyMiddleware(t *testing.T) {
	store := NewMemoryConcurrency()
	cl := NewConcurrency(ConcurrencyConfig{Limit: 2, Store: store, Key: ByTenant})
	entered := make(chan struct{}, 8)
	unblock := make(chan struct{})
	h := cl.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/block":
			entered <- struct{}{}
			<-unblock
		case "/panic":
			panic("handler bug")
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	// A stand-in for the recover middleware, outside the limiter as in the stack.
	recovering := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				apierr.Write(w, r, apierr.Internal(nil))
			}
		}()
		h.ServeHTTP(w, r)
	})
	srv := rlServe(t, apierr.Default(), recovering)
	var unblockOnce sync.Once
	release := func() { unblockOnce.Do(func() { close(unblock) }) }
	t.Cleanup(release) // a failed assertion must not leave handlers blocking the server's Close

	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); rlGet(t, srv.URL+"/block", "acme") }()
	}
	<-entered
	<-entered
	r := rlGet(t, srv.URL+"/fast", "acme")
	if r.status != http.StatusTooManyRequests || r.body["error"] != "concurrency_limited" {
		t.Fatalf("third in flight: %d %v, want 429 concurrency_limited", r.status, r.body["error"])
	}
	if ctx, _ := r.body["context"].(map[string]any); ctx["limit"] != float64(2) {
		t.Fatalf("context = %v, want limit 2", r.body["context"])
	}
	if r.header.Get("Retry-After") != "1" {
		t.Fatalf("Retry-After = %q, want 1 (second) by default: every 429 tells the client how long to wait", r.header.Get("Retry-After"))
	}
	if r := rlGet(t, srv.URL+"/fast", "other"); r.status != http.StatusNoContent {
		t.Fatalf("other tenant: %d", r.status)
	}
	release()
	wg.Wait()
	if n := store.InFlight("cc:t:acme"); n != 0 {
		t.Fatalf("in flight after completion = %d, want 0", n)
	}
	for i := 0; i < 5; i++ {
		if r := rlGet(t, srv.URL+"/panic", "acme"); r.status != http.StatusInternalServerError {
			t.Fatalf("panic %d: status %d", i, r.status)
		}
	}
	if n := store.InFlight("cc:t:acme"); n != 0 {
		t.Fatalf("in flight after panics = %d, want 0: the slot must be released", n)
	}
}

func TestConcurrencyAcquireRelease(t *testing.T) {
	cl := NewConcurrency(ConcurrencyConfig{Limit: 1})
	rel, err := cl.Acquire(context.Background(), "k")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Acquire(context.Background(), "k"); err == nil {
		t.Fatal("second Acquire succeeded, want concurrency_limited")
	}
	rel()
	rel() // twice is harmless
	rel2, err := cl.Acquire(context.Background(), "k")
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	rel2()
	if _, err := cl.Acquire(context.Background(), "k"); err != nil {
		t.Fatalf("double release must not free a slot twice: %v", err)
	}
}
