package apierrfiber_test

import (
	"log/slog"
	"net/http"
	"testing"
	"time"

	apierrfiber "github.com/apierr/apierr/adapters/fiber"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/internal/adaptertest"
	"github.com/apierr/apierr/ratelimit"
	"github.com/gofiber/fiber/v2"
)

// TestFiberQuota mounts a calendar quota behind authentication, as on
// net/http: the second fax of the day is quota_exceeded (402), without
// Retry-After.
func TestFiberQuota(t *testing.T) {
	cat, keys := adaptertest.Fax(t, testKey)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	quota := ratelimit.NewQuota(ratelimit.QuotaConfig{Name: "faxes", Limit: 1, Period: ratelimit.Daily,
		Now: func() time.Time { return now }})
	app := apierrfiber.Config{Catalog: cat, Logger: slog.New(slog.DiscardHandler), Fiber: fiber.Config{DisableStartupMessage: true}}.New()
	app.Post("/fax", apierrfiber.Wrap(auth.New(auth.Config{Keys: keys})), apierrfiber.Wrap(quota.Middleware),
		func(c *fiber.Ctx) error { return c.SendStatus(http.StatusCreated) })
	base := serve(t, app)

	authz := []string{"Authorization", "Bearer " + testKey}
	if r := send(t, base, "POST", "/fax", goodFax, authz...); r.Status != 201 {
		t.Fatalf("first: %d %s", r.Status, r.Raw)
	}
	r := send(t, base, "POST", "/fax", goodFax, authz...)
	contract(t, r, 402, "quota_exceeded")
	if r.Header.Get("Retry-After") != "" {
		t.Errorf("a quota sends no Retry-After: %v", r.Header)
	}
}
