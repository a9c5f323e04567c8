package idempotency_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
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
)

func TestOutcomes(t *testing.T) {
	t.Run("first request runs, repeat replays byte for byte", func(t *testing.T) {
		h := &counting{}
		srv := serve(t, idempotency.Config{}, h)
		first := do(t, srv, req{})
		if first.status != 201 || first.header.Get(idempotency.ReplayedHeader) != "" {
			t.Fatalf("first = %d %v", first.status, first.header)
		}
		again := do(t, srv, req{})
		if again.status != 201 || again.body != first.body {
			t.Fatalf("repeat = %d %q; want 201 %q", again.status, again.body, first.body)
		}
		if again.header.Get(idempotency.ReplayedHeader) != "true" {
			t.Fatalf("repeat lacks %s: true", idempotency.ReplayedHeader)
		}
		for _, k := range []string{"Content-Type", "Location"} {
			if again.header.Get(k) != first.header.Get(k) {
				t.Errorf("replayed %s = %q; want %q", k, again.header.Get(k), first.header.Get(k))
			}
		}
		if h.Runs() != 1 {
			t.Fatalf("handler ran %d times; want 1", h.Runs())
		}
	})

	t.Run("quoted and bare forms name the same key", func(t *testing.T) {
		h := &counting{}
		srv := serve(t, idempotency.Config{}, h)
		do(t, srv, req{key: `"abc-123"`})
		r := do(t, srv, req{key: "abc-123"})
		if r.header.Get(idempotency.ReplayedHeader) != "true" || h.Runs() != 1 {
			t.Fatalf("bare form after quoted: replayed=%q runs=%d", r.header.Get(idempotency.ReplayedHeader), h.Runs())
		}
	})

	t.Run("changed body gets 422", func(t *testing.T) {
		h := &counting{}
		srv := serve(t, idempotency.Config{}, h)
		do(t, srv, req{})
		r := do(t, srv, req{body: `{"to":"+15550000000"}`})
		if r.status != 422 || !strings.Contains(r.body, `"error":"idempotency_key_reused"`) {
			t.Fatalf("changed body = %d %s", r.status, r.body)
		}
		if h.Runs() != 1 {
			t.Fatalf("handler ran %d times; want 1", h.Runs())
		}
	})

	t.Run("same key on another resource gets 422", func(t *testing.T) {
		h := &counting{}
		srv := serve(t, idempotency.Config{}, h)
		do(t, srv, req{path: "/faxes/1"})
		r := do(t, srv, req{path: "/faxes/2"})
		if r.status != 422 {
			t.Fatalf("/faxes/2 with /faxes/1's key = %d %s; want 422", r.status, r.body)
		}
	})

	t.Run("configured header is part of the fingerprint", func(t *testing.T) {
		h := &counting{}
		srv := serve(t, idempotency.Config{FingerprintHeaders: []string{"x-account"}}, h)
		do(t, srv, req{header: http.Header{"X-Account": {"a"}}})
		if r := do(t, srv, req{header: http.Header{"X-Account": {"b"}}}); r.status != 422 {
			t.Fatalf("different X-Account = %d; want 422", r.status)
		}
		if r := do(t, srv, req{header: http.Header{"X-Account": {"a"}}}); r.header.Get(idempotency.ReplayedHeader) != "true" {
			t.Fatalf("same X-Account = %d; want replay", r.status)
		}
	})

	t.Run("missing key on an optional route runs every time", func(t *testing.T) {
		h := &counting{}
		srv := serve(t, idempotency.Config{}, h)
		do(t, srv, req{noKey: true})
		do(t, srv, req{noKey: true})
		if h.Runs() != 2 {
			t.Fatalf("handler ran %d times; want 2", h.Runs())
		}
	})

	t.Run("missing key on a required route gets 400", func(t *testing.T) {
		h := &counting{}
		srv := serve(t, idempotency.Config{Required: true}, h)
		r := do(t, srv, req{noKey: true})
		if r.status != 400 || !strings.Contains(r.body, `"error":"idempotency_key_missing"`) || h.Runs() != 0 {
			t.Fatalf("no key = %d %s (runs %d)", r.status, r.body, h.Runs())
		}
		if r.header.Get("X-Request-Id") == "" {
			t.Fatalf("error without request ID header: %v", r.header)
		}
	})

	t.Run("methods outside the set pass through", func(t *testing.T) {
		h := &counting{}
		srv := serve(t, idempotency.Config{Required: true}, h)
		do(t, srv, req{method: "GET", noKey: true})
		do(t, srv, req{method: "GET"})
		do(t, srv, req{method: "GET"})
		if h.Runs() != 3 {
			t.Fatalf("GET ran %d times; want 3", h.Runs())
		}
	})

	t.Run("configured methods", func(t *testing.T) {
		h := &counting{}
		srv := serve(t, idempotency.Config{Methods: []string{"GET"}}, h)
		do(t, srv, req{method: "GET"})
		do(t, srv, req{method: "GET"})
		if h.Runs() != 1 {
			t.Fatalf("GET with a key ran %d times; want 1", h.Runs())
		}
	})
}

