package oidcauth

import (
	"context"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// BenchmarkAuthenticate measures verifying a token per request with the
// issuer's keys cached, for RS256 and ES256. The API-key path it is compared
// with is middleware's BenchmarkKeyStore (see BENCHMARKS.md).
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
	for _, k := range []signingKey{rs, es} {
		tok := iss.sign(k, iss.valid(now))
		if _, err := v.Authenticate(context.Background(), tok); err != nil { // warm the key cache
			b.Fatal(err)
		}
		b.Run(string(k.alg), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Authenticate(context.Background(), tok); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
