package oidcauth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	jose "github.com/go-jose/go-jose/v4"
)

type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(int)             {}
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkAuthenticate measures, in one run, authenticating a request on a
// route that takes API keys and tokens side by side: an API key
// (MemoryKeyStore), an RS256 and an ES256 token with the issuer's keys
// cached. "verify-uncached" rows check the signature on every call
// (CacheSize -1); "verify" rows use the verified-token cache; "route" rows go
// through auth.New and a handler, with the cache.
func BenchmarkAuthenticate(b *testing.B) {
	iss := newIssuer(b)
	rs := newSigningKey(b, "rsa-1", jose.RS256, 0)
	es := newSigningKey(b, "ec-1", jose.ES256, 0)
	iss.publish(rs, es)
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	v, err := New(Config{Issuer: iss.srv.URL, Audience: []string{audience}, Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	keys := auth.NewMemoryKeyStore()
	if err := keys.Add(testAPIKey, apierr.Principal{Tenant: "ws_1"}); err != nil {
		b.Fatal(err)
	}
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if apierr.PrincipalFrom(r.Context()) == nil {
			panic("no principal")
		}
	})
	route := auth.New(auth.Config{Keys: keys, Tokens: v})(ok)
	creds := []struct{ name, cred string }{
		{"api-key", testAPIKey},
		{"RS256", iss.sign(rs, iss.valid(now))},
		{"ES256", iss.sign(es, iss.valid(now))},
	}
	uncached, err := New(Config{Issuer: iss.srv.URL, Audience: []string{audience}, Now: func() time.Time { return now }, CacheSize: -1})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range creds[1:] {
		if _, err := uncached.Authenticate(context.Background(), c.cred); err != nil { // warm the key cache
			b.Fatal(err)
		}
		b.Run("verify-uncached/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := uncached.Authenticate(context.Background(), c.cred); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, c := range creds[1:] {
		if _, err := v.Authenticate(context.Background(), c.cred); err != nil { // warm the caches
			b.Fatal(err)
		}
		b.Run("verify/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Authenticate(context.Background(), c.cred); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, c := range creds {
		b.Run("route/"+c.name, func(b *testing.B) {
			r := httptest.NewRequest("GET", "/me", nil)
			r.Header.Set("Authorization", "Bearer "+c.cred)
			w := &discard{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				route.ServeHTTP(w, r)
			}
		})
	}
}
