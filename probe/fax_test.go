package probe_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/examples/fax"
	"github.com/apierr/apierr/probe"
)

// newFaxServer serves the demo fax API with docs links on its own host, as
// `apierr demo` does, so the probe fetches them.
func newFaxServer(t *testing.T, cfg fax.Config) (*httptest.Server, *fax.Server) {
	t.Helper()
	var h http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	cat, err := fax.NewCatalog(srv.URL + "/docs/errors/{slug}")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Catalog = cat
	s, err := fax.NewDemo(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h = s
	return srv, s
}

func TestFaxDemoKeepsTheContract(t *testing.T) {
	asWritten, err := fax.NewCatalog("") // docs_url on mintfax.com, as `--catalog examples/fax/errors.yaml` gives
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		catalog func(*fax.Server) *apierr.Catalog
	}{
		{"with the catalog the server renders", func(s *fax.Server) *apierr.Catalog { return s.Catalog() }},
		{"with errors.yaml as written, docs on another host", func(*fax.Server) *apierr.Catalog { return asWritten }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, s := newFaxServer(t, fax.Config{})
			rep, err := probe.Run(context.Background(), probe.Config{
				BaseURL:     srv.URL,
				Catalog:     tc.catalog(s),
				Key:         fax.DemoSandboxKey,
				PostPath:    "/fax",
				Burst:       200,
				Idempotency: true,
				Data:        []byte(`{"to":"+14155550123","file":"` + base64.StdEncoding.EncodeToString(fax.DemoPDF()) + `"}`),
			})
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			rep.WriteTable(&b)
			t.Log("\n" + b.String())
			for k := range knownFaxDefects {
				check, request, _ := strings.Cut(k, " ")
				if !rep.Has(check, request, probe.Fail) {
					t.Logf("known defect %q is gone: remove it from knownFaxDefects", k)
				}
			}
			for _, f := range rep.Failures() {
				why, ok := knownFaxDefects[f.Check+" "+f.Request]
				if !ok {
					why, ok = knownFaxDefects[f.Check]
				}
				if ok {
					t.Logf("known defect of the demo, reported to the lead: %s %s: %s (%s)", f.Check, f.Request, f.Why, why)
					continue
				}
				t.Errorf("the demo fails %s on %s: %s", f.Check, f.Request, f.Why)
			}
			if rep.Skipped != 0 {
				t.Errorf("%d checks skipped:\n%s", rep.Skipped, b.String())
			}
		})
	}
}

// knownFaxDefects are the demo's failures reported to the lead rather than
// hidden by weakening a check. Each names why; remove an entry once the demo
// is fixed (the test logs, and does not fail, when a known defect is gone).
var knownFaxDefects = map[string]string{
	// Empty: the demo keeps every check. (It once answered a 16 MiB body
	// 422 validation_failed while its catalog bound payload_too_large to
	// nothing; db2e8da bound it, as seed 000 reads.)
}
