package apierr

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
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
		for _, o := range c.Operations() {
			if !slices.IsSorted(o.Codes) || len(slices.Compact(slices.Clone(o.Codes))) != len(o.Codes) {
				t.Fatalf("operation %s: codes %v are not sorted and unique", o, o.Codes)
			}
			for _, id := range o.Codes {
				if c.Lookup(id) == nil {
					t.Fatalf("operation %s returns %q, which the catalog does not have", o, id)
				}
			}
			if got, ok := c.Operation(o.Method, o.Path); o.Method != "" && (!ok || got.String() != o.String()) {
				t.Fatalf("Operation(%q, %q) does not find %s", o.Method, o.Path, o)
			}
		}
		_ = c.Lint()
	})
}

// FuzzOperationKey: any catalog key either parses into a method and a
// valid path template, or an operationId, or is refused with a message;
// a path accepted keeps its shape under pathShape.
func FuzzOperationKey(f *testing.F) {
	for _, s := range []string{"POST /fax", "DELETE /fax/{id}", "sendFax", "FETCH fax", "/fax", "GET /{$}",
		"GET /a/{p...}", "GET /a/{", "GET /a/}", "GET  /a", "get /a", "GET /a/{id}/b/{id}", "", " ", "GET /{}", "GET /a?b", "x{y}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		method, path, id, problems := parseOperationKey(key)
		if len(problems) > 0 {
			for _, p := range problems {
				if p == "" {
					t.Fatal("empty problem")
				}
			}
			return
		}
		switch {
		case id != "":
			if method != "" || path != "" || checkOperationID(id) != "" {
				t.Fatalf("%q: id %q with method %q path %q", key, id, method, path)
			}
		default:
			if !slices.Contains(httpMethods, method) || checkPathTemplate(path) != "" || !strings.HasPrefix(path, "/") {
				t.Fatalf("%q accepted as %q %q", key, method, path)
			}
			if shape := pathShape(path); strings.Count(shape, "{}") != strings.Count(path, "{") {
				t.Fatalf("%q: shape %q lost a parameter", path, shape)
			}
		}
	})
}

// FuzzAppendString: any string encodes to valid JSON.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a", "\x00", "\xff", "\u2028", `"\`, "é<>&",
		"Not enough credits to complete this operation.", "https://example.com/docs/errors/a?b=c&d=e",
		"abcdefg\x1fabcdefgh", "abcdefgh\x7fabcdefg<", "abcdefgh ijklmnop\"qrstuvw\\", "\x20\x20\x20\x20\x20\x20\x20\x1f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := AppendString(nil, s)
		// Byte for byte what the rune-by-rune oracle writes: the
		// eight-byte skip changes nothing but speed.
		if ref := jsonQuoteRef(s); string(b) != ref {
			t.Fatalf("%q: AppendString wrote %s, want %s", s, b, ref)
		}
		if !json.Valid(b) {
			t.Fatalf("invalid JSON for %q: %s", s, b)
		}
		// It says what encoding/json says (escapes may be spelled apart).
		want, _ := json.Marshal(s)
		var got, exp string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(want, &exp); err != nil {
			t.Fatal(err)
		}
		if got != exp {
			t.Fatalf("%q: AppendString says %q, encoding/json %q", s, got, exp)
		}
	})
}

// jsonQuoteRef is what AppendString must write, spelled rune by rune: the
// oracle FuzzAppendString holds it to, byte for byte.
func jsonQuoteRef(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		s = s[n:]
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\ufffd`)
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20, r == '<', r == '>', r == '&', r == '\u2028', r == '\u2029':
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
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
