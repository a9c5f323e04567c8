package examples_test

import (
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/examples/calls"
	"github.com/apierr/apierr/examples/campaigns"
	"github.com/apierr/apierr/examples/inbox"
	"github.com/apierr/apierr/examples/mail"
)

// TestCatalogsLint keeps the seed catalogs free of lint warnings, and checks
// that every condition renders with a status the seed's page documents.
func TestCatalogsLint(t *testing.T) {
	for name, cat := range map[string]*apierr.Catalog{
		"inbox": inbox.Catalog(), "mail": mail.Catalog(), "calls": calls.Catalog(), "campaigns": campaigns.Catalog(),
	} {
		t.Run(name, func(t *testing.T) {
			for _, f := range cat.Lint() {
				if f.Severity == apierr.SeverityWarning {
					t.Errorf("%s", f)
				} else {
					t.Logf("%s", f)
				}
			}
		})
	}
}

// TestFoldedConditions checks the conditions each page folds into one code.
func TestFoldedConditions(t *testing.T) {
	for _, tc := range []struct {
		name string
		cat  *apierr.Catalog
		cond apierr.Condition
		code string
	}{
		{"calls malformed header", calls.Catalog(), apierr.CondAuthMalformed, "INVALID_AUTH_TOKEN"},
		{"campaigns missing key", campaigns.Catalog(), apierr.CondAuthMissing, "UNAUTHORIZED"},
		{"campaigns malformed header", campaigns.Catalog(), apierr.CondAuthMalformed, "UNAUTHORIZED"},
		{"campaigns malformed JSON", campaigns.Catalog(), apierr.CondMalformedBody, "BAD_REQUEST"},
		{"campaigns wrong content type", campaigns.Catalog(), apierr.CondUnsupportedMediaType, "BAD_REQUEST"},
		{"mail missing token", mail.Catalog(), apierr.CondAuthMissing, "invalid_token"},
		{"mail malformed token", mail.Catalog(), apierr.CondAuthMalformed, "invalid_token"},
		{"mail failed validation", mail.Catalog(), apierr.CondValidationFailed, "bad_request"},
		{"inbox malformed header", inbox.Catalog(), apierr.CondAuthMalformed, "invalid_api_key"},
		{"inbox OIDC token", inbox.Catalog(), apierr.CondTokenInvalid, "invalid_token"},
		{"calls OIDC token folds into auth_invalid", calls.Catalog(), apierr.CondTokenInvalid, "INVALID_AUTH_TOKEN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.cat.ForCondition(tc.cond); got == nil || got.ID != tc.code {
				t.Errorf("%s renders as %v, want %s", tc.cond, got, tc.code)
			}
		})
	}
}
