package oidcauth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/examples/inbox"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

const audience = "https://api.example.com"

type fixture struct {
	iss *testIssuer
	clk *clock
	v   *Verifier
	rs  signingKey
	es  signingKey
	srv *httptest.Server
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{iss: newIssuer(t), clk: &clock{now: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}}
	f.rs = newSigningKey(t, "rsa-1", jose.RS256, 0)
	f.es = newSigningKey(t, "ec-1", jose.ES256, 0)
	f.iss.publish(f.rs, f.es)
	v, err := New(Config{Issuer: f.iss.srv.URL, Audience: []string{audience}, Now: f.clk.Now, RequiredClaims: []string{"sub"}})
	if err != nil {
		t.Fatal(err)
	}
	f.v = v
	f.srv = httptest.NewServer(authServer(t, v))
	t.Cleanup(f.srv.Close)
	return f
}

type result struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func (f *fixture) call(t *testing.T, authorization string) result {
	t.Helper()
	req, _ := http.NewRequest("GET", f.srv.URL+"/me", nil)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	res := result{status: resp.StatusCode, header: resp.Header, raw: string(b)}
	_ = json.Unmarshal(b, &res.body)
	return res
}

func (r result) reason() string {
	ctx, _ := r.body["context"].(map[string]any)
	s, _ := ctx["reason"].(string)
	return s
}

