package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/docgen"
	"github.com/apierr/apierr/examples/fax"
	"github.com/apierr/apierr/middleware"
	"github.com/apierr/apierr/probe"
)

const thingsCatalog = `name: Things
docs_url: https://things.example.com/errors#{slug}
codes:
  thing_not_found:
    status: 404
    message: No thing has that id.
    action: fix_request
    condition: not_found
  thing_gone:
    status: 404
    message: The thing was deleted.
    action: fix_request
`

const thingsBase = `openapi: 3.1.0
info: {title: Things, version: 1.0.0}
paths:
  /things/{id}:
    get:
      operationId: getThing
      summary: A thing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200": {description: The thing.}
`

// thingsServer serves GET /things/{id} (answering code with apierr's own
// middleware) and its OpenAPI document, which declares only
// thing_not_found for it.
func thingsServer(t *testing.T, code string) *httptest.Server {
	t.Helper()
	cat := apierr.MustLoad([]byte(thingsCatalog), "things.yaml")
	merged, err := docgen.MergeOpenAPI(cat, []byte(thingsBase), docgen.MergeOptions{Format: "json",
		Operations: []apierr.Operation{{Method: "GET", Path: "/things/{id}", Codes: []string{"thing_not_found"}}}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /things/{id}", apierr.HandlerFunc(func(http.ResponseWriter, *http.Request) error { return apierr.New(code) }))
	mux.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(merged.Data)
	})
	srv := httptest.NewServer(middleware.Stack(cat, middleware.WithLogger(slog.New(slog.DiscardHandler)))(mux))
	t.Cleanup(srv.Close)
	return srv
}

// declaredRows runs the probe with --openapi and returns its exit code and
// the rows of the declared check.
func declaredRows(t *testing.T, args ...string) (int, []probe.Result, string) {
	t.Helper()
	code, out, errs := runProbeCLI(t, append(args, "--json")...)
	var rep probe.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("exit %d, not a JSON report: %v\n%s\n%s", code, err, out, errs)
	}
	var rows []probe.Result
	for _, r := range rep.Results {
		if r.Check == probe.CheckDeclared {
			rows = append(rows, r)
		}
	}
	return code, rows, out
}

// TestProbeOpenAPIUndeclaredCode: a server whose operation answers a code
// its OpenAPI document does not declare fails the probe (exit 1) on the
// declared check; the same server answering the declared code passes it.
func TestProbeOpenAPIUndeclaredCode(t *testing.T) {
	bad := thingsServer(t, "thing_gone")
	code, rows, out := declaredRows(t, "--openapi", bad.URL+"/openapi.json")
	if code != 1 || len(rows) != 1 || rows[0].Result != probe.Fail || !strings.Contains(rows[0].Why, `"thing_gone", a code it does not declare`) {
		t.Fatalf("exit %d, declared rows %+v\n%s", code, rows, out)
	}
	good := thingsServer(t, "thing_not_found")
	_, rows, out = declaredRows(t, "--openapi", good.URL+"/openapi.json")
	if len(rows) != 1 || rows[0].Result != probe.Pass || rows[0].Request != "GET /things/{id} unknown_id" {
		t.Fatalf("declared rows %+v\n%s", rows, out)
	}
	// A document read from a file, the server named as BASE_URL.
	res, err := http.Get(bad.URL + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "openapi.json")
	if err := os.WriteFile(file, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	code, rows, out = declaredRows(t, bad.URL, "--openapi", file)
	if code != 1 || len(rows) != 1 || rows[0].Result != probe.Fail {
		t.Fatalf("from a file: exit %d, declared rows %+v\n%s", code, rows, out)
	}
	// A file names no server: BASE_URL is needed.
	if code, _, errs := runProbeCLI(t, "--openapi", file); code != 2 || !strings.Contains(errs, "give BASE_URL") {
		t.Errorf("no BASE_URL: exit %d, %s", code, errs)
	}
	if code, _, errs := runProbeCLI(t, bad.URL, "--openapi", filepath.Join(t.TempDir(), "none.json")); code != 2 || !strings.Contains(errs, "--openapi") {
		t.Errorf("missing file: exit %d, %s", code, errs)
	}
	if code, _, errs := runProbeCLI(t, bad.URL, "--openapi", file+"x"); code != 2 {
		t.Errorf("missing file: exit %d, %s", code, errs)
	}
}

// TestProbeOpenAPIDemo: apierr probe --openapi against the demo over real
// HTTP, its document fetched from /openapi.json and the API found from it:
// every operation answers the requests that must fail with a code it
// declares, and the whole battery passes (exit 0).
func TestProbeOpenAPIDemo(t *testing.T) {
	base := startDemo(t, "--rate", "-1", "--auth-failures", "1000")
	code, rows, out := declaredRows(t, "--openapi", base+"/openapi.json", "--key", fax.DemoSandboxKey,
		"--post", "/fax", "--catalog", "../../examples/fax/errors.yaml")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	want := []string{
		"POST /fax no_credentials", "POST /fax malformed_json", "POST /fax wrong_content_type",
		"GET /fax/{id} no_credentials", "GET /fax/{id} unknown_id",
		"DELETE /fax/{id} unknown_id", "POST /fax/{id}/resend unknown_id", "GET /fax/{id}/image unknown_id",
		"GET /account/balance no_credentials",
	}
	seen := map[string]bool{}
	for _, r := range rows {
		if r.Result != probe.Pass {
			t.Errorf("%s: %s %s", r.Request, r.Result, r.Why)
		}
		seen[r.Request] = true
	}
	for _, w := range want {
		if !seen[w] {
			t.Errorf("no declared check of %q", w)
		}
	}
}
