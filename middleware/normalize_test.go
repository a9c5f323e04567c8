package middleware_test

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/middleware"
)

func TestNormalize(t *testing.T) {
	// A dead upstream for the proxy route: a closed server's address.
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL, _ := url.Parse(dead.URL)
	dead.Close()
	proxy := httputil.NewSingleHostReverseProxy(deadURL)
	proxy.ErrorLog = nil

	routes := []route{
		{"GET /faxes/{id}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })},
		{"POST /faxes", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(201)
			_, _ = io.WriteString(w, `{"id":"f1"}`)
		})},
		{"GET /error", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "pq: connection refused at 10.0.0.7", http.StatusInternalServerError)
		})},
		{"GET /status/{code}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var code int
			fmt.Sscan(r.PathValue("code"), &code)
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(code)
			_, _ = io.WriteString(w, "<h1>upstream says no</h1>")
		})},
		{"POST /upload", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Body = http.MaxBytesReader(w, r.Body, 10)
			if _, err := io.ReadAll(r.Body); err != nil {
				http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
				return
			}
		})},
		{"GET /gzip-error", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte{0x1f, 0x8b})
		})},
		{"GET /redirect", http.RedirectHandler("/faxes/1", http.StatusFound)},
		{"GET /proxy", proxy},
		{"GET /rendered", apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			return apierr.New("insufficient_balance").With("available", 3)
		})},
	}
	tests := []struct {
		name, method, path string
		body               string
		status             int
		code               string
		check              func(t *testing.T, res *response)
	}{
		{name: "unmatched path is endpoint not found", method: "GET", path: "/nope", status: 404, code: fc(apierr.CondEndpointNotFound)},
		{name: "matched route 404 is not found", method: "GET", path: "/faxes/9", status: 404, code: fc(apierr.CondNotFound)},
		{name: "wrong method keeps Allow", method: "DELETE", path: "/faxes", status: 405, code: fc(apierr.CondMethodNotAllowed), check: func(t *testing.T, res *response) {
			if !strings.Contains(res.header.Get("Allow"), "POST") {
				t.Errorf("Allow = %q", res.header.Get("Allow"))
			}
			if allowed, _ := res.context()["allowed"].([]any); len(allowed) == 0 {
				t.Errorf("context.allowed missing: %s", res.body)
			}
		}},
		{name: "http.Error 500 hides its text", method: "GET", path: "/error", status: 500, code: fc(apierr.CondInternal), check: func(t *testing.T, res *response) {
			if strings.Contains(string(res.body), "10.0.0.7") || strings.Contains(string(res.body), "pq:") {
				t.Errorf("leak: %s", res.body)
			}
		}},
		{name: "MaxBytesReader is payload too large", method: "POST", path: "/upload", body: strings.Repeat("x", 100), status: fs(apierr.CondPayloadTooLarge), code: fc(apierr.CondPayloadTooLarge)},
		{name: "502 keeps status as unavailable", method: "GET", path: "/status/502", status: 502, code: fc(apierr.CondUnavailable)},
		{name: "503 is unavailable", method: "GET", path: "/status/503", status: 503, code: fc(apierr.CondUnavailable)},
		{name: "504 is timeout", method: "GET", path: "/status/504", status: 504, code: fc(apierr.CondTimeout)},
		{name: "401 is auth invalid", method: "GET", path: "/status/401", status: 401, code: fc(apierr.CondAuthInvalid)},
		{name: "403 is forbidden", method: "GET", path: "/status/403", status: 403, code: fc(apierr.CondForbidden)},
		{name: "429 is rate limited", method: "GET", path: "/status/429", status: 429, code: fc(apierr.CondRateLimited)},
		{name: "unknown 4xx keeps status", method: "GET", path: "/status/418", status: 418, code: fc(apierr.CondMalformedBody)},
		{name: "unknown 5xx keeps status", method: "GET", path: "/status/599", status: 599, code: fc(apierr.CondInternal)},
		{name: "entity headers of the replaced body dropped", method: "GET", path: "/gzip-error", status: 503, code: fc(apierr.CondUnavailable), check: func(t *testing.T, res *response) {
			if res.header.Get("Content-Encoding") != "" || res.header.Get("Retry-After") != "7" {
				t.Errorf("headers %v", res.header)
			}
		}},
		{name: "proxy to dead upstream", method: "GET", path: "/proxy", status: 502, code: fc(apierr.CondUnavailable)},
		{name: "apierr error untouched", method: "GET", path: "/rendered", status: 402, code: "insufficient_balance", check: func(t *testing.T, res *response) {
			if res.context()["available"] != float64(3) {
				t.Errorf("context lost: %s", res.body)
			}
		}},
	}
	for _, kind := range routerKinds {
		logger, _ := newLogger()
		srv := serve(t, mount(t, kind, middleware.Stack(faxCatalog(t), middleware.WithLogger(logger)), routes...))
		for _, tt := range tests {
			t.Run(kind+"/"+tt.name, func(t *testing.T) {
				res := do(t, newReq(t, tt.method, srv.URL+tt.path, strings.NewReader(tt.body)))
				checkCatalogError(t, res, tt.status, tt.code)
				if strings.Contains(string(res.body), "upstream says no") || strings.Contains(string(res.body), "page not found") {
					t.Errorf("downstream body kept: %s", res.body)
				}
				if tt.check != nil {
					tt.check(t, res)
				}
			})
		}
		t.Run(kind+"/HEAD gets no body", func(t *testing.T) {
			res := do(t, newReq(t, "HEAD", srv.URL+"/nope", nil))
			if res.status != 404 || len(res.body) != 0 || res.header.Get("X-Request-ID") == "" {
				t.Errorf("HEAD: %d %q", res.status, res.body)
			}
		})
		t.Run(kind+"/2xx and 3xx pass through", func(t *testing.T) {
			res := do(t, newReq(t, "POST", srv.URL+"/faxes", nil))
			if res.status != 201 || string(res.body) != `{"id":"f1"}` {
				t.Errorf("got %d %s", res.status, res.body)
			}
			c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			r, err := c.Get(srv.URL + "/redirect")
			if err != nil {
				t.Fatal(err)
			}
			r.Body.Close()
			if r.StatusCode != 302 || r.Header.Get("Location") != "/faxes/1" {
				t.Errorf("redirect: %d %q", r.StatusCode, r.Header.Get("Location"))
			}
		})
	}
}

