package docgen_test

import (
	"bytes"
	"encoding/json"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/docgen"
)

// FuzzGenerators feeds catalogs to every generator: whatever loads must give
// pages, an OpenAPI document (kin-openapi validates it in interop/docgen), Go that parses, and a
// handler that answers every docs URL. The seed corpus is
// testdata/fuzz/FuzzGenerators: small catalogs, since the example catalogs
// (covered by the golden tests) make each execution too slow to fuzz well.
func FuzzGenerators(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		cat, err := apierr.Load(data, "fuzz.yaml", apierr.WithFormats(exampleFormats...))
		if err != nil {
			return
		}
		for _, format := range []string{"html", "md"} {
			if _, err := docgen.Files(cat, format); err != nil {
				t.Fatal(err)
			}
		}
		if len(docgen.LLMsTxt(cat)) == 0 {
			t.Fatal("empty llms.txt")
		}
		out, err := docgen.OpenAPI(cat, "json")
		if err != nil {
			t.Fatal(err)
		}
		// interop/docgen validates the same corpus with kin-openapi; here
		// the document must at least be JSON naming its version.
		var doc struct {
			OpenAPI string `json:"openapi"`
		}
		if err := json.Unmarshal(out, &doc); err != nil || doc.OpenAPI != "3.1.0" {
			t.Fatalf("not an OpenAPI 3.1 document (%v):\n%s", err, out)
		}
		src, err := docgen.GoCode(cat, "errs")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := parser.ParseFile(token.NewFileSet(), "errs.go", src, 0); err != nil {
			t.Fatalf("generated Go does not parse: %v", err)
		}
		ts, err := docgen.TypeScript(cat)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cat.Codes() {
			var lit bytes.Buffer
			enc := json.NewEncoder(&lit)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(c.ID)
			if !bytes.Contains(ts[1].Data, append([]byte("| "), bytes.TrimSpace(lit.Bytes())...)) {
				t.Fatalf("errors.ts lacks code %q", c.ID)
			}
		}
		h := docgen.Handler(cat)
		for _, c := range cat.Codes() {
			docs := cat.DocsFor(c.ID)
			if docs == "" {
				continue
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", localURL("", docs), nil))
			if rec.Code != 200 {
				t.Fatalf("docs URL %s: %d", docs, rec.Code)
			}
		}
	})
}

// FuzzHandlerPaths sends any path to the handler: it answers a page, a
// redirect to a page (a language directory the docs do not have) or a
// catalog error, never plain text, never a panic.
func FuzzHandlerPaths(f *testing.F) {
	for _, p := range []string{"/docs/errors/", "/docs/errors/not-found", "/docs/errors/not-found/", "/docs/errors/../x", "/llms.txt", "/docs/errors/index.md", "/%00", "/docs/errors/not-found.md",
		"/docs/errors/ja/insufficient-balance", "/docs/errors/zh-Hant-TW/", "/docs/ja/errors/not-found", "/docs/errors/de/ja/not-found"} {
		f.Add("GET", p)
	}
	f.Add("POST", "/docs/errors/")
	cat, err := apierr.LoadFile("../examples/fax/errors.yaml")
	if err != nil {
		f.Fatal(err)
	}
	h := docgen.Handler(cat)
	f.Fuzz(func(t *testing.T, method, path string) {
		req, err := http.NewRequest("GET", "http://api.test/", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Method = method
		req.URL.Path = path
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		ct := rec.Header().Get("Content-Type")
		switch {
		case rec.Code == 200 || rec.Code == 304:
		case rec.Code == 302:
			to := rec.Header().Get("Location")
			again := httptest.NewRecorder()
			h.ServeHTTP(again, httptest.NewRequest("GET", "http://api.test"+to, nil))
			if again.Code != 200 || (method != "GET" && method != "HEAD") {
				t.Fatalf("%s %q: redirected to %q, which answers %d", method, path, to, again.Code)
			}
		case ct == "application/json" && bytes.HasPrefix(rec.Body.Bytes(), []byte(`{"error":`)):
		case method == "HEAD" && ct == "application/json":
		default:
			t.Fatalf("%s %q: %d %s %q", method, path, rec.Code, ct, rec.Body.String())
		}
		if rec.Code != 200 && rec.Code != 304 && strings.Contains(rec.Body.String(), "<html") {
			t.Fatal("an error page in HTML")
		}
	})
}
