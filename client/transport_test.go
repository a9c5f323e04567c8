package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/apierr/apierr"
)

// fakeClock is the Transport's time seam: Sleep records the wait and moves
// Now forward at once, so no test waits for real backoff.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Now()} }

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.waits = append(c.waits, d)
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

func (c *fakeClock) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// testTransport is a Transport on a fake clock with its own connection pool.
func testTransport(t *testing.T, clock *fakeClock) *Transport {
	t.Helper()
	base := &http.Transport{}
	t.Cleanup(base.CloseIdleConnections)
	return &Transport{Base: base, Now: clock.Now, Sleep: clock.Sleep}
}

// recorder counts the requests a server got and keeps their keys and bodies.
type recorder struct {
	mu     sync.Mutex
	hits   int
	keys   []string
	bodies []string
}

func (r *recorder) record(req *http.Request) int {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hits++
	r.keys = append(r.keys, req.Header.Get("Idempotency-Key"))
	r.bodies = append(r.bodies, string(b))
	return r.hits
}

func (r *recorder) Hits() int { r.mu.Lock(); defer r.mu.Unlock(); return r.hits }

// failing serves status with a seed-003 body for the first n requests, then 200.
func failing(rec *recorder, status, n int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hit := rec.record(r)
		if hit > n {
			w.WriteHeader(http.StatusOK)
			fmt.Fprintf(w, `{"ok":true,"attempt":%d}`, hit)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", fmt.Sprintf("req-%d", hit))
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"success":false,"message":"attempt %d failed","error":{"code":"E%d"}}`, hit, status)
	}
}

func TestSeedRetryAdvice(t *testing.T) {
	// Seed 003: "Retry: 429, 500, 502, 503. Don't retry: 400, 401, 403, 404, 422."
	for _, tc := range []struct {
		status int
		retry  bool
	}{
		{429, true}, {500, true}, {502, true}, {503, true}, {408, true}, {504, true},
		{400, false}, {401, false}, {403, false}, {404, false}, {422, false}, {409, false}, {501, false},
	} {
		name := fmt.Sprintf("%d %s", tc.status, map[bool]string{true: "is retried", false: "is never retried"}[tc.retry])
		t.Run(name, func(t *testing.T) {
			rec := &recorder{}
			srv := httptest.NewServer(failing(rec, tc.status, 100))
			defer srv.Close()
			clock := newFakeClock()
			resp, err := New(testTransport(t, clock)).Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			want := 1
			if tc.retry {
				want = 1 + DefaultMaxRetries
			}
			if rec.Hits() != want || Attempts(resp) != want || len(clock.Waits()) != want-1 {
				t.Errorf("hits=%d attempts=%d waits=%d, want %d", rec.Hits(), Attempts(resp), len(clock.Waits()), want)
			}
			// The last response comes back whole: its body is the last attempt's.
			var e *apierr.Error
			if !errors.As(Decode(resp), &e) {
				t.Fatal("Decode did not return an *apierr.Error")
			}
			if wantMsg := fmt.Sprintf("attempt %d failed", want); e.Message != wantMsg || e.Code != fmt.Sprintf("E%d", tc.status) {
				t.Errorf("last body decoded to %q %q, want %q", e.Code, e.Message, wantMsg)
			}
			if e.RequestID != fmt.Sprintf("req-%d", want) {
				t.Errorf("request id %q", e.RequestID)
			}
		})
	}
}

func TestRetryThenSuccess(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(failing(rec, 502, 2))
	defer srv.Close()
	clock := newFakeClock()
	resp, err := New(testTransport(t, clock)).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != `{"ok":true,"attempt":3}` || Attempts(resp) != 3 {
		t.Errorf("status=%d body=%s attempts=%d", resp.StatusCode, body, Attempts(resp))
	}
	for i, w := range clock.Waits() {
		if ceil := ExponentialCeiling(i+1, DefaultMinWait, DefaultMaxWait); w < 0 || w > ceil {
			t.Errorf("wait %d = %v, want within [0, %v]", i+1, w, ceil)
		}
	}
}

// dropping hijacks and closes the connection for the first n requests.
func dropping(rec *recorder, n int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if rec.record(r) <= n {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		io.WriteString(w, "ok")
	}
}

func TestDroppedConnections(t *testing.T) {
	t.Run("GET is retried until it gets through", func(t *testing.T) {
		rec := &recorder{}
		srv := httptest.NewServer(dropping(rec, 2))
		defer srv.Close()
		resp, err := New(testTransport(t, newFakeClock())).Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || rec.Hits() != 3 || Attempts(resp) != 3 {
			t.Errorf("status=%d hits=%d attempts=%d", resp.StatusCode, rec.Hits(), Attempts(resp))
		}
	})
	t.Run("every attempt dropped gives a RetryError", func(t *testing.T) {
		rec := &recorder{}
		srv := httptest.NewServer(dropping(rec, 100))
		defer srv.Close()
		tr := testTransport(t, newFakeClock())
		req, _ := http.NewRequest("GET", srv.URL+"/x?token=secret", nil)
		resp, err := tr.RoundTrip(req)
		if resp != nil {
			t.Error("non-nil response with an error")
		}
		var re *RetryError
		if !errors.As(err, &re) || re.Attempts != 4 || !errors.Is(err, ErrRetriesExhausted) {
			t.Fatalf("err = %v", err)
		}
		if !errors.Is(err, io.EOF) && !errors.Is(err, syscall.ECONNRESET) {
			t.Logf("note: last error %v", re.Err)
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("error leaks the query: %v", err)
		}
	})
	t.Run("POST without a key is not retried", func(t *testing.T) {
		rec := &recorder{}
		srv := httptest.NewServer(dropping(rec, 100))
		defer srv.Close()
		_, err := New(testTransport(t, newFakeClock())).Post(srv.URL, "application/json", strings.NewReader(`{}`))
		if !errors.Is(err, ErrNotReplayable) || rec.Hits() != 1 {
			t.Errorf("err=%v hits=%d", err, rec.Hits())
		}
	})
}

func TestConnectionRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	clock := newFakeClock()
	_, err := New(testTransport(t, clock)).Get(url)
	var re *RetryError
	if !errors.As(err, &re) || re.Attempts != 4 || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("err = %v", err)
	}
	if len(clock.Waits()) != 3 {
		t.Errorf("waits = %v", clock.Waits())
	}
}

func TestRetryAfterHTTPDate(t *testing.T) {
	// The server's clock is far from the client's: the date is measured
	// against the response's Date header, so the wait is exactly 2s.
	serverNow := time.Date(2026, 11, 25, 11, 0, 0, 0, time.UTC)
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rec.record(r) == 1 {
			w.Header().Set("Date", serverNow.Format(http.TimeFormat))
			w.Header().Set("Retry-After", serverNow.Add(2*time.Second).Format(http.TimeFormat))
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, "<html><title>503 Service Unavailable</title></html>")
			return
		}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	clock := &fakeClock{now: time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)}
	resp, err := New(testTransport(t, clock)).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if w := clock.Waits(); len(w) != 1 || w[0] != 2*time.Second {
		t.Errorf("waits = %v, want [2s]", w)
	}
}

func TestRetryAfterBodyHint(t *testing.T) {
	for _, tc := range []struct {
		name          string
		maxRetryAfter time.Duration
		want          time.Duration
	}{
		{"body hint wins over backoff", time.Minute, 45 * time.Second},
		{"body hint is capped", 0, DefaultMaxRetryAfter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if rec.record(r) == 1 {
					w.WriteHeader(http.StatusTooManyRequests)
					io.WriteString(w, `{"success":false,"message":"Rate limit exceeded","error":{"code":"RATE_LIMIT_EXCEEDED","retryAfter":45}}`)
					return
				}
				io.WriteString(w, "ok")
			}))
			defer srv.Close()
			clock := newFakeClock()
			tr := testTransport(t, clock)
			tr.MaxRetryAfter = tc.maxRetryAfter
			resp, err := New(tr).Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if w := clock.Waits(); len(w) != 1 || w[0] != tc.want {
				t.Errorf("waits = %v, want [%v]", w, tc.want)
			}
		})
	}
}

func TestDeadline(t *testing.T) {
	t.Run("a wait past the deadline returns at once with the decoded error", func(t *testing.T) {
		rec := &recorder{}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec.record(r)
			w.Header().Set("Retry-After", "20")
			w.Header().Set("X-Request-Id", "rid-42")
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"error":"maintenance","message":"Back soon."}`)
		}))
		defer srv.Close()
		clock := newFakeClock()
		ctx, cancel := context.WithDeadline(context.Background(), clock.Now().Add(10*time.Second))
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
		resp, err := New(testTransport(t, clock)).Do(req)
		if resp != nil {
			t.Error("response with an error")
		}
		var re *RetryError
		if !errors.As(err, &re) || re.Attempts != 1 || re.Wait != 20*time.Second {
			t.Fatalf("err = %v", err)
		}
		if !errors.Is(err, ErrDeadline) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("errors.Is(deadline) false: %v", err)
		}
		var e *apierr.Error
		if !errors.As(err, &e) || e.Code != "maintenance" || e.RequestID != "rid-42" || e.Status != 503 {
			t.Errorf("decoded error = %+v", e)
		}
		var body *ResponseError
		if !errors.As(err, &body) || string(body.Body) != `{"error":"maintenance","message":"Back soon."}` {
			t.Errorf("raw body lost")
		}
		if len(clock.Waits()) != 0 || rec.Hits() != 1 {
			t.Errorf("slept %v, hits %d", clock.Waits(), rec.Hits())
		}
	})
	t.Run("backoff stops before the deadline", func(t *testing.T) {
		rec := &recorder{}
		srv := httptest.NewServer(failing(rec, 500, 100))
		defer srv.Close()
		clock := newFakeClock()
		tr := testTransport(t, clock)
		tr.MaxRetries = 10
		tr.Backoff = func(int, time.Duration, time.Duration) time.Duration { return 25 * time.Minute }
		ctx, cancel := context.WithDeadline(context.Background(), clock.Now().Add(time.Hour))
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
		_, err := tr.RoundTrip(req)
		var re *RetryError
		if !errors.As(err, &re) || re.Attempts != 3 || !errors.Is(err, ErrDeadline) {
			t.Fatalf("err = %v", err)
		}
		if len(clock.Waits()) != 2 {
			t.Errorf("waits = %v", clock.Waits())
		}
	})
	t.Run("slow server against a deadline returns with the context error", func(t *testing.T) {
		release := make(chan struct{})
		rec := &recorder{}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec.record(r)
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}))
		defer srv.Close()
		defer close(release)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
		tr := testTransport(t, newFakeClock())
		resp, err := tr.RoundTrip(req)
		var re *RetryError
		if resp != nil || !errors.As(err, &re) || !errors.Is(err, context.DeadlineExceeded) || re.Attempts != 1 {
			t.Fatalf("resp=%v err=%v", resp, err)
		}
	})
}

