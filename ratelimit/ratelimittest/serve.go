package ratelimittest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/ratelimit"
)

// TenantHeader is the request header WithTenant reads.
const TenantHeader = "X-Test-Tenant"

// WithTenant stands in for apierr's request-ID and auth middleware in tests:
// it gives each request an apierr.State with cat and, when the TenantHeader
// is set, a principal of that tenant (key ID "key-" + tenant).
func WithTenant(cat *apierr.Catalog) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			st := apierr.NewState(cat, "req-rl")
			if tn := r.Header.Get(TenantHeader); tn != "" {
				st.SetPrincipal(&apierr.Principal{Tenant: tn, KeyID: "key-" + tn})
			}
			next.ServeHTTP(w, r.WithContext(apierr.NewContext(r.Context(), st)))
		})
	}
}

// Response is what Get read.
type Response struct {
	Status int
	Header http.Header
	Body   map[string]any
}

// Get sends GET url as tenant and decodes the JSON body, if any.
func Get(t *testing.T, url, tenant string) Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tenant != "" {
		req.Header.Set(TenantHeader, tenant)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	out := Response{Status: res.StatusCode, Header: res.Header}
	_ = json.Unmarshal(b, &out.Body)
	return out
}

// testConcurrencyMiddleware: a ConcurrencyLimiter on store refuses a second
// request in flight with concurrency_limited and releases the slot when the
// handler returns or panics.
func testConcurrencyMiddleware(t *testing.T, store ratelimit.ConcurrencyStore) {
	cl := ratelimit.NewConcurrency(ratelimit.ConcurrencyConfig{Limit: 1, Store: store, Key: ratelimit.ByTenant})
	entered, unblock := make(chan struct{}), make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(unblock) }) }
	t.Cleanup(release) // a failed assertion must not leave a handler blocking the server's Close
	h := cl.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/block":
			close(entered)
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
	srv := httptest.NewServer(WithTenant(apierr.Default())(recovering))
	t.Cleanup(srv.Close)
	done := make(chan struct{})
	go func() { defer close(done); Get(t, srv.URL+"/block", "acme") }()
	<-entered
	r := Get(t, srv.URL+"/x", "acme")
	if r.Status != http.StatusTooManyRequests || r.Body["error"] != "concurrency_limited" {
		t.Fatalf("second in flight: %d %v, want 429 concurrency_limited", r.Status, r.Body)
	}
	if ctx, _ := r.Body["context"].(map[string]any); ctx["limit"] != float64(1) || r.Header.Get("Retry-After") != "1" {
		t.Fatalf("context %v Retry-After %q, want limit 1 and 1 (second)", r.Body["context"], r.Header.Get("Retry-After"))
	}
	if r := Get(t, srv.URL+"/x", "other"); r.Status != http.StatusNoContent {
		t.Fatalf("other tenant: %d", r.Status)
	}
	release()
	<-done
	for i := 0; i < 3; i++ {
		if r := Get(t, srv.URL+"/panic", "acme"); r.Status != http.StatusInternalServerError {
			t.Fatalf("panic %d: status %d", i, r.Status)
		}
	}
	if r := Get(t, srv.URL+"/x", "acme"); r.Status != http.StatusNoContent {
		t.Fatalf("after panics: %d, want 204 (slots released)", r.Status)
	}
}

// testQuotaRollover: a monthly Quota on store refuses the use past its
// limit with quota_exceeded (402, no Retry-After, context limit, used,
// resets_at) and admits again in the next month.
func testQuotaRollover(t *testing.T, store ratelimit.QuotaStore) {
	now := time.Date(2026, 11, 30, 23, 59, 59, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	q := ratelimit.NewQuota(ratelimit.QuotaConfig{Name: "faxes", Limit: 2, Period: ratelimit.Monthly, Store: store, Now: clock})
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	srv := httptest.NewServer(WithTenant(apierr.Default())(q.Middleware(ok)))
	t.Cleanup(srv.Close)
	for i, want := range []int{204, 204, 402} {
		if r := Get(t, srv.URL, "acme"); r.Status != want {
			t.Fatalf("request %d: %d, want %d", i, r.Status, want)
		}
	}
	r := Get(t, srv.URL, "acme")
	ctx, _ := r.Body["context"].(map[string]any)
	if r.Status != http.StatusPaymentRequired || r.Header.Get("Retry-After") != "" || r.Body["error"] != "quota_exceeded" ||
		ctx["limit"] != float64(2) || ctx["used"] != float64(2) || ctx["resets_at"] != "2026-12-01T00:00:00Z" {
		t.Fatalf("over quota: %d Retry-After=%q %v", r.Status, r.Header.Get("Retry-After"), r.Body)
	}
	if r := Get(t, srv.URL, "other"); r.Status != http.StatusNoContent {
		t.Fatalf("other tenant: %d", r.Status)
	}
	mu.Lock()
	now = now.Add(time.Second) // December
	mu.Unlock()
	if r := Get(t, srv.URL, "acme"); r.Status != http.StatusNoContent {
		t.Fatalf("after rollover: %d", r.Status)
	}
}
