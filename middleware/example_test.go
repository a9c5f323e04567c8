package middleware_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/middleware"
)

// show prints what a client receives.
func show(h http.Handler, req *http.Request) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code, strings.TrimSpace(rec.Body.String()))
}

func quiet() middleware.Option { return middleware.WithLogger(slog.New(slog.DiscardHandler)) }

func ExampleStack() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /faxes/{id}", func(w http.ResponseWriter, r *http.Request) {
		http.NotFound(w, r) // third-party style: plain text 404
	})
	h := middleware.Stack(apierr.Default(), quiet())(mux)

	req := httptest.NewRequest("GET", "/nowhere", nil)
	req.Header.Set("X-Request-ID", "req_1")
	show(h, req)
	req = httptest.NewRequest("GET", "/faxes/9", nil)
	req.Header.Set("X-Request-ID", "req_2")
	show(h, req)
	// Output:
	// 404 {"error":"endpoint_not_found","message":"No endpoint matches this path.","action":"check_url","docs":"/errors/endpoint-not-found","request_id":"req_1"}
	// 404 {"error":"not_found","message":"The requested resource does not exist.","action":"verify_id","docs":"/errors/not-found","request_id":"req_2"}
}

func ExampleRecover() {
	h := middleware.Stack(nil, quiet(), middleware.WithRequestIDFunc(func() string { return "req_p" }))(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("nil map") }))
	show(h, httptest.NewRequest("GET", "/", nil))
	// Output:
	// 500 {"error":"internal_error","message":"Something went wrong on our side.","action":"retry_or_contact_support","docs":"/errors/internal-error","request_id":"req_p"}
}

func ExampleAuth() {
	keys := middleware.NewMemoryKeyStore()
	_ = keys.Add("fx_test_s3cr3t", apierr.Principal{Tenant: "ws_1", KeyID: "key_1", Environment: "test"})
	auth := middleware.Auth(middleware.AuthConfig{
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
	// 401 Bearer realm="fax", error="invalid_token" {"error":"malformed_credentials","message":"The credentials could not be read.","action":"check_credentials","docs":"/errors/malformed-credentials","context":{"reason":"The Authorization header must use the Bearer scheme: Bearer followed by the key."},"request_id":"req_a"}
}

func ExampleBind() {
	type Participant struct {
		Number string `json:"number" validate:"required,e164"`
	}
	type StartCall struct {
		To          string      `json:"to" validate:"required"`
		Quality     string      `json:"quality" validate:"omitempty,oneof=standard fine"`
		Participant Participant `json:"participant"`
	}
	h := middleware.Stack(nil, quiet(), middleware.WithRequestIDFunc(func() string { return "req_b" }))(
		apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			var req StartCall
			if err := middleware.Bind(r, &req); err != nil {
				return err
			}
			return nil
		}))
	show(h, httptest.NewRequest("POST", "/", strings.NewReader(`{"quality":"ultra","participant":{"number":"555-0100"}}`)))
	show(h, httptest.NewRequest("POST", "/", strings.NewReader("{\n  \"to\": 5\n}")))
	// Output:
	// 422 {"error":"validation_failed","message":"The to field is required. (and 2 more errors)","action":"fix_request","docs":"/errors/validation-failed","context":{"errors":{"to":["The to field is required."],"quality":["quality must be one of: standard, fine."],"participant.number":["participant.number must be in E.164 format (e.g. +1234567890)."]}},"request_id":"req_b"}
	// 400 {"error":"malformed_body","message":"The request body could not be parsed.","action":"fix_request","docs":"/errors/malformed-body","detail":"to must be a string, not a number.","context":{"column":10,"expected":"string","field":"to","line":2},"request_id":"req_b"}
}

func ExampleOwned() {
	keys := middleware.NewMemoryKeyStore()
	_ = keys.Add("k_1", apierr.Principal{Tenant: "ws_1"})
	owner := map[string]string{"fax_1": "ws_1", "fax_2": "ws_2"}
	mux := http.NewServeMux()
	mux.Handle("GET /faxes/{id}", apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		if err := middleware.Owned(r, owner[r.PathValue("id")]); err != nil {
			return err
		}
		fmt.Fprintln(w, "your fax")
		return nil
	}))
	h := middleware.Stack(nil, quiet())(middleware.Auth(middleware.AuthConfig{Keys: keys})(mux))
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

func ExampleTimeout() {
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	})
	h := middleware.Stack(nil, quiet(), middleware.WithRequestIDFunc(func() string { return "req_t" }))(
		middleware.Timeout(10 * time.Millisecond)(slow))
	show(h, httptest.NewRequest("GET", "/report", nil))
	// Output:
	// 504 {"error":"timeout","message":"The request took too long to process.","action":"retry_later","docs":"/errors/timeout","context":{"timeout_ms":10},"request_id":"req_t"}
}

func ExampleMaintenance() {
	var maint middleware.Maintenance
	h := middleware.Stack(nil, quiet())(maint.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
	maint.Enable(2 * time.Minute)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	fmt.Println(rec.Code, rec.Header().Get("Retry-After"))
	// Output:
	// 503 120
}

func ExampleBodyLimit() {
	h := middleware.Stack(nil, quiet(), middleware.WithRequestIDFunc(func() string { return "req_l" }))(
		middleware.BodyLimit(8)(apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			_, err := io.ReadAll(r.Body)
			return err // *http.MaxBytesError renders as payload_too_large
		})))
	req := httptest.NewRequest("POST", "/", io.MultiReader(strings.NewReader(`{"a":"0123456789"}`))) // no Content-Length
	show(h, req)
	// Output:
	// 413 {"error":"payload_too_large","message":"The request body is larger than this endpoint accepts.","action":"reduce_payload","docs":"/errors/payload-too-large","context":{"limit_bytes":8},"request_id":"req_l"}
}

func ExampleRequireScope() {
	keys := middleware.NewMemoryKeyStore()
	_ = keys.Add("k_read", apierr.Principal{Tenant: "ws_1", Scopes: []string{"faxes:read"}})
	h := middleware.Stack(nil, quiet())(middleware.Auth(middleware.AuthConfig{Keys: keys})(
		middleware.RequireScope("faxes:write")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))))
	req := httptest.NewRequest("POST", "/faxes", nil)
	req.Header.Set("Authorization", "Bearer k_read")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Header().Get("WWW-Authenticate"))
	// Output:
	// 403 Bearer error="insufficient_scope", scope="faxes:write"
}

func ExampleLooksLikeJWT() {
	fmt.Println(middleware.LooksLikeJWT("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"))
	fmt.Println(middleware.LooksLikeJWT("fx_test_9f8e7d6c"))
	// Output:
	// true
	// false
}

func ExampleValidRequestID() {
	fmt.Println(middleware.ValidRequestID("req_01HZX3.a:b-c"))
	fmt.Println(middleware.ValidRequestID(`x" level=ERROR`))
	// Output:
	// true
	// false
}

func ExampleMemoryKeyStore() {
	keys := middleware.NewMemoryKeyStore()
	_ = keys.Add("fx_live_abc", apierr.Principal{Tenant: "ws_1", KeyID: "key_1"})
	p, err := keys.Lookup(context.Background(), "fx_live_abc")
	fmt.Println(p.Tenant, p.KeyID, p.Method, err)
	keys.Revoke("fx_live_abc")
	_, err = keys.Lookup(context.Background(), "fx_live_abc")
	fmt.Println(err)
	// Output:
	// ws_1 key_1 api_key <nil>
	// middleware: unknown or revoked API key
}
