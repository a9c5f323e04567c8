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

func TestLintOperations(t *testing.T) {
	c := MustLoad([]byte(opsCatalog+"  gone:\n    status: 404\n    message: g\n    condition: endpoint_not_found\noperations:\n  POST /fax: [insufficient_balance]\n"), "t.yaml")
	var got []string
	for _, f := range c.Lint() {
		if strings.HasPrefix(f.Rule, "unreturned") {
			got = append(got, f.String())
		}
	}
	want := []string{`t.yaml:6:3: warning: code "fax_not_terminal" is returned by no operation: list it under the operations that return it, or in common_codes [unreturned-code]`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Without operations, a catalog is not asked which codes are returned.
	for _, f := range MustLoad([]byte(opsCatalog), "t.yaml").Lint() {
		if f.Rule == "unreturned-code" {
			t.Errorf("catalog without operations: %s", f)
		}
	}
	// Operations collected in Go: unknown codes and duplicates.
	ops := []Operation{
		{Method: "POST", Path: "/fax", Codes: []string{"insufficient_balance", "teapot"}},
		{Method: "POST", Path: "/fax", Codes: []string{"fax_not_terminal"}},
		{ID: "x"}, {ID: "x"},
	}
	got = nil
	for _, f := range c.LintOperations(ops) {
		got = append(got, f.Rule+": "+f.Message)
	}
	want = []string{
		`unknown-code: operation POST /fax returns "teapot", which is not in the catalog`,
		`duplicate-operation: operation POST /fax is declared twice (first as POST /fax)`,
		`duplicate-operation: operation x is declared twice (first as x)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("LintOperations\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestLintUnreturnedConditionCodeIsInfo(t *testing.T) {
	c := MustLoad([]byte(opsCatalog+"  slow_down:\n    status: 429\n    message: s\n    condition: rate_limited\noperations:\n  POST /fax: [insufficient_balance, fax_not_terminal]\n"), "t.yaml")
	var got []string
	for _, f := range c.Lint() {
		if f.Rule == "unreturned-code" {
			got = append(got, f.String())
		}
	}
	want := `t.yaml:9:3: info: code "slow_down" (condition rate_limited) is returned by no declared operation: middleware may raise it (apierr.Routes adds what they raise), or list it under operations or common_codes [unreturned-code]`
	if len(got) != 1 || got[0] != want {
		t.Errorf("findings %q, want %q", got, want)
	}
	// Given the operations a program collected, it is a warning.
	if fs := c.LintOperations(c.Operations()); len(fs) != 1 || fs[0].Severity != SeverityWarning {
		t.Errorf("LintOperations = %v", fs)
	}
}
