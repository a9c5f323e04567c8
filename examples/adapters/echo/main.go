// Command echo is the fax example on echo v4 with apierrecho:
//
//	go run ./examples/adapters/echo --addr 127.0.0.1:8081
package main

import (
	"net/http"

	apierrecho "github.com/apierr/apierr/adapters/echo"
	"github.com/apierr/apierr/docgen"
	"github.com/apierr/apierr/examples/adapters/internal/faxapp"
	"github.com/labstack/echo/v4"
)

func main() { faxapp.Main("echo", newHandler) }

type sendFax struct {
	To   string `json:"to" validate:"required,e164"`
	File string `json:"file" validate:"required,base64"`
}

func newHandler(app *faxapp.App) http.Handler {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	apierrecho.Install(e, app.Catalog)

	// Route middleware, not a root group: echo gives a group with
	// middleware a catch-all not-found route, which would answer 404 where
	// the router answers 405.
	auth, limit := apierrecho.Wrap(app.Auth), apierrecho.Wrap(app.Limit)
	e.GET("/account/balance", func(c echo.Context) error {
		return c.JSON(http.StatusOK, app.Balance(c.Request().Context()))
	}, auth, limit)
	e.GET("/fax/:id", func(c echo.Context) error {
		f, ok := app.Lookup(c.Request().Context(), c.Param("id"))
		if !ok {
			return echo.ErrNotFound // echo's own error: the catalog's not_found
		}
		return c.JSON(http.StatusOK, f)
	}, auth, limit)
	e.POST("/fax", func(c echo.Context) error {
		var req sendFax
		if err := c.Bind(&req); err != nil {
			return err // bad_request, or validation_failed listing every field
		}
		f, err := app.Send(c.Request().Context(), req.To)
		if err != nil {
			return err // insufficient_balance, internal
		}
		return c.JSON(http.StatusCreated, f)
	}, auth, limit, apierrecho.Wrap(app.BodyLimit), apierrecho.Wrap(app.JSONOnly), apierrecho.Wrap(app.Idempotency))

	docs := echo.WrapHandler(docgen.Handler(app.Catalog))
	e.GET("/docs/errors", docs)
	e.GET("/docs/errors/*", docs)
	e.GET("/llms.txt", docs)
	return e
}
