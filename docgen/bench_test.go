package docgen_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/docgen"
)

func benchCatalog(b *testing.B) *apierr.Catalog {
	b.Helper()
	cat, err := apierr.LoadFile("../examples/fax/errors.yaml")
	if err != nil {
		b.Fatal(err)
	}
	return cat
}

// BenchmarkServePermalink serves one code's page: docgen.Handler from
// memory, beside http.FileServer serving the same page written by Files (the
// static-host alternative).
func BenchmarkServePermalink(b *testing.B) {
	cat := benchCatalog(b)
	dir := b.TempDir()
	files, err := docgen.Files(cat, "html")
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for _, h := range []struct {
		name string
		h    http.Handler
	}{
		{"docgen.Handler", docgen.Handler(cat)},
		{"http.FileServer", http.FileServer(http.Dir(dir))},
	} {
		b.Run(h.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/docs/errors/insufficient-balance/", nil)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}

// BenchmarkGenerate measures each generator on the fax catalog (12 codes
// plus the built-in ones).
func BenchmarkGenerate(b *testing.B) {
	cat := benchCatalog(b)
	gens := []struct {
		name string
		fn   func() error
	}{
		{"HTML", func() error { docgen.HTML(cat); return nil }},
		{"Markdown", func() error { docgen.Markdown(cat); return nil }},
		{"LLMsTxt", func() error { docgen.LLMsTxt(cat); return nil }},
		{"Files/html", func() error { _, err := docgen.Files(cat, "html"); return err }},
		{"OpenAPI/yaml", func() error { _, err := docgen.OpenAPI(cat, "yaml"); return err }},
		{"OpenAPI/json", func() error { _, err := docgen.OpenAPI(cat, "json"); return err }},
		{"GoCode", func() error { _, err := docgen.GoCode(cat, "faxerr"); return err }},
		{"Handler", func() error { docgen.Handler(cat); return nil }},
	}
	for _, g := range gens {
		b.Run(g.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := g.fn(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
