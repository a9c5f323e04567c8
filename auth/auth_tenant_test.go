package auth_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/middleware"
)

// A catalog decides tenant_inactive's status; when it makes it a 401 (seed
// 001 does), the response still carries an RFC 6750 challenge.
func TestTenantInactiveChallengeFollowsCatalogStatus(t *testing.T) {
	keys := auth.NewMemoryKeyStore()
	if err := keys.Add("sk_live_0123456789", apierr.Principal{Tenant: "t1"}); err != nil {
		t.Fatal(err)
	}
	as401, err := apierr.NewCatalog(apierr.Spec{Codes: []apierr.Code{
		{ID: "tenant_inactive", Status: 401, Message: "The tenant is not active.", Condition: apierr.CondTenantInactive},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		cat       *apierr.Catalog
		status    int
		challenge bool
	}{
		{"default catalog: 403, no challenge", apierr.Default(), 403, false},
		{"catalog says 401: challenge", as401, 401, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			auth := auth.New(auth.Config{Keys: keys, TenantActive: func(context.Context, *apierr.Principal) (bool, error) { return false, nil }})
			srv := serve(t, middleware.Stack(tc.cat)(auth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))))
			res := do(t, newReq(t, "GET", srv.URL+"/", nil, "Authorization", "Bearer sk_live_0123456789"))
			if res.status != tc.status {
				t.Fatalf("status %d, want %d", res.status, tc.status)
			}
			got := res.header.Get("WWW-Authenticate")
			if tc.challenge != strings.HasPrefix(got, "Bearer ") {
				t.Errorf("WWW-Authenticate = %q", got)
			}
		})
	}
}
