package fax

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
)

// The same-work baseline answers as the demo does on its routes: the
// comparison is only fair if it does the work.
func TestBareWorkHandler(t *testing.T) {
	var log bytes.Buffer
	h := BareWorkHandler(slog.New(slog.NewJSONHandler(&log, nil)), 1, 2)
	get := func(path, key string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		if key != "" {
			r.Header.Set("Authorization", "Bearer "+key)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	w := get("/account/balance", DemoSandboxKey)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"balance":1000`) || len(w.Header().Get("X-Request-Id")) != 26 ||
		w.Header().Get("RateLimit") != `"second";r=1;t=1` || w.Header().Get("RateLimit-Policy") != `"second";q=1;w=1` {
		t.Fatalf("balance: %d %v %s", w.Code, w.Header(), w.Body)
	}
	if log.Len() != 0 {
		t.Fatalf("a success was logged: %s", log.String())
	}
	for _, tt := range []struct {
		path, key, code string
		status          int
	}{
		{"/fax/fax_x", DemoSandboxKey, "not_found", 404},
		{"/account/balance", DemoSandboxKey, "rate_limit_exceeded", 429}, // the burst of 2 is spent
		{"/account/balance", "fx_test_nope", "api_key_invalid", 401},
		{"/no/such/endpoint", "", "endpoint_not_found", 404},
	} {
		log.Reset()
		w := get(tt.path, tt.key)
		var body map[string]string
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || w.Code != tt.status || body["error"] != tt.code ||
			body["request_id"] != w.Header().Get("X-Request-Id") || w.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("%s: %d %v %s (%v)", tt.path, w.Code, w.Header(), w.Body, err)
		}
		var rec map[string]any
		if err := json.Unmarshal(log.Bytes(), &rec); err != nil || rec["code"] != tt.code || rec["request_id"] != body["request_id"] {
			t.Fatalf("%s: log record %q (%v)", tt.path, log.String(), err)
		}
	}
}
