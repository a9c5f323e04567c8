package auth_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/middleware"
)

func quiet() middleware.Option { return middleware.WithLogger(slog.New(slog.DiscardHandler)) }

func ExampleNew() {
	keys := auth.NewMemoryKeyStore()
	_ = keys.Add("fx_test_s3cr3t", apierr.Principal{Tenant: "ws_1", KeyID: "key_1", Environment: "test"})
	auth := auth.New(auth.Config{
		Keys:        keys,
		Prefixes:    map[string]string{"fx_test_": "test", "fx_live_": "live"},
		Environment: "test",
		Realm:       "fax",
	})
	h := middleware.Stack(nil, quiet(), middleware.WithRequestIDFunc(func() string { return "req_a" }))(
		auth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintln(w, "hello", apierr.PrincipalFrom(r.Context()).Tenant)
		})))

	for _, v := range []string{"Bearer fx_test_s3cr3t", "Bearer fx_live_s3cr3t", "Token fx_test_s3cr3t"} {
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Authorization", v)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Println(rec.Code, rec.Header().Get("WWW-Authenticate"), strings.TrimSpace(rec.Body.String()))
	}
	// Output:
	// 200  hello ws_1
	// 401 Bearer realm="fax", error="invalid_token" {"error":"invalid_credentials","message":"The credentials are not valid.","action":"check_credentials","docs":"/errors/invalid-credentials","context":{"hint":"This is a live key (fx_live_…); this endpoint takes test keys (fx_test_…)."},"request_id":"req_a"}
	// 401 Bearer realm="fax" {"error":"malformed_credentials","message":"The credentials could not be read.","action":"check_credentials","docs":"/errors/malformed-credentials","context":{"reason":"The Authorization header must use the Bearer scheme: Bearer followed by the key."},"request_id":"req_a"}
}

func ExampleOwned() {
	keys := auth.NewMemoryKeyStore()
	_ = keys.Add("k_1", apierr.Principal{Tenant: "ws_1"})
	owner := map[string]string{"fax_1": "ws_1", "fax_2": "ws_2"}
	mux := http.NewServeMux()
	mux.Handle("GET /faxes/{id}", apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		if err := auth.Owned(r, owner[r.PathValue("id")]); err != nil {
			return err
		}
		fmt.Fprintln(w, "your fax")
		return nil
	}))
	h := middleware.Stack(nil, quiet())(auth.New(auth.Config{Keys: keys})(mux))
	for _, id := range []string{"fax_1", "fax_2"} {
		req := httptest.NewRequest("GET", "/faxes/"+id, nil)
		req.Header.Set("X-API-Key", "k_1")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Println(id, rec.Code)
	}
	// Output:
	// fax_1 200
	// fax_2 404
}

func ExampleRequireScope() {
	keys := auth.NewMemoryKeyStore()
	_ = keys.Add("k_read", apierr.Principal{Tenant: "ws_1", Scopes: []string{"faxes:read"}})
	h := middleware.Stack(nil, quiet())(auth.New(auth.Config{Keys: keys})(
		auth.RequireScope("faxes:write")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))))
	req := httptest.NewRequest("POST", "/faxes", nil)
	req.Header.Set("Authorization", "Bearer k_read")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Header().Get("WWW-Authenticate"))
	// Output:
	// 403 Bearer error="insufficient_scope", scope="faxes:write"
}

func ExampleLooksLikeJWT() {
	fmt.Println(auth.LooksLikeJWT("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"))
	fmt.Println(auth.LooksLikeJWT("fx_test_9f8e7d6c"))
	// Output:
	// true
	// false
}

func ExampleMemoryKeyStore() {
	keys := auth.NewMemoryKeyStore()
	_ = keys.Add("fx_live_abc", apierr.Principal{Tenant: "ws_1", KeyID: "key_1"})
	p, err := keys.Lookup(context.Background(), "fx_live_abc")
	fmt.Println(p.Tenant, p.KeyID, p.Method, err)
	keys.Revoke("fx_live_abc")
	_, err = keys.Lookup(context.Background(), "fx_live_abc")
	fmt.Println(err)
	// Output:
	// ws_1 key_1 api_key <nil>
	// auth: unknown or revoked API key
}
