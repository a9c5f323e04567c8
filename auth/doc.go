// Package auth authenticates the callers of an apierr service: API keys
// (kept hashed, compared in constant time, never echoed) and bearer tokens
// routed to an Authenticator (oidcauth verifies OIDC JWTs), the scopes a
// route requires, and whether a resource may be shown to the caller.
//
// Every refusal is a catalog error raised by condition (auth missing,
// malformed, invalid; tenant inactive; forbidden; unavailable when a store
// fails), so the catalog decides codes and statuses:
//
//	keys := auth.NewMemoryKeyStore()
//	keys.Add(os.Getenv("API_KEY"), apierr.Principal{Tenant: "acme"})
//	api := auth.New(auth.Config{Keys: keys})(mux)
//	http.ListenAndServe(":8080", middleware.Stack(cat)(api))
//
// The caller is recorded in the request's apierr.State: handlers read it
// with apierr.PrincipalFrom, and Owned answers another tenant's resource as
// the catalog says (not found by default, so its existence does not leak).
package auth
