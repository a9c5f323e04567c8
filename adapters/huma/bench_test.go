package apierrhuma_test

import (
	"bytes"
	gocontext "context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	apierrhuma "github.com/apierr/apierr/adapters/huma"
	"github.com/apierr/apierr/examples/fax"
	"github.com/apierr/apierr/middleware"
	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
)

// benchApp is one huma app (humago on a ServeMux) per side: huma's own
// error path (ServeMux's 404 text, huma.Error404NotFound and its schema
// validation as huma.ErrorModel) and the same app configured with
// apierrhuma and wrapped in the runtime (its log record discarded).
// Configure changes huma's package-level constructors, so the native side
// puts huma's back first.
func benchApp(b *testing.B, adapted bool) http.Handler {
	mux := http.NewServeMux()
	config := huma.DefaultConfig("Fax API", "1.0.0")
	var h http.Handler = mux
	if adapted {
		cat, err := fax.NewCatalog("")
		if err != nil {
			b.Fatal(err)
		}
		config = apierrhuma.Configure(config, cat)
		h = middleware.Stack(cat, middleware.WithLogger(slog.New(slog.DiscardHandler)))(mux)
	} else {
		huma.NewError, huma.NewErrorWithContext = humaNewError, humaNewErrorWithContext
	}
	api := humago.New(mux, config)
	huma.Register(api, huma.Operation{Method: http.MethodPost, Path: "/fax", DefaultStatus: http.StatusCreated},
		func(ctx gocontext.Context, in *sendFaxInput) (*faxOutput, error) { return &faxOutput{}, nil })
	huma.Get(api, "/fax/{id}", func(ctx gocontext.Context, in *struct {
		ID string `path:"id"`
	}) (*faxOutput, error) {
		return nil, huma.Error404NotFound("no such fax")
	})
	return h
}

// huma's own constructors, kept before any test configures apierr's.
var humaNewError, humaNewErrorWithContext = huma.NewError, huma.NewErrorWithContext

// BenchmarkErrorPath is a request that fails, through huma's own error
// path and through apierrhuma's, side by side (see BENCHMARKS.md).
func BenchmarkErrorPath(b *testing.B) {
	defer func() { huma.NewError, huma.NewErrorWithContext = humaNewError, humaNewErrorWithContext }()
	body := []byte(`{"to":"0123","pages":99}`)
	for _, tc := range []struct {
		name, method, path string
		body               []byte
	}{
		{"no_route", http.MethodGet, "/nowhere", nil},
		{"not_found", http.MethodGet, "/fax/fax_1", nil},
		{"validation", http.MethodPost, "/fax", body},
	} {
		for _, side := range []string{"huma", "apierr"} {
			b.Run(tc.name+"/"+side, func(b *testing.B) {
				h := benchApp(b, side == "apierr")
				req := httptest.NewRequest(tc.method, tc.path, nil)
				req.Header.Set("Content-Type", "application/json")
				rd := bytes.NewReader(tc.body)
				b.ReportAllocs()
				for b.Loop() {
					if tc.body != nil {
						rd.Reset(tc.body)
						req.Body = io.NopCloser(rd)
						req.ContentLength = int64(len(tc.body))
					}
					w := httptest.NewRecorder()
					h.ServeHTTP(w, req)
					if w.Code < 400 {
						b.Fatalf("%d %s", w.Code, w.Body)
					}
				}
			})
		}
	}
}
