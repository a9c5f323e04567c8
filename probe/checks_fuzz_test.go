package probe

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/apierr/apierr"
)

type refuse struct{}

func (refuse) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("no network in fuzzing")
}

// FuzzCheckResponse runs every check on arbitrary answers: whatever a server
// sends, the probe reports and never panics.
func FuzzCheckResponse(f *testing.F) {
	f.Add(404, "application/json", "X-Request-ID", "r1", []byte(`{"error":"not_found","request_id":"r1","docs":"/docs/x"}`))
	f.Add(429, "application/problem+json", "Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT", []byte(`{"type":"https://x/y","code":"rate_limited","retry_after":3}`))
	f.Add(401, "text/html", "WWW-Authenticate", `Bearer realm="x"`, []byte("<html>goroutine 1 [running]:</html>"))
	f.Add(405, "application/json; charset=\"", "Allow", "GET,,POST", []byte(`{"error":{"code":"x","message":7}}`))
	f.Add(100, "", "", "", []byte(nil))
	f.Fuzz(func(t *testing.T, status int, ct, hname, hval string, body []byte) {
		p, err := newProber(Config{BaseURL: "http://127.0.0.1:9/v1", Catalog: apierr.Default(),
			Key: "k_test_0123456789", PostPath: "/things", Transport: refuse{}})
		if err != nil {
			t.Fatal(err)
		}
		h := http.Header{}
		h.Set("Content-Type", ct)
		h.Set(hname, hval)
		resp := &http.Response{StatusCode: status, Header: h}
		r := &response{status: status, header: h, body: body}
		if status >= 400 {
			r.err = p.decode(resp, body)
		}
		if len(p.steps()) == 0 {
			t.Fatal("empty battery")
		}
		x := &exchange{name: "fuzz", method: http.MethodGet, path: "/x", expect: []int{404}, cond: apierr.CondEndpointNotFound,
			secrets: []secret{{"k_test_0123456789", "the key"}}}
		p.checkResponse(context.Background(), x, r)
		if len(p.report.Results) == 0 {
			t.Fatal("no rows")
		}
	})
}

// FuzzReadOpenAPI: any document either reads or is refused with an error;
// never a panic, and every operation read has a method and a path.
// Seeds: testdata/fuzz/FuzzReadOpenAPI.
func FuzzReadOpenAPI(f *testing.F) {
	f.Fuzz(func(t *testing.T, doc []byte) {
		ops, _, err := ReadOpenAPI(doc)
		if err != nil {
			return
		}
		for _, op := range ops {
			if op.Method == "" {
				t.Fatalf("an operation without a method: %+v", op)
			}
		}
	})
}
