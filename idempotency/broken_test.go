package idempotency_test

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/idempotency"
	"github.com/apierr/apierr/middleware"
)

// brokenServer serves h at POST /faxes inside the whole runtime
// (middleware.Stack, Auth) behind the idempotency middleware with cfg.
func brokenServer(t *testing.T, cfg idempotency.Config, h http.Handler) *httptest.Server {
	t.Helper()
	keys := auth.NewMemoryKeyStore()
	if err := keys.Add("sk_test_tenant_a_0001", apierr.Principal{Tenant: "A", Environment: "test"}); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /faxes", auth.New(auth.Config{Keys: keys})(idempotency.New(cfg)(h)))
	srv := httptest.NewServer(middleware.Stack(testCatalog(t), middleware.WithLogger(slog.New(slog.DiscardHandler)))(mux))
	t.Cleanup(srv.Close)
	return srv
}

// sendKeyed posts to /faxes with the test tenant's API key and an
// Idempotency-Key; a transport error (an aborted connection) is returned,
// not fatal.
func sendKeyed(t *testing.T, srv *httptest.Server, key string) (response, error) {
	t.Helper()
	r, _ := http.NewRequest("POST", srv.URL+"/faxes", strings.NewReader(`{"to":"+15551234567"}`))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer sk_test_tenant_a_0001")
	r.Header.Set("Idempotency-Key", key)
	resp, err := srv.Client().Do(r)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}, nil
}

// TestBrokenResponsesAreNotStored: a response the client never received
// whole must not be replayed to its retry as if it were.
func TestBrokenResponsesAreNotStored(t *testing.T) {
	tests := []struct {
		name    string
		policy  idempotency.StorePolicy
		handler func(w http.ResponseWriter, r *http.Request, run int64)
	}{
		{
			// The stack drops the late error and aborts the connection; the
			// recorder had the 200, the partial body and the error's JSON.
			name: "error written after a 200 started",
			handler: func(w http.ResponseWriter, r *http.Request, run int64) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusOK)
				_, _ = io.WriteString(w, `{"items":[1,2,`)
				apierr.Write(w, r, apierr.New("insufficient_balance"))
			},
		},
		{
			name: "http.Error after a 200 started",
			handler: func(w http.ResponseWriter, r *http.Request, run int64) {
				w.WriteHeader(http.StatusOK)
				_, _ = io.WriteString(w, `{"items":[1,2,`)
				http.Error(w, "db: connection refused at 10.0.0.7:5432", http.StatusInternalServerError)
			},
		},
		{
			// The normalizer replaced the plain 400: the client got a
			// catalog error, the recorder the handler's text. A policy
			// that stores it must not replay the text.
			name:   "plain error replaced by the normalizer, permissive policy",
			policy: func(status int, _ *apierr.Error) bool { return status < 500 },
			handler: func(w http.ResponseWriter, r *http.Request, run int64) {
				http.Error(w, "pq: duplicate key value violates unique constraint \"faxes_pkey\"", http.StatusBadRequest)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var runs atomic.Int64
			srv := brokenServer(t, idempotency.Config{Policy: tt.policy}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tt.handler(w, r, runs.Add(1))
			}))
			first, err1 := sendKeyed(t, srv, "k1")
			again, err2 := sendKeyed(t, srv, "k1")
			if err2 == nil && again.header.Get(idempotency.ReplayedHeader) != "" {
				t.Errorf("retry replayed %d %q (first: %d %q, err %v); want the handler to run again",
					again.status, again.body, first.status, first.body, err1)
			}
			if err2 == nil && (strings.Contains(again.body, "10.0.0.7") || strings.Contains(again.body, "pq:")) {
				t.Errorf("retry leaked the handler's internal text: %q", again.body)
			}
			if got := runs.Load(); got != 2 {
				t.Errorf("handler ran %d times; want 2 (the broken first response is not final)", got)
			}
		})
	}
}

// middleware.Timeout answers 504 while the handler goes on running on its
// own goroutine: the key must stay leased, or the client's retry runs the
// side effect a second time beside the first.
func TestTimeoutKeepsTheLease(t *testing.T) {
	var runs atomic.Int64
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		runs.Add(1)
		<-release // the side effect takes longer than the route's deadline
		w.WriteHeader(http.StatusCreated)
	})
	srv := brokenServer(t, idempotency.Config{}, middleware.Timeout(20*time.Millisecond)(slow))
	first, err := sendKeyed(t, srv, "k-slow")
	if err != nil || first.status != http.StatusGatewayTimeout {
		t.Fatalf("first = %d %q, %v; want the 504 of Timeout", first.status, first.body, err)
	}
	again, err := sendKeyed(t, srv, "k-slow")
	if err != nil {
		t.Fatal(err)
	}
	if got := runs.Load(); got != 1 {
		t.Fatalf("the handler ran %d times while the first run was still going (retry got %d %q)", got, again.status, again.body)
	}
	if again.status != http.StatusConflict || !strings.Contains(again.body, "idempotency_key_in_use") {
		t.Errorf("retry = %d %q; want idempotency_key_in_use", again.status, again.body)
	}
}

