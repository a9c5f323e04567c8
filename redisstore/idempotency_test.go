package redisstore_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/idempotency"
	"github.com/apierr/apierr/idempotency/idempotencytest"
	"github.com/apierr/apierr/internal/redistest"
	"github.com/apierr/apierr/redisstore"
	"github.com/redis/go-redis/v9"
)

// testIdemTimeout bounds each store call in the correctness tests: under a
// loaded -race run a call can outlast the 1 s default, and a timeout (then
// the fail-fast breaker) would turn a slow call into a 503 these tests do
// not test. The failure tests set their own bounds.
const testIdemTimeout = 30 * time.Second

func TestIdempotencyStoreContract(t *testing.T) {
	redistest.Each(t, func(t *testing.T, srv *redistest.Server) {
		client := srv.Client()
		var n atomic.Int64
		for _, script := range []bool{false, true} {
			t.Run(fmt.Sprintf("LeaseScript=%v", script), func(t *testing.T) {
				idempotencytest.TestStore(t, func(t *testing.T) idempotency.Store {
					return redisstore.NewIdempotencyStore(client, redisstore.IdempotencyConfig{Timeout: testIdemTimeout,
						Prefix: fmt.Sprintf("%s%d:", srv.Prefix(), n.Add(1)), LeaseScript: script,
					})
				})
			})
		}
	})
}

func TestIdempotencyStoreExpiry(t *testing.T) {
	redistest.Each(t, func(t *testing.T, srv *redistest.Server) {
		client := srv.Client()
		s := redisstore.NewIdempotencyStore(client, redisstore.IdempotencyConfig{Timeout: testIdemTimeout, Prefix: srv.Prefix()})
		ctx := context.Background()
		a := &idempotency.Record{Status: idempotency.InFlight, Token: idempotency.NewToken()}
		if prev, err := s.Acquire(ctx, "k", a, time.Minute); err != nil || prev != nil {
			t.Fatalf("Acquire = %v, %v", prev, err)
		}
		t.Run("lease is set with PX", func(t *testing.T) {
			ttl, err := client.PTTL(ctx, srv.Prefix()+"k").Result()
			if err != nil || ttl <= 0 || ttl > time.Minute {
				t.Fatalf("PTTL = %v, %v; want the lease", ttl, err)
			}
		})
		t.Run("completed record takes the TTL", func(t *testing.T) {
			done := &idempotency.Record{Status: idempotency.Completed, Token: a.Token, Code: 201}
			if err := s.Complete(ctx, "k", done, 24*time.Hour); err != nil {
				t.Fatal(err)
			}
			ttl, err := client.PTTL(ctx, srv.Prefix()+"k").Result()
			if err != nil || ttl < 23*time.Hour {
				t.Fatalf("PTTL = %v, %v; want about 24h", ttl, err)
			}
		})
		t.Run("an expired lease frees the key", func(t *testing.T) {
			b := &idempotency.Record{Status: idempotency.InFlight, Token: idempotency.NewToken()}
			if prev, _ := s.Acquire(ctx, "short", b, 20*time.Millisecond); prev != nil {
				t.Fatal("Acquire lost")
			}
			idemWaitFor(t, func() bool {
				prev, err := s.Acquire(ctx, "short", &idempotency.Record{Status: idempotency.InFlight, Token: idempotency.NewToken()}, time.Minute)
				return err == nil && prev == nil
			})
			if err := s.Complete(ctx, "short", &idempotency.Record{Status: idempotency.Completed, Token: b.Token, Code: 200}, time.Hour); err != idempotency.ErrLeaseLost {
				t.Fatalf("stale owner's Complete = %v; want ErrLeaseLost", err)
			}
		})
	})
}

func TestIdempotencyStoreMalformedRecord(t *testing.T) {
	redistest.Each(t, func(t *testing.T, srv *redistest.Server) {
		client := srv.Client()
		s := redisstore.NewIdempotencyStore(client, redisstore.IdempotencyConfig{Timeout: testIdemTimeout, Prefix: srv.Prefix()})
		client.Set(context.Background(), srv.Prefix()+"junk", "not a record", 0)
		if _, err := s.Acquire(context.Background(), "junk", &idempotency.Record{Status: idempotency.InFlight}, time.Minute); err == nil ||
			!strings.HasPrefix(err.Error(), "redisstore: ") {
			t.Fatalf("Acquire over junk = %v; want a redisstore error", err)
		}
	})
}

// idemRoundTrips counts the commands a client sends (a pipeline counts once).
type idemRoundTrips struct{ n atomic.Int64 }

func (h *idemRoundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *idemRoundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}
func (h *idemRoundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmds)
	}
}