func TestVerifierOverHTTP(t *testing.T) {
	f := newFixture(t)
	now := f.clk.Now()
	other := newSigningKey(t, "rsa-1", jose.RS256, 1) // same kid, a key the issuer never published

	tests := []struct {
		name      string
		token     func() string
		status    int
		code      string
		reason    string
		checkBody func(t *testing.T, r result)
	}{
		{"valid RS256", func() string { return f.iss.sign(f.rs, f.iss.valid(now)) }, 200, "", "", func(t *testing.T, r result) {
			if r.body["tenant"] != "ws_1" || r.body["subject"] != "user_1" || r.body["method"] != "token" {
				t.Errorf("principal = %v", r.body)
			}
		}},
		{"valid ES256", func() string { return f.iss.sign(f.es, f.iss.valid(now)) }, 200, "", "", nil},
		{"expired", func() string {
			c := f.iss.valid(now)
			c.Expiry = jwt.NewNumericDate(now.Add(-5 * time.Minute))
			return f.iss.sign(f.rs, c)
		}, 401, "invalid_token", ReasonExpired, func(t *testing.T, r result) {
			if r.body["context"].(map[string]any)["expired_at"] != "2026-11-25T11:55:00Z" {
				t.Errorf("expired_at = %v", r.body["context"])
			}
		}},
		{"expired within skew is accepted", func() string {
			c := f.iss.valid(now)
			c.Expiry = jwt.NewNumericDate(now.Add(-10 * time.Second))
			return f.iss.sign(f.rs, c)
		}, 200, "", "", nil},
		{"not yet valid", func() string {
			c := f.iss.valid(now)
			c.NotBefore = jwt.NewNumericDate(now.Add(10 * time.Minute))
			return f.iss.sign(f.rs, c)
		}, 401, "invalid_token", ReasonNotYetValid, nil},
		{"issued in the future", func() string {
			c := f.iss.valid(now)
			c.IssuedAt = jwt.NewNumericDate(now.Add(10 * time.Minute))
			return f.iss.sign(f.rs, c)
		}, 401, "invalid_token", ReasonIssuedInFuture, nil},
		{"bad signature", func() string { return f.iss.sign(other, f.iss.valid(now)) }, 401, "invalid_token", ReasonBadSignature, nil},
		{"tampered payload", func() string {
			tok := f.iss.sign(f.rs, f.iss.valid(now))
			parts := strings.Split(tok, ".")
			c := f.iss.valid(now)
			c.Tenant = "ws_other"
			payload, _ := json.Marshal(map[string]any{"iss": c.Issuer, "aud": c.Audience, "exp": c.Expiry, "sub": "user_1", "tenant": "ws_other"})
			parts[1] = base64.RawURLEncoding.EncodeToString(payload)
			return strings.Join(parts, ".")
		}, 401, "invalid_token", ReasonBadSignature, nil},
		{"wrong issuer", func() string {
			c := f.iss.valid(now)
			c.Issuer = "https://evil.example.com"
			return f.iss.sign(f.rs, c)
		}, 401, "invalid_token", ReasonWrongIssuer, nil},
		{"another audience", func() string {
			c := f.iss.valid(now)
			c.Audience = jwt.Audience{"https://other-api.example.com"}
			return f.iss.sign(f.rs, c)
		}, 401, "invalid_token", ReasonWrongAudience, nil},
		{"missing tenant claim", func() string {
			c := f.iss.valid(now)
			c.Tenant = ""
			return f.iss.sign(f.rs, c)
		}, 401, "invalid_token", ReasonMissingClaim, func(t *testing.T, r result) {
			if r.body["context"].(map[string]any)["claim"] != "tenant" {
				t.Errorf("claim = %v", r.body["context"])
			}
		}},
		{"missing required sub", func() string {
			c := f.iss.valid(now)
			c.Subject = ""
			return f.iss.sign(f.rs, c)
		}, 401, "invalid_token", ReasonMissingClaim, nil},
		{"missing exp", func() string {
			c := f.iss.valid(now)
			c.Expiry = nil
			return f.iss.sign(f.rs, c)
		}, 401, "invalid_token", ReasonMissingClaim, nil},
		{"unknown kid", func() string { return f.iss.sign(newSigningKey(t, "ghost", jose.ES256, 0), f.iss.valid(now)) }, 401, "invalid_token", ReasonUnknownKey, nil},
		{"alg none", func() string { return unsignedToken(f.iss.valid(now)) }, 401, "invalid_token", ReasonAlgorithm, nil},
		{"HS256 signed with the RSA public key", func() string { return hmacWithPublicKey(t, f, f.iss.valid(now)) }, 401, "invalid_token", ReasonAlgorithm, nil},
		{"100 KB token", func() string { return "eyJ" + strings.Repeat("a", 100<<10) + ".e30.sig" }, 401, "invalid_token", ReasonTooLarge, nil},
		{"garbage segments", func() string { return "eyJhbGciOiJSUzI1NiJ9.!!!.???" }, 401, "invalid_token", ReasonMalformed, nil},
		{"header not JSON", func() string { return base64.RawURLEncoding.EncodeToString([]byte("nope")) + ".e30.c2ln" }, 401, "invalid_token", ReasonMalformed, nil},
		{"two segments", func() string { return "eyJhbGciOiJSUzI1NiJ9.e30" }, 401, "invalid_token", ReasonMalformed, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := tt.token()
			r := f.call(t, "Bearer "+tok)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.raw)
			}
			if tt.status == 401 {
				// The verifier's own verdict, whatever route the middleware takes.
				_, verr := f.v.Authenticate(context.Background(), tok)
				if e := apierr.From(verr); e == nil || e.Context["reason"] != tt.reason {
					t.Errorf("Authenticate: %v, want reason %s", verr, tt.reason)
				}
				if !auth.LooksLikeJWT(tok) {
					// Not JWT-shaped: the middleware treats it as an API key,
					// which is refused the same clean way.
					if c := r.body["error"]; c != "invalid_credentials" && c != "malformed_credentials" {
						t.Errorf("non-JWT value: body %s", r.raw)
					}
				} else if r.body["error"] != tt.code || r.reason() != tt.reason {
					t.Errorf("body %s, want code %s reason %s", r.raw, tt.code, tt.reason)
				}
				wa := r.header.Get("WWW-Authenticate")
				if !strings.HasPrefix(wa, `Bearer realm="api", error="invalid_token"`) ||
					(auth.LooksLikeJWT(tok) && !strings.Contains(wa, `error_description="`)) {
					t.Errorf("WWW-Authenticate = %q", wa)
				}
				if r.header.Get("X-Request-ID") == "" || r.body["request_id"] == "" {
					t.Error("no request id")
				}
			}
			if len(tok) > 20 && (strings.Contains(r.raw, tok[len(tok)-20:]) || strings.Contains(r.header.Get("WWW-Authenticate"), tok[:20])) {
				t.Error("the token is echoed")
			}
			if tt.checkBody != nil {
				tt.checkBody(t, r)
			}
		})
	}
}

// unsignedToken builds an "alg":"none" token by hand: go-jose refuses to make one.
func unsignedToken(c claims) string {
	h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	p, _ := json.Marshal(map[string]any{"iss": c.Issuer, "aud": c.Audience, "exp": c.Expiry, "sub": c.Subject, "tenant": c.Tenant})
	return h + "." + base64.RawURLEncoding.EncodeToString(p) + "."
}

