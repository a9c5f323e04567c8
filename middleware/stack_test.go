package middleware_test

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/middleware"
)

func TestRequestID(t *testing.T) {
	long := strings.Repeat("a", 129)
	tests := []struct {
		name     string
		incoming []string
		keep     bool
	}{
		{"none sent", nil, false},
		{"safe id kept", []string{"req-123_abc.DEF:9"}, true},
		{"128 chars kept", []string{long[:128]}, true},
		{"129 chars replaced", []string{long}, false},
		{"space replaced", []string{"a b"}, false},
		{"quote replaced", []string{`a"b`}, false},
		{"tab replaced", []string{"a\tb"}, false},
		{"non-ascii replaced", []string{"idé"}, false},
		{"log forging replaced", []string{`x" level=ERROR msg="forged`}, false},
		{"two values replaced", []string{"a", "b"}, false},
	}
	for _, kind := range routerKinds {
		for _, tt := range tests {
			t.Run(kind+"/"+tt.name, func(t *testing.T) {
				var inHandler string
				h := mount(t, kind, middleware.Stack(nil), route{"GET /ok", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					inHandler = apierr.RequestID(r.Context())
				})})
				srv := serve(t, h)
				for _, path := range []string{"/ok", "/missing"} {
					req := newReq(t, "GET", srv.URL+path, nil)
					for _, v := range tt.incoming {
						req.Header.Add("X-Request-ID", v)
					}
					res := do(t, req)
					id := res.header.Get("X-Request-ID")
					if tt.keep && id != tt.incoming[0] {
						t.Errorf("%s: id = %q, want %q", path, id, tt.incoming[0])
					}
					if !tt.keep && (len(id) != 26 || !middleware.ValidRequestID(id)) {
						t.Errorf("%s: id = %q, want a generated one", path, id)
					}
					if path == "/ok" && inHandler != id {
						t.Errorf("context id = %q, header %q", inHandler, id)
					}
					if path == "/missing" {
						checkCatalogError(t, res, 404, "endpoint_not_found")
					}
				}
			})
		}
	}
}

func TestRequestIDHeaderOfCatalog(t *testing.T) {
	cat, err := apierr.Load([]byte("name: x\nrequest_id_header: Request-Id\ncodes: {}\n"), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := serve(t, middleware.Stack(cat)(http.NotFoundHandler()))
	res := do(t, newReq(t, "GET", srv.URL, nil, "Request-Id", "abc"))
	if res.header.Get("Request-Id") != "abc" || res.str("request_id") != "abc" {
		t.Fatalf("header %q body %s", res.header.Get("Request-Id"), res.body)
	}
	// X-Request-ID is accepted too; the response uses the catalog's header.
	res = do(t, newReq(t, "GET", srv.URL, nil, "X-Request-ID", "def"))
	if res.header.Get("Request-Id") != "def" || res.str("request_id") != "def" {
		t.Fatalf("header %q body %s", res.header.Get("Request-Id"), res.body)
	}
}

func TestRecover(t *testing.T) {
	for _, kind := range routerKinds {
		t.Run(kind, func(t *testing.T) {
			logger, logs := newLogger()
			h := mount(t, kind, middleware.Stack(faxCatalog(t), middleware.WithLogger(logger)),
				route{"GET /panic", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("X-Partial", "1")
					panic("secret database password hunter2")
				})},
				route{"GET /panic-error", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					panic(errors.New("boom"))
				})},
				route{"GET /abort", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					panic(http.ErrAbortHandler)
				})},
				route{"GET /late-error", apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
					_, _ = io.WriteString(w, "[1,2,")
					w.(http.Flusher).Flush()
					return errors.New("cursor lost")
				})},
				route{"GET /late", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "text/plain")
					_, _ = io.WriteString(w, "half a body")
					w.(http.Flusher).Flush()
					panic("late")
				})},
			)
			srv := serve(t, h)

			t.Run("panic is internal error", func(t *testing.T) {
				res := do(t, newReq(t, "GET", srv.URL+"/panic", nil))
				checkCatalogError(t, res, 500, fc(apierr.CondInternal))
				if strings.Contains(string(res.body), "hunter2") || strings.Contains(string(res.body), "goroutine") {
					t.Errorf("body leaks the panic: %s", res.body)
				}
				recs := logs.records(t)
				if len(recs) == 0 {
					t.Fatal("no log record")
				}
				rec := recs[len(recs)-1]
				if rec["code"] != fc(apierr.CondInternal) || rec["status"] != float64(500) ||
					!strings.Contains(rec["stack"].(string), "goroutine") ||
					!strings.Contains(rec["cause"].(string), "hunter2") ||
					rec["request_id"] != res.header.Get("X-Request-ID") {
					t.Errorf("log record %v", rec)
				}
			})
			t.Run("panic with error value", func(t *testing.T) {
				res := do(t, newReq(t, "GET", srv.URL+"/panic-error", nil))
				checkCatalogError(t, res, 500, fc(apierr.CondInternal))
			})
			t.Run("ErrAbortHandler aborts", func(t *testing.T) {
				_, err := http.DefaultClient.Do(newReq(t, "GET", srv.URL+"/abort", nil))
				if err == nil {
					t.Fatal("want the connection aborted")
				}
			})
			t.Run("error after the response started aborts", func(t *testing.T) {
				res, err := http.DefaultClient.Do(newReq(t, "GET", srv.URL+"/late-error", nil))
				if err == nil {
					body, rerr := io.ReadAll(res.Body)
					res.Body.Close()
					if rerr == nil {
						t.Fatalf("read a complete body %q; want the connection aborted", body)
					}
					if strings.Contains(string(body), "error") {
						t.Fatalf("error appended to a started body: %q", body)
					}
				}
				if !strings.Contains(logs.String(), "connection aborted") {
					t.Errorf("not logged: %s", logs.String())
				}
			})
			t.Run("panic after the response started aborts", func(t *testing.T) {
				res, err := http.DefaultClient.Do(newReq(t, "GET", srv.URL+"/late", nil))
				if err == nil {
					body, rerr := io.ReadAll(res.Body)
					res.Body.Close()
					if rerr == nil {
						t.Fatalf("read a complete body %q; want the connection aborted", body)
					}
					if strings.Contains(string(body), "internal") {
						t.Fatalf("error appended to a started body: %q", body)
					}
				}
			})
		})
	}
}

