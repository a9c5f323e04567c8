package redisstore_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/internal/redistest"
	"github.com/apierr/apierr/ratelimit"
	"github.com/apierr/apierr/redisstore"
)

// rlHammer runs 2 independent clients × 50 goroutines against one key until
// stop is closed and returns how many checks were admitted.
func rlHammer(t *testing.T, stores [2]*redisstore.RateLimitStore, key string, pols []ratelimit.Policy, attempts int, stop <-chan struct{}) int64 {
	t.Helper()
	var admitted atomic.Int64
	var wg sync.WaitGroup
	for c := 0; c < 2; c++ {
		for g := 0; g < 50; g++ {
			wg.Add(1)
			go func(s *redisstore.RateLimitStore) {
				defer wg.Done()
				out := make([]ratelimit.Status, len(pols))
				for i := 0; attempts == 0 || i < attempts; i++ {
					if stop != nil {
						select {
						case <-stop:
							return
						default:
						}
					}
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					ok, err := s.Allow(ctx, key, 1, pols, out)
					cancel()
					if err != nil {
						t.Error(err)
						return
					}
					if ok {
						admitted.Add(1)
					}
				}
			}(stores[c])
		}
	}
	wg.Wait()
	return admitted.Load()
}

func rlStores(t *testing.T, srv *redistest.Server) ([2]*redisstore.RateLimitStore, [2]redis.UniversalClient) {
	var stores [2]*redisstore.RateLimitStore
	var clients [2]redis.UniversalClient
	for i := range stores {
		clients[i] = rlClient(t, srv)
		// A generous timeout: this test is about exactness, not outages.
		stores[i] = redisstore.NewRateLimitStore(clients[i], redisstore.RateLimitConfig{Prefix: srv.Prefix(), Timeout: 10 * time.Second})
	}
	return stores, clients
}

// TestRateLimitRedisExactRate: 200/s with a burst of 200 for about 1.5s.
// GCRA stores one timestamp; every admission moves it by one interval. The
// first check spends the whole burst at once (cost 200), so the bucket
// cannot fill up again (and reset the timestamp) unless the hammer starves
// for a second; after the run the stored tat must then be exactly the first
// check's tat plus one interval per admission (none lost or counted twice),
// and admissions can never exceed burst + floor(elapsed/interval) on Redis's
// own clock (TIME read before the first and after the last check).
func TestRateLimitRedisExactRate(t *testing.T) {
	redistest.Each(t, func(t *testing.T, srv *redistest.Server) {
		stores, clients := rlStores(t, srv)
		pol := ratelimit.Policy{Name: "rate", Limit: 200, Period: time.Second, Burst: 200}
		pols := []ratelimit.Policy{pol}
		iv := pol.Interval()
		tatKey := srv.Prefix() + "{exact-rate}:rate"

		start := rlServerMicros(t, clients[0])
		out := make([]ratelimit.Status, 1)
		if ok, err := stores[0].Allow(context.Background(), "exact-rate", pol.Burst, pols, out); !ok || err != nil {
			t.Fatalf("first check: %v %v", ok, err)
		}
		tat1, err := clients[0].Get(context.Background(), tatKey).Int64()
		if err != nil {
			t.Fatal(err)
		}
		stop := make(chan struct{})
		time.AfterFunc(1500*time.Millisecond, func() { close(stop) })
		after := rlHammer(t, stores, "exact-rate", pols, 0, stop)
		admitted := pol.Burst + after
		end := rlServerMicros(t, clients[1])
		tatEnd, err := clients[1].Get(context.Background(), tatKey).Int64()
		if err != nil {
			t.Fatal(err)
		}

		max := pol.Capacity() + (end-start)/iv
		t.Logf("admitted %d; burst %d + (%dµs elapsed / %dµs interval) = %d", admitted, pol.Capacity(), end-start, iv, max)
		if admitted > max {
			t.Fatalf("admitted %d, more than burst + rate × elapsed = %d", admitted, max)
		}
		if got := (tatEnd - tat1) / iv; tatEnd-tat1 != after*iv {
			t.Fatalf("stored tat advanced %d intervals (+%dµs), but %d checks were admitted after the first", got, (tatEnd-tat1)%iv, after)
		}
		// Liveness, loosely: the limiter admits what the rate allows (a starved
		// test process may leave a few slots unclaimed).
		if admitted < max*8/10 {
			t.Fatalf("admitted %d, far below the %d the policy allows", admitted, max)
		}
	})
}

