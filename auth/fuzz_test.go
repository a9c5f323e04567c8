package auth

import (
	"strings"
	"testing"
)

func FuzzParseCredential(f *testing.F) {
	f.Add("Bearer fx_test_abc", "")
	f.Add("", "fx_test_abc")
	f.Add("Bearer fx_test_abc", "fx_test_abc")
	f.Add("Bearer fx_test_abc", "fx_live_abc")
	f.Add("Basic dXNlcjpwYXNz", "")
	f.Add("Bearer", "")
	f.Add("Bearer  fx_test_abc", "")
	f.Add("Bearer fx_test_abc\u00a0", "")
	f.Add("bearer \u200bfx", " ")
	f.Add("Bearer fx\ttest", "")
	f.Add("Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", "")
	f.Fuzz(func(t *testing.T, authz, key string) {
		var a, k []string
		if authz != "" {
			a = []string{authz}
		}
		if key != "" {
			k = []string{key}
		}
		c := parseCredential(a, k)
		switch c.fault {
		case credOK, credWhitespace:
			if c.value == "" || len(c.value) > maxCredentialLength {
				t.Fatalf("usable credential %q", c.value)
			}
			for i := 0; i < len(c.value); i++ {
				if b := c.value[i]; b <= ' ' || b >= 0x7f {
					t.Fatalf("credential %q has byte %#x", c.value, b)
				}
			}
			if !strings.Contains(authz, c.value) && !strings.Contains(key, c.value) {
				t.Fatalf("credential %q is in neither header", c.value)
			}
			if c.fault == credOK && c.value != key && !strings.HasSuffix(authz, " "+c.value) {
				t.Fatalf("credential %q is not the header value", c.value)
			}
		case credMalformed:
			if c.value != "" || c.reason == "" {
				t.Fatalf("malformed with value %q reason %q", c.value, c.reason)
			}
		case credMissing:
			if authz != "" || key != "" {
				t.Fatalf("missing with headers %q %q", authz, key)
			}
		}
		if c.fault != credMissing && (authz == "" && key == "") {
			t.Fatal("credentials out of nothing")
		}
		_ = LooksLikeJWT(authz)
	})
}
