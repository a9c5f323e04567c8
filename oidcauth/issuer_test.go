package oidcauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// testIssuer is a real OIDC issuer on httptest: a discovery document and a
// JWKS whose keys the test rotates.
type testIssuer struct {
	t   testing.TB
	srv *httptest.Server

	mu        sync.Mutex
	published []jose.JSONWebKey
	down      bool
	jwksHits  atomic.Int64
	// docIssuer, when set, is the issuer the discovery document names
	// (e.g. the server's URL with Auth0's trailing slash); default the
	// server's URL.
	docIssuer string
	// jwksHook, when set, runs at the start of every JWKS request (set it
	// before the first request).
	jwksHook func(r *http.Request)
}

type signingKey struct {
	kid string
	alg jose.SignatureAlgorithm
	key crypto.Signer
}

var (
	rsaOnce sync.Once
	rsaKeys [2]*rsa.PrivateKey
)

// rsaKey returns one of two RSA keys generated once per test binary.
func rsaKey(t testing.TB, i int) *rsa.PrivateKey {
	rsaOnce.Do(func() {
		for j := range rsaKeys {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			rsaKeys[j] = k
		}
	})
	return rsaKeys[i]
}

func newSigningKey(t testing.TB, kid string, alg jose.SignatureAlgorithm, rsaIndex int) signingKey {
	t.Helper()
	switch alg {
	case jose.ES256:
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return signingKey{kid, alg, k}
	default:
		return signingKey{kid, alg, rsaKey(t, rsaIndex)}
	}
}

func newIssuer(t testing.TB) *testIssuer {
	iss := &testIssuer{t: t}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		if iss.isDown() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		name := iss.srv.URL
		if iss.docIssuer != "" {
			name = iss.docIssuer
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": name, "jwks_uri": iss.srv.URL + "/jwks"})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		iss.jwksHits.Add(1)
		if iss.jwksHook != nil {
			iss.jwksHook(r)
		}
		if iss.isDown() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		iss.mu.Lock()
		set := jose.JSONWebKeySet{Keys: append([]jose.JSONWebKey(nil), iss.published...)}
		iss.mu.Unlock()
		_ = json.NewEncoder(w).Encode(set)
	})
	iss.srv = httptest.NewServer(mux)
	t.Cleanup(iss.srv.Close)
	return iss
}

func (i *testIssuer) isDown() bool { i.mu.Lock(); defer i.mu.Unlock(); return i.down }

func (i *testIssuer) setDown(d bool) { i.mu.Lock(); i.down = d; i.mu.Unlock() }

// publish replaces the JWKS with the public halves of keys.
func (i *testIssuer) publish(keys ...signingKey) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.published = nil
	for _, k := range keys {
		i.published = append(i.published, jose.JSONWebKey{Key: k.key.Public(), KeyID: k.kid, Algorithm: string(k.alg), Use: "sig"})
	}
}

// claims are a token's claims; zero fields get sensible defaults in sign.
type claims struct {
	jwt.Claims
	Tenant string `json:"tenant,omitempty"`
	Scope  string `json:"scope,omitempty"`
	Extra  map[string]any
}

func (i *testIssuer) sign(k signingKey, c claims) string {
	i.t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if k.kid != "" {
		opts = opts.WithHeader(jose.HeaderKey("kid"), k.kid)
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: k.alg, Key: k.key}, opts)
	if err != nil {
		i.t.Fatal(err)
	}
	b := jwt.Signed(s).Claims(c.Claims)
	private := map[string]any{}
	if c.Tenant != "" {
		private["tenant"] = c.Tenant
	}
	if c.Scope != "" {
		private["scope"] = c.Scope
	}
	for k, v := range c.Extra {
		private[k] = v
	}
	b = b.Claims(private)
	out, err := b.Serialize()
	if err != nil {
		i.t.Fatal(err)
	}
	return out
}

// valid returns claims that pass verification at now.
func (i *testIssuer) valid(now time.Time) claims {
	return claims{
		Claims: jwt.Claims{
			Issuer:   i.srv.URL,
			Subject:  "user_1",
			Audience: jwt.Audience{"https://api.example.com"},
			Expiry:   jwt.NewNumericDate(now.Add(time.Hour)),
			IssuedAt: jwt.NewNumericDate(now.Add(-time.Minute)),
		},
		Tenant: "ws_1",
		Scope:  "fax:read fax:write",
	}
}

// clock is an injectable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }
