// Package faxapptest runs `apierr probe`'s battery against an example.
package faxapptest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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
	rep, err := probe.Run(context.Background(), probe.Config{
		BaseURL:     srv.URL,
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