// hmacWithPublicKey forges the classic confusion attack: an HS256 token whose
// secret is the issuer's RSA public key.
func hmacWithPublicKey(t *testing.T, f *fixture, c claims) string {
	t.Helper()
	pub, err := json.Marshal(jose.JSONWebKey{Key: f.rs.key.Public()})
	if err != nil {
		t.Fatal(err)
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: pub}, (&jose.SignerOptions{}).WithHeader("kid", f.rs.kid))
	if err != nil {
		t.Fatal(err)
	}
	out, err := jwt.Signed(s).Claims(c.Claims).Claims(map[string]any{"tenant": c.Tenant}).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestKeyRotation(t *testing.T) {
	f := newFixture(t)
	now := f.clk.Now()
	if r := f.call(t, "Bearer "+f.iss.sign(f.rs, f.iss.valid(now))); r.status != 200 {
		t.Fatalf("first token: %d %s", r.status, r.raw)
	}
	// The issuer rotates: a new key appears, the old one is retired.
	next := newSigningKey(t, "rsa-2", jose.RS256, 1)
	f.iss.publish(next, f.es)
	f.clk.Advance(6 * time.Second) // rotations come long after the last fetch; past RefreshInterval
	if r := f.call(t, "Bearer "+f.iss.sign(next, f.iss.valid(now))); r.status != 200 {
		t.Fatalf("token signed with the rotated-in key: %d %s", r.status, r.raw)
	}
	hits := f.iss.jwksHits.Load()
	// Forged kids do not make us refetch within the refresh interval.
	for i := 0; i < 20; i++ {
		r := f.call(t, "Bearer "+f.iss.sign(newSigningKey(t, "forged", jose.ES256, 0), f.iss.valid(now)))
		if r.status != 401 || r.reason() != ReasonUnknownKey {
			t.Fatalf("forged kid: %d %s", r.status, r.raw)
		}
	}
	if got := f.iss.jwksHits.Load(); got != hits {
		t.Errorf("forged kids caused %d JWKS fetches", got-hits)
	}
	// After the interval, the retired key's tokens are refused as unknown.
	f.clk.Advance(time.Minute)
	r := f.call(t, "Bearer "+f.iss.sign(f.rs, f.iss.valid(f.clk.Now())))
	if r.status != 401 || r.reason() != ReasonUnknownKey {
		t.Fatalf("retired key: %d %s", r.status, r.raw)
	}
}

func TestIssuerUnreachable(t *testing.T) {
	f := newFixture(t)
	now := f.clk.Now()
	f.iss.setDown(true)
	r := f.call(t, "Bearer "+f.iss.sign(f.rs, f.iss.valid(now)))
	if r.status != 503 || r.body["error"] != "service_unavailable" || r.header.Get("Retry-After") != "30" || r.reason() != ReasonIssuerUnreachable {
		t.Fatalf("issuer down: %d %v %s", r.status, r.header, r.raw)
	}
	if strings.Contains(r.raw, f.iss.srv.URL) {
		t.Error("the issuer URL leaks into the body")
	}
	// Back up: the next request (after the failure back-off) verifies.
	f.iss.setDown(false)
	f.clk.Advance(2 * time.Second)
	if r := f.call(t, "Bearer "+f.iss.sign(f.rs, f.iss.valid(f.clk.Now()))); r.status != 200 {
		t.Fatalf("issuer back: %d %s", r.status, r.raw)
	}
	// Down again with keys cached: known keys keep working.
	f.iss.setDown(true)
	f.clk.Advance(2 * time.Hour) // past KeysTTL, so a refresh is attempted and fails
	c := f.iss.valid(f.clk.Now())
	if r := f.call(t, "Bearer "+f.iss.sign(f.rs, c)); r.status != 200 {
		t.Fatalf("stale keys while the issuer is down: %d %s", r.status, r.raw)
	}
}

