package inbox_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/apierr/apierr/examples/inbox"
	"github.com/apierr/apierr/oidcauth"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

const audience = "https://inbox.example/api"

// issuer is a real OIDC issuer on httptest: discovery and a JWKS with one
// ES256 key.
type issuer struct {
	srv *httptest.Server
	key *ecdsa.PrivateKey
}

func newIssuer(t *testing.T) *issuer {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	iss := &issuer{key: k}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": iss.srv.URL, "jwks_uri": iss.srv.URL + "/jwks"})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
			{Key: k.Public(), KeyID: "k1", Algorithm: string(jose.ES256), Use: "sig"}}})
	})
	iss.srv = httptest.NewServer(mux)
	t.Cleanup(iss.srv.Close)
	return iss
}

// token signs claims with key (the issuer's unless another is given).
func (i *issuer) token(t *testing.T, c jwt.Claims, private map[string]any, key *ecdsa.PrivateKey) string {
	t.Helper()
	if key == nil {
		key = i.key
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader(jose.HeaderKey("kid"), "k1"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := jwt.Signed(s).Claims(c).Claims(private).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestOIDCTokens covers the page's third 401: an invalid or expired OIDC
// token, verified by oidcauth against a real issuer, is invalid_token with
// the reason in details, apart from an unknown API key.
func TestOIDCTokens(t *testing.T) {
	iss := newIssuer(t)
	now := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	v, err := oidcauth.New(oidcauth.Config{Issuer: iss.srv.URL, Audience: []string{audience},
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	e := start(t, inbox.Config{Auth: inbox.AuthConfig{Tokens: v}})
	claims := func(exp time.Time) jwt.Claims {
		return jwt.Claims{Issuer: iss.srv.URL, Subject: "user@acme.test", Audience: jwt.Audience{audience},
			Expiry: jwt.NewNumericDate(exp), IssuedAt: jwt.NewNumericDate(now.Add(-time.Minute))}
	}
	tenant := map[string]any{"tenant": "t_1"}
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("valid token", func(t *testing.T) {
		res := e.do(t, "POST", "/v1/inboxes", map[string]any{"name": "oidc"}, bearer(iss.token(t, claims(now.Add(time.Hour)), tenant, nil))...)
		if res.Status != 201 {
			t.Fatalf("%d %s", res.Status, res.Raw)
		}
	})
	for _, tc := range []struct {
		name, reason string
		token        string
	}{
		{"expired", "token_expired", iss.token(t, claims(now.Add(-time.Hour)), tenant, nil)},
		{"signed by another key", "bad_signature", iss.token(t, claims(now.Add(time.Hour)), tenant, other)},
		{"no tenant claim", "missing_claim", iss.token(t, claims(now.Add(time.Hour)), nil, nil)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.do(t, "GET", "/v1/jobs/"+noSuchID, nil, bearer(tc.token)...)
			if res.Status != 401 || res.Body["error"] != "invalid_token" || res.Body["message"] != "The access token is invalid or expired." {
				t.Fatalf("%d %s", res.Status, res.Raw)
			}
			if d, _ := res.Body["details"].(map[string]any); d["reason"] != tc.reason {
				t.Errorf("details %v, want reason %s", res.Body["details"], tc.reason)
			}
			if got := res.Header.Get("WWW-Authenticate"); !strings.Contains(got, `error="invalid_token"`) {
				t.Errorf("WWW-Authenticate %q", got)
			}
			if strings.Contains(string(res.Raw), tc.token[:20]) {
				t.Errorf("token echoed: %s", res.Raw)
			}
		})
	}
}
