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

// TestKeyInXAPIKey: seed 000 reads the key from Authorization only; a key
// sent in X-API-Key is api_key_missing with a hint naming the right header,
// and the key is not echoed.
func TestKeyInXAPIKey(t *testing.T) {
	e := newEnv(t, Config{})
	r := e.do("GET", "/account/balance", "", nil, map[string]string{"X-API-Key": DemoSandboxKey})
	body := string(r.Body)
	if r.Status != 401 || r.json(t)["error"] != "api_key_missing" ||
		!strings.Contains(body, "Authorization: Bearer") || !strings.Contains(body, "X-API-Key") {
		t.Errorf("%d %s", r.Status, body)
	}
	if strings.Contains(body, DemoSandboxKey) || r.Header.Get("WWW-Authenticate") != `Bearer realm="fax"` {
		t.Errorf("key echoed, or challenge %q", r.Header.Get("WWW-Authenticate"))
	}
}
