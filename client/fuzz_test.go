package client

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/apierr/apierr"
)

// FuzzDecode feeds arbitrary bodies, content types and headers to Decode: it
// must never panic, always return an *apierr.Error with the status and a
// non-empty, valid UTF-8 message, and keep at most MaxBody bytes.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "decode", "*.*"))
	for _, p := range files {
		if filepath.Ext(p) == ".want" {
			continue
		}
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b, "", "", 500)
		}
	}
	corpus, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.txt"))
	for _, p := range corpus {
		if b, err := os.ReadFile(p); err == nil {
			if _, body, ok := bytes.Cut(b, []byte("\n---\n")); ok {
				f.Add(body, "application/json", "", 503)
			}
		}
	}
	f.Add([]byte(`{"error":{"error":{"error":{"error":{"error":"deep"}}}}}`), "application/json", "Wed, 21 Oct 2015 07:28:00 GMT", 503)
	f.Add([]byte(`{"data":{"response":{"fault":{"detail":{"error":{"code":"deepest"}}}}}}`), "application/json", "", 520)
	f.Add([]byte(`{"type":"urn:problem:a:b","errors":{"a":{"b":{"c":{"d":{"e":{"_errors":["x"]}}}}}}}`), "", "", 499)
	d := &Decoder{MaxBody: 4 << 10}
	f.Fuzz(func(t *testing.T, body []byte, contentType, retryAfter string, status int) {
		if status < 300 || status > 999 {
			status = 500
		}
		h := http.Header{}
		h.Set("Content-Type", contentType)
		h.Set("Retry-After", retryAfter)
		h.Set("RateLimit", retryAfter)
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset", retryAfter)
		h.Set("X-Amzn-ErrorType", retryAfter)
		h.Set("X-Request-Id", contentType)
		err := d.DecodeBody(status, h, body, false)
		var e *apierr.Error
		if !errors.As(error(err), &e) {
			t.Fatal("not an *apierr.Error")
		}
		if e.Status != status {
			t.Errorf("status %d, want %d", e.Status, status)
		}
		if e.Message == "" || !utf8.ValidString(e.Message) {
			t.Errorf("bad message %q", e.Message)
		}
		if e.RetryAfter < 0 {
			t.Errorf("negative retry-after %v", e.RetryAfter)
		}
		_ = err.Error()
	})
}

// FuzzParseRetryAfter: never panics, never negative, and delta-seconds
// round-trip.
func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"120", "0", "Wed, 21 Oct 2015 07:28:00 GMT", "Wednesday, 21-Oct-15 07:28:00 GMT",
		"Wed Oct 21 07:28:00 2015", "-1", "1e3", "", " 5 ", "99999999999999999999"} {
		f.Add(s)
	}
	now := time.Date(2015, 10, 21, 7, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := ParseRetryAfter(v, now)
		if d < 0 {
			t.Errorf("ParseRetryAfter(%q) = %v", v, d)
		}
		if !ok && d != 0 {
			t.Errorf("ParseRetryAfter(%q) = %v with ok=false", v, d)
		}
	})
}
