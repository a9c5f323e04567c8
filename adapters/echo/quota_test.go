package apierrecho_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	apierrecho "github.com/apierr/apierr/adapters/echo"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/internal/adaptertest"
	"github.com/apierr/apierr/middleware"
	"github.com/apierr/apierr/ratelimit"
	"github.com/labstack/echo/v4"
)

// TestEchoQuota mounts a calendar quota behind authentication, as on
// net/http: the second fax of the day is quota_exceeded (402), without
// Retry-After.
func TestEchoQuota(t *testing.T) {
	cat, keys := adaptertest.Fax(t, testKey)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	quota := ratelimit.NewQuota(ratelimit.QuotaConfig{Name: "faxes", Limit: 1, Period: ratelimit.Daily,
		Now: func() time.Time { return now }})
	e := echo.New()
	e.Logger.SetOutput(io.Discard)
	apierrecho.Config{Catalog: cat, Stack: []middleware.Option{middleware.WithLogger(quiet)}}.Install(e)
	e.POST("/fax", func(c echo.Context) error { return c.NoContent(http.StatusCreated) },
		apierrecho.Wrap(auth.New(auth.Config{Keys: keys})), apierrecho.Wrap(quota.Middleware))
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