// A store outage is a 503 like any other: it says when to retry.
func TestStoreDownIsUnavailableWithRetryAfter(t *testing.T) {
	var runs atomic.Int64
	srv := brokenServer(t, idempotency.Config{Store: failingStore{}}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		runs.Add(1)
	}))
	res, err := sendKeyed(t, srv, "k-down")
	if err != nil {
		t.Fatal(err)
	}
	if res.status != http.StatusServiceUnavailable || !strings.Contains(res.body, `"error":"service_unavailable"`) {
		t.Fatalf("store down = %d %s", res.status, res.body)
	}
	if ra := res.header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After = %q; a 503 must say when to retry", ra)
	}
	if strings.Contains(res.body, "10.0.0.1") || runs.Load() != 0 {
		t.Errorf("body %s, runs %d", res.body, runs.Load())
	}
}

// One caller sending many keys to a route with large responses cannot make
// the memory store hold MaxEntries × MaxResponseBytes: stored bytes are
// bounded too, the oldest records going first.
func TestMemoryStoreBoundsBytes(t *testing.T) {
	const respSize, maxBytes = 64 << 10, 1 << 20
	store := idempotency.NewMemoryStore(idempotency.MemoryConfig{MaxBytes: maxBytes})
	big := strings.Repeat("x", respSize)
	srv := brokenServer(t, idempotency.Config{Store: store}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, big)
	}))
	for i := 0; i < 64; i++ {
		res, err := sendKeyed(t, srv, "k-"+strconv.Itoa(i))
		if err != nil || res.status != http.StatusCreated || len(res.body) != respSize {
			t.Fatalf("request %d: %d, %d bytes, %v", i, res.status, len(res.body), err)
		}
	}
	if n := store.Len(); n*respSize > maxBytes {
		t.Fatalf("store holds %d responses of %d bytes; want at most %d bytes", n, respSize, maxBytes)
	}
	// The newest key still replays.
	res, err := sendKeyed(t, srv, "k-63")
	if err != nil || res.header.Get(idempotency.ReplayedHeader) != "true" || len(res.body) != respSize {
		t.Fatalf("newest key: %d replayed=%q %v", res.status, res.header.Get(idempotency.ReplayedHeader), err)
	}
}

// A client that declares a large Content-Length and sends a few bytes must
// not make the middleware allocate the declared size up front: memory
// follows the bytes that arrive, so idle connections cost little.
func TestDeclaredLengthIsNotPreallocated(t *testing.T) {
	srv := brokenServer(t, idempotency.Config{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	const n, declared = 20, 1 << 20
	send := func() {
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
		_, _ = fmt.Fprintf(conn, "POST /faxes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk_test_tenant_a_0001\r\n"+
			"Idempotency-Key: k-slow\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n{\"to\":", declared)
		_ = conn.(*net.TCPConn).CloseWrite() // the body ends after 6 bytes
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("truncated body = %d; want a 400", res.StatusCode)
		}
	}
	send() // warm up the server's pools
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := 0; i < n; i++ {
		send()
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / n; per > declared/4 {
		t.Errorf("%d bytes allocated per request that sent 6 of %d declared bytes", per, declared)
	}
}

// A replayed error keeps its body byte for byte, request ID included, while
// the replay has its own request ID; Original-Request (Stripe's header)
// names the request whose response it is, so the body's ID is explained.
func TestReplayNamesOriginalRequest(t *testing.T) {
	srv := brokenServer(t, idempotency.Config{}, apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return apierr.New("insufficient_balance")
	}))
	first, err := sendKeyed(t, srv, "k-poor")
	if err != nil {
		t.Fatal(err)
	}
	again, err := sendKeyed(t, srv, "k-poor")
	if err != nil {
		t.Fatal(err)
	}
	if again.body != first.body || again.header.Get(idempotency.ReplayedHeader) != "true" {
		t.Fatalf("replay %d %q; first %d %q", again.status, again.body, first.status, first.body)
	}
	orig := first.header.Get("X-Request-Id")
	if got := again.header.Get("Original-Request"); got != orig || orig == "" {
		t.Errorf("Original-Request = %q; want the first request's ID %q", got, orig)
	}
	if again.header.Get("X-Request-Id") == orig {
		t.Error("the replay reuses the original request ID; want its own")
	}
}
