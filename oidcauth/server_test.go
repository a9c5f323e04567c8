package oidcauth

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/middleware"
)

// testAPIKey is an API key accepted beside tokens.
const testAPIKey = "sk_test_0123456789abcdef"

// authServer is the API under test: the real middleware stack and Auth with
// API keys and bearer tokens verified by v side by side on one route, which
// returns the principal.
func authServer(t testing.TB, v *Verifier) http.Handler {
	return authServerWith(t, v, apierr.Default(), nil)
}

func authServerWith(t testing.TB, v *Verifier, cat *apierr.Catalog, inactive map[string]bool) http.Handler {
	keys := auth.NewMemoryKeyStore()
	if err := keys.Add(testAPIKey, apierr.Principal{Tenant: "ws_1", KeyID: "key_1", Scopes: []string{"fax:read"}}); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /me", apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		p := apierr.PrincipalFrom(r.Context())
		return json.NewEncoder(w).Encode(map[string]any{"tenant": p.Tenant, "subject": p.Subject, "scopes": p.Scopes, "method": p.Method})
	}))
	auth := auth.New(auth.Config{
		Keys:   keys,
		Tokens: v,
		TenantActive: func(_ context.Context, p *apierr.Principal) (bool, error) {
			return !inactive[p.Tenant], nil
		},
	})
	return middleware.Stack(cat)(auth(mux))
}