func TestIdempotency(t *testing.T) {
	payload := `{"to":"+15551234567","file":"a.pdf"}`
	t.Run("POST without a key is not retried and its response comes back whole", func(t *testing.T) {
		rec := &recorder{}
		srv := httptest.NewServer(failing(rec, 503, 100))
		defer srv.Close()
		resp, err := New(testTransport(t, newFakeClock())).Post(srv.URL, "application/json", strings.NewReader(payload))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if rec.Hits() != 1 || resp.StatusCode != 503 || !strings.Contains(string(body), "attempt 1 failed") {
			t.Errorf("hits=%d status=%d body=%s", rec.Hits(), resp.StatusCode, body)
		}
	})
	t.Run("POST with a key is retried with the same key and body", func(t *testing.T) {
		rec := &recorder{}
		srv := httptest.NewServer(failing(rec, 503, 2))
		defer srv.Close()
		req, _ := http.NewRequest("POST", srv.URL, strings.NewReader(payload))
		req.Header.Set("Idempotency-Key", "key-123")
		resp, err := New(testTransport(t, newFakeClock())).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if rec.Hits() != 3 || resp.StatusCode != 200 {
			t.Fatalf("hits=%d status=%d", rec.Hits(), resp.StatusCode)
		}
		for i := range rec.keys {
			if rec.keys[i] != "key-123" || rec.bodies[i] != payload {
				t.Errorf("attempt %d: key %q body %q", i+1, rec.keys[i], rec.bodies[i])
			}
		}
	})
	t.Run("generated key is the same on every attempt and the body is buffered", func(t *testing.T) {
		rec := &recorder{}
		srv := httptest.NewServer(failing(rec, 500, 3))
		defer srv.Close()
		tr := testTransport(t, newFakeClock())
		tr.IdempotencyKey = RandomKey
		// A body without GetBody: the Transport must buffer it to resend it.
		req, _ := http.NewRequest("PATCH", srv.URL, io.NopCloser(strings.NewReader(payload)))
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if rec.Hits() != 4 || resp.StatusCode != 200 {
			t.Fatalf("hits=%d status=%d", rec.Hits(), resp.StatusCode)
		}
		key := rec.keys[0]
		if len(key) != 36 {
			t.Errorf("generated key %q", key)
		}
		for i := range rec.keys {
			if rec.keys[i] != key || rec.bodies[i] != payload {
				t.Errorf("attempt %d: key %q body %q", i+1, rec.keys[i], rec.bodies[i])
			}
		}
		if req.Header.Get("Idempotency-Key") != "" {
			t.Error("RoundTrip modified the caller's request")
		}
	})
	t.Run("a big body without GetBody is sent once and whole", func(t *testing.T) {
		rec := &recorder{}
		srv := httptest.NewServer(failing(rec, 503, 100))
		defer srv.Close()
		tr := testTransport(t, newFakeClock())
		tr.MaxBufferedBody = 1024
		big := strings.Repeat("x", 5000)
		req, _ := http.NewRequest("PUT", srv.URL, io.NopCloser(strings.NewReader(big)))
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if rec.Hits() != 1 || rec.bodies[0] != big || resp.StatusCode != 503 {
			t.Errorf("hits=%d len=%d status=%d", rec.Hits(), len(rec.bodies[0]), resp.StatusCode)
		}
	})
}

