package idempotencytest

import (
	"net/http"

	"github.com/apierr/apierr"
)

// TenantHeader is the request header WithTenant reads.
const TenantHeader = "X-Test-Tenant"

// WithTenant stands in for apierr's request-ID and auth middleware in tests:
// it gives each request an apierr.State with cat, the request ID from
// X-Request-ID, and, when the X-Test-Tenant header is set, a principal of
// that tenant.
func WithTenant(cat *apierr.Catalog) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := r.Header.Get("X-Request-ID")
			if id == "" {
				id = "req_test"
			}
			st := apierr.NewState(cat, id)
			if t := r.Header.Get(TenantHeader); t != "" {
				st.SetPrincipal(&apierr.Principal{Tenant: t, Environment: "test"})
			}
			next.ServeHTTP(w, r.WithContext(apierr.NewContext(r.Context(), st)))
		})
	}
}
