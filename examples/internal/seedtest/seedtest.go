// Package seedtest holds what the seed services' end-to-end tests share:
// reading a seed's documented body, sending a request over real HTTP, and
// comparing JSON bodies by value with a readable diff.
package seedtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apierr/apierr"
)

// Seed returns the documented body testdata/seeds/<seed>/<name>.json of the
// examples directory, decoded.
func Seed(t testing.TB, seed, name string) map[string]any {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(file), "..", "..", "testdata", "seeds", seed, name+".json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("seedtest: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("seedtest: %s: %v", path, err)
	}
	return m
}

// Response is what Do read.
type Response struct {
	Status int
	Header http.Header
	Raw    []byte
	Body   map[string]any // nil when the body is not a JSON object
}

// Do sends a request and reads the whole response. body is sent as is when
// it is a string or []byte, else encoded as JSON; nil sends no body. hdr is
// pairs of header name and value.
func Do(t testing.TB, c *http.Client, method, url string, body any, hdr ...string) *Response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("seedtest: %s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("seedtest: read body: %v", err)
	}
	out := &Response{Status: res.StatusCode, Header: res.Header, Raw: raw}
	_ = json.Unmarshal(raw, &out.Body)
	return out
}

// Diff compares two decoded JSON values and returns "" when equal, else one
// line per differing path ($.error.code: want …, got …).
func Diff(want, got any) string {
	if reflect.DeepEqual(want, got) {
		return ""
	}
	var lines []string
	diff("$", want, got, &lines)
	return strings.Join(lines, "\n")
}

func diff(path string, want, got any, out *[]string) {
	wm, wok := want.(map[string]any)
	gm, gok := got.(map[string]any)
	if !wok || !gok {
		if !reflect.DeepEqual(want, got) {
			*out = append(*out, fmt.Sprintf("  %s: want %s, got %s", path, compact(want), compact(got)))
		}
		return
	}
	keys := map[string]bool{}
	for k := range wm {
		keys[k] = true
	}
	for k := range gm {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		wv, win := wm[k]
		gv, gin := gm[k]
		switch {
		case !gin:
			*out = append(*out, fmt.Sprintf("  %s.%s: missing (want %s)", path, k, compact(wv)))
		case !win:
			*out = append(*out, fmt.Sprintf("  %s.%s: unexpected member %s", path, k, compact(gv)))
		default:
			diff(path+"."+k, wv, gv, out)
		}
	}
}

func compact(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// CheckError checks what every error response of a seed service must have:
// the status, a JSON Content-Type, a request ID header, and a body equal to
// want (compared as JSON).
func CheckError(t testing.TB, res *Response, status int, want map[string]any) {
	t.Helper()
	if res.Status != status {
		t.Errorf("status %d, want %d; body %s", res.Status, status, res.Raw)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	if res.Header.Get("X-Request-ID") == "" {
		t.Error("no X-Request-ID header")
	}
	if res.Body == nil {
		t.Fatalf("body is not a JSON object: %q", res.Raw)
	}
	if d := Diff(want, res.Body); d != "" {
		t.Errorf("body differs from the documented one:\n%s\ngot: %s", d, res.Raw)
	}
}

// Clock is a settable clock for the services' limiters and quotas. Safe for
// concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// CheckDocs fetches every code's docs URL (a path on the service) and the
// llms.txt index from the service at base: each must be served.
func CheckDocs(t testing.TB, c *http.Client, base string, cat *apierr.Catalog) {
	t.Helper()
	urls := []string{"/llms.txt"}
	for _, code := range cat.Codes() {
		urls = append(urls, cat.DocsFor(code.ID))
	}
	for _, u := range urls {
		res, err := c.Get(base + u)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("GET %s: %d", u, res.StatusCode)
		}
	}
}
