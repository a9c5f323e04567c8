package fax

import (
	"net/netip"
	"strconv"
	"testing"
	"time"
)

// Guessing keys: AuthFailures wrong keys from one address get 401, then
// every request with a key from it (the demo's valid key too) gets the
// catalog's rate_limit_exceeded with Retry-After, until the minute lets one
// more through. A client behind the trusted proxy is counted on its own.
func TestGuessingKeysIsThrottled(t *testing.T) {
	e := newEnv(t, Config{AuthFailures: 5, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	xff := map[string]string{"X-Forwarded-For": "203.0.113.7"}
	for i := 0; i < 5; i++ {
		if r := e.do("GET", "/account/balance", "fx_test_guess_"+strconv.Itoa(i), nil, xff); r.Status != 401 {
			t.Fatalf("guess %d: %d %s, want 401", i, r.Status, r.Body)
		}
	}
	for _, key := range []string{"fx_test_guess_6", DemoSandboxKey} {
		r := e.do("GET", "/account/balance", key, nil, xff)
		if r.Status != 429 || r.json(t)["error"] == nil || r.Header.Get("Retry-After") != "12" || r.Header.Get("RateLimit") == "" {
			t.Fatalf("%s after 5 failures: %d %v %s, want 429 with Retry-After 12", key, r.Status, r.Header, r.Body)
		}
		if code := r.json(t)["error"]; code != "rate_limit_exceeded" {
			t.Fatalf("code %v, want the catalog's rate_limit_exceeded", code)
		}
	}
	if r := e.do("GET", "/account/balance", DemoSandboxKey, nil, map[string]string{"X-Forwarded-For": "203.0.113.8"}); r.Status != 200 {
		t.Fatalf("another client behind the proxy: %d %s", r.Status, r.Body)
	}
	e.clock.Add(12 * time.Second)
	if r := e.do("GET", "/account/balance", DemoSandboxKey, nil, xff); r.Status != 200 {
		t.Fatalf("after Retry-After: %d %s", r.Status, r.Body)
	}
}
