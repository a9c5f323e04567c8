package apierrgin_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	apierrgin "github.com/apierr/apierr/adapters/gin"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/internal/adaptertest"
	"github.com/apierr/apierr/middleware"
	"github.com/apierr/apierr/ratelimit"
	"github.com/gin-gonic/gin"
)

// TestGinQuota mounts a calendar quota behind authentication, as on
// net/http: the second fax of the day is quota_exceeded (402), without
// Retry-After.
func TestGinQuota(t *testing.T) {
	cat, keys := adaptertest.Fax(t, testKey)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	quota := ratelimit.NewQuota(ratelimit.QuotaConfig{Name: "faxes", Limit: 1, Period: ratelimit.Daily,
		Now: func() time.Time { return now }})
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	apierrgin.Config{Catalog: cat, Stack: []middleware.Option{middleware.WithLogger(quiet)}}.Install(e)
	e.POST("/fax", apierrgin.Wrap(auth.New(auth.Config{Keys: keys})), apierrgin.Wrap(quota.Middleware),
		func(c *gin.Context) { c.Status(http.StatusCreated) })
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)

	auth := []string{"Authorization", "Bearer " + testKey}
	if r := send(t, srv, "POST", "/fax", goodFax, auth...); r.Status != 201 {
		t.Fatalf("first: %d %s", r.Status, r.Raw)
	}
	r := send(t, srv, "POST", "/fax", goodFax, auth...)
	contract(t, r, 402, "quota_exceeded")
	if r.Header.Get("Retry-After") != "" {
		t.Errorf("a quota sends no Retry-After: %v", r.Header)
	}
}
