package oidcauth

import (
	"context"
	"testing"

	"github.com/apierr/apierr"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// A correctly signed token refused for its header or the type of a claim
// gets the reason that says so, not bad_signature: the client's fix is
// different (ask the provider for the right token, not rotate keys).
func TestPreciseReasons(t *testing.T) {
	f := newFixture(t)
	now := f.clk.Now()
	c := f.iss.valid(now)
	claims := func(over map[string]any) map[string]any {
		m := map[string]any{"iss": c.Issuer, "aud": c.Audience, "sub": "user_1", "tenant": "ws_1",
			"exp": c.Expiry, "iat": c.IssuedAt}
		for k, v := range over {
			m[k] = v
		}
		return m
	}
	sign := func(opts *jose.SignerOptions, payload any) string {
		t.Helper()
		s, err := jose.NewSigner(jose.SigningKey{Algorithm: f.rs.alg, Key: f.rs.key}, opts.WithHeader("kid", f.rs.kid))
		if err != nil {
			t.Fatal(err)
		}
		out, err := jwt.Signed(s).Claims(payload).Serialize()
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	jwtType := func() *jose.SignerOptions { return (&jose.SignerOptions{}).WithType("JWT") }
	tests := []struct {
		name   string
		token  string
		reason string // "" means accepted
		claim  string
	}{
		{"exp is a string", sign(jwtType(), claims(map[string]any{"exp": "tomorrow"})), ReasonInvalidClaim, "exp"},
		{"nbf is an object", sign(jwtType(), claims(map[string]any{"nbf": map[string]any{"t": 1}})), ReasonInvalidClaim, "nbf"},
		{"iat is a boolean", sign(jwtType(), claims(map[string]any{"iat": true})), ReasonInvalidClaim, "iat"},
		{"aud is a number", sign(jwtType(), claims(map[string]any{"aud": 7})), ReasonInvalidClaim, "aud"},
		{"iss is a number", sign(jwtType(), claims(map[string]any{"iss": 7})), ReasonInvalidClaim, "iss"},
		{"sub is an array", sign(jwtType(), claims(map[string]any{"sub": []string{"a"}})), ReasonInvalidClaim, "sub"},
		{"unknown critical header", sign(jwtType().WithCritical("urn:example:must").WithHeader("urn:example:must", true), claims(nil)), ReasonCriticalHeader, ""},
		{"typ of a logout token", sign((&jose.SignerOptions{}).WithType("logout+jwt"), claims(nil)), ReasonTokenType, ""},
		{"typ of an encrypted token", sign((&jose.SignerOptions{}).WithType("JWE"), claims(nil)), ReasonTokenType, ""},
		{"typ not a string", sign((&jose.SignerOptions{}).WithHeader("typ", 123), claims(nil)), ReasonTokenType, ""},
		{"typ JWT", sign(jwtType(), claims(nil)), "", ""},
		{"typ jwt, any case", sign((&jose.SignerOptions{}).WithType("jwt"), claims(nil)), "", ""},
		{"typ at+jwt (RFC 9068)", sign((&jose.SignerOptions{}).WithType("at+jwt"), claims(nil)), "", ""},
		{"typ application/at+jwt", sign((&jose.SignerOptions{}).WithType("application/at+jwt"), claims(nil)), "", ""},
		{"no typ", sign(&jose.SignerOptions{}, claims(nil)), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := f.v.Authenticate(context.Background(), tt.token)
			if tt.reason == "" {
				if err != nil || p == nil {
					t.Fatalf("Authenticate = %v; want the token accepted", err)
				}
				return
			}
			e := apierr.From(err)
			if e == nil || e.Condition != apierr.CondTokenInvalid || e.Context["reason"] != tt.reason {
				t.Fatalf("Authenticate = %v; want reason %s", err, tt.reason)
			}
			if tt.claim != "" && e.Context["claim"] != tt.claim {
				t.Errorf("context claim = %v; want %s", e.Context["claim"], tt.claim)
			}
			// Over HTTP too: the 401 says it.
			r := f.call(t, "Bearer "+tt.token)
			if r.status != 401 || r.reason() != tt.reason {
				t.Errorf("over HTTP: %d %s", r.status, r.raw)
			}
		})
	}
	// A forged signature is still bad_signature, whatever the claims hold:
	// nothing about the payload is believed before the signature.
	other := newSigningKey(t, "rsa-1", jose.RS256, 1)
	s, _ := jose.NewSigner(jose.SigningKey{Algorithm: other.alg, Key: other.key}, jwtType().WithHeader("kid", "rsa-1"))
	forged, _ := jwt.Signed(s).Claims(claims(map[string]any{"exp": "tomorrow"})).Serialize()
	if _, err := f.v.Authenticate(context.Background(), forged); apierr.From(err).Context["reason"] != ReasonBadSignature {
		t.Errorf("forged token with a string exp: %v; want bad_signature", err)
	}
}