func TestInvalidKey(t *testing.T) {
	h := &counting{}
	srv := serve(t, idempotency.Config{}, h)
	for _, tc := range []struct {
		name string
		hdr  http.Header
	}{
		{"empty", http.Header{"Idempotency-Key": {""}}},
		{"too long", http.Header{"Idempotency-Key": {strings.Repeat("k", 256)}}},
		{"non-ASCII", http.Header{"Idempotency-Key": {"clé"}}},
		{"inner space", http.Header{"Idempotency-Key": {"a b"}}},
		{"unterminated quote", http.Header{"Idempotency-Key": {`"abc`}}},
		{"parameters", http.Header{"Idempotency-Key": {`"abc";p=1`}}},
		{"twice", http.Header{"Idempotency-Key": {"a", "b"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, srv, req{noKey: true, header: tc.hdr})
			if r.status != 400 || !strings.Contains(r.body, `"reason":"invalid_key"`) {
				t.Fatalf("%v = %d %s; want 400 invalid_key", tc.hdr, r.status, r.body)
			}
			if v := tc.hdr.Get("Idempotency-Key"); len(v) > 3 && strings.Contains(r.body, v) {
				t.Fatalf("body echoes the key: %s", r.body)
			}
		})
	}
	if h.Runs() != 0 {
		t.Fatalf("handler ran %d times on invalid keys", h.Runs())
	}
}

