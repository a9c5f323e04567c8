package apierrecho_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/apierr/apierr"
	apierrecho "github.com/apierr/apierr/adapters/echo"
	"github.com/apierr/apierr/examples/fax"
	"github.com/apierr/apierr/middleware"
	"github.com/go-playground/validator/v10"
	"github.com/labstack/echo/v4"
)

// nativeValidator is what an echo app without apierr plugs into
// e.Validator: go-playground's validator, as echo's docs show.
type nativeValidator struct{ v *validator.Validate }

func (n nativeValidator) Validate(i any) error { return n.v.Struct(i) }

// benchApp is one echo app per side: echo's own error path (its router's
// 404, DefaultHTTPErrorHandler, a validator error returned as a 400
// echo.HTTPError, as echo's docs do it) and the same app with apierrecho
// installed (the runtime with its log record discarded).
func benchApp(b *testing.B, adapted bool) *echo.Echo {
	e := echo.New()
	e.Logger.SetOutput(io.Discard)
	if adapted {
		cat, err := fax.NewCatalog("")
		if err != nil {
			b.Fatal(err)
		}
		apierrecho.Config{Catalog: cat, Stack: []middleware.Option{middleware.WithLogger(slog.New(slog.DiscardHandler))}}.Install(e)
	} else {
		e.Validator = nativeValidator{validator.New()}
	}
	e.POST("/fax", func(c echo.Context) error {
		var req sendFax
		if err := c.Bind(&req); err != nil {
			return err
		}
		if err := c.Validate(&req); err != nil {
			if adapted {
				return err
			}
			return echo.NewHTTPError(http.StatusBadRequest, err.Error())
		}
		return c.NoContent(http.StatusCreated)
	})
	e.GET("/fax/:id", func(c echo.Context) error { return echo.ErrNotFound })
	e.GET("/balance", func(c echo.Context) error { return apierr.New("insufficient_balance") })
	return e
}

// BenchmarkErrorPath is a request that fails, through echo's own error
// path and through apierrecho's, side by side (see BENCHMARKS.md).
func BenchmarkErrorPath(b *testing.B) {
	body := []byte(`{"to":"0123","pages":99}`)
	for _, tc := range []struct {
		name, method, path string
		body               []byte
		status             int
	}{
		{"no_route", http.MethodGet, "/nowhere", nil, 404},
		{"not_found", http.MethodGet, "/fax/fax_1", nil, 404},
		{"validation", http.MethodPost, "/fax", body, 0},
	} {
		for _, side := range []string{"echo", "apierr"} {
			b.Run(tc.name+"/"+side, func(b *testing.B) {
				e := benchApp(b, side == "apierr")
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
					e.ServeHTTP(w, req)
					if w.Code < 400 || (tc.status != 0 && w.Code != tc.status) {
						b.Fatalf("%d %s", w.Code, w.Body)
					}
				}
			})
		}
	}
}
