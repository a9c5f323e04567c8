package apierrhuma_test

import (
	gocontext "context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	apierrhuma "github.com/apierr/apierr/adapters/huma"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/internal/adaptertest"
	"github.com/apierr/apierr/middleware"
	"github.com/apierr/apierr/ratelimit"
	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
)

// TestHumaQuota mounts a calendar quota behind authentication, as on
// net/http: the second fax of the day is quota_exceeded (402), without
// Retry-After.
func TestHumaQuota(t *testing.T) {
	cat, keys := adaptertest.Fax(t, testKey)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	quota := ratelimit.NewQuota(ratelimit.QuotaConfig{Name: "faxes", Limit: 1, Period: ratelimit.Daily,
		Now: func() time.Time { return now }})
	mux := http.NewServeMux()
	api := humago.New(mux, apierrhuma.Configure(huma.DefaultConfig("Fax API", "1.0.0"), cat))
	huma.Register(api, huma.Operation{Method: http.MethodPost, Path: "/fax", DefaultStatus: http.StatusCreated,
		Middlewares: huma.Middlewares{
			apierrhuma.Middleware(auth.New(auth.Config{Keys: keys})),
			apierrhuma.Middleware(quota.Middleware),
		}},
		func(ctx gocontext.Context, in *sendFaxInput) (*faxOutput, error) { return &faxOutput{}, nil })
	srv := httptest.NewServer(middleware.Stack(cat, middleware.WithLogger(quiet))(mux))
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
