package main

import (
	"strings"
	"testing"
)

// A catalog written for a server whose format this CLI does not link loads
// with that format as an opaque stand-in: lint, explain and docs work, each
// with a notice on stderr, instead of refusing the catalog.
func TestUnknownFormatIsOpaque(t *testing.T) {
	cat := cliFile(t, "acme.yaml", `name: Acme
format: acme_v2
formats: []
docs_url: https://acme.test/errors/{slug}
codes:
  out_of_stock:
    status: 409
    message: The item is out of stock.
    action: choose_another_item
    docs: {when: The item sold out., cause: Demand., next: Pick another item.}
`)
	const notice = `format "acme_v2" is not one this CLI knows; it is treated as opaque`
	tests := []struct {
		name string
		args []string
		want string // on stdout
	}{
		{"lint", []string{"lint", cat}, ""},
		{"explain", []string{"explain", "out_of_stock", "--catalog", cat}, "status     409"},
		{"docs", []string{"docs", cat, "-o", "-", "--format", "md"}, "the API's own format `acme_v2`"},
		{"openapi", []string{"openapi", cat}, "AcmeV2Error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cliRun(t, "", tt.args...)
			if r.code != 0 || !strings.Contains(r.stderr, notice) || !strings.Contains(r.stdout, tt.want) {
				t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
		})
	}
}
