package middleware_test

import (
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

func ExampleValidRequestID() {
	fmt.Println(middleware.ValidRequestID("req_01HZX3.a:b-c"))
	fmt.Println(middleware.ValidRequestID(`x" level=ERROR`))
	// Output:
	// true
	// false
}