func TestInFlight(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	h := &counting{then: func(w http.ResponseWriter, r *http.Request, run int) {
		close(entered)
		<-release
		w.WriteHeader(http.StatusCreated)
	}}
	srv := serve(t, idempotency.Config{RetryAfter: 3 * time.Second}, h)
	done := make(chan response)
	go func() { done <- do(t, srv, req{}) }()
	<-entered
	r := do(t, srv, req{})
	if r.status != 409 || r.header.Get("Retry-After") != "3" || !strings.Contains(r.body, "idempotency_key_in_use") {
		t.Fatalf("duplicate in flight = %d Retry-After=%q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	if r := do(t, srv, req{body: "{}"}); r.status != 422 {
		t.Fatalf("different body in flight = %d; want 422", r.status)
	}
	close(release)
	if first := <-done; first.status != 201 {
		t.Fatalf("first = %d", first.status)
	}
	if r := do(t, srv, req{}); r.status != 201 || r.header.Get(idempotency.ReplayedHeader) != "true" {
		t.Fatalf("after completion = %d %v", r.status, r.header)
	}
}

func TestTenantIsolation(t *testing.T) {
	h := &counting{}
	srv := serve(t, idempotency.Config{}, h)
	a := do(t, srv, req{tenant: "A", key: "shared"})
	b := do(t, srv, req{tenant: "B", key: "shared"})
	if b.header.Get(idempotency.ReplayedHeader) != "" || b.body == a.body || !strings.Contains(b.body, `"tenant":"B"`) {
		t.Fatalf("tenant B got %q (replayed=%q); tenant A's was %q", b.body, b.header.Get(idempotency.ReplayedHeader), a.body)
	}
	a2 := do(t, srv, req{tenant: "A", key: "shared"})
	b2 := do(t, srv, req{tenant: "B", key: "shared"})
	if a2.body != a.body || b2.body != b.body {
		t.Fatalf("replays crossed tenants: A %q→%q, B %q→%q", a.body, a2.body, b.body, b2.body)
	}
	if h.Runs() != 2 {
		t.Fatalf("handler ran %d times; want once per tenant", h.Runs())
	}
	// Tenants whose names would collide if the scope were naively joined.
	do(t, srv, req{tenant: "x:1", key: "k"})
	if r := do(t, srv, req{tenant: "x", key: "1:k"}); r.header.Get(idempotency.ReplayedHeader) != "" {
		t.Fatalf("tenant x replayed tenant x:1's response")
	}
}

func TestNoPrincipal(t *testing.T) {
	h := &counting{}
	srv := serve(t, idempotency.Config{}, h)
	r := do(t, srv, req{tenant: "-"})
	if r.status != 500 || h.Runs() != 0 || strings.Contains(r.body, "principal") {
		t.Fatalf("keyed request without a principal = %d %s (runs %d); want a bare 500", r.status, r.body, h.Runs())
	}
	if r := do(t, srv, req{tenant: "-", noKey: true}); r.status != 201 {
		t.Fatalf("unkeyed request without a principal = %d; want it to run", r.status)
	}
}

func TestCustomScope(t *testing.T) {
	h := &counting{}
	global := func(r *http.Request) (string, bool) { return "public", true }
	srv := serve(t, idempotency.Config{Scope: global}, h)
	do(t, srv, req{tenant: "-"})
	if r := do(t, srv, req{tenant: "-"}); r.header.Get(idempotency.ReplayedHeader) != "true" {
		t.Fatalf("custom scope: no replay")
	}
}

func TestNotStored(t *testing.T) {
	cases := []struct {
		name   string
		handle func(w http.ResponseWriter, r *http.Request)
	}{
		{"5xx", func(w http.ResponseWriter, r *http.Request) {
			apierr.Write(w, r, errors.New("db down"))
		}},
		{"plain 503", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }},
		{"429", func(w http.ResponseWriter, r *http.Request) {
			apierr.Write(w, r, apierr.Cond(apierr.CondRateLimited).WithRetryAfter(time.Second))
		}},
		{"validation", func(w http.ResponseWriter, r *http.Request) {
			apierr.Write(w, r, apierr.Cond(apierr.CondValidationFailed).WithField("to", "required", "The to field is required."))
		}},
		{"malformed body", func(w http.ResponseWriter, r *http.Request) {
			apierr.Write(w, r, apierr.Cond(apierr.CondMalformedBody))
		}},
		{"auth", func(w http.ResponseWriter, r *http.Request) {
			apierr.Write(w, r, apierr.Cond(apierr.CondAuthInvalid))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := &counting{then: func(w http.ResponseWriter, r *http.Request, run int) { tc.handle(w, r) }}
			srv := serve(t, idempotency.Config{FailurePolicy: apierr.FailurePolicy{Logger: quiet()}}, h)
			first := do(t, srv, req{})
			second := do(t, srv, req{})
			if h.Runs() != 2 || second.header.Get(idempotency.ReplayedHeader) != "" {
				t.Fatalf("after %d, retry replayed=%q runs=%d; want the key released and a second run",
					first.status, second.header.Get(idempotency.ReplayedHeader), h.Runs())
			}
		})
	}
}

func TestBusinessErrorStored(t *testing.T) {
	h := &counting{then: func(w http.ResponseWriter, r *http.Request, run int) {
		apierr.Write(w, r, apierr.New("insufficient_balance").With("run", run))
	}}
	srv := serve(t, idempotency.Config{}, h)
	first := do(t, srv, req{header: http.Header{"X-Request-Id": {"req_1"}}})
	again := do(t, srv, req{header: http.Header{"X-Request-Id": {"req_2"}}})
	if first.status != 402 || again.status != 402 || again.body != first.body || h.Runs() != 1 {
		t.Fatalf("business error: %d %q then %d %q (runs %d); want one run, replayed", first.status, first.body, again.status, again.body, h.Runs())
	}
	if again.header.Get(idempotency.ReplayedHeader) != "true" {
		t.Fatal("business error replay lacks Idempotent-Replayed")
	}
}

