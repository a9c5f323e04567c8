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
