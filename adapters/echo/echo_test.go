package apierrecho_test

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	apierrecho "github.com/apierr/apierr/adapters/echo"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/idempotency"
	"github.com/apierr/apierr/internal/adaptertest"
	"github.com/apierr/apierr/middleware"
	"github.com/apierr/apierr/ratelimit"
	"github.com/labstack/echo/v4"
)

var quiet = slog.New(slog.DiscardHandler)

const testKey = "fx_test_echo_0123456789abcdef"

type sendFax struct {
	To    string `json:"to" validate:"required,e164"`
	File  string `json:"file" validate:"required,base64"`
	Pages int    `json:"pages" validate:"omitempty,min=1,max=50"`
}

// newServer serves an echo app with apierr installed, on a real server.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	cat, keys := adaptertest.Fax(t, testKey)
	auth := auth.New(auth.Config{Keys: keys, Realm: "fax"})
	limit := ratelimit.New(ratelimit.Config{Policies: []ratelimit.Policy{ratelimit.PerMinute(3)}, Key: ratelimit.ByKeyID})
	once := idempotency.New(idempotency.Config{})

	e := echo.New()
	apierrecho.Config{Catalog: cat, Stack: []middleware.Option{middleware.WithLogger(quiet)}}.Install(e)
	e.Logger.SetOutput(io.Discard)
	e.POST("/fax", func(c echo.Context) error {
		var req sendFax
		if err := c.Bind(&req); err != nil {
			return err
		}
		if strings.HasSuffix(req.To, "0402") {
			return apierr.New("insufficient_balance").With("available", 0).With("required", 10)
		}
		return c.JSON(http.StatusCreated, map[string]string{"id": "fax_1", "to": req.To})
	}, apierrecho.Wrap(auth), apierrecho.Wrap(once))
	e.GET("/limited", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) },
		apierrecho.Wrap(auth), apierrecho.Wrap(limit.Middleware))
	e.GET("/fax/:id", func(c echo.Context) error { return echo.ErrNotFound })
	e.GET("/plain404", func(c echo.Context) error { return c.String(http.StatusNotFound, "nothing here") })
	e.GET("/forbidden", func(c echo.Context) error { return echo.NewHTTPError(http.StatusForbidden, "no") })
	e.GET("/teapot", func(c echo.Context) error { return echo.NewHTTPError(http.StatusTeapot) })
	e.GET("/unavailable", func(c echo.Context) error {
		return echo.NewHTTPError(http.StatusServiceUnavailable).SetInternal(errors.New("db down"))
	})
	e.GET("/panic", func(c echo.Context) error { panic("boom") })
	e.GET("/plain-error", func(c echo.Context) error { return errors.New("secret detail") })
	e.GET("/items", func(c echo.Context) error {
		var q struct {
			Limit int `query:"limit" json:"limit" validate:"max=100"`
		}
		if err := c.Bind(&q); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, q)
	})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return srv
}

type reply = adaptertest.Reply

func send(t *testing.T, srv *httptest.Server, method, path, body string, kv ...string) reply {
	t.Helper()
	return adaptertest.Send(t, srv.Client(), srv.URL, method, path, body, kv...)
}

// contract checks what every catalog error carries.
func contract(t *testing.T, r reply, status int, code string) {
	t.Helper()
	adaptertest.Contract(t, r, status, code)
}

func context(r reply) map[string]any { return r.Context() }

const goodFax = adaptertest.GoodFax