func TestBudget(t *testing.T) {
	rec := &recorder{}
	var healthy atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.record(r)
		if !healthy.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	budget := NewBudget(4, 1)
	tr := testTransport(t, newFakeClock())
	tr.Budget = budget
	c := New(tr)
	get := func() int {
		resp, err := c.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	// Tokens 4 → 3 (retry allowed, > 2) → 2 (refused): 2 attempts.
	get()
	if rec.Hits() != 2 {
		t.Fatalf("first request: hits = %d, want 2", rec.Hits())
	}
	// The budget is spent: a failing backend now gets each request once.
	for range 10 {
		get()
	}
	if rec.Hits() != 12 || budget.Tokens() != 0 {
		t.Fatalf("hits = %d tokens = %v, want 12 and 0", rec.Hits(), budget.Tokens())
	}
	// Successes refill it; retries resume.
	healthy.Store(true)
	for range 4 {
		if get() != 200 {
			t.Fatal("not healthy")
		}
	}
	if !budget.Allow() {
		t.Errorf("budget did not refill: %v", budget.Tokens())
	}
}

func TestOnRetryAndLogging(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(failing(rec, 429, 1))
	defer srv.Close()
	var logs bytes.Buffer
	var events []RetryEvent
	tr := testTransport(t, newFakeClock())
	tr.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	tr.OnRetry = func(ev RetryEvent) { events = append(events, ev) }
	resp, err := New(tr).Get(srv.URL + "/v1/calls?api_key=secret")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(events) != 1 || events[0].Attempt != 1 || events[0].StatusCode != 429 || events[0].RequestID != "req-1" {
		t.Fatalf("events = %+v", events)
	}
	var e *apierr.Error
	if !errors.As(events[0].Err, &e) || e.Code != "E429" {
		t.Errorf("event error = %v", events[0].Err)
	}
	var line map[string]any
	if err := json.Unmarshal(bytes.SplitN(logs.Bytes(), []byte("\n"), 2)[0], &line); err != nil {
		t.Fatalf("log %q: %v", logs.String(), err)
	}
	if line["request_id"] != "req-1" || line["msg"] != "client: retrying" || line["status"] != 429.0 {
		t.Errorf("log line = %v", line)
	}
	if strings.Contains(logs.String(), "secret") {
		t.Errorf("log leaks the query: %s", logs.String())
	}
}

func TestConcurrentUse(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%4 == 1 { // one request in four fails, whoever sends it
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	tr := testTransport(t, newFakeClock())
	tr.Budget = NewBudget(1000, 1)
	tr.MaxRetries = 30 // 31 failures in a row: about 1 in 4^31
	c := New(tr)
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			resp, err := c.Post(srv.URL, "text/plain", strings.NewReader("x"))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			req, _ := http.NewRequest("GET", srv.URL, nil)
			resp, err = c.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("status %d", resp.StatusCode)
			}
		})
	}
	wg.Wait()
}

