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
