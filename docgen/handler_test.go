package docgen_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/docgen"
)

func get(t *testing.T, method, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestHandlerServesEveryDocsURL(t *testing.T) {
	for _, ex := range exampleCatalogs(t) {
		t.Run(ex.name, func(t *testing.T) {
			cat := ex.cat
			srv := httptest.NewServer(docgen.Handler(cat))
			defer srv.Close()
			for _, c := range cat.Codes() {
				url := localURL(srv.URL, cat.DocsFor(c.ID))
				resp, body := get(t, "GET", url)
				if resp.StatusCode != 200 {
					t.Fatalf("GET %s: status %d", url, resp.StatusCode)
				}
				if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
					t.Errorf("GET %s: Content-Type %q", url, ct)
				}
				if !strings.Contains(body, `id="`+cat.Slug().Apply(c.ID)+`"`) {
					t.Errorf("GET %s: no anchor for %s", url, c.ID)
				}
			}
			resp, body := get(t, "GET", srv.URL+"/llms.txt")
			if resp.StatusCode != 200 || !strings.HasPrefix(body, "# ") {
				t.Errorf("GET /llms.txt: %d %.40q", resp.StatusCode, body)
			}
		})
	}
}

// localURL maps a docs URL onto the test server: its path (and fragment).
func localURL(base, docs string) string {
	if i := strings.Index(docs, "://"); i >= 0 {
		rest := docs[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			docs = rest[j:]
		} else {
			docs = "/"
		}
	}
	if i := strings.IndexByte(docs, '#'); i >= 0 {
		docs = docs[:i]
	}
	return base + docs
}

func TestHandlerErrorsAreCatalogErrors(t *testing.T) {
	cat, err := apierr.LoadFile("../examples/fax/errors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(docgen.Handler(cat))
	defer srv.Close()
	tests := []struct {
		name, method, path string
		status             int
		code               string
	}{
		{"unknown slug", "GET", "/docs/errors/no-such-code", 404, "endpoint_not_found"},
		{"slug with a slash", "GET", "/docs/errors/not-found/extra", 404, "endpoint_not_found"},
		{"outside the docs path", "GET", "/elsewhere", 404, "endpoint_not_found"},
		{"post to a page", "POST", "/docs/errors/not-found", 405, "method_not_allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, tt.method, srv.URL+tt.path)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Fatalf("Content-Type %q: not a catalog error: %s", ct, body)
			}
			var env struct{ Error, Docs string }
			if err := json.Unmarshal([]byte(body), &env); err != nil {
				t.Fatalf("body %s: %v", body, err)
			}
			if env.Error != tt.code {
				t.Errorf("code %q, want %q", env.Error, tt.code)
			}
			if tt.status == 405 && resp.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("Allow %q", resp.Header.Get("Allow"))
			}
		})
	}
}

func TestHandlerPages(t *testing.T) {
	cat, err := apierr.LoadFile("../examples/fax/errors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(docgen.Handler(cat))
	defer srv.Close()
	t.Run("reference at the docs path", func(t *testing.T) {
		for _, p := range []string{"/docs/errors/", "/docs/errors", "/docs/errors/index.html"} {
			resp, body := get(t, "GET", srv.URL+p)
			if resp.StatusCode != 200 || !strings.Contains(body, `id="insufficient-balance"`) {
				t.Errorf("GET %s: %d", p, resp.StatusCode)
			}
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
				t.Errorf("GET %s: CSP %q", p, csp)
			}
		}
	})
	t.Run("markdown variants", func(t *testing.T) {
		for _, p := range []string{"/docs/errors/index.md", "/docs/errors/insufficient-balance.md"} {
			resp, body := get(t, "GET", srv.URL+p)
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/markdown") || !strings.Contains(body, "insufficient_balance") {
				t.Errorf("GET %s: %d %s", p, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
		}
	})
	t.Run("etag revalidation", func(t *testing.T) {
		resp, _ := get(t, "GET", srv.URL+"/docs/errors/not-found")
		etag := resp.Header.Get("ETag")
		if etag == "" {
			t.Fatal("no ETag")
		}
		resp, body := get(t, "GET", srv.URL+"/docs/errors/not-found", "If-None-Match", etag)
		if resp.StatusCode != 304 || body != "" {
			t.Errorf("revalidation: %d, %d bytes", resp.StatusCode, len(body))
		}
	})
	t.Run("head has no body", func(t *testing.T) {
		resp, body := get(t, "HEAD", srv.URL+"/llms.txt")
		if resp.StatusCode != 200 || body != "" {
			t.Errorf("HEAD: %d, %d bytes", resp.StatusCode, len(body))
		}
	})
}

func TestHandlerAnchorsWithoutPlaceholder(t *testing.T) {
	cat, err := apierr.Load([]byte(`
name: One page
docs_url: https://example.com/reference/errors
codes:
  out_of_stock: {status: 409, message: Out of stock., action: wait}
`), "one.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(docgen.Handler(cat))
	defer srv.Close()
	docs := cat.DocsFor("out_of_stock")
	if docs != "https://example.com/reference/errors#out-of-stock" {
		t.Fatalf("DocsFor: %s", docs)
	}
	resp, body := get(t, "GET", localURL(srv.URL, docs))
	if resp.StatusCode != 200 || !strings.Contains(body, `id="out-of-stock"`) {
		t.Fatalf("GET %s: %d", docs, resp.StatusCode)
	}
	if resp, _ := get(t, "GET", srv.URL+"/reference/errors/out-of-stock"); resp.StatusCode != 404 {
		t.Errorf("a permalink page was served in anchors mode: %d", resp.StatusCode)
	}
}
