package auth_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/middleware"
)

const (
	testKey     = "fx_test_9f8e7d6c5b4a39281706"
	liveKey     = "fx_live_1a2b3c4d5e6f7a8b9c0d"
	revokedKey  = "fx_test_revoked0000000000000"
	inactiveKey = "fx_test_inactive000000000000"
	readOnlyKey = "fx_test_readonly000000000000"
)

// tokenAuth accepts one bearer token; it stands for an OIDC verifier.
type tokenAuth struct{ token string }

func (a tokenAuth) Authenticate(_ context.Context, tok string) (*apierr.Principal, error) {
	if tok == a.token {
		return &apierr.Principal{Tenant: "ws_oidc", Subject: "user_1", Scopes: []string{"faxes:write"}}, nil
	}
	return nil, apierr.Cond(apierr.CondAuthInvalid).With("reason", "signature")
}

func jwtLike(payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc([]byte(payload)) + ".c2ln"
}

func testKeys(t testing.TB) *auth.MemoryKeyStore {
	t.Helper()
	keys := auth.NewMemoryKeyStore()
	add := func(key string, p apierr.Principal) {
		if err := keys.Add(key, p); err != nil {
			t.Fatal(err)
		}
	}
	add(testKey, apierr.Principal{Tenant: "ws_1", KeyID: "key_1", Environment: "test", Scopes: []string{"faxes:write", "faxes:read"}})
	add(liveKey, apierr.Principal{Tenant: "ws_1", KeyID: "key_2", Environment: "live", Scopes: []string{"faxes:write"}})
	add(revokedKey, apierr.Principal{Tenant: "ws_1", KeyID: "key_3", Environment: "test"})
	add(inactiveKey, apierr.Principal{Tenant: "ws_dead", KeyID: "key_4", Environment: "test", Scopes: []string{"faxes:write"}})
	add(readOnlyKey, apierr.Principal{Tenant: "ws_1", KeyID: "key_5", Environment: "test", Scopes: []string{"faxes:read"}})
	keys.Revoke(revokedKey)
	return keys
}

func testAuthConfig(t testing.TB) auth.Config {
	return auth.Config{
		Keys:        testKeys(t),
		Tokens:      tokenAuth{token: jwtLike(`{"sub":"user_1"}`)},
		Prefixes:    map[string]string{"fx_test_": "test", "fx_live_": "live"},
		Environment: "test",
		Realm:       "fax",
		TenantActive: func(_ context.Context, p *apierr.Principal) (bool, error) {
			return p.Tenant != "ws_dead", nil
		},
	}
}

// whoami answers with the principal.
var whoami = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	p := apierr.PrincipalFrom(r.Context())
	fmt.Fprintf(w, "%s %s %s %s", p.Tenant, p.KeyID, p.Environment, p.Method)
})

