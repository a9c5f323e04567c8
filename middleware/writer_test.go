package middleware_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/middleware"
)

// TestErrorAfterResponse covers handlers that report a failure after the
// response was already decided: the client must get either one whole
// response or an aborted connection, never two glued together, and never a
// handler's internal error text.
func TestErrorAfterResponse(t *testing.T) {
	for _, kind := range routerKinds {
		t.Run(kind, func(t *testing.T) {
			logger, logs := newLogger()
			h := mount(t, kind, middleware.Stack(faxCatalog(t), middleware.WithLogger(logger)),
				route{"GET /stream-then-http-error", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					_, _ = io.WriteString(w, `{"items":[1,2,`)
					http.Error(w, "pq: connection refused at 10.0.0.7:5432", http.StatusInternalServerError)
				})},
				route{"GET /write-and-return", apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
					err := apierr.Cond(apierr.CondNotFound)
					apierr.Write(w, r, err)
					return err // written twice: a common slip
				})},
				route{"GET /write-then-other", apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
					apierr.Write(w, r, apierr.Cond(apierr.CondForbidden))
					return errors.New("audit log: write failed")
				})},
			)
			srv := serve(t, h)

			t.Run("http.Error after the body started aborts", func(t *testing.T) {
				res, err := http.DefaultClient.Do(newReq(t, "GET", srv.URL+"/stream-then-http-error", nil))
				if err == nil {
					body, rerr := io.ReadAll(res.Body)
					res.Body.Close()
					if strings.Contains(string(body), "10.0.0.7") {
						t.Fatalf("internal error text reached the client: %d %q", res.StatusCode, body)
					}
					if rerr == nil {
						t.Fatalf("read a complete %d body %q; want the connection aborted", res.StatusCode, body)
					}
				}
				if !strings.Contains(logs.String(), "connection aborted") {
					t.Errorf("not logged: %s", logs.String())
				}
			})
			for _, tc := range []struct {
				path, code string
				status     int
			}{
				{"/write-and-return", fc(apierr.CondNotFound), 404},
				{"/write-then-other", fc(apierr.CondForbidden), 403},
			} {
				t.Run("second error is dropped "+tc.path, func(t *testing.T) {
					res := do(t, newReq(t, "GET", srv.URL+tc.path, nil))
					var v map[string]any
					if err := json.Unmarshal(res.body, &v); err != nil {
						t.Fatalf("body is not one JSON document: %q (%v)", res.body, err)
					}
					checkCatalogError(t, res, tc.status, tc.code)
				})
			}
		})
	}
}

// A handler that writes a status HTTP does not have (net/http panics on
// codes outside 100-999 and sends 600-999 as they are) gets the internal
// condition, a real 500.
func TestInvalidStatusIsInternal(t *testing.T) {
	for _, code := range []int{0, 42, 600, 999, 1000} {
		t.Run("status "+strconv.Itoa(code), func(t *testing.T) {
			srv := serve(t, middleware.Stack(faxCatalog(t), middleware.WithLogger(discardLogger()))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(code)
				_, _ = io.WriteString(w, "internal: status from upstream config")
			})))
			res, err := http.DefaultClient.Do(newReq(t, "GET", srv.URL+"/x", nil))
			if err != nil {
				t.Fatalf("connection aborted: %v; want a catalog 500", err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			out := &response{status: res.StatusCode, header: res.Header, body: body}
			_ = json.Unmarshal(body, &out.json)
			checkCatalogError(t, out, 500, fc(apierr.CondInternal))
		})
	}
}

// A plain 401 from downstream (a handler's http.Error, a proxy) becomes the
// catalog's auth error and keeps the rule of every 401: a challenge
// (RFC 9110 §15.5.2). One the downstream sent is kept.
func TestNormalized401HasChallenge(t *testing.T) {
	for _, kind := range routerKinds {
		t.Run(kind, func(t *testing.T) {
			srv := serve(t, mount(t, kind, middleware.Stack(faxCatalog(t), middleware.WithLogger(discardLogger())),
				route{"GET /plain", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					http.Error(w, "unauthorized", http.StatusUnauthorized)
				})},
				route{"GET /proxy", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("WWW-Authenticate", `Basic realm="upstream"`)
					w.WriteHeader(http.StatusUnauthorized)
				})},
			))
			res := do(t, newReq(t, "GET", srv.URL+"/plain", nil))
			checkCatalogError(t, res, 401, fc(apierr.CondAuthInvalid))
			if got := res.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
				t.Errorf("WWW-Authenticate = %q; a 401 must carry a challenge", got)
			}
			res = do(t, newReq(t, "GET", srv.URL+"/proxy", nil))
			if got := res.header.Get("WWW-Authenticate"); got != `Basic realm="upstream"` {
				t.Errorf("downstream challenge replaced: %q", got)
			}
		})
	}
}

// A plain 429 or 503 from downstream (http.TimeoutHandler's 503, a
// third-party limiter, a proxy) becomes a catalog error that says when to
// retry, as every 429 and 503 must; a Retry-After the downstream sent wins.
func TestNormalizedRetryAfter(t *testing.T) {
	for _, kind := range routerKinds {
		t.Run(kind, func(t *testing.T) {
			srv := serve(t, mount(t, kind, middleware.Stack(faxCatalog(t), middleware.WithLogger(discardLogger())),
				route{"GET /busy", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					http.Error(w, "upstream pool exhausted", http.StatusServiceUnavailable)
				})},
				route{"GET /limited", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					http.Error(w, "slow down", http.StatusTooManyRequests)
				})},
				route{"GET /told", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Retry-After", "120")
					w.WriteHeader(http.StatusServiceUnavailable)
				})},
			))
			for _, tc := range []struct {
				path   string
				status int
				code   string
				want   string
			}{
				{"/busy", 503, fc(apierr.CondUnavailable), strconv.Itoa(int(middleware.NormalizedRetryAfter / time.Second))},
				{"/limited", 429, fc(apierr.CondRateLimited), strconv.Itoa(int(middleware.NormalizedRetryAfter / time.Second))},
				{"/told", 503, fc(apierr.CondUnavailable), "120"},
			} {
				res := do(t, newReq(t, "GET", srv.URL+tc.path, nil))
				checkCatalogError(t, res, tc.status, tc.code)
				if got := res.header.Get("Retry-After"); got != tc.want {
					t.Errorf("%s: Retry-After = %q, want %q", tc.path, got, tc.want)
				}
			}
		})
	}
}