func TestRateLimitRedisPoliciesOneRoundTrip(t *testing.T) {
	redistest.Each(t, func(t *testing.T, srv *redistest.Server) {
		client := rlClient(t, srv)
		hook := &rlRoundTrips{}
		client.AddHook(hook)
		store := redisstore.NewRateLimitStore(client, redisstore.RateLimitConfig{Prefix: srv.Prefix(), Timeout: rlTestTimeout})
		// Periods long enough that nothing refills while the test runs, however
		// slow the machine: 5 a minute, 7 an hour, 1000 a day.
		pols := []ratelimit.Policy{
			{Name: "minute", Limit: 5, Period: time.Minute},
			{Name: "hour", Limit: 7, Period: time.Hour},
			ratelimit.PerDay(1000),
		}
		out := make([]ratelimit.Status, 3)
		ctx := context.Background()
		if _, err := store.Allow(ctx, "warm-up", 1, pols, out); err != nil { // loads the script (EVALSHA, NOSCRIPT, EVAL)
			t.Fatal(err)
		}
		hook.n.Store(0)
		admitted := 0
		for i := 0; i < 20; i++ {
			ok, err := store.Allow(ctx, "acme", 1, pols, out)
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				admitted++
			}
		}
		if n := hook.n.Load(); n != 20 {
			t.Fatalf("20 checks of 3 policies took %d round trips, want 20", n)
		}
		if admitted != 5 {
			t.Fatalf("admitted %d, want 5 (the per-minute burst decides)", admitted)
		}
		if out[0].Allowed || !out[1].Allowed || out[1].Remaining != 2 || out[2].Remaining != 995 {
			t.Fatalf("statuses = %+v", out)
		}
		// Refusals charge nothing: the hour policy still has 2 left.
		for i, name := range []string{"minute", "hour", "day"} {
			pttl, err := client.PTTL(ctx, srv.Prefix()+"{acme}:"+name).Result()
			if err != nil || pttl <= 0 {
				t.Fatalf("key of policy %d: PTTL %v %v; want a TTL (time until full)", i, pttl, err)
			}
		}
		// Redis Cluster: a script's keys must share a slot; they share a hash tag.
		keys := srv.Keys(srv.Prefix() + "*acme*")
		if len(keys) != 3 {
			t.Fatalf("keys = %v, want one per policy", keys)
		}
		for _, k := range keys {
			open := strings.IndexByte(k, '{')
			end := strings.IndexByte(k[open+1:], '}')
			if open < 0 || end < 0 || k[open+1:open+1+end] != "acme" {
				t.Fatalf("key %q: hash tag is not {acme}", k)
			}
		}
		if err := client.ScriptFlush(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		if _, err := store.Allow(ctx, "acme", 1, pols, out); err != nil {
			t.Fatalf("after SCRIPT FLUSH: %v (the script must reload on NOSCRIPT)", err)
		}
	})
}

// TestRateLimitRedisTTL: the key expires when the policy is full again.
func TestRateLimitRedisTTL(t *testing.T) {
	redistest.Each(t, func(t *testing.T, srv *redistest.Server) {
		client := rlClient(t, srv)
		store := redisstore.NewRateLimitStore(client, redisstore.RateLimitConfig{Prefix: srv.Prefix(), Timeout: rlTestTimeout})
		pols := []ratelimit.Policy{{Name: "hour", Limit: 60, Period: time.Hour}} // a unit a minute, burst 60
		out := make([]ratelimit.Status, 1)
		for i := 0; i < 3; i++ {
			if _, err := store.Allow(context.Background(), "ttl", 1, pols, out); err != nil {
				t.Fatal(err)
			}
		}
		pttl, err := client.PTTL(context.Background(), srv.Prefix()+"{ttl}:hour").Result()
		if err != nil {
			t.Fatal(err)
		}
		// 3 units spent: full again in 3 minutes, less the moments the test took.
		if out[0].Remaining != 57 || out[0].Reset > 3*time.Minute || out[0].Reset < 2*time.Minute {
			t.Fatalf("status = %+v, want 57 left, full again in just under 3m", out[0])
		}
		if pttl > out[0].Reset+time.Millisecond || pttl < out[0].Reset-time.Minute {
			t.Fatalf("PTTL = %v, want the time until full (%v)", pttl, out[0].Reset)
		}
	})
}