func TestIssuerClosedPort(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	v, err := New(Config{Issuer: url, Audience: []string{audience}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = v.Authenticate(context.Background(), unsignedToken(claims{})[:0]+"eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.e30.c2ln")
	e := apierr.From(err)
	if e.Condition != apierr.CondUnavailable || e.RetryAfter != 30*time.Second {
		t.Fatalf("err = %v", err)
	}
}

func TestNewRejectsUnsafeConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"no issuer", Config{Audience: []string{"a"}}, "Issuer is required"},
		{"no audience", Config{Issuer: "https://x"}, "Audience is required"},
		{"HS256", Config{Issuer: "https://x", Audience: []string{"a"}, Algorithms: []jose.SignatureAlgorithm{jose.HS256}}, `algorithm "HS256" is not allowed`},
		{"none", Config{Issuer: "https://x", Audience: []string{"a"}, Algorithms: []jose.SignatureAlgorithm{"none"}}, `algorithm "none" is not allowed`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestKeysAndTokensSideBySide(t *testing.T) {
	f := newFixture(t)
	byKey := f.call(t, "Bearer "+testAPIKey)
	byToken := f.call(t, "Bearer "+f.iss.sign(f.rs, f.iss.valid(f.clk.Now())))
	if byKey.status != 200 || byToken.status != 200 {
		t.Fatalf("key %d %s; token %d %s", byKey.status, byKey.raw, byToken.status, byToken.raw)
	}
	if byKey.body["tenant"] != byToken.body["tenant"] {
		t.Errorf("tenants differ: %v vs %v", byKey.body, byToken.body)
	}
	if byToken.body["method"] != "token" {
		t.Errorf("token principal = %v", byToken.body)
	}
	// A bad key is still a key error, a bad token a token error.
	if r := f.call(t, "Bearer sk_test_nope_nope_nope"); r.status != 401 || r.body["error"] != "invalid_credentials" {
		t.Errorf("bad key: %d %s", r.status, r.raw)
	}
	if r := f.call(t, "Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYS0xIn0.e30.c2ln"); r.status != 401 || r.body["error"] != "invalid_token" {
		t.Errorf("bad token: %d %s", r.status, r.raw)
	}
}

func TestTenantInactiveStatusIsTheCatalogs(t *testing.T) {
	fax, err := apierr.LoadFile("../examples/fax/errors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		cat    *apierr.Catalog
		status int
		code   string
	}{
		{"seed 000 says 403", fax, 403, "workspace_inactive"},
		{"seed 001 says 401", inbox.Catalog(), 401, "tenant_inactive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			srv := httptest.NewServer(authServerWith(t, f.v, tc.cat, map[string]bool{"ws_1": true}))
			t.Cleanup(srv.Close)
			f.srv = srv
			for _, cred := range []string{f.iss.sign(f.rs, f.iss.valid(f.clk.Now())), testAPIKey} {
				r := f.call(t, "Bearer "+cred)
				if r.status != tc.status || !strings.Contains(r.raw, tc.code) {
					t.Fatalf("status %d, want %d %s: %s", r.status, tc.status, tc.code, r.raw)
				}
			}
		})
	}
}

func TestVerifiedTokenCache(t *testing.T) {
	f := newFixture(t)
	now := f.clk.Now()
	c := f.iss.valid(now)
	c.Expiry = jwt.NewNumericDate(now.Add(2 * time.Minute))
	tok := f.iss.sign(f.rs, c)
	p1, err := f.v.Authenticate(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	// The issuer goes away: a cached token needs no keys.
	f.iss.setDown(true)
	p2, err := f.v.Authenticate(context.Background(), tok)
	if err != nil || p2.Tenant != p1.Tenant || &p2.Scopes[0] == &p1.Scopes[0] {
		t.Fatalf("cached: %v %v", p2, err)
	}
	// Past exp + skew, the cache no longer answers and the token is refused.
	f.iss.setDown(false)
	f.clk.Advance(3 * time.Minute)
	_, err = f.v.Authenticate(context.Background(), tok)
	if e := apierr.From(err); e == nil || e.Context["reason"] != ReasonExpired {
		t.Fatalf("expired cached token: %v", err)
	}
}

func TestTokenCacheBounded(t *testing.T) {
	c := newTokenCache(3)
	now := time.Unix(0, 0)
	for i := 0; i < 10; i++ {
		c.put(tokenSum(strings.Repeat("x", i)), &apierr.Principal{Tenant: "t"}, now.Add(time.Hour), now)
	}
	if len(c.entries) > 3 {
		t.Fatalf("%d entries", len(c.entries))
	}
}
