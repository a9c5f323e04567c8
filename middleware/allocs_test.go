//go:build !race

package middleware_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/middleware"
)

// reuseWriter keeps one header map across requests, so what is counted is
// the stack's work and not a recorder's.
type reuseWriter struct {
	h    http.Header
	code int
	n    int
}

func (w *reuseWriter) Header() http.Header         { return w.h }
func (w *reuseWriter) WriteHeader(code int)        { w.code = code }
func (w *reuseWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// TestStackAllocations pins the allocations of the hot paths through Stack
// and a ServeMux (the benchmarks in interop/middleware measure their time):
// one for the stack's writer (which holds the State, the request copy, its
// context and the generated request ID), one for the rendered error when
// there is one (kept out of the writer: a success, most requests, does not
// carry its 248 bytes), plus what the handler and the ServeMux allocate
// themselves. Counting is exact, not
// timing; it is skipped under -race, which allocates on its own.
func TestStackAllocations(t *testing.T) {
	cat := apierr.Default()
	mux := http.NewServeMux()
	mux.Handle("POST /pay", apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return apierr.Cond(apierr.CondForbidden) // 1 allocation: the handler's error
	}))
	mux.HandleFunc("GET /ok", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
	h := middleware.Stack(cat, middleware.WithLogger(slog.New(slog.DiscardHandler)))(mux)
	bare := allocsOf(t, mux, "GET", "/nowhere", 404)
	for _, tc := range []struct {
		method, path string
		status       int
		want         float64
	}{
		{"GET", "/ok", 200, 2},             // the writer + the handler's []byte
		{"POST", "/pay", 403, 3},           // the writer + the handler's error + the rendered error
		{"GET", "/nowhere", 404, bare + 2}, // + the writer and the rendered error (the normalizer's is pooled)
	} {
		if got := allocsOf(t, h, tc.method, tc.path, tc.status); got > tc.want {
			t.Errorf("%s %s: %v allocations per request, want at most %v", tc.method, tc.path, got, tc.want)
		} else {
			t.Logf("%s %s: %v", tc.method, tc.path, got)
		}
	}
}

func allocsOf(t *testing.T, h http.Handler, method, path string, status int) float64 {
	t.Helper()
	r := httptest.NewRequest(method, path, nil)
	w := &reuseWriter{h: make(http.Header, 16)}
	serve := func() {
		clear(w.h)
		w.code = 200
		h.ServeHTTP(w, r)
	}
	serve()
	if w.code != status {
		t.Fatalf("%s %s: status %d, want %d", method, path, w.code, status)
	}
	return testing.AllocsPerRun(200, serve)
}

// A 429 (Retry-After from a shared value) costs what any catalog error does.
func TestStackAllocationsRetryAfter(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("GET /slow", apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return apierr.Cond(apierr.CondRateLimited).WithRetryAfter(7 * time.Second)
	}))
	h := middleware.Stack(nil, middleware.WithLogger(slog.New(slog.DiscardHandler)))(mux)
	if got := allocsOf(t, h, "GET", "/slow", 429); got > 3 {
		t.Errorf("a 429 with Retry-After: %v allocations per request, want at most 3 (the writer, the handler's error, the rendered error)", got)
	}
}