func TestNormalizeKeepsWriterInterfaces(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /stream", func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		if err := rc.SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
			http.Error(w, "no deadline: "+err.Error(), 500)
			return
		}
		for i := 0; i < 3; i++ {
			fmt.Fprintf(w, "chunk %d\n", i)
			if err := rc.Flush(); err != nil {
				panic(err)
			}
		}
	})
	mux.HandleFunc("GET /early-hints", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</style.css>; rel=preload")
		w.WriteHeader(http.StatusEarlyHints)
		_, _ = io.WriteString(w, "done")
	})
	mux.HandleFunc("GET /copy", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(w, strings.NewReader("copied"))
	})
	mux.HandleFunc("GET /hijack", func(w http.ResponseWriter, r *http.Request) {
		conn, brw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		defer conn.Close()
		_, _ = brw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nhijacked")
		_ = brw.Flush()
	})
	srv := serve(t, middleware.Stack(nil)(mux))

	t.Run("flush and write deadline via ResponseController", func(t *testing.T) {
		res, err := http.Get(srv.URL + "/stream")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		n := 0
		for sc.Scan() {
			if sc.Text() != fmt.Sprintf("chunk %d", n) {
				t.Fatalf("line %d = %q", n, sc.Text())
			}
			n++
		}
		if n != 3 || res.StatusCode != 200 {
			t.Fatalf("got %d chunks, status %d", n, res.StatusCode)
		}
	})
	t.Run("1xx passes through", func(t *testing.T) {
		res := do(t, newReq(t, "GET", srv.URL+"/early-hints", nil))
		if res.status != 200 || string(res.body) != "done" {
			t.Fatalf("got %d %q", res.status, res.body)
		}
	})
	t.Run("io.Copy", func(t *testing.T) {
		res := do(t, newReq(t, "GET", srv.URL+"/copy", nil))
		if string(res.body) != "copied" {
			t.Fatalf("got %q", res.body)
		}
	})
	t.Run("hijack", func(t *testing.T) {
		res := do(t, newReq(t, "GET", srv.URL+"/hijack", nil))
		if string(res.body) != "hijacked" {
			t.Fatalf("got %q", res.body)
		}
	})
}

func TestLogger(t *testing.T) {
	for _, kind := range routerKinds {
		t.Run(kind, func(t *testing.T) {
			logger, logs := newLogger()
			srv := serve(t, mount(t, kind, middleware.Stack(faxCatalog(t), middleware.WithLogger(logger)),
				route{"GET /ok", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})},
				route{"GET /faxes/{id}", apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
					return apierr.New("not_found")
				})},
				route{"GET /db", apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
					return fmt.Errorf("query faxes: %w", io.ErrUnexpectedEOF)
				})},
			))
			do(t, newReq(t, "GET", srv.URL+"/ok", nil))
			if recs := logs.records(t); len(recs) != 0 {
				t.Fatalf("success logged: %v", recs)
			}
			res := do(t, newReq(t, "GET", srv.URL+"/faxes/7", nil, "X-Request-ID", "rid-404"))
			checkCatalogError(t, res, 404, fc(apierr.CondNotFound))
			res = do(t, newReq(t, "GET", srv.URL+"/db", nil, "X-Request-ID", "rid-500"))
			checkCatalogError(t, res, 500, fc(apierr.CondInternal))
			recs := logs.records(t)
			if len(recs) != 2 {
				t.Fatalf("want one record per error response, got %d: %s", len(recs), logs.String())
			}
			r404, r500 := recs[0], recs[1]
			want404 := map[string]any{"request_id": "rid-404", "code": fc(apierr.CondNotFound), "status": float64(404), "method": "GET", "route": "GET /faxes/{id}", "path": "/faxes/7", "level": "INFO"}
			if kind == "chi" {
				want404["route"] = "/faxes/{id}"
			}
			for k, v := range want404 {
				if r404[k] != v {
					t.Errorf("404 record %s = %v, want %v", k, r404[k], v)
				}
			}
			if _, ok := r404["latency"]; !ok {
				t.Errorf("no latency: %v", r404)
			}
			if _, ok := r404["cause"]; ok {
				t.Errorf("4xx record carries a cause: %v", r404)
			}
			if r500["level"] != "ERROR" || !strings.Contains(fmt.Sprint(r500["cause"]), "query faxes") || r500["request_id"] != "rid-500" {
				t.Errorf("500 record: %v", r500)
			}
		})
	}
}
