package docgen_test

import (
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/docgen"
)

// TestLayouts checks, for each shape of docs_url, where the files land and
// that the handler serves the docs URL of a code.
func TestLayouts(t *testing.T) {
	tests := []struct {
		name      string
		docsURL   string // "" leaves docs_url out
		slug      string
		files     []string // must be among the written files
		permalink string   // served path of out_of_stock's page ("" in anchors mode)
		base      string   // BasePath
	}{
		{"absolute url with slug", "https://shop.test/docs/errors/{slug}", "", []string{"index.html", "llms.txt", "docs/errors/index.html", "docs/errors/out-of-stock/index.html"}, "/docs/errors/out-of-stock", "/docs/errors/"},
		{"path with slug", "/errors/{slug}", "", []string{"errors/index.html", "errors/out-of-stock/index.html"}, "/errors/out-of-stock", "/errors/"},
		{"code placeholder", "https://shop.test/ref/{code}", "", []string{"ref/index.html", "ref/out_of_stock/index.html"}, "/ref/out_of_stock", "/ref/"},
		{"extension after the placeholder", "https://shop.test/errors/{slug}.html", "", []string{"errors/index.html", "errors/out-of-stock.html"}, "/errors/out-of-stock.html", "/errors/"},
		{"underscore slugs", "https://shop.test/e/{slug}", "underscore", []string{"e/out_of_stock/index.html"}, "/e/out_of_stock", "/e/"},
		{"no docs_url", "", "", []string{"index.html", "errors/index.html", "errors/out-of-stock/index.html"}, "/errors/out-of-stock", "/errors/"},
		{"one page of anchors", "https://shop.test/errors", "", []string{"index.html", "errors/index.html"}, "", "/errors"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y := "name: Shop\n"
			if tt.docsURL != "" {
				y += "docs_url: " + tt.docsURL + "\n"
			}
			if tt.slug != "" {
				y += "slug: " + tt.slug + "\n"
			}
			y += "codes:\n  out_of_stock: {status: 409, message: Out of stock., action: wait}\n"
			cat, err := apierr.Load([]byte(y), "shop.yaml")
			if err != nil {
				t.Fatal(err)
			}
			files, err := docgen.Files(cat, "html")
			if err != nil {
				t.Fatal(err)
			}
			have := map[string]bool{}
			for _, f := range files {
				have[f.Path] = true
			}
			for _, f := range tt.files {
				if !have[f] {
					t.Errorf("no %s among %v", f, keys(have))
				}
			}
			if got := docgen.BasePath(cat); got != tt.base {
				t.Errorf("BasePath %q, want %q", got, tt.base)
			}
			srv := httptest.NewServer(docgen.Handler(cat))
			defer srv.Close()
			if tt.permalink != "" {
				resp, body := get(t, "GET", srv.URL+tt.permalink)
				if resp.StatusCode != 200 || !strings.Contains(body, "<title>out_of_stock") {
					t.Errorf("GET %s: %d", tt.permalink, resp.StatusCode)
				}
				if docs := cat.DocsFor("out_of_stock"); docs != "" && localURL(srv.URL, docs) != srv.URL+tt.permalink {
					t.Errorf("docs URL %s is not served at %s", docs, tt.permalink)
				}
			} else if strings.Count(strings.Join(keys(have), " "), "out-of-stock") > 0 {
				t.Errorf("permalink pages written in anchors mode: %v", keys(have))
			}
		})
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestHTMLEscapes makes sure catalog text cannot inject markup.
func TestHTMLEscapes(t *testing.T) {
	cat, err := apierr.Load([]byte(`name: "<script>alert(1)</script>"
description: "<img src=x onerror=alert(1)>"
codes:
  out_of_stock:
    status: 409
    message: "</pre><script>alert(2)</script>"
    action: wait
    docs: {when: "<b>bold</b>"}
`), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := docgen.Files(cat, "html")
	for _, f := range files {
		if !strings.HasSuffix(f.Path, ".html") {
			continue
		}
		s := string(f.Data)
		if strings.Contains(s, "<script") || strings.Contains(s, "<img") || strings.Contains(s, "<b>") {
			t.Errorf("%s: catalog text is not escaped", f.Path)
		}
	}
}

// TestSiteLinksWorkFromDisk: every relative link of every generated HTML
// page names a file the site writes, so the site opened from disk
// (file://…/index.html) navigates as it does when served.
func TestSiteLinksWorkFromDisk(t *testing.T) {
	for _, ex := range exampleCatalogs(t) {
		t.Run(ex.name, func(t *testing.T) {
			files, err := docgen.Files(ex.cat, "html")
			if err != nil {
				t.Fatal(err)
			}
			// A code's docs URL is shown as it is (the canonical link, as
			// error bodies carry it), even when the catalog makes it
			// root-relative.
			canonical := map[string]bool{}
			for _, c := range ex.cat.Codes() {
				canonical[ex.cat.DocsFor(c.ID)] = true
			}
			written := map[string]bool{}
			for _, f := range files {
				written[f.Path] = true
			}
			hrefs := regexp.MustCompile(`href="([^"]*)"`)
			checked := 0
			for _, f := range files {
				if !strings.HasSuffix(f.Path, ".html") {
					continue
				}
				for _, m := range hrefs.FindAllSubmatch(f.Data, -1) {
					href := string(m[1])
					if strings.HasPrefix(href, "#") || strings.HasPrefix(href, "data:") || strings.Contains(href, "://") || canonical[href] {
						continue
					}
					if strings.HasPrefix(href, "/") {
						t.Errorf("%s links root-absolute %q: broken when opened from disk", f.Path, href)
						continue
					}
					target, _, _ := strings.Cut(href, "#")
					resolved := path.Join(path.Dir(f.Path), target)
					if !written[resolved] {
						t.Errorf("%s links %q, which resolves to %s: no such file", f.Path, href, resolved)
					}
					checked++
				}
			}
			if checked == 0 && len(files) > 3 {
				t.Error("no relative link checked")
			}
		})
	}
}