func TestPanicReleases(t *testing.T) {
	h := &counting{then: func(w http.ResponseWriter, r *http.Request, run int) {
		if run == 1 {
			panic("boom")
		}
		w.WriteHeader(201)
	}}
	mw := idempotency.New(idempotency.Config{})
	recovered := make(chan any, 1)
	recoverer := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					recovered <- v
					apierr.Write(w, r, errors.New("panic"))
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
	mux := http.NewServeMux()
	mux.Handle("POST /faxes", recoverer(mw(h)))
	srv := newTestServer(t, mux)
	if r := do(t, srv, req{}); r.status != 500 {
		t.Fatalf("panicking handler = %d", r.status)
	}
	if v := <-recovered; v != "boom" {
		t.Fatalf("recovered %v; want the handler's panic to reach the recoverer", v)
	}
	if r := do(t, srv, req{}); r.status != 201 || h.Runs() != 2 {
		t.Fatalf("retry after panic = %d (runs %d); want a second run", r.status, h.Runs())
	}
}

func TestCancelled(t *testing.T) {
	t.Run("handler that gives up releases the key", func(t *testing.T) {
		entered := make(chan struct{}, 1)
		h := &counting{then: func(w http.ResponseWriter, r *http.Request, run int) {
			if run == 1 {
				entered <- struct{}{}
				<-r.Context().Done()
				return
			}
			w.WriteHeader(201)
		}}
		srv := serve(t, idempotency.Config{}, h)
		cancelFirst(t, srv, entered)
		waitFor(t, func() bool { return do(t, srv, req{}).status == 201 })
		if h.Runs() != 2 {
			t.Fatalf("runs = %d; want the retry to run", h.Runs())
		}
	})
	t.Run("handler that finished anyway is stored", func(t *testing.T) {
		entered := make(chan struct{}, 1)
		h := &counting{then: func(w http.ResponseWriter, r *http.Request, run int) {
			entered <- struct{}{}
			<-r.Context().Done()
			w.WriteHeader(201) // the side effect happened
		}}
		srv := serve(t, idempotency.Config{}, h)
		cancelFirst(t, srv, entered)
		waitFor(t, func() bool { return do(t, srv, req{}).status == 201 })
		if h.Runs() != 1 {
			t.Fatalf("runs = %d; want the retry replayed, not run", h.Runs())
		}
	})
}

// cancelFirst sends a keyed request, cancels it once the handler has
// entered, and returns when the client has given up.
func cancelFirst(t *testing.T, srv *httptest.Server, entered chan struct{}) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r, err := http.NewRequestWithContext(ctx, "POST", srv.URL+"/faxes", strings.NewReader(`{"to":"+15551234567"}`))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Idempotency-Key", "key-1")
	r.Header.Set(idempotencytest.TenantHeader, "acme")
	errc := make(chan error, 1)
	go func() {
		resp, err := srv.Client().Do(r)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	<-entered
	cancel()
	if err := <-errc; err == nil {
		t.Fatal("cancelled request returned a response")
	}
}

// waitFor polls cond until it holds, failing after a generous deadline. It
// waits for another goroutine's progress, never for a clock.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within 30s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestLeaseExpiry(t *testing.T) {
	clk := newClock()
	store := idempotency.NewMemoryStore(idempotency.MemoryConfig{Now: clk.Now})
	entered, release := make(chan struct{}, 2), make(chan struct{})
	h := &counting{then: func(w http.ResponseWriter, r *http.Request, run int) {
		if run == 1 {
			entered <- struct{}{}
			<-release // a worker that hangs past its lease
		}
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(201)
		_, _ = w.Write([]byte("run " + strconv.Itoa(run)))
	}}
	var logs bytes.Buffer
	srv := serve(t, idempotency.Config{Store: store, Lease: 10 * time.Second,
		FailurePolicy: apierr.FailurePolicy{Logger: slog.New(slog.NewTextHandler(&logs, nil))},
	}, h)
	first := make(chan response)
	go func() { first <- do(t, srv, req{}) }()
	<-entered
	if r := do(t, srv, req{}); r.status != 409 {
		t.Fatalf("within the lease = %d; want 409", r.status)
	}
	clk.Advance(11 * time.Second)
	if r := do(t, srv, req{}); r.status != 201 || r.body != "run 2" {
		t.Fatalf("after the lease = %d %q; want the retry to run", r.status, r.body)
	}
	close(release)
	if r := <-first; r.body != "run 1" {
		t.Fatalf("stale worker answered %q", r.body)
	}
	if r := do(t, srv, req{}); r.body != "run 2" || r.header.Get(idempotency.ReplayedHeader) != "true" {
		t.Fatalf("replay = %q; want the retry's response, not the stale worker's", r.body)
	}
	if h.Runs() != 2 || !strings.Contains(logs.String(), "lease lost") {
		t.Fatalf("runs = %d, log %q; want 2 runs and the stale completion logged", h.Runs(), logs.String())
	}
}

