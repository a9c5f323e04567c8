package idempotency_test

import (
	"strings"
	"testing"

	"github.com/apierr/apierr/idempotency"
)

func TestParseKey(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		ok             bool
	}{
		{"bare uuid", "8e03978e-40d5-43e8-bc93-6894a57f9324", "8e03978e-40d5-43e8-bc93-6894a57f9324", true},
		{"structured string", `"8e03978e-40d5-43e8-bc93-6894a57f9324"`, "8e03978e-40d5-43e8-bc93-6894a57f9324", true},
		{"surrounding spaces", "  abc\t", "abc", true},
		{"quoted with space inside", `"a b"`, "a b", true},
		{"quoted escapes", `"a\"b\\c"`, `a"b\c`, true},
		{"single character", "x", "x", true},
		{"255 bare", strings.Repeat("k", 255), strings.Repeat("k", 255), true},
		{"255 quoted", `"` + strings.Repeat("k", 255) + `"`, strings.Repeat("k", 255), true},
		{"bare with punctuation", "order:42/retry#1", "order:42/retry#1", true},
		{"empty", "", "", false},
		{"only spaces", "   ", "", false},
		{"empty quoted", `""`, "", false},
		{"256 bare", strings.Repeat("k", 256), "", false},
		{"256 quoted", `"` + strings.Repeat("k", 256) + `"`, "", false},
		{"256 quoted via escapes", `"` + strings.Repeat(`\\`, 256) + `"`, "", false},
		{"inner space bare", "a b", "", false},
		{"control character", "a\x01b", "", false},
		{"newline", "a\nb", "", false},
		{"non-ASCII", "clé", "", false},
		{"DEL", "a\x7f", "", false},
		{"unterminated quote", `"abc`, "", false},
		{"text after quote", `"abc"d`, "", false},
		{"parameters", `"abc";p=1`, "", false},
		{"bad escape", `"a\nb"`, "", false},
		{"trailing backslash", `"abc\`, "", false},
		{"tab inside quotes", "\"a\tb\"", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := idempotency.ParseKey(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Fatalf("ParseKey(%q) = %q, %v; want %q ok=%v", tc.in, got, err, tc.want, tc.ok)
			}
		})
	}
}

func FuzzParseKey(f *testing.F) {
	for _, s := range []string{"abc", `"abc"`, `"a\"b"`, `"`, `""`, "a b", `"abc";p`, strings.Repeat("k", 255)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		k, err := idempotency.ParseKey(in)
		if err != nil {
			if k != "" {
				t.Fatalf("ParseKey(%q) returned %q with an error", in, k)
			}
			return
		}
		if len(k) < 1 || len(k) > idempotency.MaxKeyLen {
			t.Fatalf("ParseKey(%q) = %q: length %d out of 1-255", in, k, len(k))
		}
		for i := 0; i < len(k); i++ {
			if k[i] < 0x20 || k[i] > 0x7e {
				t.Fatalf("ParseKey(%q) = %q: byte %#x not printable ASCII", in, k, k[i])
			}
		}
		// The quoted form of any key names the same key.
		q := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(k) + `"`
		if k2, err := idempotency.ParseKey(q); err != nil || k2 != k {
			t.Fatalf("ParseKey(%q) = %q, %v; want %q (quoted form of %q)", q, k2, err, k, in)
		}
	})
}
