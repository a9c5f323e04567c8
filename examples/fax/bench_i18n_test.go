package fax

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

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
