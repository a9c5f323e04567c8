package apierr

import "context"

// State is the per-request bookkeeping apierr's middleware share: the
// catalog, the request ID, the caller, and the error that was rendered. The
// middleware stack creates one per request (NewContext); Write records what it
// wrote in it so the normalizer knows a response is already a catalog error
// and the logger can report code and cause.
//
// A State belongs to one request; its fields are set by the middleware that
// own them and read after the handler returns, on the same goroutine or after
// a happens-before edge (the handler's return).
type State struct {
	// Catalog renders this request's errors.
	Catalog *Catalog
	// RequestID is the request's ID.
	RequestID string
	// Principal is the authenticated caller, nil before authentication.
	Principal *Principal
	// Route is the matched route pattern when known (e.g. "POST /fax/{id}").
	Route string
	// Err is the last error Write rendered for this request (resolved), nil if none.
	Err *Error
	// Rendered is true once Write has written an error response.
	Rendered bool
	// Observed is set by a middleware that logs every error response; Write
	// then leaves logging to it instead of logging 5xx causes itself.
	Observed bool
}

// Principal is the authenticated caller, the same whether it came from an API
// key or a token.
type Principal struct {
	// Tenant is the account, workspace or organisation the caller acts for.
	Tenant string
	// Subject is the user or service account, when known.
	Subject string
	// KeyID identifies the API key used (never the key itself).
	KeyID string
	// Environment is e.g. "test" or "live".
	Environment string
	// Scopes are the permissions granted.
	Scopes []string
	// Method says how the caller authenticated: "api_key" or "token".
	Method string
}

// HasScope reports whether p was granted scope.
func (p *Principal) HasScope(scope string) bool {
	if p == nil {
		return false
	}
	for _, s := range p.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

type stateKey struct{}

// NewContext returns ctx carrying s.
func NewContext(ctx context.Context, s *State) context.Context {
	return context.WithValue(ctx, stateKey{}, s)
}

// StateFrom returns the request's State, or nil outside apierr's middleware.
func StateFrom(ctx context.Context) *State {
	s, _ := ctx.Value(stateKey{}).(*State)
	return s
}

// RequestID returns the request ID carried by ctx, or "".
func RequestID(ctx context.Context) string {
	if s := StateFrom(ctx); s != nil {
		return s.RequestID
	}
	return ""
}

// PrincipalFrom returns the authenticated caller carried by ctx, or nil.
func PrincipalFrom(ctx context.Context) *Principal {
	if s := StateFrom(ctx); s != nil {
		return s.Principal
	}
	return nil
}

// CatalogFrom returns the catalog carried by ctx, or the default catalog.
func CatalogFrom(ctx context.Context) *Catalog {
	if s := StateFrom(ctx); s != nil && s.Catalog != nil {
		return s.Catalog
	}
	return Default()
}