func TestAuth(t *testing.T) {
	secrets := []string{testKey, liveKey, revokedKey, inactiveKey, readOnlyKey, "9f8e7d6c5b4a", "sk_unknown_key_zz"}
	tests := []struct {
		name      string
		hdr       []string
		status    int
		code      string
		challenge string // substring of WWW-Authenticate; "-" for none
		hint      string // substring of context.hint
		body      string // success body
	}{
		{name: "no credentials", status: 401, code: fc(apierr.CondAuthMissing), challenge: `Bearer realm="fax"`},
		{name: "bearer key", hdr: []string{"Authorization", "Bearer " + testKey}, status: 200, body: "ws_1 key_1 test api_key"},
		{name: "lower-case scheme", hdr: []string{"Authorization", "bearer " + testKey}, status: 200, body: "ws_1 key_1 test api_key"},
		{name: "X-API-Key", hdr: []string{"X-API-Key", testKey}, status: 200, body: "ws_1 key_1 test api_key"},
		{name: "same key in both headers", hdr: []string{"Authorization", "Bearer " + testKey, "X-API-Key", testKey}, status: 200, body: "ws_1 key_1 test api_key"},
		{name: "two different keys", hdr: []string{"Authorization", "Bearer " + testKey, "X-API-Key", liveKey}, status: 401, code: fc(apierr.CondAuthMalformed), challenge: `error="invalid_request"`},
		{name: "two Authorization headers", hdr: []string{"Authorization", "Bearer " + testKey, "Authorization", "Bearer " + testKey}, status: 401, code: fc(apierr.CondAuthMalformed)},
		{name: "basic scheme", hdr: []string{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte("u:"+testKey))}, status: 401, code: fc(apierr.CondAuthMalformed), challenge: `Bearer realm="fax"`},
		{name: "key without scheme", hdr: []string{"Authorization", testKey}, status: 401, code: fc(apierr.CondAuthMalformed)},
		{name: "bearer without value", hdr: []string{"Authorization", "Bearer"}, status: 401, code: fc(apierr.CondAuthMalformed)},
		{name: "empty X-API-Key", hdr: []string{"X-API-Key", ""}, status: 401, code: fc(apierr.CondAuthMalformed)},
		{name: "tab inside key", hdr: []string{"Authorization", "Bearer fx_test_9f8e\t7d6c5b4a39281706"}, status: 401, code: fc(apierr.CondAuthMalformed)},
		{name: "non-ascii in key", hdr: []string{"X-API-Key", "fx_test_9f8e7d6c5b4a3928170é"}, status: 401, code: fc(apierr.CondAuthMalformed)},
		{name: "key with trailing nbsp", hdr: []string{"Authorization", "Bearer " + testKey + "\u00a0"}, status: 401, code: fc(apierr.CondAuthInvalid), hint: "whitespace"},
		{name: "key after two spaces", hdr: []string{"Authorization", "Bearer  " + testKey}, status: 401, code: fc(apierr.CondAuthInvalid), hint: "whitespace"},
		{name: "key with zero-width space", hdr: []string{"X-API-Key", "\u200b" + testKey}, status: 401, code: fc(apierr.CondAuthInvalid), hint: "whitespace"},
		{name: "live key on test", hdr: []string{"Authorization", "Bearer " + liveKey}, status: 401, code: fc(apierr.CondAuthInvalid), hint: "live key (fx_live_…); this endpoint takes test keys (fx_test_…)"},
		{name: "unknown prefix", hdr: []string{"Authorization", "Bearer sk_unknown_key_zz"}, status: 401, code: fc(apierr.CondAuthInvalid), hint: "API keys start with fx_live_ or fx_test_"},
		{name: "unknown test key", hdr: []string{"Authorization", "Bearer fx_test_000"}, status: 401, code: fc(apierr.CondAuthInvalid), challenge: `error="invalid_token"`},
		{name: "revoked key", hdr: []string{"X-API-Key", revokedKey}, status: 401, code: fc(apierr.CondAuthInvalid)},
		{name: "inactive workspace", hdr: []string{"Authorization", "Bearer " + inactiveKey}, status: 403, code: fc(apierr.CondTenantInactive), challenge: "-"},
		{name: "missing scope", hdr: []string{"Authorization", "Bearer " + readOnlyKey}, status: 403, code: fc(apierr.CondForbidden), challenge: `insufficient_scope`},
		{name: "valid token", hdr: []string{"Authorization", "Bearer " + jwtLike(`{"sub":"user_1"}`)}, status: 200, body: "ws_oidc   token"},
		{name: "invalid token", hdr: []string{"Authorization", "Bearer " + jwtLike(`{"sub":"mallory"}`)}, status: 401, code: fc(apierr.CondAuthInvalid), challenge: `error="invalid_token"`},
	}
	for _, kind := range routerKinds {
		logger, logs := newLogger()
		cfg := testAuthConfig(t)
		protected := auth.New(cfg)(auth.RequireScope("faxes:write")(whoami))
		srv := serve(t, mount(t, kind, middleware.Stack(faxCatalog(t), middleware.WithLogger(logger)), route{"POST /fax", protected}))
		for _, tt := range tests {
			t.Run(kind+"/"+tt.name, func(t *testing.T) {
				res := do(t, newReq(t, "POST", srv.URL+"/fax", nil, tt.hdr...))
				if tt.status == 200 {
					if res.status != 200 || string(res.body) != tt.body {
						t.Fatalf("got %d %q, want 200 %q", res.status, res.body, tt.body)
					}
					return
				}
				checkCatalogError(t, res, tt.status, tt.code)
				wa := res.header.Get("WWW-Authenticate")
				switch {
				case tt.challenge == "-" && wa != "":
					t.Errorf("WWW-Authenticate = %q, want none", wa)
				case tt.challenge != "-" && tt.challenge != "" && !strings.Contains(wa, tt.challenge):
					t.Errorf("WWW-Authenticate = %q, want %q", wa, tt.challenge)
				case tt.status == 401 && !strings.HasPrefix(wa, "Bearer"):
					t.Errorf("401 without a Bearer challenge: %q", wa)
				}
				if tt.name == "no credentials" && strings.Contains(wa, "error=") {
					t.Errorf("challenge without credentials carries an error code: %q", wa)
				}
				if hint, _ := res.context()["hint"].(string); !strings.Contains(hint, tt.hint) {
					t.Errorf("hint = %q, want %q", hint, tt.hint)
				}
				var all strings.Builder
				all.Write(res.body)
				for k, v := range res.header {
					fmt.Fprintf(&all, "%s: %s\n", k, v)
				}
				all.WriteString(logs.String())
				for _, s := range secrets {
					if strings.Contains(all.String(), s) {
						t.Errorf("secret %q echoed in %s", s, all.String())
					}
				}
			})
		}
	}
}