func TestIdempotencyRoundTrips(t *testing.T) {
	redistest.Each(t, func(t *testing.T, srv *redistest.Server) {
		client := srv.Client()
		hook := &idemRoundTrips{}
		client.AddHook(hook)
		store := redisstore.NewIdempotencyStore(client, redisstore.IdempotencyConfig{Timeout: testIdemTimeout, Prefix: srv.Prefix(), Durability: redisstore.DurabilityIgnore})
		h := idemServe(t, idempotency.Config{Store: store}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(201)
		}))
		post := func(key string) {
			t.Helper()
			r := idemRequest(t, h.URL+"/faxes", "acme", key, "{}")
			resp, err := h.Client().Do(r)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 201 {
				t.Fatalf("status %d", resp.StatusCode)
			}
		}
		post("warm-up") // loads the scripts (EVALSHA → NOSCRIPT → EVAL)
		for _, tc := range []struct {
			name string
			key  string
			want int64
		}{
			{"first request", "k1", 2},
			{"replay", "k1", 1},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := hook.n.Load()
				post(tc.key)
				if got := hook.n.Load() - before; got != tc.want {
					t.Fatalf("%d Redis round trips; want %d", got, tc.want)
				}
			})
		}
	})
}

func TestIdempotencyRedisConcurrent(t *testing.T) {
	redistest.Each(t, func(t *testing.T, srv *redistest.Server) {
		client := srv.Client()
		store := redisstore.NewIdempotencyStore(client, redisstore.IdempotencyConfig{Timeout: testIdemTimeout, Prefix: srv.Prefix()})
		const n = 1000
		var runs atomic.Int64
		gate := make(chan struct{})
		var once sync.Once
		h := idemServe(t, idempotency.Config{Store: store}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			run := runs.Add(1)
			<-gate
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(201)
			_, _ = w.Write([]byte(`{"run":` + strconv.FormatInt(run, 10) + `}`))
		}))
		res := idempotencytest.Fire(t, idempotencytest.Client(), n, func(i int) *http.Request {
			return idemRequest(t, h.URL+"/faxes", "acme", "same-key", `{"amount":100}`)
		}, func(done int) {
			if done >= n/2 {
				once.Do(func() { close(gate) })
			}
		})
		_, replays, inUse := idempotencytest.CheckOnce(t, res, 201)
		if runs.Load() != 1 {
			t.Fatalf("handler ran %d times; want 1", runs.Load())
		}
		t.Logf("%d requests: 1 run, %d replays, %d in-use", n, replays, inUse)
	})
}

func TestIdempotencyRedisTenantsAndBodies(t *testing.T) {
	redistest.Each(t, func(t *testing.T, srv *redistest.Server) {
		store := redisstore.NewIdempotencyStore(srv.Client(), redisstore.IdempotencyConfig{Timeout: testIdemTimeout, Prefix: srv.Prefix()})
		var runs atomic.Int64
		h := idemServe(t, idempotency.Config{Store: store}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			runs.Add(1)
			w.WriteHeader(201)
			_, _ = w.Write([]byte("tenant " + apierr.PrincipalFrom(r.Context()).Tenant))
		}))
		send := func(tenant, body string) (int, string) {
			resp, err := h.Client().Do(idemRequest(t, h.URL+"/faxes", tenant, "k", body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			return resp.StatusCode, string(b)
		}
		if _, b := send("A", "{}"); b != "tenant A" {
			t.Fatalf("A got %q", b)
		}
		if _, b := send("B", "{}"); b != "tenant B" {
			t.Fatalf("B got %q; want its own response, not A's", b)
		}
		if s, b := send("A", `{"changed":true}`); s != 422 || !strings.Contains(b, "idempotency_key_reused") {
			t.Fatalf("A with a changed body = %d %s; want 422", s, b)
		}
		if runs.Load() != 2 {
			t.Fatalf("runs = %d; want 2", runs.Load())
		}
	})
}

// idemServe mounts h at POST /faxes behind the middleware and a test caller.
func idemServe(t *testing.T, cfg idempotency.Config, h http.Handler) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("POST /faxes", idempotency.New(cfg)(h))
	srv := httptest.NewServer(idempotencytest.WithTenant(apierr.Default())(mux))
	t.Cleanup(srv.Close)
	return srv
}

func idemRequest(t testing.TB, url, tenant, key, body string) *http.Request {
	t.Helper()
	r, err := http.NewRequest("POST", url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Idempotency-Key", key)
	r.Header.Set(idempotencytest.TenantHeader, tenant)
	return r
}

// idemWaitFor polls cond until it holds, failing after a generous deadline:
// it waits for Redis to expire a key, never asserts how long that took.
func idemWaitFor(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within 60s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
