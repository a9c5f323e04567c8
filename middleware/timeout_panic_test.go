package middleware_test

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/middleware"
)

// A handler that panics after Timeout answered for it is not silent: the
// panic and the goroutine's stack are logged with the request ID.
func TestTimeoutLatePanicIsLogged(t *testing.T) {
	defLogger, defLogs := newLogger()
	old := slog.Default()
	slog.SetDefault(defLogger)
	defer slog.SetDefault(old)

	release := make(chan struct{})
	panicked := make(chan struct{})
	h := middleware.Stack(faxCatalog(t), middleware.WithLogger(discardLogger()))(middleware.Timeout(10 * time.Millisecond)(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			<-release
			defer close(panicked)
			panic("ledger: nil account after deadline")
		})))
	srv := serve(t, h)
	res := do(t, newReq(t, "GET", srv.URL+"/", nil))
	checkCatalogError(t, res, 504, fc(apierr.CondTimeout))
	close(release)
	<-panicked
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(defLogs.String(), "nil account"); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the late panic was never logged")
		}
	}
	rec := defLogs.records(t)[0]
	if rec["request_id"] != res.header.Get("X-Request-ID") || !strings.Contains(rec["stack"].(string), "goroutine") {
		t.Errorf("record %v", rec)
	}
}

// Under Timeout the response is buffered until the handler returns, so an
// error the handler reports after it began writing can still replace the
// partial body: the client gets the catalog error, not a 200 with the
// error's text glued on.
func TestTimeoutErrorAfterWrite(t *testing.T) {
	for _, kind := range routerKinds {
		t.Run(kind, func(t *testing.T) {
			srv := serve(t, mount(t, kind, middleware.Stack(faxCatalog(t), middleware.WithLogger(discardLogger())),
				route{"GET /plain", middleware.Timeout(time.Minute)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					_, _ = w.Write([]byte(`{"items":[1,`))
					http.Error(w, "pq: connection refused at 10.0.0.7:5432", http.StatusInternalServerError)
				}))},
				route{"GET /catalog", middleware.Timeout(time.Minute)(apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
					_, _ = w.Write([]byte(`{"items":[1,`))
					return apierr.Cond(apierr.CondNotFound)
				}))},
			))
			for _, tc := range []struct {
				path   string
				status int
				code   string
			}{
				{"/plain", 500, fc(apierr.CondInternal)},
				{"/catalog", 404, fc(apierr.CondNotFound)},
			} {
				res := do(t, newReq(t, "GET", srv.URL+tc.path, nil))
				if strings.Contains(string(res.body), "10.0.0.7") || strings.Contains(string(res.body), "items") {
					t.Errorf("%s: partial body or internal text reached the client: %d %q", tc.path, res.status, res.body)
				}
				checkCatalogError(t, res, tc.status, tc.code)
			}
		})
	}
}
