package fax

import (
	"strings"
	"testing"
)

// Requests no route takes still get catalog errors (fallback codes, in the
// envelope), via middleware.Stack's normalizer.
func TestUnroutedRequests(t *testing.T) {
	e := newEnv(t, Config{})
	for _, tc := range []struct {
		name, method, path string
		status             int
		code               string
	}{
		{"unknown endpoint", "GET", "/faxes", 404, "endpoint_not_found"},
		{"method not allowed", "PUT", "/account/balance", 405, "method_not_allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(tc.method, tc.path, DemoSandboxKey, nil, nil)
			if r.Status != tc.status || r.json(t)["error"] != tc.code {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			if tc.status == 405 && !strings.Contains(r.Header.Get("Allow"), "GET") {
				t.Errorf("Allow %q", r.Header.Get("Allow"))
			}
		})
	}
}