func TestRateLimitRedisMiddlewareOutage(t *testing.T) {
	srv := redistest.New(t)
	if !srv.Owned() {
		t.Skip("outage test needs a redis-server it can stop")
	}
	client := rlClient(t, srv)
	store := redisstore.NewRateLimitStore(client, redisstore.RateLimitConfig{Prefix: srv.Prefix(), Timeout: rlOutageTimeout})
	pols := []ratelimit.Policy{ratelimit.PerHour(2)}
	open := ratelimit.New(ratelimit.Config{Policies: pols, Store: store, Key: ratelimit.ByTenant, Prefix: "open:"})
	closed := ratelimit.New(ratelimit.Config{Policies: pols, Store: store, Key: ratelimit.ByTenant, Prefix: "closed:",
		FailurePolicy: apierr.FailurePolicy{Mode: apierr.FailClosed, UnavailableRetryAfter: 5 * time.Second},
	})
	mux := http.NewServeMux()
	mux.Handle("/open", open.Middleware(rlOK))
	mux.Handle("/closed", closed.Middleware(rlOK))
	hs := rlServe(t, apierr.Default(), mux)

	for _, path := range []string{"/open", "/closed"} {
		for i, want := range []int{204, 204, 429} {
			if r := rlGet(t, hs.URL+path, "acme"); r.status != want {
				t.Fatalf("%s request %d before the outage: %d, want %d", path, i, r.status, want)
			}
		}
	}
	srv.Stop()
	for i := 0; i < 3; i++ {
		r := rlGet(t, hs.URL+"/open", "acme")
		if r.status != http.StatusNoContent || r.header.Get("RateLimit") != "" {
			t.Fatalf("fail open during the outage: %d %q, want 204 without RateLimit", r.status, r.header.Get("RateLimit"))
		}
		r = rlGet(t, hs.URL+"/closed", "acme")
		if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") != "5" || r.body["error"] != "service_unavailable" {
			t.Fatalf("fail closed during the outage: %d Retry-After %q %v", r.status, r.header.Get("Retry-After"), r.body)
		}
	}
	if open.Failures() != 3 || closed.Failures() != 3 {
		t.Fatalf("failures counted: open %d closed %d, want 3 each", open.Failures(), closed.Failures())
	}
	srv.Restart()
	// The restarted server is empty (no persistence) and the pool reconnects:
	// wait, generously, for the first check that reaches it.
	deadline := time.Now().Add(20 * time.Second)
	for rlGet(t, hs.URL+"/closed", "acme").status != http.StatusNoContent {
		if time.Now().After(deadline) {
			t.Fatal("limiting did not resume within 20s of the restart")
		}
		time.Sleep(50 * time.Millisecond)
	}
	for i, want := range []int{204, 429} {
		if r := rlGet(t, hs.URL+"/closed", "acme"); r.status != want {
			t.Fatalf("after restart request %d: %d, want %d", i, r.status, want)
		}
	}
	if r := rlGet(t, hs.URL+"/open", "acme"); r.status != 204 || r.header.Get("RateLimit") == "" {
		t.Fatalf("fail-open limiter after restart: %d %q, want 204 with RateLimit", r.status, r.header.Get("RateLimit"))
	}
}

// TestRateLimitRedisHung: Redis accepts connections and never answers. Each
// check must end at the store's timeout and the policy apply, whether or not
// the client honours context deadlines.
func TestRateLimitRedisHung(t *testing.T) {
	addr := rlHungRedis(t)
	for _, honour := range []bool{true, false} {
		t.Run("ContextTimeoutEnabled="+strconv.FormatBool(honour), func(t *testing.T) {
			client := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: honour, MaxRetries: -1})
			t.Cleanup(func() { _ = client.Close() })
			store := redisstore.NewRateLimitStore(client, redisstore.RateLimitConfig{Timeout: 50 * time.Millisecond})
			for _, fp := range []apierr.FailureMode{apierr.FailOpen, apierr.FailClosed} {
				lim := ratelimit.New(ratelimit.Config{Policies: []ratelimit.Policy{ratelimit.PerSecond(1)}, Store: store, FailurePolicy: apierr.FailurePolicy{Mode: fp}})
				done := make(chan error, 1)
				go func() { _, err := lim.Allow(context.Background(), "k", 1); done <- err }()
				select {
				case err := <-done:
					var e *apierr.Error
					if fp == apierr.FailOpen && err != nil {
						t.Fatalf("fail open: %v", err)
					}
					if fp == apierr.FailClosed && !(asErr(err, &e) && e.Condition == apierr.CondUnavailable) {
						t.Fatalf("fail closed: %v, want the unavailable condition", err)
					}
				case <-time.After(10 * time.Second):
					t.Fatalf("%v: the check hung on a hung Redis", fp)
				}
			}
		})
	}
}

// TestRateLimitRedisFailFast: after BreakAfter consecutive failed calls the
// store stops calling Redis for FailFast.
func TestRateLimitRedisFailFast(t *testing.T) {
	srv := redistest.New(t)
	if !srv.Owned() {
		t.Skip("needs a redis-server it can stop")
	}
	client := rlClient(t, srv)
	hook := &rlRoundTrips{}
	client.AddHook(hook)
	store := redisstore.NewRateLimitStore(client, redisstore.RateLimitConfig{Prefix: srv.Prefix(), Timeout: rlOutageTimeout, FailFast: time.Hour})
	pols := []ratelimit.Policy{ratelimit.PerSecond(10)}
	out := make([]ratelimit.Status, 1)
	ctx := context.Background()
	if _, err := store.Allow(ctx, "k", 1, pols, out); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	for i := 0; i < redisstore.DefaultBreakAfter; i++ {
		if _, err := store.Allow(ctx, "k", 1, pols, out); err == nil || errors.Is(err, redisstore.ErrFailingFast) {
			t.Fatalf("call %d in the outage: %v, want Redis's error", i, err)
		}
	}
	sent := hook.n.Load()
	for i := 0; i < 5; i++ {
		if _, err := store.Allow(ctx, "k", 1, pols, out); !errors.Is(err, redisstore.ErrFailingFast) {
			t.Fatalf("call %d while failing fast: %v", i, err)
		}
	}
	if hook.n.Load() != sent {
		t.Fatalf("%d calls reached the client while failing fast", hook.n.Load()-sent)
	}
}