// With the logger layer on, apierr.Write leaves logging to it: one record
// per error response, none on slog.Default.
func TestLoggerObservedNoDoubleLog(t *testing.T) {
	defLogger, defLogs := newLogger()
	old := slog.Default()
	slog.SetDefault(defLogger)
	defer slog.SetDefault(old)

	logger, logs := newLogger()
	h := middleware.Stack(nil, middleware.WithLogger(logger))(apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return errors.New("disk full")
	}))
	srv := serve(t, h)
	checkCatalogError(t, do(t, newReq(t, "GET", srv.URL, nil)), 500, "internal_error")
	if n := len(logs.records(t)); n != 1 {
		t.Errorf("stack logger: %d records", n)
	}
	if s := defLogs.String(); s != "" {
		t.Errorf("apierr.Write logged too: %s", s)
	}
}

// The layers compose by hand as Stack does.
func TestLayersComposeByHand(t *testing.T) {
	logger, logs := newLogger()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /panic", func(w http.ResponseWriter, r *http.Request) { panic("x") })
	var h http.Handler = mux
	h = middleware.Normalize()(h)
	h = middleware.Recover()(h)
	h = middleware.Logger(logger)(h)
	h = middleware.RequestID(faxCatalog(t))(h)
	srv := serve(t, h)
	checkCatalogError(t, do(t, newReq(t, "GET", srv.URL+"/nope", nil)), 404, fc(apierr.CondEndpointNotFound))
	checkCatalogError(t, do(t, newReq(t, "GET", srv.URL+"/panic", nil)), 500, fc(apierr.CondInternal))
	if recs := logs.records(t); len(recs) != 2 || recs[1]["stack"] == nil {
		t.Errorf("records: %v", recs)
	}
}

// wrapWriter is a user's middleware writer between two layers of the
// runtime: the inner layer finds the outer one's State behind a writer it
// does not know.
type wrapWriter struct{ http.ResponseWriter }

// A layer under a foreign writer shares the outer layer's State and hands
// the router's request on whole: path values and the pattern reach the
// handler, the normalizer answers an unknown path, one request ID runs
// through.
func TestLayerBehindAForeignWriter(t *testing.T) {
	logger, logs := newLogger()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /fax/{id}", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.PathValue("id")+" "+r.Pattern+" "+apierr.RequestID(r.Context()))
	})
	var h http.Handler = mux
	h = middleware.Normalize()(h)
	h = middleware.Logger(logger)(h)
	wrap := h
	h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { wrap.ServeHTTP(wrapWriter{w}, r) })
	h = middleware.RequestID(faxCatalog(t))(h)
	srv := serve(t, h)

	resp := do(t, newReq(t, "GET", srv.URL+"/fax/fax_7", nil))
	id := resp.header.Get("X-Request-Id")
	if want := "fax_7 GET /fax/{id} " + id; resp.status != 200 || id == "" || string(resp.body) != want {
		t.Fatalf("%d %q, want %q", resp.status, resp.body, want)
	}
	checkCatalogError(t, do(t, newReq(t, "GET", srv.URL+"/nope", nil)), 404, fc(apierr.CondEndpointNotFound))
	if recs := logs.records(t); len(recs) != 1 || recs[0]["code"] != "endpoint_not_found" {
		t.Errorf("records: %v", recs)
	}
}
