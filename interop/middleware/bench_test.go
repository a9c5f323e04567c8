package middleware_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/middleware"
	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/labstack/echo/v4"
	echomw "github.com/labstack/echo/v4/middleware"
)

// The benchmarks drive each setup's ServeHTTP directly (no network) with a
// reused request and a discarding writer, so what differs between them is
// the per-request work of the runtime: request ID, recover, normalize (or
// the framework's equivalent), API-key auth, JSON decode and validation.

var (
	benchOK  = []byte(`{"to":"+14155550100","file":"f.pdf","participant":{"number":"+442071838750"},"items":[{"sku":"a","qty":1}]}`)
	benchBad = []byte(`{"file":"f.pdf","participant":{"number":"+442071838750"},"items":[{"sku":"a","qty":1}]}`)
	benchOut = []byte(`{"id":"fax_1"}`)
)

type benchBody struct{ bytes.Reader }

func (*benchBody) Close() error { return nil }

type benchWriter struct {
	h    http.Header
	code int
}

func (w *benchWriter) Header() http.Header         { return w.h }
func (w *benchWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *benchWriter) WriteHeader(code int)        { w.code = code }

func runBench(b *testing.B, h http.Handler, body []byte, want int) {
	b.Helper()
	req, _ := http.NewRequest("POST", "http://api.test/fax", nil)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testKey)
	br := new(benchBody)
	req.Body = br
	w := &benchWriter{h: make(http.Header, 8)}
	serve := func() {
		clear(w.h)
		w.code = 0
		br.Reset(body)
		req.ContentLength = int64(len(body))
		h.ServeHTTP(w, req)
	}
	serve()
	if w.code == 0 {
		w.code = 200
	}
	if w.code != want {
		b.Fatalf("status %d, want %d", w.code, want)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		serve()
	}
}

// bareNoop answers without reading the body: the floor.
func bareNoop() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /fax", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(benchOut)
	})
	return mux
}

// bareDecode is the hand-written equivalent without apierr: read, decode,
// validate with the same validator, answer; errors as a minimal JSON body.
func bareDecode() http.Handler {
	v := faxBinder.Validator()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /fax", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+testKey {
			w.WriteHeader(401)
			return
		}
		var req sendFax
		body, err := io.ReadAll(r.Body)
		if err == nil {
			err = json.Unmarshal(body, &req)
		}
		if err == nil {
			err = v.Struct(&req)
		}
		w.Header().Set("Content-Type", "application/json")
		if err != nil {
			w.WriteHeader(422)
			_, _ = w.Write([]byte(`{"error":"validation_failed"}`))
			return
		}
		_, _ = w.Write(benchOut)
	})
	return mux
}

func apierrStack(b *testing.B) http.Handler {
	keys := auth.NewMemoryKeyStore()
	if err := keys.Add(testKey, apierr.Principal{Tenant: "ws_1", KeyID: "key_1", Scopes: []string{"faxes:write"}}); err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /fax", auth.New(auth.Config{Keys: keys})(apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var req sendFax
		if err := faxBinder.JSON(r, &req); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(benchOut)
		return nil
	})))
	return middleware.Stack(faxCatalog(b), middleware.WithLogger(slog.New(slog.DiscardHandler)))(mux)
}

type echoValidator struct{}

func (echoValidator) Validate(i any) error { return faxBinder.Validator().Struct(i) }

func echoSetup() http.Handler {
	e := echo.New()
	e.Validator = echoValidator{}
	e.Use(echomw.RequestID(), echomw.Recover(), echomw.KeyAuth(func(key string, c echo.Context) (bool, error) {
		return key == testKey, nil
	}))
	e.POST("/fax", func(c echo.Context) error {
		var req sendFax
		if err := c.Bind(&req); err != nil {
			return err
		}
		if err := c.Validate(&req); err != nil {
			return echo.NewHTTPError(http.StatusUnprocessableEntity, err.Error())
		}
		return c.JSONBlob(200, benchOut)
	})
	return e
}

