package oidcauth

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/middleware"
)

// authServer is the API under test: the real middleware stack, bearer
// tokens verified by v, and a route that returns the principal.
func authServer(t testing.TB, v *Verifier) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /me", apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			return apierr.Cond(apierr.CondAuthMissing)
		}
		p, err := v.Authenticate(r.Context(), tok)
		if err != nil {
			return err
		}
		return json.NewEncoder(w).Encode(map[string]any{"tenant": p.Tenant, "subject": p.Subject, "scopes": p.Scopes, "method": p.Method})
	}))
	return middleware.Stack(apierr.Default())(mux)
}
