package auth_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/middleware"
)

// brokenKeyStore fails every lookup the way a careless database layer does:
// with the key in the error text.
type brokenKeyStore struct{}

func (brokenKeyStore) Lookup(_ context.Context, key string) (*apierr.Principal, error) {
	return nil, fmt.Errorf("keystore: SELECT tenant FROM api_keys WHERE key = '%s': connection refused", key)
}

// When the key store or the tenant check fails, the client gets 503 with
// Retry-After (the contract of every 503), and the key appears in no log
// line even when the store's error carries it.
func TestAuthBackendFailure(t *testing.T) {
	const key = "sk_live_s3cr3t_0123456789"
	memKeys := auth.NewMemoryKeyStore()
	if err := memKeys.Add(key, apierr.Principal{Tenant: "t1"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		cfg  auth.Config
	}{
		{"key store fails", auth.Config{Keys: brokenKeyStore{}}},
		{"tenant check fails", auth.Config{Keys: memKeys, TenantActive: func(context.Context, *apierr.Principal) (bool, error) {
			return false, errors.New("tenants: timeout")
		}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logger, logs := newLogger()
			h := middleware.Stack(faxCatalog(t), middleware.WithLogger(logger))(auth.New(tc.cfg)(whoami))
			srv := serve(t, h)
			for _, hdr := range [][]string{{"Authorization", "Bearer " + key}, {"X-API-Key", key}} {
				res := do(t, newReq(t, "GET", srv.URL+"/", nil, hdr...))
				checkCatalogError(t, res, 503, fc(apierr.CondUnavailable))
				if ra := res.header.Get("Retry-After"); ra == "" || ra == "0" {
					t.Errorf("%s: Retry-After = %q; a 503 must say when to retry", hdr[0], ra)
				}
				if strings.Contains(string(res.body), key) {
					t.Errorf("%s: body echoes the key: %s", hdr[0], res.body)
				}
			}
			if strings.Contains(logs.String(), key) || strings.Contains(logs.String(), "s3cr3t") {
				t.Errorf("the key reached the log:\n%s", logs.String())
			}
			if !strings.Contains(logs.String(), "connection refused") && !strings.Contains(logs.String(), "tenants: timeout") {
				t.Errorf("the cause is not logged:\n%s", logs.String())
			}
		})
	}
}

// introspectDown is a token verifier whose identity provider is down and
// whose error, carelessly, names the token.
type introspectDown struct{}

func (introspectDown) Authenticate(_ context.Context, tok string) (*apierr.Principal, error) {
	return nil, apierr.Cond(apierr.CondUnavailable).WithRetryAfter(30 * time.Second).
		WithCause(fmt.Errorf("introspect %s: i/o timeout", tok))
}

// The token is cut out of an Authenticator's logged cause too.
func TestAuthTokenNotLogged(t *testing.T) {
	token := jwtLike(`{"sub":"user_s3cr3t"}`)
	logger, logs := newLogger()
	srv := serve(t, middleware.Stack(faxCatalog(t), middleware.WithLogger(logger))(
		auth.New(auth.Config{Tokens: introspectDown{}})(whoami)))
	res := do(t, newReq(t, "GET", srv.URL+"/", nil, "Authorization", "Bearer "+token))
	checkCatalogError(t, res, 503, fc(apierr.CondUnavailable))
	if strings.Contains(logs.String(), token) || !strings.Contains(logs.String(), "i/o timeout") {
		t.Errorf("log:\n%s", logs.String())
	}
}
