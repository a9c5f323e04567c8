package apierr_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/bind"
	"github.com/apierr/apierr/idempotency"
	"github.com/apierr/apierr/middleware"
	"github.com/apierr/apierr/ratelimit"
)

const routesCatalog = `name: t
codes:
  insufficient_balance: {status: 402, message: m}
  unauthenticated: {status: 401, message: m, condition: [auth_missing, auth_malformed, auth_invalid]}
  too_many: {status: 429, message: m, condition: rate_limited, retryable: true}
  oops: {status: 500, message: m, condition: internal, retryable: true}
  bad: {status: 400, message: m, condition: [malformed_body, validation_failed, payload_too_large]}
common_codes: [oops]
operations:
  POST /fax: {id: sendFax, codes: [insufficient_balance]}
  GET /gone: []
`

func TestRoutesCollectMiddlewareConditions(t *testing.T) {
	cat := apierr.MustLoad([]byte(routesCatalog), "t.yaml")
	mux := http.NewServeMux()
	routes := apierr.NewRoutes(cat, mux)
	authn := auth.New(auth.Config{Keys: auth.NewMemoryKeyStore()})
	limit := ratelimit.New(ratelimit.Config{Policies: []ratelimit.Policy{ratelimit.PerSecond(10)}, Key: ratelimit.ByKeyID}).Middleware
	idem := idempotency.New(idempotency.Config{})
	ok := apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error { w.WriteHeader(http.StatusCreated); return nil })

	routes.Handle("POST /fax", authn(limit(idem(apierr.Declare(ok, bind.Conditions()...)))))
	routes.Handle("GET /fax/{id...}", middleware.BodyLimit(10)(ok))
	routes.HandleFunc("/docs/", func(http.ResponseWriter, *http.Request) {}) // no method: no operation
	routes.Handle("GET /opaque", http.NotFoundHandler())

	got := routes.Operations()
	want := []apierr.Operation{
		{Method: "POST", Path: "/fax", ID: "sendFax", Codes: []string{
			// bad: bind's conditions; the idempotency fallbacks; request_timeout: a body too slow (the default catalog's code);
			// service_unavailable: the key store and the idempotency store may fail.
			"bad", "idempotency_key_in_use", "idempotency_key_missing", "idempotency_key_reused",
			"insufficient_balance", "oops", "request_timeout", "service_unavailable", "too_many", "unauthenticated",
		}},
		{Method: "GET", Path: "/fax/{id}", Codes: []string{"bad", "oops", "request_timeout"}},
		{Method: "GET", Path: "/opaque", Codes: []string{"oops"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Operations() =\n%+v\nwant\n%+v", got, want)
	}
	if un := routes.Unrouted(); len(un) != 1 || un[0].String() != "GET /gone" {
		t.Errorf("Unrouted() = %v, want GET /gone", un)
	}
	// Registering went through to the mux, and the handlers still serve.
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/fax/a/b", nil))
	if rec.Code != http.StatusCreated {
		t.Errorf("GET /fax/a/b = %d", rec.Code)
	}
}

func TestRaisedByFollowsTheChain(t *testing.T) {
	inner := apierr.HandlerFunc(func(http.ResponseWriter, *http.Request) error { return nil })
	h := auth.RequireScope("fax:send")(middleware.RequireContentType("application/json")(inner))
	want := []apierr.Condition{apierr.CondAuthMissing, apierr.CondForbidden, apierr.CondUnsupportedMediaType, apierr.CondInternal}
	if got := apierr.RaisedBy(h); !reflect.DeepEqual(got, want) {
		t.Errorf("RaisedBy = %v, want %v", got, want)
	}
	optional := auth.New(auth.Config{Optional: true, TenantActive: func(context.Context, *apierr.Principal) (bool, error) { return true, nil }})(inner)
	want = []apierr.Condition{apierr.CondAuthMalformed, apierr.CondAuthInvalid, apierr.CondTenantInactive, apierr.CondUnavailable, apierr.CondInternal}
	if got := apierr.RaisedBy(optional); !reflect.DeepEqual(got, want) {
		t.Errorf("RaisedBy(optional auth) = %v, want %v", got, want)
	}
	if got := apierr.RaisedBy(http.NotFoundHandler()); got != nil {
		t.Errorf("RaisedBy(not a Raiser) = %v", got)
	}
}

func TestPatternOperation(t *testing.T) {
	for _, tc := range []struct {
		pattern, method, path string
		ok                    bool
	}{
		{"POST /fax", "POST", "/fax", true},
		{"GET\t /fax/{id}", "GET", "/fax/{id}", true},
		{"GET example.com/files/{path...}", "GET", "/files/{path}", true},
		{"GET /{$}", "GET", "/", true},
		{"GET /a/{$}", "GET", "/a/", true},
		{"/fax", "", "", false},
		{"get /fax", "", "", false},
		{"FETCH /fax", "", "", false},
		{"GET host", "", "", false},
		{"GET /a/{", "", "", false},
	} {
		m, p, ok := apierr.PatternOperation(tc.pattern)
		if m != tc.method || p != tc.path || ok != tc.ok {
			t.Errorf("PatternOperation(%q) = %q, %q, %v; want %q, %q, %v", tc.pattern, m, p, ok, tc.method, tc.path, tc.ok)
		}
	}
}

// BenchmarkMiddlewareWrapper: a middleware's handler as apierr.RaisingHandler
// (a Raiser, for Routes) beside the http.HandlerFunc it replaced, each
// wrapping a trivial handler: what a request pays for being describable.
func BenchmarkMiddlewareWrapper(b *testing.B) {
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	conds := []apierr.Condition{apierr.CondRateLimited}
	serve := func(next http.Handler) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Header != nil {
				next.ServeHTTP(w, r)
			}
		}
	}
	for _, tc := range []struct {
		name string
		h    http.Handler
	}{
		{"HandlerFunc", serve(next)},
		{"RaisingHandler", apierr.RaisingHandler(next, conds, serve(next))},
	} {
		b.Run(tc.name, func(b *testing.B) {
			w := httptest.NewRecorder()
			r := httptest.NewRequest("GET", "/", nil)
			b.ReportAllocs()
			for b.Loop() {
				tc.h.ServeHTTP(w, r)
			}
		})
	}
}
