package redisstore_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/idempotency"
	"github.com/apierr/apierr/idempotency/idempotencytest"
	"github.com/apierr/apierr/internal/redistest"
	"github.com/apierr/apierr/ratelimit"
	"github.com/apierr/apierr/redisstore"
)

// TestIdempotencyRedisFailFast: an idempotent POST through the real
// middleware while its redis-server is stopped (connections refused) or
// stalled (SIGSTOP: connections open, nothing answers). The first
// BreakAfter requests each wait for Redis (Timeout at most); from then on
// the store does not call Redis at all and every request is answered 503
// service_unavailable with Retry-After; the handler never runs. The latency
// of the answers once the outage is known is logged (RELIABILITY.md quotes
// it), not asserted: this machine's speed is not the code's.
func TestIdempotencyRedisFailFast(t *testing.T) {
	for _, outage := range []string{"stopped", "stalled"} {
		t.Run(outage, func(t *testing.T) {
			srv := redistest.New(t)
			if !srv.Owned() {
				t.Skip("needs a redis-server it can stop")
			}
			client := rlClient(t, srv)
			hook := &rlRoundTrips{}
			client.AddHook(hook)
			store := redisstore.NewIdempotencyStore(client, redisstore.IdempotencyConfig{Prefix: srv.Prefix(),
				Timeout: 200 * time.Millisecond, FailFast: time.Hour})
			var runs atomic.Int64
			hs := idemServe(t, idempotency.Config{Store: store, FailurePolicy: apierr.FailurePolicy{UnavailableRetryAfter: 2 * time.Second}},
				http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					runs.Add(1)
					w.WriteHeader(http.StatusCreated)
				}))
			hc := idempotencytest.Client()
			post := func(i int) (int, string, string, time.Duration) {
				start := time.Now()
				resp, err := hc.Do(idemRequest(t, hs.URL+"/faxes", "acme", "k-"+strconv.Itoa(i), `{"to":"x"}`))
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				var body struct {
					Error string `json:"error"`
				}
				_ = json.Unmarshal(b, &body)
				return resp.StatusCode, resp.Header.Get("Retry-After"), body.Error, time.Since(start)
			}
			if status, _, _, _ := post(0); status != http.StatusCreated {
				t.Fatalf("before the outage: %d", status)
			}
			if outage == "stopped" {
				srv.Stop()
			} else {
				srv.Pause()
			}
			for i := 1; i <= redisstore.DefaultBreakAfter; i++ {
				if status, ra, code, _ := post(i); status != http.StatusServiceUnavailable || ra != "2" || code != "service_unavailable" {
					t.Fatalf("request %d as the outage begins: %d Retry-After %q %q", i, status, ra, code)
				}
			}
			sent := hook.n.Load()
			var lat []time.Duration
			for i := 0; i < 200; i++ {
				status, ra, code, d := post(100 + i)
				if status != http.StatusServiceUnavailable || ra != "2" || code != "service_unavailable" {
					t.Fatalf("request %d once the outage is known: %d Retry-After %q %q", i, status, ra, code)
				}
				lat = append(lat, d)
			}
			if n := hook.n.Load() - sent; n != 0 {
				t.Fatalf("%d calls reached Redis once the outage was known", n)
			}
			if runs.Load() != 1 {
				t.Fatalf("the handler ran %d times, want once (before the outage)", runs.Load())
			}
			slices.Sort(lat)
			t.Logf("%s Redis: 503 once the outage is known: p50 %v, p99 %v, max %v (200 requests over loopback HTTP)",
				outage, lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1])
		})
	}
}

// TestRateLimitRedisFailLocal: two processes' limiters (two clients, two
// stores) share a limit of 20 an hour on a redis-server that stalls
// (SIGSTOP) before the first check. Under FailLocal each decides alone, on
// its own share (LocalShare 1: the whole limit): together they admit at
// most processes × limit = 40 of 1000 checks, where FailOpen admits all.
func TestRateLimitRedisFailLocal(t *testing.T) {
	srv := redistest.New(t)
	if !srv.Owned() {
		t.Skip("needs a redis-server it can pause")
	}
	pols := []ratelimit.Policy{ratelimit.PerHour(20)}
	var lims [2]*ratelimit.Limiter
	for i := range lims {
		store := redisstore.NewRateLimitStore(rlClient(t, srv), redisstore.RateLimitConfig{Prefix: srv.Prefix(), Timeout: 200 * time.Millisecond})
		lims[i] = ratelimit.New(ratelimit.Config{Policies: pols, Store: store, FailurePolicy: apierr.FailurePolicy{Mode: apierr.FailLocal}})
	}
	srv.Pause()
	var admitted atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 100; g++ {
		wg.Add(1)
		go func(l *ratelimit.Limiter) {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				if _, err := l.Allow(context.Background(), "acme", 1); err == nil {
					admitted.Add(1)
				} else if !ratelimit.IsRateLimited(err) {
					t.Errorf("check: %v, want admitted or rate limited", err)
					return
				}
			}
		}(lims[g%2])
	}
	wg.Wait()
	t.Logf("stalled Redis: admitted %d of 1000 checks by 2 processes (limit 20 each); store failures %d + %d",
		admitted.Load(), lims[0].Failures(), lims[1].Failures())
	if admitted.Load() > 2*20 {
		t.Fatalf("admitted %d, more than processes × limit = 40", admitted.Load())
	}
	if admitted.Load() == 0 {
		t.Fatal("admitted nothing: FailLocal must still serve each process's share")
	}
}
