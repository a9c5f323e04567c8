package fax

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/middleware"
)

// BenchmarkLocalizedError renders seed 000's insufficient_balance (the
// handler's example message and two context members, as the demo sends it)
// through the real middleware stack, in English from the seed catalog
// (errors.yaml alone: no translations, the floor) and from the demo's
// catalog with its translations, in English, German, by q-values and for
// a language it does not speak. A localized error must allocate no more
// than the English one.
//
//	go test -run '^$' -bench LocalizedError -benchmem -benchtime=200ms -count=8 ./examples/fax
func BenchmarkLocalizedError(b *testing.B) {
	seed, err := apierr.Load(catalogYAML, "examples/fax/errors.yaml")
	if err != nil {
		b.Fatal(err)
	}
	translated, err := NewCatalog("")
	if err != nil {
		b.Fatal(err)
	}
	if len(seed.Languages()) != 1 || len(translated.Languages()) < 3 {
		b.Fatalf("languages %v and %v", seed.Languages(), translated.Languages())
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError + 1}))
	handler := apierr.HandlerFunc(func(http.ResponseWriter, *http.Request) error {
		return apierr.New("insufficient_balance").WithMessage("Insufficient balance for this operation.").
			With("available", 0).With("required", 10)
	})
	stack := func(cat *apierr.Catalog) http.Handler {
		return middleware.Stack(cat, middleware.WithLogger(logger))(handler)
	}
	for _, tc := range []struct {
		name, accept, lang, format string
		h                          http.Handler
	}{
		{"envelope/en-seed", "", "", "", stack(seed)},
		{"envelope/en", "", "en", "", stack(translated)},
		{"envelope/de", "de", "de", "", stack(translated)},
		{"envelope/qvalues", "ja;q=1, fr;q=0.9, de;q=0.8", "fr", "", stack(translated)},
		{"envelope/unknown", "ja", "en", "", stack(translated)},
		{"problem/en-seed", "", "", "application/problem+json", stack(seed)},
		{"problem/de", "de", "de", "application/problem+json", stack(translated)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			req := httptest.NewRequest("POST", "/fax", nil)
			if tc.accept != "" {
				req.Header.Set("Accept-Language", tc.accept)
			}
			if tc.format != "" {
				req.Header.Set("Accept", tc.format)
			}
			b.ReportAllocs()
			for b.Loop() {
				w := &discardWriter{h: http.Header{}}
				tc.h.ServeHTTP(w, req)
				if w.status != 402 || (tc.lang != "" && w.h.Get("Content-Language") != tc.lang) {
					b.Fatalf("status %d, Content-Language %q", w.status, w.h.Get("Content-Language"))
				}
			}
		})
	}
}

// BenchmarkLocalizedErrorPaired sends the English error of the seed
// catalog and the German one of the translated catalog alternately, in
// blocks of 64, inside one benchmark: on a shared machine both sides see
// the same load, so the ratio (de-vs-en, time of the German requests over
// the English ones') is steadier than two benchmarks' ns/op.
//
//	go test -run '^$' -bench LocalizedErrorPaired -benchtime=2s -count=6 ./examples/fax
func BenchmarkLocalizedErrorPaired(b *testing.B) {
	seed, err := apierr.Load(catalogYAML, "examples/fax/errors.yaml")
	if err != nil {
		b.Fatal(err)
	}
	translated, err := NewCatalog("")
	if err != nil {
		b.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError + 1}))
	handler := apierr.HandlerFunc(func(http.ResponseWriter, *http.Request) error {
		return apierr.New("insufficient_balance").WithMessage("Insufficient balance for this operation.").
			With("available", 0).With("required", 10)
	})
	en := middleware.Stack(seed, middleware.WithLogger(logger))(handler)
	de := middleware.Stack(translated, middleware.WithLogger(logger))(handler)
	enReq := httptest.NewRequest("POST", "/fax", nil)
	deReq := httptest.NewRequest("POST", "/fax", nil)
	deReq.Header.Set("Accept-Language", "de")
	var enTime, deTime time.Duration
	block := func(h http.Handler, r *http.Request) time.Duration {
		start := time.Now()
		for range 64 {
			w := &discardWriter{h: http.Header{}}
			h.ServeHTTP(w, r)
			if w.status != 402 {
				b.Fatalf("status %d", w.status)
			}
		}
		return time.Since(start)
	}
	for b.Loop() {
		enTime += block(en, enReq)
		deTime += block(de, deReq)
	}
	b.ReportMetric(float64(deTime)/float64(enTime), "de-vs-en")
	b.ReportMetric(float64(enTime.Nanoseconds())/float64(b.N*64), "en-ns/req")
	b.ReportMetric(float64(deTime.Nanoseconds())/float64(b.N*64), "de-ns/req")
}

// TestLocalizedErrorAllocatesNoMore holds the benchmark's claim as a test
// (allocation counts are exact): German, French by q-values and an unknown
// language allocate no more than English from the seed catalog.
func TestLocalizedErrorAllocatesNoMore(t *testing.T) {
	seed, err := apierr.Load(catalogYAML, "examples/fax/errors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	translated, err := NewCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError + 1}))
	handler := apierr.HandlerFunc(func(http.ResponseWriter, *http.Request) error {
		return apierr.New("insufficient_balance").WithMessage("Insufficient balance for this operation.").
			With("available", 0).With("required", 10)
	})
	allocs := func(cat *apierr.Catalog, accept string) float64 {
		h := middleware.Stack(cat, middleware.WithLogger(logger))(handler)
		r := httptest.NewRequest("POST", "/fax", nil)
		if accept != "" {
			r.Header.Set("Accept-Language", accept)
		}
		return testing.AllocsPerRun(200, func() {
			w := &discardWriter{h: http.Header{}}
			h.ServeHTTP(w, r)
			if w.status != 402 {
				t.Fatalf("status %d", w.status)
			}
		})
	}
	en := allocs(seed, "")
	for _, accept := range []string{"", "de", "fr;q=0.9, de;q=0.8", "ja"} {
		if got := allocs(translated, accept); got > en {
			t.Errorf("Accept-Language %q: %.0f allocs, English from the seed catalog %.0f", accept, got, en)
		}
	}
}
