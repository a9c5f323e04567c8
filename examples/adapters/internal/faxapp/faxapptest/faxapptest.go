// Package faxapptest runs `apierr probe`'s battery against an example.
package faxapptest

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/apierr/apierr/examples/adapters/internal/faxapp"
	"github.com/apierr/apierr/probe"
)

// Serve starts the example's handler on a real loopback server, its docs
// links on that server, and returns the server and the app.
func Serve(t *testing.T, newHandler func(*faxapp.App) http.Handler) (*httptest.Server, *faxapp.App) {
	t.Helper()
	var h http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	app, err := faxapp.New(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	h = newHandler(app)
	return srv, app
}

// Probe runs the battery the demo passes (every case, a burst to 429, a
// reused Idempotency-Key) and fails on any failed or skipped check.
func Probe(t *testing.T, newHandler func(*faxapp.App) http.Handler) {
	srv, app := Serve(t, newHandler)
	probeAll(t, srv.URL, app)
}

// ServeServer starts the server newServer builds (a framework that serves
// by itself) on a loopback listener, its docs links on it, and returns
// its base URL and the app. The server is shut down when the test ends.
func ServeServer(t *testing.T, newServer func(*faxapp.App) faxapp.Server) (string, *faxapp.App) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	app, err := faxapp.New(base)
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(app)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		// A connection the client dialed and never used (Go's transport
		// keeps one when the request it was dialed for is canceled, as the
		// probe's burst does) counts as busy to fasthttp, which waits for
		// the client to close it (30 s, the probe's idle timeout): the
		// shutdown gets a bound, and running out of it is not a failure.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	return base, app
}

// ProbeServer is Probe for a framework that serves by itself.
func ProbeServer(t *testing.T, newServer func(*faxapp.App) faxapp.Server) {
	base, app := ServeServer(t, newServer)
	probeAll(t, base, app)
}

func probeAll(t *testing.T, base string, app *faxapp.App) {
	t.Helper()
	rep, err := probe.Run(context.Background(), probe.Config{
		BaseURL:     base,
		Catalog:     app.Catalog,
		Key:         app.SandboxKey,
		PostPath:    "/fax",
		Burst:       200,
		Idempotency: true,
		Data:        []byte(faxapp.SampleFax()),
	})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	_ = rep.WriteTable(&b)
	t.Log("\n" + b.String())
	for _, f := range rep.Failures() {
		t.Errorf("%s on %s: %s", f.Check, f.Request, f.Why)
	}
	if rep.Skipped != 0 {
		t.Errorf("%d checks skipped", rep.Skipped)
	}
}
