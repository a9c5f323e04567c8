package middleware_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/middleware"
)

func TestMaintenance(t *testing.T) {
	var m middleware.Maintenance
	m.Exempt = func(r *http.Request) bool { return r.URL.Path == "/healthz" }
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") })
	for _, kind := range routerKinds {
		srv := serve(t, mount(t, kind, middleware.Stack(faxCatalog(t), middleware.WithLogger(discardLogger())),
			route{"GET /fax", m.Handler(ok)}, route{"GET /healthz", m.Handler(ok)}))
		t.Run(kind+"/off", func(t *testing.T) {
			if res := do(t, newReq(t, "GET", srv.URL+"/fax", nil)); res.status != 200 {
				t.Fatalf("got %d", res.status)
			}
		})
		t.Run(kind+"/on", func(t *testing.T) {
			m.Enable(5 * time.Minute)
			defer m.Disable()
			res := do(t, newReq(t, "GET", srv.URL+"/fax", nil))
			checkCatalogError(t, res, 503, fc(apierr.CondUnavailable))
			if res.header.Get("Retry-After") != "300" {
				t.Errorf("Retry-After = %q", res.header.Get("Retry-After"))
			}
			if res := do(t, newReq(t, "GET", srv.URL+"/healthz", nil)); res.status != 200 {
				t.Errorf("exempt path: %d", res.status)
			}
		})
		t.Run(kind+"/default retry", func(t *testing.T) {
			m.Enable(0)
			defer m.Disable()
			res := do(t, newReq(t, "GET", srv.URL+"/fax", nil))
			if res.status != 503 || res.header.Get("Retry-After") != "60" {
				t.Errorf("got %d Retry-After %q", res.status, res.header.Get("Retry-After"))
			}
		})
	}
}

func TestTimeout(t *testing.T) {
	lateErr := make(chan error, 4)
	release := make(chan struct{}, 4)
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release // after the client has its answer
		w.Header().Set("X-Late", "1")
		_, err := io.WriteString(w, "late body")
		lateErr <- err
	})
	for _, kind := range routerKinds {
		logger, logs := newLogger()
		srv := serve(t, mount(t, kind, middleware.Stack(faxCatalog(t), middleware.WithLogger(logger)),
			route{"GET /slow", middleware.Timeout(20 * time.Millisecond)(slow)},
			route{"GET /fast", middleware.Timeout(time.Minute)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Fast", "1")
				w.WriteHeader(201)
				_, _ = io.WriteString(w, "made")
			}))},
			route{"GET /fast-error", middleware.Timeout(time.Minute)(apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
				return apierr.New("insufficient_balance")
			}))},
			route{"GET /fast-plain-error", middleware.Timeout(time.Minute)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "secret upstream detail", http.StatusBadGateway)
			}))},
			route{"GET /deadline-aware", middleware.Timeout(20 * time.Millisecond)(apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
				<-r.Context().Done()
				return r.Context().Err()
			}))},
			route{"GET /panic", middleware.Timeout(time.Minute)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				panic("timeout goroutine panic")
			}))},
		))
		t.Run(kind+"/slow handler gets the timeout error", func(t *testing.T) {
			res := do(t, newReq(t, "GET", srv.URL+"/slow", nil))
			checkCatalogError(t, res, 504, fc(apierr.CondTimeout))
			release <- struct{}{}
			if strings.Contains(string(res.body), "late body") || res.header.Get("X-Late") != "" {
				t.Errorf("late write reached the client: %v %s", res.header, res.body)
			}
			if err := <-lateErr; !errors.Is(err, middleware.ErrHandlerTimeout) {
				t.Errorf("late write error = %v", err)
			}
		})
		t.Run(kind+"/deadline-aware handler", func(t *testing.T) {
			res := do(t, newReq(t, "GET", srv.URL+"/deadline-aware", nil))
			checkCatalogError(t, res, 504, fc(apierr.CondTimeout))
		})
		t.Run(kind+"/fast handler passes", func(t *testing.T) {
			res := do(t, newReq(t, "GET", srv.URL+"/fast", nil))
			if res.status != 201 || string(res.body) != "made" || res.header.Get("X-Fast") != "1" {
				t.Errorf("got %d %v %q", res.status, res.header, res.body)
			}
		})
		t.Run(kind+"/errors inside keep working", func(t *testing.T) {
			res := do(t, newReq(t, "GET", srv.URL+"/fast-error", nil))
			checkCatalogError(t, res, 402, "insufficient_balance")
			res = do(t, newReq(t, "GET", srv.URL+"/fast-plain-error", nil))
			checkCatalogError(t, res, 502, fc(apierr.CondUnavailable))
			if strings.Contains(string(res.body), "secret") {
				t.Errorf("leak: %s", res.body)
			}
		})
		t.Run(kind+"/panic in the handler goroutine", func(t *testing.T) {
			res := do(t, newReq(t, "GET", srv.URL+"/panic", nil))
			checkCatalogError(t, res, 500, fc(apierr.CondInternal))
			if !strings.Contains(logs.String(), "timeout_test.go") {
				t.Errorf("log lacks the handler's stack: %s", logs.String())
			}
		})
	}
}
