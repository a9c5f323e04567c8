package fax

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// The demo's two benchmark routes, in process (no network): the full apierr
// stack (request ID, logger, recover, normalize, auth, rate limiter, catalog
// rendering) against BareHandler's net/http alone. wrk over loopback is in
// BENCHMARKS.md; these figures are steadier on a busy machine.
//
//	go test -run '^$' -bench Demo -benchmem -benchtime=200ms -count=1 ./examples/fax
func BenchmarkDemo(b *testing.B) {
	demo := func(level slog.Level) http.Handler {
		srv, err := NewDemo(Config{RatePerSecond: 1 << 40, Burst: 1 << 40,
			Logger: slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: level}))})
		if err != nil {
			b.Fatal(err)
		}
		return srv
	}
	for _, h := range []struct {
		name string
		h    http.Handler
	}{
		{"apierr", demo(slog.LevelInfo)},                                                             // one log record per error response, formatted and discarded
		{"apierr-nolog", demo(slog.LevelError + 1)},                                                  // the same with the records filtered out
		{"bare-work", BareWorkHandler(slog.New(slog.NewTextHandler(io.Discard, nil)), 1<<40, 1<<40)}, // the same work by hand
		{"bare", BareHandler()},
	} {
		for _, route := range []struct {
			name, path string
			status     int
		}{
			{"success", "/account/balance", 200},
			{"error", "/fax/fax_unknown", 404},
			{"unknown", "/no/such/endpoint", 404},
		} {
			b.Run(route.name+"/"+h.name, func(b *testing.B) {
				req := httptest.NewRequest("GET", route.path, nil)
				req.Header.Set("Authorization", "Bearer "+DemoSandboxKey)
				b.ReportAllocs()
				for b.Loop() {
					w := &discardWriter{h: http.Header{}}
					h.h.ServeHTTP(w, req)
					if w.status != route.status {
						b.Fatalf("status %d", w.status)
					}
				}
			})
		}
	}
}

// discardWriter is the cheapest ResponseWriter: the benchmark measures the
// handlers, not a recorder.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(s int) {
	if w.status == 0 {
		w.status = s
	}
}
func (w *discardWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = 200
	}
	return len(p), nil
}
