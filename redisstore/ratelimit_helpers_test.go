package redisstore_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/internal/redistest"
)

// rlRoundTrips counts what a client sends to Redis: one per command, one per
// pipeline. The handshake a new pooled connection makes (HELLO, CLIENT
// SETINFO) is not a check's cost and is counted apart.
type rlRoundTrips struct{ n, handshake atomic.Int64 }

func (h *rlRoundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *rlRoundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		switch cmd.Name() {
		case "hello", "client", "auth", "select":
			h.handshake.Add(1)
		default:
			h.n.Add(1)
		}
		return next(ctx, cmd)
	}
}
func (h *rlRoundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		for _, c := range cmds {
			if n := c.Name(); n == "hello" || n == "client" || n == "auth" || n == "select" {
				h.handshake.Add(1)
				return next(ctx, cmds)
			}
		}
		h.n.Add(1)
		return next(ctx, cmds)
	}
}

// rlClient returns an independent client (its own pool) that honours
// context deadlines, closed when the test ends: a cluster client on a
// cluster.
func rlClient(t testing.TB, srv *redistest.Server) redis.UniversalClient {
	t.Helper()
	return srv.Client()
}

// rlServerMicros is Redis's clock in µs, the clock the scripts use.
func rlServerMicros(t testing.TB, c redis.UniversalClient) int64 {
	t.Helper()
	tm, err := c.Time(context.Background()).Result()
	if err != nil {
		t.Fatal(err)
	}
	return tm.UnixMicro()
}

// rlServe serves h behind a stand-in for the middleware stack: one
// apierr.State per request with the catalog and a principal for the
// X-Test-Tenant header.
func rlServe(t *testing.T, cat *apierr.Catalog, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := apierr.NewState(cat, "req-rl")
		if tn := r.Header.Get("X-Test-Tenant"); tn != "" {
			st.SetPrincipal(&apierr.Principal{Tenant: tn})
		}
		h.ServeHTTP(w, r.WithContext(apierr.NewContext(r.Context(), st)))
	}))
	t.Cleanup(srv.Close)
	return srv
}

type rlResponse struct {
	status int
	header http.Header
	body   map[string]any
}

func rlGet(t *testing.T, url, tenant string) rlResponse {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("X-Test-Tenant", tenant)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	out := rlResponse{status: resp.StatusCode, header: resp.Header}
	if resp.StatusCode >= 400 {
		if err := json.Unmarshal(b, &out.body); err != nil {
			t.Fatalf("error body is not JSON: %v: %q", err, b)
		}
	}
	return out
}

var rlOK = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })

// rlHungRedis is a TCP server that accepts connections and never answers:
// Redis hung (SIGSTOP, a full network buffer, a dead peer behind a proxy).
func rlHungRedis(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { _, _ = io.Copy(io.Discard, c) }()
			t.Cleanup(func() { _ = c.Close() })
		}
	}()
	return l.Addr().String()
}
