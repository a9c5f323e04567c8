package apierrgin_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	apierrgin "github.com/apierr/apierr/adapters/gin"
	"github.com/apierr/apierr/examples/fax"
	"github.com/apierr/apierr/middleware"
	"github.com/gin-gonic/gin"
)

// benchApp is one gin app per side: gin's own error path (its NoRoute
// text, c.AbortWithStatusJSON with a gin.H, a ShouldBindJSON error sent as
// {"error": err.Error()}, as gin's docs do it) and the same app with
// apierrgin installed (the runtime with its log record discarded).
func benchApp(b *testing.B, adapted bool) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if adapted {
		cat, err := fax.NewCatalog("")
		if err != nil {
			b.Fatal(err)
		}
		apierrgin.Config{Catalog: cat, Stack: []middleware.Option{middleware.WithLogger(slog.New(slog.DiscardHandler))}}.Install(r)
	}
	r.POST("/fax", func(c *gin.Context) {
		var req sendFax
		if err := c.ShouldBindJSON(&req); err != nil {
			if adapted {
				_ = c.Error(err)
				return
			}
			c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": err.Error()})
			return
		}
		c.Status(http.StatusCreated)
	})
	r.GET("/fax/:id", func(c *gin.Context) {
		if adapted {
			c.AbortWithStatus(http.StatusNotFound)
			return
		}
		c.AbortWithStatusJSON(http.StatusNotFound, gin.H{"error": "not found"})
	})
	return r
}

// BenchmarkErrorPath is a request that fails, through gin's own error path
// and through apierrgin's, side by side (see BENCHMARKS.md).
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
		for _, side := range []string{"gin", "apierr"} {
			b.Run(tc.name+"/"+side, func(b *testing.B) {
				r := benchApp(b, side == "apierr")
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
					r.ServeHTTP(w, req)
					if w.Code < 400 {
						b.Fatalf("%d %s", w.Code, w.Body)
					}
				}
			})
		}
	}
}
