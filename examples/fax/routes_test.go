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

// The catalog offers RFC 9457 beside the envelope: a client that asks for
// problem+json gets the same error in that shape.
func TestProblemJSON(t *testing.T) {
	e := newEnv(t, Config{})
	r := e.do("GET", "/fax/fax_missing", DemoSandboxKey, nil, map[string]string{"Accept": "application/problem+json"})
	if r.Status != 404 || r.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("%d %s", r.Status, r.Header.Get("Content-Type"))
	}
	got := r.json(t)
	if got["type"] != "https://mintfax.com/docs/errors/not-found" || got["code"] != "not_found" || got["status"] != 404.0 {
		t.Fatalf("%s", r.Body)
	}
	if h := e.do("HEAD", "/fax/fax_missing", DemoSandboxKey, nil, nil); h.Status != 404 || len(h.Body) != 0 {
		t.Fatalf("HEAD: %d, %d bytes", h.Status, len(h.Body))
	}
}