func TestRandomKey(t *testing.T) {
	a, b := RandomKey(), RandomKey()
	if a == b || len(a) != 36 || a[14] != '4' {
		t.Errorf("keys %q %q", a, b)
	}
}

func TestExponentialCeiling(t *testing.T) {
	for _, tc := range []struct {
		attempt int
		want    time.Duration
	}{{0, time.Second}, {1, time.Second}, {2, 2 * time.Second}, {4, 8 * time.Second}, {5, 10 * time.Second}, {200, 10 * time.Second}} {
		if got := ExponentialCeiling(tc.attempt, time.Second, 10*time.Second); got != tc.want {
			t.Errorf("ExponentialCeiling(%d) = %v, want %v", tc.attempt, got, tc.want)
		}
	}
	for range 100 {
		if d := FullJitter(3, time.Second, 10*time.Second); d < 0 || d > 4*time.Second {
			t.Fatalf("FullJitter = %v", d)
		}
	}
}

func TestResponseHeaderTimeoutIsRetried(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rec.record(r) == 1 {
			select { // hang until the client gives up on this attempt
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	clock := newFakeClock()
	// Generous for a loaded machine: a later attempt that is merely slow may
	// time out too, so the test asks for "retried until it got through".
	base := &http.Transport{ResponseHeaderTimeout: 250 * time.Millisecond}
	defer base.CloseIdleConnections()
	tr := &Transport{Base: base, Now: clock.Now, Sleep: clock.Sleep, MaxRetries: 10}
	resp, err := New(tr).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || Attempts(resp) < 2 {
		t.Errorf("status=%d attempts=%d", resp.StatusCode, Attempts(resp))
	}
}

func TestCanceledWhileWaiting(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(failing(rec, 503, 100))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	tr := testTransport(t, newFakeClock())
	tr.Sleep = func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	_, err := tr.RoundTrip(req)
	var re *RetryError
	if !errors.As(err, &re) || !errors.Is(err, context.Canceled) || re.Attempts != 1 {
		t.Fatalf("err = %v", err)
	}
	var e *apierr.Error
	if !errors.As(err, &e) || e.Code != "E503" {
		t.Errorf("last decoded error = %v", e)
	}
}

func TestRealSleepHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := (&Transport{}).sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("sleep = %v", err)
	}
	if err := (&Transport{}).sleep(context.Background(), 0); err != nil {
		t.Errorf("sleep(0) = %v", err)
	}
}

