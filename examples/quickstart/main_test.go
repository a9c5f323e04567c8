package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// startQuickstart runs the program as main does, on a free port, and
// returns its base URL and the key it printed.
func startQuickstart(t *testing.T) (base, key string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"--addr", "127.0.0.1:0"}, pw) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("run did not return after its context ended")
		}
	})
	sc := bufio.NewScanner(pr)
	for (base == "" || key == "") && sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "listening on "); ok {
			base = v
		}
		if v, ok := strings.CutPrefix(line, "API key: "); ok {
			key = v
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if base == "" || key == "" {
		t.Fatalf("no address or key printed (base %q key %q)", base, key)
	}
	return base, key
}

type answer struct {
	status int
	header http.Header
	body   map[string]any
}

func call(t *testing.T, method, url, key, body string, hdr ...string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	a := answer{status: res.StatusCode, header: res.Header}
	if strings.Contains(res.Header.Get("Content-Type"), "json") {
		if err := json.NewDecoder(res.Body).Decode(&a.body); err != nil {
			t.Fatalf("%s %s: %v", method, url, err)
		}
	}
	return a
}

func TestQuickstart(t *testing.T) {
	base, key := startQuickstart(t)
	for _, tc := range []struct {
		name, method, path, key, body string
		hdr                           []string
		status                        int
		code                          string
	}{
		{"unknown path is the catalog's 404", "GET", "/nowhere", "", "", nil, 404, "endpoint_not_found"},
		{"wrong method is a 405", "PUT", "/orders", "", "", nil, 405, "method_not_allowed"},
		{"no key", "POST", "/orders", "", `{"item":"pen","quantity":1}`, nil, 401, "authentication_required"},
		{"wrong key", "POST", "/orders", "qs_test_nope", `{"item":"pen","quantity":1}`, nil, 401, "invalid_credentials"},
		{"malformed JSON", "POST", "/orders", key, `{"item":`, nil, 400, "malformed_body"},
		{"every bad field at once", "POST", "/orders", key, `{"quantity":0}`, nil, 422, "validation_failed"},
		{"business error", "POST", "/orders", key, `{"item":"pen","quantity":9}`, nil, 402, "insufficient_balance"},
		{"unknown order, plain http.NotFound normalized", "GET", "/orders/7", key, "", nil, 404, "not_found"},
		{"success", "POST", "/orders", key, `{"item":"pen","quantity":1}`, nil, 201, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := call(t, tc.method, base+tc.path, tc.key, tc.body, tc.hdr...)
			if a.status != tc.status {
				t.Fatalf("status %d, want %d (%v)", a.status, tc.status, a.body)
			}
			if tc.code == "" {
				return
			}
			if a.body["error"] != tc.code || a.body["request_id"] == "" || a.header.Get("X-Request-Id") != a.body["request_id"] {
				t.Fatalf("body %v, want code %s with the request ID of the header", a.body, tc.code)
			}
			docs, _ := a.body["docs"].(string)
			if !strings.HasPrefix(docs, "/errors/") {
				t.Fatalf("docs %q is not served by the quickstart", docs)
			}
			// The docs link answers without a key, on the quickstart itself.
			if d := call(t, "GET", base+docs, "", ""); d.status != 200 {
				t.Errorf("GET %s: %d, want 200 without a key", docs, d.status)
			}
		})
	}
	t.Run("a retried POST with one Idempotency-Key is replayed", func(t *testing.T) {
		first := call(t, "POST", base+"/orders", key, `{"item":"ink","quantity":2}`, "Idempotency-Key", "k-1")
		again := call(t, "POST", base+"/orders", key, `{"item":"ink","quantity":2}`, "Idempotency-Key", "k-1")
		if first.status != 201 || again.status != 201 || again.header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("first %d, again %d replayed=%q", first.status, again.status, again.header.Get("Idempotent-Replayed"))
		}
		changed := call(t, "POST", base+"/orders", key, `{"item":"ink","quantity":3}`, "Idempotency-Key", "k-1")
		if changed.status != 422 {
			t.Errorf("a changed body with the same key: %d %v", changed.status, changed.body)
		}
	})
	t.Run("the limit answers 429 with Retry-After", func(t *testing.T) {
		for i := 0; i < 40; i++ {
			a := call(t, "GET", base+"/orders/1", key, "")
			if a.status == 429 {
				if a.header.Get("Retry-After") == "" || a.body["error"] != "rate_limited" {
					t.Fatalf("429 without Retry-After or code: %v %v", a.header, a.body)
				}
				return
			}
		}
		t.Fatal("40 requests at once never met the 10/s burst 20 limit")
	})
}

// TestREADMEPastesTheQuickstart keeps README.md's "Use it" snippet equal to
// this program's marked section, so the README never shows code that does
// not compile or run.
func TestREADMEPastesTheQuickstart(t *testing.T) {
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(src), "// --- pasted into README.md from here ---\n")
	section, _, ok2 := strings.Cut(section, "// --- to here ---")
	if !ok || !ok2 {
		t.Fatal("main.go lost its README markers")
	}
	section = strings.TrimSpace(section)
	if !strings.Contains(string(readme), section) {
		t.Errorf("README.md does not contain examples/quickstart/main.go's marked section verbatim; paste it again:\n%s", section)
	}
}
