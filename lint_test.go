package apierr

import (
	"strings"
	"testing"
)

func TestLint(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // rule names expected, in order
	}{
		{"clean", "name: x\ndocs_url: /e/{slug}\ncodes:\n  a:\n    status: 400\n    title: A\n    message: m\n    action: fix\n    docs: {when: w, cause: c, next: n}\n", nil},
		{"retryable 4xx", "name: x\ndocs_url: /e/{slug}\ncodes:\n  a:\n    status: 400\n    title: A\n    message: m\n    action: fix\n    retryable: true\n    docs: {when: w, cause: c, next: n}\n", []string{"retryable-4xx"}},
		{"retryable 409 is fine", "name: x\ndocs_url: /e/{slug}\ncodes:\n  a:\n    status: 409\n    title: A\n    message: m\n    action: fix\n    retryable: true\n    docs: {when: w, cause: c, next: n}\n", nil},
		{"429 not retryable and unbound", "name: x\ndocs_url: /e/{slug}\ncodes:\n  a:\n    status: 429\n    title: A\n    message: m\n    action: wait\n    docs: {when: w, cause: c, next: n}\n", []string{"not-retryable", "unbound-429"}},
		{"missing everything", "codes:\n  a:\n    status: 400\n    message: m\n", []string{"no-name", "no-docs-url", "no-action", "no-title", "docs-incomplete"}},
		{"undocumented context", "name: x\ndocs_url: /e/{slug}\ncodes:\n  a:\n    status: 400\n    title: A\n    message: m\n    action: fix\n    docs: {when: w, cause: c, next: n}\n    context: {k: documented}\n    example:\n      context: {k: 1, z: 2}\n", []string{"undocumented-context"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load([]byte(tt.yaml), "l.yaml")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range c.Lint() {
				got = append(got, f.Rule)
				if f.Code != "" && f.Line == 0 {
					t.Errorf("finding %s has no position", f)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("rules = %v, want %v", got, tt.want)
			}
		})
	}
	c, _ := Load([]byte("codes:\n  a:\n    status: 400\n    message: m\n    retryable: true\n"), "l.yaml")
	for _, f := range c.Lint() {
		if f.Rule == "retryable-4xx" && f.String() != `l.yaml:2:3: warning: code "a" is retryable but status 400 tells clients not to retry the same request [retryable-4xx]` {
			t.Errorf("String() = %q", f.String())
		}
	}
}

func TestExampleCatalogLintsWithoutWarnings(t *testing.T) {
	for _, f := range faxCatalog(t).Lint() {
		if f.Severity == SeverityWarning {
			t.Errorf("%s", f)
		}
	}
}
