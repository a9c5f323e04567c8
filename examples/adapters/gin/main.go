// Command gin is the fax example on gin with apierrgin:
//
//	go run ./examples/adapters/gin --addr 127.0.0.1:8082
package main

import (
	"net/http"

	apierrgin "github.com/apierr/apierr/adapters/gin"
	"github.com/apierr/apierr/docgen"
	"github.com/apierr/apierr/examples/adapters/internal/faxapp"
	"github.com/gin-gonic/gin"
)

func main() { faxapp.Main("gin", newHandler) }

type sendFax struct {
	To   string `json:"to" binding:"required,e164"`
	File string `json:"file" binding:"required,base64"`
}

func newHandler(app *faxapp.App) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	apierrgin.Install(r, app.Catalog)

	api := r.Group("", apierrgin.Wrap(app.Auth), apierrgin.Wrap(app.Limit))
	api.GET("/account/balance", func(c *gin.Context) {
		c.JSON(http.StatusOK, app.Balance(c.Request.Context()))
	})
	api.GET("/fax/:id", func(c *gin.Context) {
		f, ok := app.Lookup(c.Request.Context(), c.Param("id"))
		if !ok {
			c.AbortWithStatus(http.StatusNotFound) // gin's own way: the catalog's not_found
			return
		}
		c.JSON(http.StatusOK, f)
	})
	api.POST("/fax", apierrgin.Wrap(app.BodyLimit), apierrgin.Wrap(app.JSONOnly), apierrgin.Wrap(app.Idempotency),
		func(c *gin.Context) {
			var req sendFax
			if err := c.ShouldBindJSON(&req); err != nil {
				_ = c.Error(err) // bad_request, or validation_failed listing every field
				return
			}
			f, err := app.Send(c.Request.Context(), req.To)
			if err != nil {
				_ = c.Error(err) // insufficient_balance, internal
				return
			}
			c.JSON(http.StatusCreated, f)
		})

	docs := gin.WrapH(docgen.Handler(app.Catalog))
	r.GET("/docs/errors", docs)
	r.GET("/docs/errors/*page", docs)
	r.GET("/llms.txt", docs)
	return r
}
