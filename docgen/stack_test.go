package docgen_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/docgen"
	"github.com/apierr/apierr/middleware"
)

// TestHandlerBehindStack mounts the docs on an API behind apierr's
// middleware: pages pass through untouched, and a wrong docs path is the
// API's own error, with the request ID in header and body.
func TestHandlerBehindStack(t *testing.T) {
	cat, err := apierr.LoadFile("../examples/fax/errors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	docs := docgen.Handler(cat)
	mux.Handle(docgen.BasePath(cat), docs)
	mux.Handle("/llms.txt", docs)
	srv := httptest.NewServer(middleware.Stack(cat, middleware.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))(mux))
	defer srv.Close()

	resp, body := get(t, "GET", srv.URL+"/docs/errors/insufficient-balance")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" || len(body) == 0 {
		t.Fatalf("page: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	resp, body = get(t, "GET", srv.URL+"/docs/errors/insufficient-balanc")
	var e struct {
		Error     string `json:"error"`
		RequestID string `json:"request_id"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("%d %s: %v", resp.StatusCode, body, err)
	}
	if resp.StatusCode != 404 || e.Error != "endpoint_not_found" {
		t.Errorf("typo in a slug: %d %s", resp.StatusCode, body)
	}
	if e.RequestID == "" || e.RequestID != resp.Header.Get(cat.RequestIDHeader()) {
		t.Errorf("request ID %q in the body, %q in the header", e.RequestID, resp.Header.Get(cat.RequestIDHeader()))
	}
}
