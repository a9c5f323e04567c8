package oidcauth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// A client that hangs up while its request is fetching the issuer's keys
// must not fail the requests of other clients waiting for the same fetch,
// nor those that come right after it.
func TestCancelledCallerDoesNotPoisonKeyFetch(t *testing.T) {
	iss := newIssuer(t)
	rs := newSigningKey(t, "rsa-1", jose.RS256, 0)
	iss.publish(rs)
	first := make(chan struct{})
	release := make(chan struct{})
	var hits atomic.Int64
	iss.jwksHook = func(r *http.Request) {
		if hits.Add(1) == 1 {
			close(first)
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
	}
	clk := &clock{now: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	v, err := New(Config{Issuer: iss.srv.URL, Audience: []string{audience}, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	api := authServer(t, v)
	aDone := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.ServeHTTP(w, r)
		if r.Header.Get("X-Caller") == "A" {
			close(aDone)
		}
	}))
	t.Cleanup(srv.Close)
	token := "Bearer " + iss.sign(rs, iss.valid(clk.Now()))
	get := func(ctx context.Context, caller string) (*http.Response, error) {
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/me", nil)
		req.Header.Set("Authorization", token)
		req.Header.Set("X-Caller", caller)
		return http.DefaultClient.Do(req)
	}

	// A starts the key fetch and hangs up while it runs.
	ctxA, cancelA := context.WithCancel(context.Background())
	aErr := make(chan error, 1)
	go func() {
		res, err := get(ctxA, "A")
		if err == nil {
			res.Body.Close()
		}
		aErr <- err
	}()
	wait(t, first, "the key fetch")
	cancelA()
	<-aErr
	wait(t, aDone, "A's handler to return")

	// B, a patient client, must be verified once the issuer answers.
	bStatus := make(chan int, 1)
	go func() {
		res, err := get(context.Background(), "B")
		if err != nil {
			bStatus <- -1
			return
		}
		res.Body.Close()
		bStatus <- res.StatusCode
	}()
	close(release)
	select {
	case s := <-bStatus:
		if s != http.StatusOK {
			t.Fatalf("B got %d after A hung up; want 200 (A's cancellation failed the shared key fetch)", s)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("B got no answer")
	}
}

// While the issuer is down and the cached keys are past KeysTTL, known keys
// keep working without a new fetch per request: one failed refresh backs
// the rest off for RefreshInterval (each fetch can take the HTTP client's
// whole timeout when the issuer hangs).
func TestStaleKeysBackOffWhileIssuerDown(t *testing.T) {
	f := newFixture(t)
	f.v.cache = nil // every request must reach the key cache
	if r := f.call(t, "Bearer "+f.iss.sign(f.rs, f.iss.valid(f.clk.Now()))); r.status != 200 {
		t.Fatalf("first token: %d %s", r.status, r.raw)
	}
	f.iss.setDown(true)
	f.clk.Advance(2 * time.Hour) // past KeysTTL
	token := "Bearer " + f.iss.sign(f.rs, f.iss.valid(f.clk.Now()))
	if r := f.call(t, token); r.status != 200 {
		t.Fatalf("stale keys while the issuer is down: %d %s", r.status, r.raw)
	}
	hits := f.iss.jwksHits.Load()
	for i := 0; i < 20; i++ {
		if r := f.call(t, token); r.status != 200 {
			t.Fatalf("request %d: %d %s", i, r.status, r.raw)
		}
	}
	if got := f.iss.jwksHits.Load() - hits; got != 0 {
		t.Errorf("20 requests within RefreshInterval of a failed refresh fetched the JWKS %d more times; want 0", got)
	}
	// After the interval, the next request tries again, and a recovered
	// issuer's keys are used.
	f.iss.setDown(false)
	f.clk.Advance(6 * time.Second)
	if r := f.call(t, token); r.status != 200 {
		t.Fatalf("issuer back: %d %s", r.status, r.raw)
	}
	// That retry runs in the background: wait for it to reach the issuer.
	for deadline := time.Now().Add(30 * time.Second); f.iss.jwksHits.Load() == hits; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no refresh after RefreshInterval")
		}
	}
}

func wait(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}
