package ratelimit

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierr/apierr"
)

// rlServe serves h behind a stand-in for the middleware stack: one
// apierr.State per request with the catalog and, when the X-Test-Tenant
// header is set, a principal of that tenant.
func rlServe(t *testing.T, cat *apierr.Catalog, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := apierr.NewState(cat, "req-1")
		if tn := r.Header.Get("X-Test-Tenant"); tn != "" {
			st.SetPrincipal(&apierr.Principal{Tenant: tn, KeyID: "key-" + tn})
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
	if tenant != "" {
		req.Header.Set("X-Test-Tenant", tenant)
	}
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

func rlFaxCatalog(t *testing.T) *apierr.Catalog {
	t.Helper()
	cat, err := apierr.LoadFile("../examples/fax/errors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func TestMiddlewareHeadersAndDenial(t *testing.T) {
	tests := []struct {
		name    string
		catalog func(t *testing.T) *apierr.Catalog
		code    string
	}{
		{"default catalog", func(*testing.T) *apierr.Catalog { return apierr.Default() }, "rate_limited"},
		{"fax catalog", rlFaxCatalog, "rate_limit_exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := rlNewClock()
			lim := New(Config{
				Policies:      []Policy{PerMinute(3).Named("burst"), PerDay(1000)},
				Store:         NewMemory(MemoryConfig{Now: clk.Now}),
				Key:           ByTenant,
				LegacyHeaders: true,
			})
			srv := rlServe(t, tt.catalog(t), lim.Middleware(rlOK))

			r := rlGet(t, srv.URL, "acme")
			if r.status != http.StatusNoContent {
				t.Fatalf("first request: status %d", r.status)
			}
			if got, want := r.header.Get("RateLimit-Policy"), `"burst";q=3;w=60, "day";q=1000;w=86400`; got != want {
				t.Errorf("RateLimit-Policy = %q, want %q", got, want)
			}
			if got, want := r.header.Get("RateLimit"), `"burst";r=2;t=20, "day";r=999;t=87`; got != want {
				t.Errorf("RateLimit = %q, want %q", got, want)
			}
			if got := r.header.Get("X-RateLimit-Remaining"); got != "2" {
				t.Errorf("X-RateLimit-Remaining = %q, want 2", got)
			}
			rlGet(t, srv.URL, "acme")
			if r := rlGet(t, srv.URL, "acme"); r.status != http.StatusNoContent || r.header.Get("RateLimit") != `"burst";r=0;t=60, "day";r=997;t=260` {
				t.Fatalf("third request: %d %q", r.status, r.header.Get("RateLimit"))
			}
			clk.Advance(500 * time.Millisecond)
			r = rlGet(t, srv.URL, "acme")
			if r.status != http.StatusTooManyRequests {
				t.Fatalf("fourth request: status %d, want 429", r.status)
			}
			// The next unit is due 20s after the first: 19.5s from now, 20 rounded up.
			if got := r.header.Get("Retry-After"); got != "20" {
				t.Errorf("Retry-After = %q, want 20", got)
			}
			if r.body["error"] != tt.code {
				t.Errorf("error = %v, want %s", r.body["error"], tt.code)
			}
			ctx, _ := r.body["context"].(map[string]any)
			if ctx["retry_after"] != float64(20) {
				t.Errorf("context.retry_after = %v, want 20", ctx["retry_after"])
			}
			if len(ctx) != 1 {
				t.Errorf("context = %v, want only retry_after", ctx)
			}
			if r.body["request_id"] != "req-1" {
				t.Errorf("request_id = %v", r.body["request_id"])
			}
			if got := r.header.Get("RateLimit"); got != `"burst";r=0;t=60, "day";r=997;t=259` {
				t.Errorf("RateLimit on 429 = %q", got)
			}
			if got := r.header.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q", got)
			}

			if r := rlGet(t, srv.URL, "other"); r.status != http.StatusNoContent {
				t.Errorf("another tenant: status %d, want 204", r.status)
			}
			if r := rlGet(t, srv.URL, ""); r.status != http.StatusNoContent || r.header.Get("RateLimit") != "" {
				t.Errorf("no principal with ByTenant: %d %q, want 204 unlimited", r.status, r.header.Get("RateLimit"))
			}
			clk.Advance(19500 * time.Millisecond)
			if r := rlGet(t, srv.URL, "acme"); r.status != http.StatusNoContent {
				t.Errorf("after Retry-After: status %d, want 204", r.status)
			}
		})
	}
}

func TestMiddlewareCost(t *testing.T) {
	clk := rlNewClock()
	lim := New(Config{
		Policies: []Policy{PerMinute(10)},
		Store:    NewMemory(MemoryConfig{Now: clk.Now}),
		Cost:     func(r *http.Request) int64 { return 4 },
	})
	srv := rlServe(t, apierr.Default(), lim.Middleware(rlOK))
	for i, want := range []int{204, 204, 429} {
		if r := rlGet(t, srv.URL, "acme"); r.status != want {
			t.Fatalf("request %d: status %d, want %d", i, r.status, want)
		}
	}
}

// rlBrokenStore is a store whose backend is down: every call fails.
type rlBrokenStore struct{}

func (rlBrokenStore) Allow(context.Context, string, int64, []Policy, []Status) (bool, error) {
	return false, errors.New("dial tcp 10.0.0.7:6379: connection refused")
}

func TestMiddlewareStoreFailure(t *testing.T) {
	t.Run("fail open admits and counts", func(t *testing.T) {
		var seen atomic.Int64
		lim := New(Config{Policies: []Policy{PerSecond(1)}, Store: rlBrokenStore{},
			FailurePolicy: apierr.FailurePolicy{OnError: func(context.Context, error) { seen.Add(1) }}})
		srv := rlServe(t, apierr.Default(), lim.Middleware(rlOK))
		for i := 0; i < 3; i++ {
			if r := rlGet(t, srv.URL, "acme"); r.status != http.StatusNoContent {
				t.Fatalf("status %d, want 204", r.status)
			}
		}
		if lim.Failures() != 3 || seen.Load() != 3 {
			t.Fatalf("failures = %d, callback %d; want 3", lim.Failures(), seen.Load())
		}
	})
	t.Run("fail closed renders 503 with Retry-After", func(t *testing.T) {
		lim := New(Config{Policies: []Policy{PerSecond(1)}, Store: rlBrokenStore{},
			FailurePolicy: apierr.FailurePolicy{Mode: apierr.FailClosed, UnavailableRetryAfter: 1500 * time.Millisecond}})
		srv := rlServe(t, apierr.Default(), lim.Middleware(rlOK))
		r := rlGet(t, srv.URL, "acme")
		if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") != "2" {
			t.Fatalf("status %d Retry-After %q, want 503 and 2", r.status, r.header.Get("Retry-After"))
		}
		if r.body["error"] != "service_unavailable" {
			t.Fatalf("error = %v", r.body["error"])
		}
		b, _ := json.Marshal(r.body)
		if strings.Contains(string(b), "10.0.0.7") || strings.Contains(string(b), "refused") {
			t.Fatalf("body leaks the cause: %s", b)
		}
	})
}

func TestKeyFuncs(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = "192.0.2.7:5555"
	if got := ByIP(r); got != "ip:192.0.2.7" {
		t.Errorf("ByIP = %q", got)
	}
	if got := ByTenantOrIP(r); got != "ip:192.0.2.7" {
		t.Errorf("ByTenantOrIP without principal = %q", got)
	}
	st := apierr.NewState(nil, "")
	st.SetPrincipal(&apierr.Principal{Tenant: "acme", KeyID: "k1"})
	r = r.WithContext(apierr.NewContext(r.Context(), st))
	for name, tc := range map[string]struct {
		f    KeyFunc
		want string
	}{
		"tenant":       {ByTenant, "t:acme"},
		"key id":       {ByKeyID, "k:k1"},
		"tenant or ip": {ByTenantOrIP, "t:acme"},
		"first of":     {FirstOf(func(*http.Request) string { return "" }, ByKeyID), "k:k1"},
		"custom":       {func(r *http.Request) string { return "route:" + r.URL.Path }, "route:/"},
	} {
		t.Run(name, func(t *testing.T) {
			if got := tc.f(r); got != tc.want {
				t.Fatalf("key = %q, want %q", got, tc.want)
			}
		})
	}
}
