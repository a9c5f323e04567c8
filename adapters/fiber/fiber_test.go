package apierrfiber_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/apierr/apierr"
	apierrfiber "github.com/apierr/apierr/adapters/fiber"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/idempotency"
	"github.com/apierr/apierr/internal/adaptertest"
	"github.com/apierr/apierr/middleware"
	"github.com/apierr/apierr/ratelimit"
	"github.com/gofiber/fiber/v2"
)

const testKey = "fx_test_fibr_0123456789abcdef"

// bodyLimit is the test app's fiber.Config.BodyLimit.
const bodyLimit = 4096

type sendFax struct {
	To    string `json:"to" validate:"required,e164"`
	File  string `json:"file" validate:"required,base64"`
	Pages int    `json:"pages" validate:"omitempty,min=1,max=50"`
}

// logBuf collects the app's log records as JSON lines.
type logBuf struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// records returns the records logged for request ID id.
func (l *logBuf) records(id string) []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for line := range strings.SplitSeq(l.buf.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["request_id"] == id {
			out = append(out, m)
		}
	}
	return out
}

// serve runs app on a real loopback listener and returns its base URL.
func serve(t *testing.T, app *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Listener(ln) }()
	t.Cleanup(func() {
		http.DefaultClient.CloseIdleConnections()
		if err := app.Shutdown(); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("listener: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// newServer serves a fiber app with apierr installed, on a real server.
func newServer(t *testing.T) (string, *logBuf) {
	t.Helper()
	cat, keys := adaptertest.Fax(t, testKey)
	authn := apierrfiber.Wrap(auth.New(auth.Config{Keys: keys, Realm: "fax"}))
	limit := ratelimit.New(ratelimit.Config{Policies: []ratelimit.Policy{ratelimit.PerMinute(3)}, Key: ratelimit.ByKeyID})
	once := idempotency.New(idempotency.Config{})
	logs := &logBuf{}

	app := apierrfiber.Config{
		Catalog: cat,
		Logger:  slog.New(slog.NewJSONHandler(logs, nil)),
		Fiber:   fiber.Config{BodyLimit: bodyLimit, DisableStartupMessage: true},
	}.New()
	app.Post("/fax", authn, apierrfiber.Wrap(middleware.RequireContentType("application/json")), apierrfiber.Wrap(once),
		func(c *fiber.Ctx) error {
			var req sendFax
			if err := apierrfiber.Bind(c, &req); err != nil {
				return err
			}
			if strings.HasSuffix(req.To, "0402") {
				return apierr.New("insufficient_balance").With("available", 0).With("required", 10)
			}
			return c.Status(http.StatusCreated).JSON(fiber.Map{"id": "fax_1", "to": req.To})
		})
	app.Post("/parse", func(c *fiber.Ctx) error {
		var req sendFax
		if err := c.BodyParser(&req); err != nil {
			return err
		}
		return c.SendStatus(http.StatusNoContent)
	})
	app.Get("/limited", authn, apierrfiber.Wrap(limit.Middleware), func(c *fiber.Ctx) error {
		return c.SendStatus(http.StatusNoContent)
	})
	app.Get("/whoami", authn, func(c *fiber.Ctx) error {
		p := apierr.PrincipalFrom(c.UserContext())
		return c.JSON(fiber.Map{"tenant": p.Tenant, "request_id": apierr.RequestID(c.UserContext())})
	})
	app.Get("/fax/:id", func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	app.Get("/plain404", func(c *fiber.Ctx) error { return c.Status(http.StatusNotFound).SendString("nothing here") })
	app.Get("/forbidden", func(c *fiber.Ctx) error { return c.Status(http.StatusForbidden).JSON(fiber.Map{"error": "no"}) })
	app.Get("/teapot", func(c *fiber.Ctx) error { return fiber.NewError(http.StatusTeapot, "short and stout") })
	app.Get("/unavailable", func(c *fiber.Ctx) error { return fiber.NewError(http.StatusServiceUnavailable, "db down") })
	app.Get("/panic", func(c *fiber.Ctx) error { panic("boom") })
	app.Get("/download", func(c *fiber.Ctx) error {
		// Headers of the body the handler meant to send, then an error.
		for _, kv := range [][2]string{{"Content-Encoding", "gzip"}, {"Content-Disposition", "attachment; filename=a.pdf"},
			{"ETag", `"v1"`}, {"Last-Modified", "Tue, 01 Dec 2026 10:00:00 GMT"}, {"Content-Range", "bytes 0-9/100"}} {
			c.Set(kv[0], kv[1])
		}
		return apierr.Cond(apierr.CondForbidden)
	})
	app.Get("/plain-error", func(c *fiber.Ctx) error { return errors.New("secret detail") })
	app.Get("/items", func(c *fiber.Ctx) error {
		var q struct {
			Limit int `query:"limit"`
		}
		if err := c.QueryParser(&q); err != nil {
			return err
		}
		return c.JSON(q)
	})
	return serve(t, app), logs
}

type reply = adaptertest.Reply

func send(t *testing.T, base, method, path, body string, kv ...string) reply {
	t.Helper()
	return adaptertest.Send(t, nil, base, method, path, body, kv...)
}

// contract checks what every catalog error carries.
func contract(t *testing.T, r reply, status int, code string) {
	t.Helper()
	adaptertest.Contract(t, r, status, code)
}

func context(r reply) map[string]any { return r.Context() }

const goodFax = adaptertest.GoodFax

func TestFiberErrorsAreCatalogErrors(t *testing.T) {
	base, _ := newServer(t)
	authz := []string{"Authorization", "Bearer " + testKey}

	for _, tc := range []struct {
		name, method, path, body string
		header                   []string
		status                   int
		code                     string
		leak                     string // text that must not reach the client
	}{
		{name: "unknown path is endpoint_not_found", method: "GET", path: "/nowhere", status: 404, code: "endpoint_not_found"},
		{name: "a handler's fiber.ErrNotFound is not_found", method: "GET", path: "/fax/fax_nope", status: 404, code: "not_found"},
		{name: "a plain 404 a handler sent is not_found", method: "GET", path: "/plain404", status: 404, code: "not_found", leak: "nothing here"},
		{name: "a 403 a handler sent is forbidden, its body dropped", method: "GET", path: "/forbidden", status: 403, code: "forbidden", leak: `"no"`},
		{name: "an unmapped 4xx keeps its status", method: "GET", path: "/teapot", status: 418, code: "bad_request", leak: "stout"},
		{name: "a panic is internal, no detail", method: "GET", path: "/panic", status: 500, code: "internal_server_error", leak: "boom"},
		{name: "a plain error is internal, its text in the log only", method: "GET", path: "/plain-error", status: 500, code: "internal_server_error", leak: "secret"},
		{name: "no credentials is api_key_missing", method: "POST", path: "/fax", body: goodFax, status: 401, code: "api_key_missing"},
		{name: "an unknown key is api_key_invalid", method: "POST", path: "/fax", body: goodFax, header: []string{"Authorization", "Bearer fx_test_nope_0000000000000000"}, status: 401, code: "api_key_invalid"},
		{name: "a syntax error is bad_request", method: "POST", path: "/fax", body: "{\n\"to\": ,}", header: authz, status: 400, code: "bad_request"},
		{name: "a text/plain body is refused by RequireContentType", method: "POST", path: "/fax", body: goodFax, header: append([]string{"Content-Type", "text/plain"}, authz...), status: 400, code: "bad_request"},
		{name: "BodyParser's syntax error is bad_request", method: "POST", path: "/parse", body: `{"to":`, status: 400, code: "bad_request"},
		{name: "BodyParser's type error is bad_request", method: "POST", path: "/parse", body: `{"pages":"two"}`, status: 400, code: "bad_request"},
		{name: "QueryParser's type error is bad_request", method: "GET", path: "/items?limit=lots", status: 400, code: "bad_request"},
		{name: "a handler's *apierr.Error renders natively", method: "POST", path: "/fax", body: `{"to":"+14155550402","file":"eA=="}`, header: authz, status: 402, code: "insufficient_balance"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := send(t, base, tc.method, tc.path, tc.body, tc.header...)
			contract(t, r, tc.status, tc.code)
			if tc.leak != "" && strings.Contains(r.Raw, tc.leak) {
				t.Errorf("leaked %q: %s", tc.leak, r.Raw)
			}
		})
	}

}

func TestFiberErrorHeaders(t *testing.T) {
	base, _ := newServer(t)
	t.Run("wrong method is method_not_allowed with Allow", func(t *testing.T) {
		r := send(t, base, "DELETE", "/fax", "")
		contract(t, r, 405, "method_not_allowed")
		if r.Header.Get("Allow") != "POST" {
			t.Errorf("Allow %q", r.Header.Get("Allow"))
		}
		if got, _ := context(r)["allowed"].([]any); len(got) != 1 || got[0] != "POST" {
			t.Errorf("allowed %v", context(r)["allowed"])
		}
	})
	t.Run("a 503 is unavailable with Retry-After, its message logged only", func(t *testing.T) {
		r := send(t, base, "GET", "/unavailable", "")
		if r.Status != 503 || r.Header.Get("Retry-After") != "5" || strings.Contains(r.Raw, "db down") || r.Body["request_id"] == nil {
			t.Fatalf("%d %v %s", r.Status, r.Header, r.Raw)
		}
	})
	t.Run("a 401 carries a challenge", func(t *testing.T) {
		r := send(t, base, "POST", "/fax", goodFax)
		if r.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("no challenge: %v", r.Header)
		}
	})
	t.Run("Accept picks the format", func(t *testing.T) {
		r := send(t, base, "GET", "/nowhere", "", "Accept", "application/problem+json")
		id := r.Header.Get("X-Request-Id")
		if r.Status != 404 || r.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(r.Header.Get("Vary"), "Accept") ||
			r.Body["code"] != "endpoint_not_found" || r.Body["status"] != float64(404) || id == "" || r.Body["request_id"] != id ||
			!strings.HasPrefix(r.Body["type"].(string), "https://mintfax.com/docs/errors/") {
			t.Errorf("%d %v %s", r.Status, r.Header, r.Raw)
		}
	})
	t.Run("HEAD has the status and headers, no body", func(t *testing.T) {
		r := send(t, base, "HEAD", "/nowhere", "")
		if r.Status != 404 || r.Raw != "" || r.Header.Get("X-Request-Id") == "" {
			t.Errorf("%d %v %q", r.Status, r.Header, r.Raw)
		}
	})
}

func TestBinding(t *testing.T) {
	base, _ := newServer(t)
	authz := []string{"Authorization", "Bearer " + testKey}
	t.Run("a body over BodyLimit is refused before routing, with limit_bytes", func(t *testing.T) {
		// The fax catalog binds payload_too_large to validation_failed (422).
		r := send(t, base, "POST", "/fax", `{"to":"`+strings.Repeat("1", 2*bodyLimit)+`"}`, authz...)
		contract(t, r, 422, "validation_failed")
		if context(r)["limit_bytes"] != float64(bodyLimit) {
			t.Errorf("%s", r.Raw)
		}
	})
	t.Run("a type error names the field", func(t *testing.T) {
		r := send(t, base, "POST", "/fax", `{"to":"+14155550123","file":"eA==","pages":"two"}`, authz...)
		contract(t, r, 400, "bad_request")
		if c := context(r); c["field"] != "pages" || c["expected"] != "integer" {
			t.Errorf("context %v", c)
		}
	})
	t.Run("QueryParser's error names the parameter", func(t *testing.T) {
		r := send(t, base, "GET", "/items?limit=lots", "")
		if context(r)["field"] != "limit" {
			t.Errorf("%s", r.Raw)
		}
	})
	t.Run("validation lists every field by its JSON name", func(t *testing.T) {
		r := send(t, base, "POST", "/fax", `{"to":"0123","pages":99}`, authz...)
		contract(t, r, 422, "validation_failed")
		errs, _ := context(r)["errors"].(map[string]any)
		for _, f := range []string{"to", "file", "pages"} {
			if errs[f] == nil {
				t.Errorf("no error for %s: %s", f, r.Raw)
			}
		}
		if msgs, _ := errs["file"].([]any); len(msgs) != 1 || msgs[0] != "The file field is required." {
			t.Errorf("file: %v", errs["file"])
		}
	})
	t.Run("Bind refuses a body that is not JSON", func(t *testing.T) {
		// /whoami has no RequireContentType: Bind itself answers. The fax
		// catalog maps unsupported_media_type to bad_request (400).
		r := send(t, base, "POST", "/fax", goodFax, append([]string{"Content-Type", "application/xml"}, authz...)...)
		contract(t, r, 400, "bad_request")
	})
}

// An error replaces the body a handler meant to send, and the headers that
// describe that body go with it, as Stack's normalizer drops them: a JSON
// error labelled gzip would not decode.
func TestErrorDropsEntityHeaders(t *testing.T) {
	base, _ := newServer(t)
	r := send(t, base, "GET", "/download", "")
	contract(t, r, http.StatusForbidden, "forbidden")
	for _, h := range []string{"Content-Encoding", "Content-Disposition", "Etag", "Last-Modified", "Content-Range"} {
		if v := r.Header.Get(h); v != "" {
			t.Errorf("%s: %q", h, v)
		}
	}
}

func TestRequestID(t *testing.T) {
	base, _ := newServer(t)
	for _, tc := range []struct {
		name, sent string
		kept       bool
	}{
		{"a valid incoming ID is kept", "req-abc.123:x", true},
		{"an unsafe incoming ID is replaced", "bad id\"", false},
		{"an ID over 128 bytes is replaced", strings.Repeat("a", 129), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := send(t, base, "GET", "/nowhere", "", "X-Request-Id", tc.sent)
			got := r.Header.Get("X-Request-Id")
			if (got == tc.sent) != tc.kept || got == "" || r.Body["request_id"] != got {
				t.Errorf("sent %q, got header %q body %v", tc.sent, got, r.Body["request_id"])
			}
		})
	}
	t.Run("an ID sent twice is replaced", func(t *testing.T) {
		req, err := http.NewRequest("GET", base+"/nowhere", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header["X-Request-Id"] = []string{"req-one", "req-two"}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("X-Request-Id"); resp.StatusCode != 404 || len(got) != 26 {
			t.Errorf("%d, request ID %q", resp.StatusCode, got)
		}
	})
	t.Run("a success carries the request ID too", func(t *testing.T) {
		r := send(t, base, "GET", "/items?limit=3", "")
		if r.Status != 200 || len(r.Header.Get("X-Request-Id")) != 26 {
			t.Errorf("%d %v", r.Status, r.Header)
		}
	})
}

func TestLogRecord(t *testing.T) {
	base, logs := newServer(t)
	for _, tc := range []struct {
		name, path      string
		status          float64
		code, route     string
		level           string
		cause, hasStack bool
	}{
		{"an unknown path", "/nowhere", 404, "endpoint_not_found", "", "INFO", false, false},
		{"a matched route's 404", "/fax/fax_1", 404, "not_found", "GET /fax/:id", "INFO", false, false},
		{"a panic, with its stack", "/panic", 500, "internal_server_error", "GET /panic", "ERROR", true, true},
		{"a plain error, with its cause", "/plain-error", 500, "internal_server_error", "GET /plain-error", "ERROR", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := send(t, base, "GET", tc.path, "")
			recs := logs.records(r.Header.Get("X-Request-Id"))
			if len(recs) != 1 {
				t.Fatalf("%d records: %v", len(recs), recs)
			}
			rec := recs[0]
			if rec["status"] != tc.status || rec["code"] != tc.code || rec["route"] != tc.route || rec["level"] != tc.level ||
				rec["method"] != "GET" || rec["path"] != tc.path || rec["latency"] == nil {
				t.Errorf("record %v", rec)
			}
			if _, ok := rec["cause"]; ok != tc.cause {
				t.Errorf("cause %v", rec["cause"])
			}
			if s, _ := rec["stack"].(string); (s != "") != tc.hasStack || tc.hasStack && !strings.Contains(s, "fiber_test.go") {
				t.Errorf("stack %q", s)
			}
		})
	}
	t.Run("an error a wrapped middleware wrote names the route", func(t *testing.T) {
		r := send(t, base, "POST", "/fax", goodFax)
		recs := logs.records(r.Header.Get("X-Request-Id"))
		if r.Status != 401 || len(recs) != 1 || recs[0]["code"] != "api_key_missing" || recs[0]["route"] != "POST /fax" || recs[0]["method"] != "POST" {
			t.Errorf("%d %v", r.Status, recs)
		}
	})
	t.Run("a body refused before routing has no route", func(t *testing.T) {
		r := send(t, base, "POST", "/fax", strings.Repeat("x", 2*bodyLimit))
		recs := logs.records(r.Header.Get("X-Request-Id"))
		if r.Status != 422 || len(recs) != 1 || recs[0]["code"] != "validation_failed" || recs[0]["route"] != "" || recs[0]["path"] != "/fax" {
			t.Errorf("%d %v", r.Status, recs)
		}
	})
	t.Run("a success is not logged", func(t *testing.T) {
		r := send(t, base, "GET", "/items", "")
		if recs := logs.records(r.Header.Get("X-Request-Id")); r.Status != 200 || len(recs) != 0 {
			t.Errorf("%d %v", r.Status, recs)
		}
	})
}