func TestNoRetries(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(failing(rec, 503, 100))
	defer srv.Close()
	tr := testTransport(t, newFakeClock())
	tr.MaxRetries = -1
	resp, err := New(tr).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if rec.Hits() != 1 || resp.StatusCode != 503 {
		t.Errorf("hits=%d", rec.Hits())
	}
}

func TestCustomRetryStatuses(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(failing(rec, 409, 1))
	defer srv.Close()
	tr := testTransport(t, newFakeClock())
	tr.CheckRetry = RetryOn(409)
	resp, err := New(tr).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if rec.Hits() != 2 || resp.StatusCode != 200 {
		t.Errorf("hits=%d status=%d", rec.Hits(), resp.StatusCode)
	}
}

func TestClientTimeoutIsADeadline(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.record(r)
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	clock := newFakeClock()
	tr := testTransport(t, clock)
	tr.MaxRetryAfter = time.Hour
	c := New(tr)
	c.Timeout = time.Minute // seen by the Transport as the request's deadline
	_, err := c.Get(srv.URL)
	if !errors.Is(err, ErrDeadline) || rec.Hits() != 1 || len(clock.Waits()) != 0 {
		t.Fatalf("err=%v hits=%d waits=%v", err, rec.Hits(), clock.Waits())
	}
	var ue interface{ Timeout() bool }
	if !errors.As(err, &ue) || !ue.Timeout() {
		t.Errorf("error is not a timeout: %v", err)
	}
}