func TestCompletedExpires(t *testing.T) {
	clk := newClock()
	store := idempotency.NewMemoryStore(idempotency.MemoryConfig{Now: clk.Now})
	h := &counting{}
	srv := serve(t, idempotency.Config{Store: store}, h)
	do(t, srv, req{})
	clk.Advance(23 * time.Hour)
	do(t, srv, req{})
	if h.Runs() != 1 {
		t.Fatalf("within 24h: runs = %d", h.Runs())
	}
	clk.Advance(2 * time.Hour)
	do(t, srv, req{})
	if h.Runs() != 2 {
		t.Fatalf("after 24h: runs = %d; want the key forgotten", h.Runs())
	}
}

func TestLargeResponseNotStored(t *testing.T) {
	h := &counting{then: func(w http.ResponseWriter, r *http.Request, run int) {
		w.WriteHeader(200)
		_, _ = w.Write(bytes.Repeat([]byte("x"), 600))
		_, _ = w.Write(bytes.Repeat([]byte("y"), 600))
	}}
	var logs bytes.Buffer
	srv := serve(t, idempotency.Config{MaxResponseBytes: 1000, FailurePolicy: apierr.FailurePolicy{Logger: slog.New(slog.NewTextHandler(&logs, nil))}}, h)
	first := do(t, srv, req{})
	if len(first.body) != 1200 {
		t.Fatalf("client got %d bytes; want the whole response", len(first.body))
	}
	do(t, srv, req{})
	if h.Runs() != 2 || !strings.Contains(logs.String(), "MaxResponseBytes") {
		t.Fatalf("runs = %d, log %q; want the key released and the reason logged", h.Runs(), logs.String())
	}
}

func TestLargeRequest(t *testing.T) {
	h := &counting{}
	srv := serve(t, idempotency.Config{MaxBodyBytes: 64}, h)
	r := do(t, srv, req{body: strings.Repeat("a", 65)})
	if r.status != 413 || !strings.Contains(r.body, "payload_too_large") || h.Runs() != 0 {
		t.Fatalf("65-byte body over a 64-byte cap = %d %s", r.status, r.body)
	}
	if r := do(t, srv, req{body: strings.Repeat("a", 64)}); r.status != 201 || !strings.Contains(r.body, "aaaa") {
		t.Fatalf("64-byte body = %d %s; want the handler to read it", r.status, r.body)
	}
}

func TestReplayKeepsOuterHeaders(t *testing.T) {
	h := &counting{then: func(w http.ResponseWriter, r *http.Request, run int) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "secret"})
		w.Header().Set("X-Fax-Id", "fax_"+strconv.Itoa(run))
		w.WriteHeader(201)
	}}
	mw := idempotency.New(idempotency.Config{})
	outer := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Request-Id", r.Header.Get("X-Request-Id"))
			next.ServeHTTP(w, r)
		})
	}
	srv := newTestServer(t, outer(mw(h)))
	do(t, srv, req{header: http.Header{"X-Request-Id": {"req_1"}}})
	r := do(t, srv, req{header: http.Header{"X-Request-Id": {"req_2"}}})
	if r.header.Get("X-Request-Id") != "req_2" {
		t.Errorf("replay X-Request-Id = %q; want this request's", r.header.Get("X-Request-Id"))
	}
	if r.header.Get("X-Fax-Id") != "fax_1" {
		t.Errorf("replay X-Fax-Id = %q; want the stored fax_1", r.header.Get("X-Fax-Id"))
	}
	if c := r.header.Get("Set-Cookie"); c != "" {
		t.Errorf("replay sent a stored cookie %q", c)
	}
}

