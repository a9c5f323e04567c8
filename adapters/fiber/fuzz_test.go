package apierrfiber_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"testing"

	apierrfiber "github.com/apierr/apierr/adapters/fiber"
	"github.com/apierr/apierr/middleware"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// FuzzRequest sends any request target, request ID and Accept to an app
// with one route: the answer is always a catalog error (404 or 405, or the
// route's own 404) whose request ID is the client's when
// middleware.ValidRequestID accepts it, else a generated one, the same in
// the header and the body. This holds the adapter's reading of fiber's
// router errors ("Cannot METHOD PATH") and of the incoming ID to any input.
func FuzzRequest(f *testing.F) {
	for _, s := range []struct {
		method      uint8
		path, id, a string
	}{
		{0, "/nowhere", "req-1", ""},
		{1, "/only", "", "application/problem+json"},
		{0, "/only/x?y=%zz", "bad id", "text/html;q=0.1"},
		{2, "/Cannot%20GET%20/x", "a:b.c-d_e", "*/*;q=0"},
		{3, "//..//%00", string(make([]byte, 200)), "application/xml"},
	} {
		f.Add(s.method, s.path, s.id, s.a)
	}
	app := apierrfiber.Config{Logger: slog.New(slog.DiscardHandler)}.New()
	app.Post("/only", func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	h := app.Handler()
	methods := []string{http.MethodGet, http.MethodPost, http.MethodDelete, http.MethodPut, http.MethodPatch}
	f.Fuzz(func(t *testing.T, m uint8, path, id, accept string) {
		var req fasthttp.Request
		req.Header.SetMethod(methods[int(m)%len(methods)])
		req.SetRequestURI(path)
		if id != "" {
			req.Header.Set("X-Request-Id", id)
		}
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		var ctx fasthttp.RequestCtx
		ctx.Init(&req, nil, nil)
		h(&ctx)

		status := ctx.Response.StatusCode()
		if status < 400 {
			t.Fatalf("status %d for %q", status, path)
		}
		got := string(ctx.Response.Header.Peek("X-Request-Id"))
		sent := string(req.Header.Peek("X-Request-Id"))
		switch {
		case middleware.ValidRequestID(sent) && got != sent:
			t.Fatalf("sent the valid ID %q, got %q", sent, got)
		case !middleware.ValidRequestID(sent) && len(got) != 26:
			t.Fatalf("sent %q, got %q instead of a generated ID", sent, got)
		}
		var body map[string]any
		if err := json.Unmarshal(ctx.Response.Body(), &body); err != nil {
			t.Fatalf("%d %q: %v", status, ctx.Response.Body(), err)
		}
		if body["request_id"] != got {
			t.Fatalf("body request_id %v, header %q", body["request_id"], got)
		}
	})
}
