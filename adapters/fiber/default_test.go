package apierrfiber_test

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	apierrfiber "github.com/apierr/apierr/adapters/fiber"
	"github.com/gofiber/fiber/v2"
)

// TestDefaultCatalog runs the conditions whose status the fax catalog
// rebinds against the default catalog, whose codes are the conditions.
func TestDefaultCatalog(t *testing.T) {
	app := apierrfiber.New(nil, fiber.Config{BodyLimit: 64, DisableStartupMessage: true})
	app.Post("/bind", func(c *fiber.Ctx) error {
		var v struct {
			To string `json:"to" validate:"required"`
		}
		return apierrfiber.Bind(c, &v)
	})
	base := serve(t, app)
	for _, tc := range []struct {
		name, method, path, body string
		header                   []string
		status                   int
		code                     string
		ctxKey                   string
		ctxVal                   any
	}{
		{name: "a body over BodyLimit is payload_too_large", method: "POST", path: "/bind", body: strings.Repeat("x", 100),
			status: 413, code: "payload_too_large", ctxKey: "limit_bytes", ctxVal: float64(64)},
		{name: "Bind refuses a body that is not JSON", method: "POST", path: "/bind", body: "{}", header: []string{"Content-Type", "text/plain"},
			status: 415, code: "unsupported_media_type"},
		{name: "Bind's empty body is malformed_body", method: "POST", path: "/bind", header: []string{"Content-Type", "application/json"},
			status: 400, code: "malformed_body"},
		{name: "Bind's validation names the field", method: "POST", path: "/bind", body: "{}",
			status: 422, code: "validation_failed"},
		{name: "headers over ReadBufferSize are refused before routing", method: "GET", path: "/x",
			header: []string{"X-Long", strings.Repeat("a", 8<<10)}, status: 431, code: "payload_too_large"},
		{name: "wrong method", method: "GET", path: "/bind", status: 405, code: "method_not_allowed"},
		{name: "unknown path", method: "GET", path: "/x", status: 404, code: "endpoint_not_found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := send(t, base, tc.method, tc.path, tc.body, tc.header...)
			id := r.Header.Get("X-Request-Id")
			if r.Status != tc.status || r.Body["error"] != tc.code || id == "" || r.Body["request_id"] != id ||
				r.Header.Get("Content-Type") != "application/json" {
				t.Fatalf("%d %v %s", r.Status, r.Header, r.Raw)
			}
			if tc.ctxKey != "" && context(r)[tc.ctxKey] != tc.ctxVal {
				t.Errorf("context %v", context(r))
			}
		})
	}
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// TestOversizedBodyWithExpectContinue: fasthttp sends 100 Continue before
// it compares Content-Length with BodyLimit; New makes it refuse by the
// declared length first, so the client gets the 413 without sending the
// body (and cannot be reset while sending it).
func TestOversizedBodyWithExpectContinue(t *testing.T) {
	app := apierrfiber.New(nil, fiber.Config{BodyLimit: 64, DisableStartupMessage: true})
	app.Post("/", func(c *fiber.Ctx) error { return c.SendStatus(http.StatusNoContent) })
	base := serve(t, app)

	// The wait for 100 Continue only bounds how long the client holds the
	// body back; the server answers long before it.
	tr := &http.Transport{ExpectContinueTimeout: time.Minute}
	t.Cleanup(tr.CloseIdleConnections)
	body := &countingReader{r: strings.NewReader(strings.Repeat("x", 1<<20))}
	req, err := http.NewRequest("POST", base+"/", body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = 1 << 20
	req.Header.Set("Expect", "100-continue")
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 413 || !strings.Contains(string(raw), `"payload_too_large"`) || resp.Header.Get("X-Request-Id") == "" {
		t.Fatalf("%d %v %s", resp.StatusCode, resp.Header, raw)
	}
	if n := body.n.Load(); n != 0 {
		t.Errorf("the client sent %d bytes of the body", n)
	}
}
