package apierrtest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/apierrtest"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/examples/fax"
	"github.com/apierr/apierr/middleware"
)

// fakeT records what a test would have reported.
type fakeT struct {
	testing.TB
	errs []string
}

func (f *fakeT) Helper() {}
func (f *fakeT) Errorf(format string, args ...any) {
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}

const catalog = `name: t
codes:
  not_found: {status: 404, message: m, condition: not_found}
  fax_not_terminal: {status: 409, message: n}
  oops: {status: 500, message: o, condition: internal, retryable: true}
common_codes: [oops]
operations:
  GET /fax/{id}: [not_found]
  DELETE /fax/{id}: [not_found, fax_not_terminal]
`

// A handler that answers a code its operation does not declare fails the
// test, through the real middleware; a declared one does not.
func TestCheckCatchesAnUndeclaredCode(t *testing.T) {
	cat := apierr.MustLoad([]byte(catalog), "t.yaml")
	mux := http.NewServeMux()
	routes := apierr.NewRoutes(cat, mux)
	keys := auth.NewMemoryKeyStore()
	if err := keys.Add("k1", apierr.Principal{KeyID: "k1", Tenant: "t1"}); err != nil {
		t.Fatal(err)
	}
	authn := auth.New(auth.Config{Keys: keys})
	// The bug: GET answers fax_not_terminal, which only DELETE declares.
	routes.Handle("GET /fax/{id}", authn(apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		if r.PathValue("id") == "missing" {
			return apierr.New("not_found")
		}
		return apierr.New("fax_not_terminal")
	})))
	srv := middleware.Stack(cat)(mux)

	ft := &fakeT{}
	h := apierrtest.Check(ft, routes.Operations(), srv)
	for _, tc := range []struct {
		path, key string
		status    int
	}{
		{"/fax/f1", "k1", 409},      // undeclared: reported
		{"/fax/missing", "k1", 404}, // declared
		{"/fax/f1", "", 401},        // the auth middleware's code, which Routes added
		{"/nope", "k1", 404},        // no operation: not checked
	} {
		req := httptest.NewRequest("GET", tc.path, nil)
		if tc.key != "" {
			req.Header.Set("Authorization", "Bearer "+tc.key)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.status {
			t.Errorf("GET %s: %d, want %d: %s", tc.path, rec.Code, tc.status, rec.Body)
		}
	}
	want := `apierrtest: GET /fax/f1: operation GET /fax/{id} answered 409 "fax_not_terminal", which it does not declare (declared: authentication_required, invalid_credentials, malformed_credentials, not_found, oops, service_unavailable)`
	if len(ft.errs) != 1 || ft.errs[0] != want {
		t.Errorf("reported %q\nwant %q", ft.errs, want)
	}

	// CheckResponse does the same on a response already recorded, and
	// leaves its body readable.
	ft = &fakeT{}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/fax/f1", nil)
	req.Header.Set("Authorization", "Bearer k1")
	srv.ServeHTTP(rec, req)
	resp := rec.Result()
	apierrtest.CheckResponse(ft, routes.Operations(), "GET", "/fax/f1", resp)
	if len(ft.errs) != 1 || !strings.Contains(ft.errs[0], `answered 409 "fax_not_terminal"`) {
		t.Errorf("CheckResponse reported %q", ft.errs)
	}
	var b strings.Builder
	if _, err := fmt.Fprint(&b, readAll(t, resp)); err != nil || !strings.Contains(b.String(), "fax_not_terminal") {
		t.Errorf("body after CheckResponse: %q", b.String())
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	var b strings.Builder
	buf := make([]byte, 512)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}

// The demo's routes answer only what they declare: every documented error
// of seed 000, driven through the real server.
func TestDemoAnswersOnlyDeclaredCodes(t *testing.T) {
	s, err := fax.NewDemo(fax.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ft := &fakeT{}
	h := apierrtest.Check(ft, s.Operations(), s)
	for _, tc := range []struct {
		method, path, key, ctype, body string
		status                         int
	}{
		{"GET", "/account/balance", "", "", "", 401},
		{"GET", "/account/balance", "Basic x", "", "", 401},
		{"GET", "/account/balance", "Bearer fx_test_nope", "", "", 401},
		{"GET", "/account/balance", "Bearer " + fax.DemoInactiveKey, "", "", 403},
		{"POST", "/fax", "Bearer " + fax.DemoSandboxKey, "application/json", "{", 400},
		{"POST", "/fax", "Bearer " + fax.DemoSandboxKey, "text/plain", "x", 400},
		{"POST", "/fax", "Bearer " + fax.DemoSandboxKey, "application/json", `{}`, 422},
		{"POST", "/fax", "Bearer " + fax.DemoLiveKey, "application/json", `{"to":"+14155550100","file":"JVBERi0xLjQK"}`, 402},
		{"GET", "/fax/nope", "Bearer " + fax.DemoSandboxKey, "", "", 404},
		{"GET", "/fax/" + fax.DemoGlobexFaxID, "Bearer " + fax.DemoSandboxKey, "", "", 403},
		{"GET", "/fax/" + fax.DemoPurgedFaxID + "/image", "Bearer " + fax.DemoSandboxKey, "", "", 422},
		{"POST", "/fax/" + fax.DemoPurgedFaxID + "/resend", "Bearer " + fax.DemoSandboxKey, "", "", 422},
	} {
		req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
		if tc.key != "" {
			req.Header.Set("Authorization", tc.key)
		}
		if tc.ctype != "" {
			req.Header.Set("Content-Type", tc.ctype)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.status {
			t.Errorf("%s %s: %d, want %d: %s", tc.method, tc.path, rec.Code, tc.status, rec.Body)
		}
	}
	if len(ft.errs) > 0 {
		t.Errorf("the demo answered undeclared codes:\n%s", strings.Join(ft.errs, "\n"))
	}
}

func TestMatch(t *testing.T) {
	ops := []apierr.Operation{
		{Method: "GET", Path: "/fax/{id}"},
		{Method: "GET", Path: "/fax/export"},
		{Method: "POST", Path: "/fax/{id}/resend"},
		{ID: "onlyAnID"},
	}
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/fax/f1", "GET /fax/{id}"},
		{"HEAD", "/fax/f1", "GET /fax/{id}"},
		{"GET", "/fax/export", "GET /fax/export"},
		{"POST", "/fax/f1/resend", "POST /fax/{id}/resend"},
		{"GET", "/fax/", ""},
		{"GET", "/fax/a/b", ""},
		{"DELETE", "/fax/f1", ""},
	} {
		o, ok := apierrtest.Match(ops, tc.method, tc.path)
		if got := o.String(); (ok && got != tc.want) || (!ok && tc.want != "") {
			t.Errorf("Match(%s %s) = %q, %v; want %q", tc.method, tc.path, got, ok, tc.want)
		}
	}
}
