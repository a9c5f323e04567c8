// Package apierrtest holds a handler's errors to the operations it
// declares, in the handler's own tests:
//
//	ops := routes.Operations() // apierr.Routes, or cat.Operations()
//	h := apierrtest.Check(t, ops, server)
//	rec := httptest.NewRecorder()
//	h.ServeHTTP(rec, httptest.NewRequest("DELETE", "/fax/f1", nil))
//
// Each error response (status 400 or above) whose request matches an
// operation is decoded, whatever the catalog's format (client.Decoder),
// and a code the operation does not declare fails the test with
// t.Errorf, naming the operation, the code and the codes declared.
// Requests that match no operation (a 404 for an unknown path, a 405) are
// not checked: no operation speaks for them.
package apierrtest

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/client"
)

// Check returns a handler that serves h and checks each error response
// against the operation of its request (matched by method and path
// template: {id} matches one path segment; GET also answers HEAD). Wrap
// the whole stack (middleware.Stack and the routes' middleware included)
// so the errors checked are those a client gets.
func Check(t testing.TB, ops []apierr.Operation, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		if rec.status >= 400 {
			t.Helper()
			checkError(t, ops, r.Method, r.URL.Path, rec.status, w.Header(), rec.body.Bytes())
		}
	})
}

// CheckResponse checks one recorded response (httptest.ResponseRecorder's
// Result, or a real client's) to the request method and path.
func CheckResponse(t testing.TB, ops []apierr.Operation, method, path string, resp *http.Response) {
	t.Helper()
	if resp.StatusCode < 400 {
		return
	}
	var body bytes.Buffer
	if resp.Body != nil {
		_, _ = body.ReadFrom(resp.Body)
		resp.Body.Close()
		// Leave the body readable for the test's own assertions.
		resp.Body = readCloser{bytes.NewReader(body.Bytes())}
	}
	checkError(t, ops, method, path, resp.StatusCode, resp.Header, body.Bytes())
}

func checkError(t testing.TB, ops []apierr.Operation, method, path string, status int, h http.Header, body []byte) {
	t.Helper()
	op, ok := Match(ops, method, path)
	if !ok || len(bytes.TrimSpace(body)) == 0 {
		return
	}
	var d client.Decoder
	e := d.DecodeBody(status, h, body, false)
	code := ""
	if e != nil && e.API != nil {
		code = e.API.Code
	}
	if code == "" || op.Returns(code) {
		return
	}
	t.Errorf("apierrtest: %s %s: operation %s answered %d %q, which it does not declare (declared: %s)",
		method, path, op, status, code, strings.Join(op.Codes, ", "))
}

// Match returns the operation of ops that serves method and path: the
// one whose template matches with the most literal segments. A GET
// operation serves HEAD too.
func Match(ops []apierr.Operation, method, path string) (apierr.Operation, bool) {
	best, bestLit := -1, -1
	for i, o := range ops {
		if o.Method != method && !(method == http.MethodHead && o.Method == http.MethodGet) {
			continue
		}
		if lit, ok := matchPath(o.Path, path); ok && lit > bestLit {
			best, bestLit = i, lit
		}
	}
	if best < 0 {
		return apierr.Operation{}, false
	}
	return ops[best], true
}

// matchPath matches a path template segment by segment, returning how
// many segments matched literally.
func matchPath(tmpl, path string) (int, bool) {
	ts, ps := strings.Split(tmpl, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) {
		return 0, false
	}
	lit := 0
	for i, seg := range ts {
		switch {
		case seg == ps[i]:
			lit++
		case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") && strings.Count(seg, "{") == 1 && ps[i] != "":
		default:
			return 0, false
		}
	}
	return lit, true
}

// recorder keeps the status and, for an error, the body, while passing
// everything through.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.status >= 400 && r.body.Len() < 1<<20 {
		r.body.Write(p)
	}
	return r.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the writer underneath.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }
