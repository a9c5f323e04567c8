package apierrfiber_test

import (
	"log/slog"
	"net/http"
	"testing"

	apierrfiber "github.com/apierr/apierr/adapters/fiber"
	"github.com/apierr/apierr/examples/fax"
	"github.com/go-playground/validator/v10"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// benchApp is one fiber app per side: fiber's own error path (its router's
// text 404, c.Status(404).JSON with a fiber.Map, BodyParser then
// go-playground/validator with the error sent as {"error": err.Error()}, as
// fiber's docs do it) and the same app made by apierrfiber.New (fiber.ErrNotFound
// and Bind, the log record discarded).
func benchApp(b *testing.B, adapted bool) *fiber.App {
	var app *fiber.App
	if adapted {
		cat, err := fax.NewCatalog("")
		if err != nil {
			b.Fatal(err)
		}
		app = apierrfiber.Config{Catalog: cat, Logger: slog.New(slog.DiscardHandler)}.New()
	} else {
		app = fiber.New()
	}
	validate := validator.New(validator.WithRequiredStructEnabled())
	app.Post("/fax", func(c *fiber.Ctx) error {
		var req sendFax
		if adapted {
			if err := apierrfiber.Bind(c, &req); err != nil {
				return err
			}
			return c.SendStatus(http.StatusCreated)
		}
		if err := c.BodyParser(&req); err != nil {
			return c.Status(http.StatusBadRequest).JSON(fiber.Map{"error": err.Error()})
		}
		if err := validate.Struct(&req); err != nil {
			return c.Status(http.StatusBadRequest).JSON(fiber.Map{"error": err.Error()})
		}
		return c.SendStatus(http.StatusCreated)
	})
	app.Get("/ok", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"ok": true}) })
	app.Get("/fax/:id", func(c *fiber.Ctx) error {
		if adapted {
			return fiber.ErrNotFound
		}
		return c.Status(http.StatusNotFound).JSON(fiber.Map{"error": "not found"})
	})
	return app
}

// BenchmarkSuccess is a request that succeeds (a small JSON body), through
// bare fiber and through the app apierrfiber.New makes: what the runtime
// (request ID, State, the log decision) costs every request.
func BenchmarkSuccess(b *testing.B) {
	for _, side := range []string{"fiber", "apierr"} {
		b.Run(side, func(b *testing.B) {
			h := benchApp(b, side == "apierr").Handler()
			var req fasthttp.Request
			req.Header.SetMethod(http.MethodGet)
			req.SetRequestURI("/ok")
			var ctx fasthttp.RequestCtx
			ctx.Init(&req, nil, nil)
			b.ReportAllocs()
			for b.Loop() {
				ctx.Response.Reset()
				ctx.ResetUserValues()
				h(&ctx)
				if ctx.Response.StatusCode() != http.StatusOK {
					b.Fatalf("%d %s", ctx.Response.StatusCode(), ctx.Response.Body())
				}
			}
		})
	}
}

// BenchmarkErrorPath is a request that fails, through fiber's own error
// path and through apierrfiber's, side by side, on app.Handler() without
// a network (see BENCHMARKS.md).
func BenchmarkErrorPath(b *testing.B) {
	body := []byte(`{"to":"0123","pages":99}`)
	for _, tc := range []struct {
		name, method, path string
		body               []byte
	}{
		{"no_route", http.MethodGet, "/nowhere", nil},
		{"not_found", http.MethodGet, "/fax/fax_1", nil},
		{"validation", http.MethodPost, "/fax", body},
	} {
		for _, side := range []string{"fiber", "apierr"} {
			b.Run(tc.name+"/"+side, func(b *testing.B) {
				h := benchApp(b, side == "apierr").Handler()
				var req fasthttp.Request
				req.Header.SetMethod(tc.method)
				req.SetRequestURI(tc.path)
				req.Header.SetContentType("application/json")
				if tc.body != nil {
					req.SetBody(tc.body)
				}
				var ctx fasthttp.RequestCtx
				ctx.Init(&req, nil, nil)
				b.ReportAllocs()
				for b.Loop() {
					ctx.Response.Reset()
					ctx.ResetUserValues()
					h(&ctx)
					if ctx.Response.StatusCode() < 400 {
						b.Fatalf("%d %s", ctx.Response.StatusCode(), ctx.Response.Body())
					}
				}
			})
		}
	}
}
