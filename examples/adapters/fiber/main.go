// Command fiber is the fax example on fiber v2 with apierrfiber:
//
//	go run ./examples/adapters/fiber --addr 127.0.0.1:8084
package main

import (
	"context"
	"net"

	apierrfiber "github.com/apierr/apierr/adapters/fiber"
	"github.com/apierr/apierr/docgen"
	"github.com/apierr/apierr/examples/adapters/internal/faxapp"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
)

func main() { faxapp.MainServer("fiber", newServer) }

type sendFax struct {
	To   string `json:"to" validate:"required,e164"`
	File string `json:"file" validate:"required,base64"`
}

// server serves a fiber app: fiber listens by itself (fasthttp), it is
// not an http.Handler.
type server struct{ app *fiber.App }

func (s server) Serve(ln net.Listener) error        { return s.app.Listener(ln) }
func (s server) Shutdown(ctx context.Context) error { return s.app.ShutdownWithContext(ctx) }

func newServer(app *faxapp.App) faxapp.Server { return server{newApp(app)} }

func newApp(app *faxapp.App) *fiber.App {
	// fasthttp's read buffer caps the request headers (4 KiB by default,
	// answered 431): 128 KiB takes what the net/http examples take.
	f := apierrfiber.New(app.Catalog, fiber.Config{BodyLimit: faxapp.MaxBody, ReadBufferSize: 128 << 10, DisableStartupMessage: true})

	// A fiber group's middleware (app.Group("", h)) runs for every path
	// under its prefix, the docs and unknown paths included: the guards go
	// on each route instead.
	guard := func(h ...fiber.Handler) []fiber.Handler {
		return append([]fiber.Handler{apierrfiber.Wrap(app.Auth), apierrfiber.Wrap(app.Limit)}, h...)
	}
	f.Get("/account/balance", guard(func(c *fiber.Ctx) error {
		return c.JSON(app.Balance(c.UserContext()))
	})...)
	f.Get("/fax/:id", guard(func(c *fiber.Ctx) error {
		fx, ok := app.Lookup(c.UserContext(), c.Params("id"))
		if !ok {
			return fiber.ErrNotFound // fiber's own way: the catalog's not_found
		}
		return c.JSON(fx)
	})...)
	f.Post("/fax", guard(apierrfiber.Wrap(app.BodyLimit), apierrfiber.Wrap(app.JSONOnly), apierrfiber.Wrap(app.Idempotency),
		func(c *fiber.Ctx) error {
			var req sendFax
			if err := apierrfiber.Bind(c, &req); err != nil {
				return err // bad_request, or validation_failed listing every field
			}
			fx, err := app.Send(c.UserContext(), req.To)
			if err != nil {
				return err // insufficient_balance, internal
			}
			return c.Status(fiber.StatusCreated).JSON(fx)
		})...)

	docs := adaptor.HTTPHandler(docgen.Handler(app.Catalog))
	f.Get("/docs/errors", docs)
	f.Get("/docs/errors/*", docs)
	f.Get("/llms.txt", docs)
	return f
}