type humaParticipant struct {
	Number string `json:"number" pattern:"^\\+[1-9]\\d{1,14}$"`
	Name   string `json:"name,omitempty"`
}

type humaItem struct {
	SKU string `json:"sku" minLength:"1"`
	Qty int    `json:"qty" minimum:"1"`
}

type humaFaxInput struct {
	Body struct {
		To          string          `json:"to" pattern:"^\\+[1-9]\\d{1,14}$"`
		File        string          `json:"file" minLength:"1"`
		Quality     string          `json:"quality,omitempty" enum:"standard,fine"`
		Participant humaParticipant `json:"participant"`
		Items       []humaItem      `json:"items"`
	}
}

type humaFaxOutput struct {
	Body struct {
		ID string `json:"id"`
	}
}

func humaSetup() http.Handler {
	mux := http.NewServeMux()
	cfg := huma.DefaultConfig("bench", "1.0.0")
	cfg.DocsPath, cfg.OpenAPIPath, cfg.SchemasPath = "", "", ""
	api := humago.New(mux, cfg)
	api.UseMiddleware(func(ctx huma.Context, next func(huma.Context)) {
		if ctx.Header("Authorization") != "Bearer "+testKey {
			_ = huma.WriteErr(api, ctx, http.StatusUnauthorized, "unauthorized")
			return
		}
		next(ctx)
	})
	huma.Register(api, huma.Operation{OperationID: "send-fax", Method: http.MethodPost, Path: "/fax"},
		func(ctx context.Context, in *humaFaxInput) (*humaFaxOutput, error) {
			out := &humaFaxOutput{}
			out.Body.ID = "fax_1"
			return out, nil
		})
	// huma has no request-ID or recover middleware of its own: the
	// equivalent plain ones, so the comparison covers the same work.
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				w.WriteHeader(500)
			}
		}()
		id := r.Header.Get("X-Request-ID")
		if id == "" {
			id = middleware.NewRequestID()
		}
		w.Header().Set("X-Request-ID", id)
		mux.ServeHTTP(w, r)
	})
}

func BenchmarkServe(b *testing.B) {
	setups := []struct {
		name string
		h    func(b *testing.B) http.Handler
		bad  int // status of the error path
	}{
		{"bare-noop", func(*testing.B) http.Handler { return bareNoop() }, 0},
		{"bare-decode-validate", func(*testing.B) http.Handler { return bareDecode() }, 422},
		{"apierr-stack", apierrStack, 422},
		{"echo-v4", func(*testing.B) http.Handler { return echoSetup() }, 422},
		{"huma-v2", func(*testing.B) http.Handler { return humaSetup() }, 422},
	}
	for _, s := range setups {
		h := s.h(b)
		b.Run(s.name+"/success", func(b *testing.B) { runBench(b, h, benchOK, 200) })
		if s.bad != 0 {
			b.Run(s.name+"/error", func(b *testing.B) { runBench(b, h, benchBad, s.bad) })
		}
	}
}

// BenchmarkStackOnly isolates the runtime (request ID, State, logger,
// recover, normalize) around a handler that does nothing else.
func BenchmarkStackOnly(b *testing.B) {
	h := middleware.Stack(faxCatalog(b), middleware.WithLogger(slog.New(slog.DiscardHandler)))(bareNoop())
	b.Run("success", func(b *testing.B) { runBench(b, h, benchOK, 200) })
	nf := middleware.Stack(faxCatalog(b), middleware.WithLogger(slog.New(slog.DiscardHandler)))(http.NewServeMux())
	b.Run("mux-404-normalized", func(b *testing.B) { runBench(b, nf, benchOK, 404) })
	logged := middleware.Stack(faxCatalog(b), middleware.WithLogger(slog.New(slog.NewJSONHandler(io.Discard, nil))))(http.NewServeMux())
	b.Run("mux-404-normalized-json-log", func(b *testing.B) { runBench(b, logged, benchOK, 404) })
}