// failingStore is a Store whose every call fails, as Redis does when down.
type failingStore struct{}

func (failingStore) Acquire(context.Context, string, *idempotency.Record, time.Duration) (*idempotency.Record, error) {
	return nil, errors.New("dial tcp 10.0.0.1:6379: connection refused")
}
func (failingStore) Complete(context.Context, string, *idempotency.Record, time.Duration) error {
	return errors.New("down")
}
func (failingStore) Renew(context.Context, string, idempotency.Token, time.Duration) error {
	return errors.New("down")
}
func (failingStore) Release(context.Context, string, idempotency.Token) error {
	return errors.New("down")
}

func TestStoreDown(t *testing.T) {
	t.Run("fails closed by default", func(t *testing.T) {
		h := &counting{}
		srv := serve(t, idempotency.Config{Store: failingStore{}}, h)
		r := do(t, srv, req{})
		if r.status != 503 || h.Runs() != 0 || strings.Contains(r.body, "10.0.0.1") {
			t.Fatalf("store down = %d %s (runs %d); want 503 without detail", r.status, r.body, h.Runs())
		}
	})
	t.Run("FailOpen runs the handler", func(t *testing.T) {
		h := &counting{}
		srv := serve(t, idempotency.Config{Store: failingStore{}, FailurePolicy: apierr.FailurePolicy{Mode: apierr.FailOpen, Logger: quiet()}}, h)
		if r := do(t, srv, req{}); r.status != 201 || h.Runs() != 1 {
			t.Fatalf("store down, FailOpen = %d (runs %d)", r.status, h.Runs())
		}
	})
	t.Run("OnError sees the failure either way", func(t *testing.T) {
		for _, open := range []bool{false, true} {
			var calls atomic.Int32
			onError := func(ctx context.Context, err error) {
				if err != nil && ctx != nil {
					calls.Add(1)
				}
			}
			srv := serve(t, idempotency.Config{Store: failingStore{}, FailurePolicy: apierr.FailurePolicy{Mode: failMode(open), Logger: quiet(), OnError: onError}}, &counting{})
			do(t, srv, req{})
			if calls.Load() != 1 {
				t.Errorf("FailOpen %v: OnError called %d times, want 1", open, calls.Load())
			}
		}
	})
}

func TestConcurrentIdentical(t *testing.T) {
	const n = 1000
	gate := make(chan struct{})
	var once sync.Once
	h := &counting{then: func(w http.ResponseWriter, r *http.Request, run int) {
		<-gate
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(201)
		_, _ = w.Write([]byte(`{"id":"fax_` + strconv.Itoa(run) + `"}`))
	}}
	srv := serve(t, idempotency.Config{}, h)
	client := idempotencytest.Client()
	res := idempotencytest.Fire(t, client, n, func(i int) *http.Request {
		r, _ := http.NewRequest("POST", srv.URL+"/faxes", strings.NewReader(`{"to":"+15551234567"}`))
		r.Header.Set("Idempotency-Key", `"8e03978e-40d5-43e8-bc93-6894a57f9324"`)
		r.Header.Set(idempotencytest.TenantHeader, "acme")
		return r
	}, func(done int) {
		// Half the duplicates have been turned away while the handler
		// blocks; let it finish so the rest race its completion.
		if done >= n/2 {
			once.Do(func() { close(gate) })
		}
	})
	body, replays, inUse := idempotencytest.CheckOnce(t, res, 201)
	if h.Runs() != 1 {
		t.Fatalf("handler ran %d times for %d identical requests; want 1", h.Runs(), n)
	}
	if string(body) != `{"id":"fax_1"}` {
		t.Fatalf("original body %q", body)
	}
	t.Logf("%d requests: 1 run, %d replays, %d in-use", n, replays, inUse)
	if inUse < n/2 {
		t.Fatalf("%d in-use responses; want at least the %d answered while the handler blocked", inUse, n/2)
	}
}

// failMode is FailOpen when open, else FailClosed.
func failMode(open bool) apierr.FailureMode {
	if open {
		return apierr.FailOpen
	}
	return apierr.FailClosed
}
