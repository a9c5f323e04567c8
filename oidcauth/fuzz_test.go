package oidcauth

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/apierr/apierr"
	jose "github.com/go-jose/go-jose/v4"
)

// FuzzAuthenticate: any bearer value yields a principal or a clean catalog
// error (401 with a reason, or 503), never a panic, and never echoes itself.
func FuzzAuthenticate(f *testing.F) {
	iss := newIssuer(f)
	k := newSigningKey(f, "rsa-1", jose.RS256, 0)
	iss.publish(k)
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	v, err := New(Config{Issuer: iss.srv.URL, Audience: []string{audience}, Now: func() time.Time { return now }})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(iss.sign(k, iss.valid(now)))
	f.Add(unsignedToken(iss.valid(now)))
	// Headers and claims with a reason of their own: crit, typ, a string exp.
	for _, h := range []string{`{"alg":"RS256","kid":"rsa-1","crit":["x"],"x":1}`, `{"alg":"RS256","kid":"rsa-1","typ":7}`, `{"alg":"RS256","typ":"logout+jwt"}`} {
		f.Add(base64.RawURLEncoding.EncodeToString([]byte(h)) + ".eyJleHAiOiJ0b21vcnJvdyJ9.c2ln")
	}
	f.Add("eyJhbGciOiJSUzI1NiJ9.e30.")
	f.Add("a.b.c")
	f.Add("")
	f.Add("....")
	f.Add("eyJhbGciOiJSUzI1NiIsImtpZCI6IlwiPjxzY3JpcHQ+In0.e30.c2ln")
	f.Fuzz(func(t *testing.T, token string) {
		p, err := v.Authenticate(context.Background(), token)
		if err == nil {
			if p == nil || p.Tenant == "" {
				t.Fatalf("no principal for accepted token")
			}
			return
		}
		var e *apierr.Error
		if !errors.As(err, &e) {
			t.Fatalf("error %T is not an *apierr.Error", err)
		}
		if e.Condition != apierr.CondTokenInvalid && e.Condition != apierr.CondUnavailable {
			t.Fatalf("condition %q", e.Condition)
		}
		if len(token) >= 8 {
			for _, h := range e.Header["Www-Authenticate"] {
				if strings.Contains(h, token) {
					t.Fatalf("token echoed in %q", h)
				}
			}
			if strings.Contains(e.Detail, token) {
				t.Fatalf("token echoed in detail")
			}
		}
	})
}
