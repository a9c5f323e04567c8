package apierr

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzLoad: no input makes the loader panic; every failure is a LoadError
// naming the file; every success yields a catalog that renders valid JSON for
// every code in every format.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(goodHeader + "  a:\n    status: 400\n    message: m\n"))
	f.Add([]byte("codes:\n  a: {status: 429, message: m, condition: rate_limited, example: {retry_after: 3, context: {x: [1, 2]}}}\n"))
	f.Add([]byte("codes: &a\n  b: *a\n"))
	f.Add(defaultYAML)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Load(data, "f.yaml")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "apierr: f.yaml") {
				t.Fatalf("error without file: %v", err)
			}
			return
		}
		for _, code := range c.Codes() {
			for _, f := range c.Formats() {
				if b := c.Render(f, code.ExampleError()); !json.Valid(b) {
					t.Fatalf("code %q format %s: invalid JSON %s", code.ID, f.Name(), b)
				}
			}
		}
		_ = c.Lint()
	})
}

// FuzzAppendString: any string encodes to valid JSON.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a", "\x00", "\xff", "\u2028", `"\`, "é<>&"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if b := AppendString(nil, s); !json.Valid(b) {
			t.Fatalf("invalid JSON for %q: %s", s, b)
		}
	})
}

// FuzzNegotiate: any Accept header picks one of the catalog's formats.
func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"", "*/*", "application/problem+json;q=0.5, application/json", ";;,,/", "a/b;q=1e400"} {
		f.Add(s)
	}
	c := Default()
	f.Fuzz(func(t *testing.T, accept string) {
		if c.Negotiate(accept) == nil {
			t.Fatal("nil format")
		}
	})
}
