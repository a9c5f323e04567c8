package bind_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/middleware"
)

// routerKinds are the routers every table runs against. chi, the third-party
// router, is exercised in interop/middleware so that the library's go.mod
// does not carry it.
var routerKinds = []string{"servemux"}

// route is one "METHOD /path" pattern (ServeMux syntax, which chi shares for
// {param} segments) and its handler.
type route struct {
	pattern string
	h       http.Handler
}

// mount builds a router of kind with routes, wrapped by mw the idiomatic way
// for that router (around the ServeMux).
func mount(t *testing.T, kind string, mw func(http.Handler) http.Handler, routes ...route) http.Handler {
	t.Helper()
	switch kind {
	case "servemux":
		mux := http.NewServeMux()
		for _, rt := range routes {
			mux.Handle(rt.pattern, rt.h)
		}
		return mw(mux)
	}
	t.Fatalf("unknown router %q", kind)
	return nil
}

// serve starts a real server for h.
func serve(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// response is what a test looks at.
type response struct {
	status int
	header http.Header
	body   []byte
	json   map[string]any
}

func (r *response) str(key string) string {
	s, _ := r.json[key].(string)
	return s
}

func (r *response) context() map[string]any {
	m, _ := r.json["context"].(map[string]any)
	return m
}

// do sends req and reads the whole response.
func do(t *testing.T, req *http.Request) *response {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	out := &response{status: res.StatusCode, header: res.Header, body: body}
	if len(body) > 0 && strings.Contains(res.Header.Get("Content-Type"), "json") {
		_ = json.Unmarshal(body, &out.json)
	}
	return out
}

func newReq(t *testing.T, method, url string, body io.Reader, hdr ...string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Add(hdr[i], hdr[i+1])
	}
	return req
}

// faxCatalog is seed 000's catalog.
func faxCatalog(t testing.TB) *apierr.Catalog {
	t.Helper()
	cat, err := apierr.LoadFile("../examples/fax/errors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// fc returns the code the fax catalog binds to cond (the catalog is another
// helper's file and may rebind codes).
func fc(cond apierr.Condition) string {
	cat, err := apierr.LoadFile("../examples/fax/errors.yaml")
	if err != nil {
		panic(err)
	}
	return cat.ForCondition(cond).ID
}

// fs returns the status the fax catalog gives cond (seed 000 makes a body
// too large a 422 validation_failed, not a 413).
func fs(cond apierr.Condition) int {
	cat, err := apierr.LoadFile("../examples/fax/errors.yaml")
	if err != nil {
		panic(err)
	}
	return cat.StatusOf(cond)
}

// checkCatalogError asserts that res is a catalog error with code and status,
// rendered with the request ID of the response header.
func checkCatalogError(t *testing.T, res *response, status int, code string) {
	t.Helper()
	if res.status != status {
		t.Errorf("status = %d, want %d (body %s)", res.status, status, res.body)
	}
	if got := res.str("error"); got != code {
		t.Errorf("code = %q, want %q (body %s)", got, code, res.body)
	}
	id := res.header.Get("X-Request-ID")
	if id == "" || res.str("request_id") != id {
		t.Errorf("request_id = %q, header %q", res.str("request_id"), id)
	}
	if ct := res.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
}

var _ = middleware.Stack

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
