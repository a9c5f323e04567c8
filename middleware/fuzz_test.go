package middleware

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/apierr/apierr"
)

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

func FuzzValidRequestID(f *testing.F) {
	for _, s := range []string{"", "abc", "req-1_2.3:4", "a b", "a\tb", "é", strings.Repeat("a", 128), strings.Repeat("a", 129), "x\"y", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if got, want := ValidRequestID(id), requestIDPattern.MatchString(id); got != want {
			t.Fatalf("ValidRequestID(%q) = %v, want %v", id, got, want)
		}
	})
}

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

func FuzzBind(f *testing.F) {
	f.Add([]byte(`{"to":"+14155550100","items":[{"sku":"a"}]}`))
	f.Add([]byte(`{"to":5}`))
	f.Add([]byte(`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`))
	f.Add([]byte("{\"to\":\"\xff\"}"))
	f.Add([]byte(`{"items":[{"sku":1}]} trailing`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, body []byte) {
		type item struct {
			SKU string `json:"sku" validate:"required"`
		}
		var v struct {
			To    string `json:"to" validate:"required,e164"`
			ID    string `json:"id" validate:"omitempty,uuid"`
			Items []item `json:"items" validate:"dive"`
		}
		for _, opts := range [][]BindOption{nil, {DisallowUnknownFields()}} {
			r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
			err := Bind(r, &v, opts...)
			if err == nil {
				continue
			}
			var e *apierr.Error
			if !errors.As(err, &e) {
				t.Fatalf("Bind returned %T %v", err, err)
			}
			switch e.Condition {
			case apierr.CondMalformedBody, apierr.CondValidationFailed, apierr.CondPayloadTooLarge:
			default:
				t.Fatalf("Bind(%q) = condition %q", body, e.Condition)
			}
		}
	})
}