func TestAuthOptionalAndStoreFailure(t *testing.T) {
	cfg := testAuthConfig(t)
	cfg.Optional = true
	srv := serve(t, middleware.Stack(nil)(auth.New(cfg)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if apierr.PrincipalFrom(r.Context()) != nil {
			t.Error("principal on an anonymous request")
		}
	}))))
	if res := do(t, newReq(t, "GET", srv.URL, nil)); res.status != 200 {
		t.Errorf("anonymous: %d %s", res.status, res.body)
	}
	if res := do(t, newReq(t, "GET", srv.URL, nil, "Authorization", "Bearer nope")); res.status != 401 {
		t.Errorf("bad key on optional auth: %d", res.status)
	}

	broken := auth.Config{Keys: failingStore{}}
	srv = serve(t, middleware.Stack(nil)(auth.New(broken)(whoami)))
	res := do(t, newReq(t, "GET", srv.URL, nil, "Authorization", "Bearer k"))
	checkCatalogError(t, res, 503, "service_unavailable")
}

type failingStore struct{}

func (failingStore) Lookup(context.Context, string) (*apierr.Principal, error) {
	return nil, fmt.Errorf("redis: connection refused")
}

func TestOwned(t *testing.T) {
	h := func(owner string) http.Handler {
		return apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			return auth.Owned(r, owner)
		})
	}
	for _, tc := range []struct {
		name   string
		cat    *apierr.Catalog
		owner  string
		status int
		code   string
	}{
		{"own resource", apierr.Default(), "ws_1", 200, ""},
		{"foreign resource hidden by default", apierr.Default(), "ws_2", 404, "not_found"},
		{"foreign resource forbidden in the fax catalog", faxCatalog(t), "ws_2", 403, fc(apierr.CondForbidden)},
	} {
		for _, kind := range routerKinds {
			t.Run(kind+"/"+tc.name, func(t *testing.T) {
				auth := auth.New(auth.Config{Keys: testKeys(t)})
				srv := serve(t, mount(t, kind, middleware.Stack(tc.cat), route{"GET /faxes/{id}", auth(h(tc.owner))}))
				res := do(t, newReq(t, "GET", srv.URL+"/faxes/1", nil, "Authorization", "Bearer "+testKey))
				if tc.status == 200 {
					if res.status != 200 {
						t.Fatalf("got %d %s", res.status, res.body)
					}
					return
				}
				checkCatalogError(t, res, tc.status, tc.code)
			})
		}
	}
}

func TestLooksLikeJWT(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	for _, tc := range []struct {
		name string
		s    string
		want bool
	}{
		{"signed", jwtLike(`{"sub":"1"}`), true},
		{"spaced header", enc([]byte(`{ "alg": "HS256" }`)) + "." + enc([]byte(`{}`)) + ".c2ln", true},
		{"unsecured", enc([]byte(`{"alg":"none"}`)) + "." + enc([]byte(`{}`)) + ".", true},
		{"api key", testKey, false},
		{"two segments", enc([]byte(`{"alg":"none"}`)) + "." + enc([]byte(`{}`)), false},
		{"four segments", jwtLike(`{}`) + ".x", false},
		{"header not json", enc([]byte(`alg`)) + "." + enc([]byte(`{}`)) + ".c2ln", false},
		{"header an array", enc([]byte(`["a"]`)) + "." + enc([]byte(`{}`)) + ".c2ln", false},
		{"not base64url", "a+b/c.d+e.f", false},
		{"empty payload", enc([]byte(`{"alg":"none"}`)) + "..c2ln", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := auth.LooksLikeJWT(tc.s); got != tc.want {
				t.Errorf("LooksLikeJWT(%q) = %v", tc.s, got)
			}
		})
	}
}

// TestChallengeWithoutBearer: RFC 6750 §3.1 — a request that carried no
// Bearer credential (none, or another scheme such as Basic) gets a
// challenge without an error code; a Bearer credential that fails gets
// error="invalid_token".
func TestChallengeWithoutBearer(t *testing.T) {
	h := auth.New(auth.Config{Keys: testKeys(t), Realm: "fax"})(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	h = middleware.Stack(faxCatalog(t), middleware.WithLogger(discardLogger()))(h)
	for _, tc := range []struct{ authz, want string }{
		{"", `Bearer realm="fax"`},
		{"Basic dTpw", `Bearer realm="fax"`},
		{"Token fx_test_000", `Bearer realm="fax"`},
		{"Bearer fx_test_000", `Bearer realm="fax", error="invalid_token"`},
	} {
		req := httptest.NewRequest("GET", "/", nil)
		if tc.authz != "" {
			req.Header.Set("Authorization", tc.authz)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if got := rec.Header().Get("WWW-Authenticate"); rec.Code != 401 || got != tc.want {
			t.Errorf("Authorization %q: %d, WWW-Authenticate %q, want 401 and %q", tc.authz, rec.Code, got, tc.want)
		}
	}
}
