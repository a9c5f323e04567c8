package fax

import (
	"strings"
	"testing"
)

// The served reference page lists, per endpoint, the codes errors.yaml
// declares and those the route's middleware raise: POST /fax has
// insufficient_balance and validation_failed, and api_key_missing from
// its authentication, which no line of errors.yaml lists for it.
func TestDocsListErrorsByEndpoint(t *testing.T) {
	e := newEnv(t, Config{})
	r := e.do("GET", "/docs/errors/index.md", "", nil, nil)
	if r.Status != 200 {
		t.Fatalf("GET the docs: %d %s", r.Status, r.Body)
	}
	body := string(r.Body)
	i := strings.Index(body, "### `POST /fax`")
	if i < 0 {
		t.Fatalf("no POST /fax section in\n%s", body)
	}
	section := body[i:]
	section = section[:strings.Index(section[4:], "### ")+4]
	for _, code := range []string{"insufficient_balance", "validation_failed", "api_key_missing", "rate_limit_exceeded", "idempotency_key_reused"} {
		if !strings.Contains(section, "[`"+code+"`](#") {
			t.Errorf("POST /fax's section lacks %s:\n%s", code, section)
		}
	}
	if strings.Contains(section, "fax_not_terminal") {
		t.Errorf("POST /fax's section lists DELETE's fax_not_terminal:\n%s", section)
	}
	if !strings.Contains(body, "### `DELETE /fax/{id}`") {
		t.Error("no DELETE /fax/{id} section")
	}
}