// roundTripFunc adapts a function to http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestOddPolicies(t *testing.T) {
	t.Run("a CheckRetry that retries a 2xx does not panic", func(t *testing.T) {
		rec := &recorder{}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec.record(r)
			w.WriteHeader(http.StatusAccepted)
		}))
		defer srv.Close()
		tr := testTransport(t, newFakeClock())
		tr.CheckRetry = func(resp *http.Response, err error) bool { return resp != nil && resp.StatusCode == 202 }
		resp, err := New(tr).Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if rec.Hits() != 4 {
			t.Errorf("hits = %d", rec.Hits())
		}
	})
	t.Run("a Base returning nothing is an error, not a panic", func(t *testing.T) {
		tr := &Transport{Base: roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, nil }),
			Sleep: newFakeClock().Sleep}
		req, _ := http.NewRequest("GET", "http://example.invalid/", nil)
		resp, err := tr.RoundTrip(req)
		if resp != nil || !errors.Is(err, errNoResponse) {
			t.Errorf("resp=%v err=%v", resp, err)
		}
	})
}

func TestDefaultBudgetUnderOutage(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(failing(rec, 503, 1<<30))
	defer srv.Close()
	c := New(testTransport(t, newFakeClock()))
	for range 20 {
		resp, err := c.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if retries := rec.Hits() - 20; retries != 3 {
		t.Errorf("a total outage got %d retries from 20 requests, want 3", retries)
	}
}

func TestRetryErrorText(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "60")
		w.Header().Set("X-Request-Id", "r-9")
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"error":"maintenance","message":"Back soon."}`)
	}))
	defer srv.Close()
	clock := newFakeClock()
	ctx, cancel := context.WithDeadline(context.Background(), clock.Now().Add(time.Second))
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/v1/x?key=secret", nil)
	_, err := testTransport(t, clock).RoundTrip(req)
	want := "client: GET " + srv.URL + "/v1/x: 1 attempt: next retry would pass the context deadline (wait 30s): 503 maintenance: Back soon. [request_id=r-9]"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant  %s", err, want)
	}
}
