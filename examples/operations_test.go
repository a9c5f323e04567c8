package examples_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/examples/calls"
	"github.com/apierr/apierr/examples/campaigns"
	"github.com/apierr/apierr/examples/fax"
	"github.com/apierr/apierr/examples/inbox"
	"github.com/apierr/apierr/examples/mail"
)

// TestRoutesDeclareEveryCode holds each example's routes to its catalog:
// the operations apierr.Routes collects (errors.yaml's declarations plus
// what each route's middleware raise) name only catalog codes, and every
// code of the catalog is returned by some operation (lint's
// unreturned-code, as a warning here: the middleware are known).
func TestRoutesDeclareEveryCode(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	keys := auth.NewMemoryKeyStore()
	faxSrv, err := fax.New(fax.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		cat  *apierr.Catalog
		ops  []apierr.Operation
		// wants are codes one operation must list, as "METHOD /path code".
		wants []string
	}{
		{"fax", faxSrv.Catalog(), faxSrv.Operations(), []string{
			"POST /fax insufficient_balance", "POST /fax validation_failed", "POST /fax api_key_missing",
			"DELETE /fax/{id} fax_not_terminal", "POST /fax/{id}/resend insufficient_balance",
		}},
		{"calls", calls.Catalog(), calls.NewServer(calls.Config{Tokens: keys, RatePerMinute: 2, Logger: quiet}).Operations(), []string{
			"POST /api/v1/call INVALID_FORMAT", "POST /api/v1/call FORBIDDEN", "GET /api/v1/calls/{id} RESOURCE_NOT_FOUND",
			"GET /api/v1/calls RATE_LIMIT_EXCEEDED", "GET /api/v1/calls MISSING_AUTH_TOKEN",
		}},
		{"campaigns", campaigns.Catalog(), campaigns.NewServer(campaigns.Config{Keys: keys, Logger: quiet}).Operations(), []string{
			"POST /api/v1/campaigns/{id}/generate INSUFFICIENT_CREDITS", "GET /api/v1/lists/{id}/export NOT_READY",
			"GET /api/v1/lists/{id} UNAUTHORIZED",
		}},
		{"mail", mail.Catalog(), mail.NewServer(mail.Config{Logger: quiet}).Operations(), []string{
			"POST /api/accounts address_taken", "GET /api/messages/{id} invalid_token", "POST /api/domains/{domain}/verify domain_expired",
		}},
		{"inbox", inbox.Catalog(), inbox.NewServer(inbox.Config{Auth: inbox.AuthConfig{Keys: keys, Tokens: noTokens{}}, Logger: quiet}).Operations(), []string{
			"POST /v1/inboxes quota_exceeded", "POST /v1/jobs/{job_id}/cancel job_not_cancellable", "GET /v1/jobs/{job_id} tenant_inactive",
			"POST /v1/invitations permission_denied", "GET /v1/deliveries/{delivery_id} rate_limited",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, f := range tc.cat.LintOperations(tc.ops) {
				t.Errorf("%s", f)
			}
			for _, w := range tc.wants {
				i := strings.LastIndexByte(w, ' ')
				op, code := w[:i], w[i+1:]
				found := false
				for _, o := range tc.ops {
					if o.String() == op {
						found = true
						if !o.Returns(code) {
							t.Errorf("%s does not list %s: %v", op, code, o.Codes)
						}
					}
				}
				if !found {
					t.Errorf("no operation %s", op)
				}
			}
		})
	}
}

// noTokens is a bearer-token verifier that knows no token: with one, the
// inbox's authentication may answer token_invalid (its invalid_token).
type noTokens struct{}

func (noTokens) Authenticate(context.Context, string) (*apierr.Principal, error) {
	return nil, apierr.Cond(apierr.CondTokenInvalid)
}
