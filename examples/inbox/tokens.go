package inbox

import (
	"context"
	"errors"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/middleware"
)

// tokenErrors reports a bearer token's verification failure as the page's
// "invalid/expired OIDC token" case, the invalid_token code, apart from an
// unknown API key (invalid_api_key). The verifier's reason and challenge are
// kept; an outage (unavailable) passes unchanged.
func tokenErrors(a middleware.Authenticator) middleware.Authenticator {
	if a == nil {
		return nil
	}
	return tokenAuth{a}
}

type tokenAuth struct{ next middleware.Authenticator }

func (t tokenAuth) Authenticate(ctx context.Context, tok string) (*apierr.Principal, error) {
	p, err := t.next.Authenticate(ctx, tok)
	if err == nil {
		return p, nil
	}
	var e *apierr.Error
	if !errors.As(err, &e) {
		return nil, err
	}
	switch e.Condition {
	case apierr.CondAuthInvalid, apierr.CondAuthMalformed, apierr.CondTokenInvalid:
	default:
		return nil, err
	}
	out := apierr.New("invalid_token").WithCause(err)
	for k, v := range e.Context {
		out.With(k, v)
	}
	for k, vs := range e.Header {
		for _, v := range vs {
			out.WithHeader(k, v)
		}
	}
	return nil, out
}