func TestEchoErrorsAreCatalogErrors(t *testing.T) {
	srv := newServer(t)
	auth := []string{"Authorization", "Bearer " + testKey}

	t.Run("unknown path is endpoint_not_found", func(t *testing.T) {
		contract(t, send(t, srv, "GET", "/nowhere", ""), 404, "endpoint_not_found")
	})
	t.Run("wrong method is method_not_allowed with Allow", func(t *testing.T) {
		r := send(t, srv, "DELETE", "/fax", "")
		contract(t, r, 405, "method_not_allowed")
		if !strings.Contains(r.Header.Get("Allow"), "POST") {
			t.Errorf("Allow %q", r.Header.Get("Allow"))
		}
	})
	t.Run("echo.ErrNotFound from a matched route is not_found", func(t *testing.T) {
		contract(t, send(t, srv, "GET", "/fax/fax_nope", ""), 404, "not_found")
	})
	t.Run("a plain 404 written by a matched route is not_found", func(t *testing.T) {
		r := send(t, srv, "GET", "/plain404", "")
		contract(t, r, 404, "not_found")
		if strings.Contains(r.Raw, "nothing here") {
			t.Errorf("handler text leaked: %s", r.Raw)
		}
	})
	t.Run("echo.HTTPError 403 is forbidden", func(t *testing.T) {
		contract(t, send(t, srv, "GET", "/forbidden", ""), 403, "forbidden")
	})
	t.Run("echo.HTTPError of an unmapped 4xx keeps its status", func(t *testing.T) {
		contract(t, send(t, srv, "GET", "/teapot", ""), 418, "bad_request")
	})
	t.Run("echo.HTTPError 503 is unavailable with Retry-After", func(t *testing.T) {
		r := send(t, srv, "GET", "/unavailable", "")
		if r.Status != 503 || r.Header.Get("Retry-After") == "" || strings.Contains(r.Raw, "db down") {
			t.Fatalf("%d %v %s", r.Status, r.Header, r.Raw)
		}
	})
	t.Run("panic is internal, no detail", func(t *testing.T) {
		r := send(t, srv, "GET", "/panic", "")
		contract(t, r, 500, "internal_server_error")
		if strings.Contains(r.Raw, "boom") {
			t.Errorf("panic leaked: %s", r.Raw)
		}
	})
	t.Run("a plain error is internal, its text in the log only", func(t *testing.T) {
		r := send(t, srv, "GET", "/plain-error", "")
		contract(t, r, 500, "internal_server_error")
		if strings.Contains(r.Raw, "secret") {
			t.Errorf("leaked: %s", r.Raw)
		}
	})
	t.Run("auth missing", func(t *testing.T) {
		r := send(t, srv, "POST", "/fax", goodFax)
		contract(t, r, 401, "api_key_missing")
		if r.Header.Get("WWW-Authenticate") == "" {
			t.Error("no challenge")
		}
	})
	t.Run("auth invalid", func(t *testing.T) {
		contract(t, send(t, srv, "POST", "/fax", goodFax, "Authorization", "Bearer fx_test_nope_0000000000000000"), 401, "api_key_invalid")
	})
	t.Run("bind syntax error is bad_request with line and column", func(t *testing.T) {
		r := send(t, srv, "POST", "/fax", "{\n\"to\": ,}", auth...)
		contract(t, r, 400, "bad_request")
		if c := context(r); c["line"] != float64(2) || c["column"] == nil {
			t.Errorf("context %v", c)
		}
	})
	t.Run("bind type error names the field", func(t *testing.T) {
		r := send(t, srv, "POST", "/fax", `{"to":"+14155550123","file":"eA==","pages":"two"}`, auth...)
		contract(t, r, 400, "bad_request")
		if c := context(r); c["field"] != "pages" || c["expected"] != "integer" {
			t.Errorf("context %v", c)
		}
	})
	t.Run("validation lists every field by its JSON name", func(t *testing.T) {
		r := send(t, srv, "POST", "/fax", `{"to":"0123","pages":99}`, auth...)
		contract(t, r, 422, "validation_failed")
		errs, _ := context(r)["errors"].(map[string]any)
		for _, f := range []string{"to", "file", "pages"} {
			if errs[f] == nil {
				t.Errorf("no error for %s: %s", f, r.Raw)
			}
		}
	})
	t.Run("a query parameter of the wrong type is bad_request naming it", func(t *testing.T) {
		r := send(t, srv, "GET", "/items?limit=lots", "")
		contract(t, r, 400, "bad_request")
		if context(r)["field"] != "limit" {
			t.Errorf("%s", r.Raw)
		}
	})
	t.Run("a query parameter over its limit is validation_failed", func(t *testing.T) {
		contract(t, send(t, srv, "GET", "/items?limit=500", ""), 422, "validation_failed")
	})
	t.Run("wrong content type is bad_request", func(t *testing.T) {
		r := send(t, srv, "POST", "/fax", goodFax, append(auth, "Content-Type", "text/plain")...)
		contract(t, r, 400, "bad_request")
	})
	t.Run("a handler's *apierr.Error renders natively", func(t *testing.T) {
		r := send(t, srv, "POST", "/fax", `{"to":"+14155550402","file":"eA=="}`, auth...)
		contract(t, r, 402, "insufficient_balance")
		if context(r)["available"] != float64(0) {
			t.Errorf("%s", r.Raw)
		}
	})
	t.Run("rate limit is 429 with Retry-After", func(t *testing.T) {
		var r reply
		for range 4 {
			r = send(t, srv, "GET", "/limited", "", auth...)
		}
		contract(t, r, 429, "rate_limit_exceeded")
		if r.Header.Get("Retry-After") == "" || r.Header.Get("RateLimit-Policy") == "" {
			t.Errorf("headers %v", r.Header)
		}
	})
	t.Run("idempotency replays and refuses a reused key", func(t *testing.T) {
		key := []string{"Idempotency-Key", "echo-1"}
		first := send(t, srv, "POST", "/fax", goodFax, append(auth, key...)...)
		again := send(t, srv, "POST", "/fax", goodFax, append(auth, key...)...)
		if first.Status != 201 || again.Status != 201 || again.Header.Get("Idempotent-Replayed") != "true" || again.Raw != first.Raw {
			t.Fatalf("first %d %s, again %d %v %s", first.Status, first.Raw, again.Status, again.Header, again.Raw)
		}
		contract(t, send(t, srv, "POST", "/fax", `{"to":"+14155550199","file":"eA=="}`, append(auth, key...)...), 422, "idempotency_key_reused")
	})
	t.Run("idempotency stores a handler's business error", func(t *testing.T) {
		key := []string{"Idempotency-Key", "echo-402"}
		body := `{"to":"+14155550402","file":"eA=="}`
		first := send(t, srv, "POST", "/fax", body, append(auth, key...)...)
		again := send(t, srv, "POST", "/fax", body, append(auth, key...)...)
		contract(t, first, 402, "insufficient_balance")
		if again.Status != 402 || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("again %d %v", again.Status, again.Header)
		}
	})
}
