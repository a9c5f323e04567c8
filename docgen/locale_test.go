package docgen_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/docgen"
)

func faxCatalog(t testing.TB) *apierr.Catalog {
	t.Helper()
	cat, err := apierr.LoadFile("../examples/fax/errors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cat.Languages(), " "); got != "en de fr" {
		t.Fatalf("fax catalog languages %q, want en de fr (errors.de.yaml and errors.fr.yaml beside it)", got)
	}
	return cat
}

// TestHandlerNegotiatesDocsLanguage: the docs URL in an error body (the
// language-neutral permalink) answers in the language Accept-Language
// prefers, the way the API's errors do, with Content-Language and
// Vary: Accept-Language; the language directories answer in their own
// language whatever the request prefers.
func TestHandlerNegotiatesDocsLanguage(t *testing.T) {
	cat := faxCatalog(t)
	srv := httptest.NewServer(docgen.Handler(cat))
	defer srv.Close()
	const neutral = "/docs/errors/insufficient-balance"
	titles := map[string]string{
		"en": "<h1><code>insufficient_balance</code> Insufficient balance</h1>",
		"de": "<h1><code>insufficient_balance</code> Guthaben nicht ausreichend</h1>",
		"fr": "<h1><code>insufficient_balance</code> Solde insuffisant</h1>",
	}
	for _, tc := range []struct{ accept, want string }{
		{"", "en"},
		{"de", "de"},
		{"de-AT,de;q=0.9,en;q=0.5", "de"},
		{"fr;q=0.9, de;q=0.8", "fr"},
		{"de;q=0.8, fr;q=0.9", "fr"},
		{"ja", "en"},         // a language the catalog does not speak: the base language
		{"*;q=0.1, x", "en"}, // junk is not an error
		{"fr-CA", "fr"},
	} {
		resp, body := get(t, "GET", srv.URL+neutral, "Accept-Language", tc.accept)
		if resp.StatusCode != 200 {
			t.Fatalf("Accept-Language %q: status %d", tc.accept, resp.StatusCode)
		}
		if got := resp.Header.Get("Content-Language"); got != tc.want {
			t.Errorf("Accept-Language %q: Content-Language %q, want %q", tc.accept, got, tc.want)
		}
		if !strings.Contains(resp.Header.Get("Vary"), "Accept-Language") {
			t.Errorf("Accept-Language %q: Vary %q lacks Accept-Language", tc.accept, resp.Header.Get("Vary"))
		}
		if !strings.Contains(body, titles[tc.want]) || !strings.Contains(body, `<html lang="`+tc.want+`">`) {
			t.Errorf("Accept-Language %q: the page is not in %s", tc.accept, tc.want)
		}
	}
	// The language directories: fixed language, no negotiation.
	for _, lang := range []string{"en", "de", "fr"} {
		for _, p := range []string{"/docs/errors/" + lang + "/insufficient-balance", "/docs/errors/" + lang + "/insufficient-balance/"} {
			resp, body := get(t, "GET", srv.URL+p, "Accept-Language", "ja, de;q=0.5, fr;q=0.4")
			if resp.StatusCode != 200 || resp.Header.Get("Content-Language") != lang || !strings.Contains(body, titles[lang]) {
				t.Errorf("GET %s: %d, Content-Language %q", p, resp.StatusCode, resp.Header.Get("Content-Language"))
			}
			if strings.Contains(resp.Header.Get("Vary"), "Accept-Language") {
				t.Errorf("GET %s: Vary %q, but the page does not vary", p, resp.Header.Get("Vary"))
			}
		}
	}
	// Every other page the handler serves has its translations too.
	for neutral, translated := range map[string]string{
		"/docs/errors/":                   "/docs/errors/de/",
		"/docs/errors":                    "/docs/errors/de",
		"/docs/errors/index.html":         "/docs/errors/de/index.html",
		"/docs/errors/index.md":           "/docs/errors/de/index.md",
		"/llms.txt":                       "/docs/errors/de/llms.txt",
		"/docs/errors/llms.txt":           "/docs/errors/de/llms.txt",
		"/docs/errors/not-found.md":       "/docs/errors/de/not-found.md",
		"/docs/errors/endpoint-not-found": "/docs/errors/de/endpoint-not-found",
	} {
		resp, neg := get(t, "GET", srv.URL+neutral, "Accept-Language", "de")
		resp2, fixed := get(t, "GET", srv.URL+translated)
		if resp.StatusCode != 200 || resp2.StatusCode != 200 {
			t.Fatalf("GET %s: %d; GET %s: %d", neutral, resp.StatusCode, translated, resp2.StatusCode)
		}
		if neg != fixed || resp.Header.Get("Content-Language") != "de" || resp2.Header.Get("Content-Language") != "de" {
			t.Errorf("GET %s in German is not %s", neutral, translated)
		}
		if resp.Header.Get("ETag") != resp2.Header.Get("ETag") {
			t.Errorf("GET %s: ETag %s, %s has %s", neutral, resp.Header.Get("ETag"), translated, resp2.Header.Get("ETag"))
		}
		_, en := get(t, "GET", srv.URL+neutral)
		if en == neg {
			t.Errorf("GET %s: the same in English and German", neutral)
		}
	}
	// A cached English page is not served to a German reader: the ETags
	// differ per language, and a 304 still says what it varies on.
	resp, _ := get(t, "GET", srv.URL+neutral)
	etag := resp.Header.Get("ETag")
	resp, _ = get(t, "GET", srv.URL+neutral, "If-None-Match", etag, "Accept-Language", "de")
	if resp.StatusCode != 200 {
		t.Errorf("German reader with the English ETag: %d, want 200", resp.StatusCode)
	}
	resp, _ = get(t, "GET", srv.URL+neutral, "If-None-Match", etag, "Accept-Language", "en")
	if resp.StatusCode != 304 || !strings.Contains(resp.Header.Get("Vary"), "Accept-Language") {
		t.Errorf("English reader with the English ETag: %d, Vary %q", resp.StatusCode, resp.Header.Get("Vary"))
	}
	// An unknown path under a language directory is the catalog's
	// endpoint_not_found, in the request's language like every error.
	resp, body := get(t, "GET", srv.URL+"/docs/errors/de/no-such-code")
	if resp.StatusCode != 404 || !strings.Contains(body, `"endpoint_not_found"`) {
		t.Errorf("unknown page: %d %s", resp.StatusCode, body)
	}
}

// TestSingleLanguageDocsDoNotNegotiate: a catalog without translations is
// served as before: no Content-Language, no Vary, no language directory.
func TestSingleLanguageDocsDoNotNegotiate(t *testing.T) {
	cat := apierr.MustLoad([]byte("name: Shop\ndocs_url: /docs/errors/{slug}\ncodes:\n  out_of_stock: {status: 409, message: Gone.}\n"), "shop.yaml")
	srv := httptest.NewServer(docgen.Handler(cat))
	defer srv.Close()
	resp, body := get(t, "GET", srv.URL+"/docs/errors/out-of-stock", "Accept-Language", "de")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Language") != "" || resp.Header.Get("Vary") != "" {
		t.Errorf("status %d, Content-Language %q, Vary %q", resp.StatusCode, resp.Header.Get("Content-Language"), resp.Header.Get("Vary"))
	}
	if strings.Contains(body, "hreflang") || !strings.Contains(body, `<html lang="en">`) {
		t.Error("a single-language page links to translations")
	}
	if resp, _ := get(t, "GET", srv.URL+"/docs/errors/en/out-of-stock"); resp.StatusCode != 404 {
		t.Errorf("GET /docs/errors/en/out-of-stock: %d, want 404", resp.StatusCode)
	}
}

var hrefRE = regexp.MustCompile(`<a href="([^"#]*)(#[^"]*)?" hreflang="([^"]+)" lang="[^"]+"( aria-current="page")?>([^<]+)</a>`)

// TestFilesPerLanguage: `apierr docs` writes every page once per language
// under <docs path>/<lang>/, each page with <html lang>, hreflang
// alternates and a language switcher whose relative links land on the same
// code's page in that language, among the files written.
func TestFilesPerLanguage(t *testing.T) {
	cat := faxCatalog(t)
	files, err := docgen.Files(cat, "html")
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string][]byte{}
	for _, f := range files {
		byPath[f.Path] = f.Data
	}
	for _, want := range []string{"index.html", "llms.txt", "docs/errors/index.html", "docs/errors/insufficient-balance/index.html",
		"docs/errors/de/index.html", "docs/errors/de/insufficient-balance/index.html", "docs/errors/de/llms.txt",
		"docs/errors/fr/index.html", "docs/errors/fr/timeout/index.html", "docs/errors/en/insufficient-balance/index.html"} {
		if byPath[want] == nil {
			t.Errorf("%s not written", want)
		}
	}
	checked := 0
	for p, data := range byPath {
		if !strings.HasSuffix(p, ".html") {
			continue
		}
		lang := "en"
		for _, l := range []string{"de", "fr"} {
			if strings.HasPrefix(p, "docs/errors/"+l+"/") {
				lang = l
			}
		}
		if !bytes.Contains(data, []byte(`<html lang="`+lang+`">`)) {
			t.Errorf("%s: not <html lang=%q>", p, lang)
		}
		if n := bytes.Count(data, []byte(`<link rel="alternate" hreflang=`)); n != 4 {
			t.Errorf("%s: %d alternates, want en, de, fr and x-default", p, n)
		}
		links := hrefRE.FindAllSubmatch(data, -1)
		if len(links) != 3 {
			t.Fatalf("%s: %d language links, want 3", p, len(links))
		}
		slug := path.Base(path.Dir(p))
		for _, m := range links {
			target := path.Join(path.Dir(p), string(m[1]))
			other := byPath[target]
			if other == nil {
				t.Errorf("%s: the %s link %s goes to no file (%s)", p, m[3], m[1], target)
				continue
			}
			if !bytes.Contains(other, []byte(`<html lang="`+string(m[3])+`">`)) {
				t.Errorf("%s: the %s link lands on a page in another language", p, m[3])
			}
			if path.Base(path.Dir(target)) != slug && slug != "errors" && slug != "." && !isLang(slug) {
				t.Errorf("%s: the %s link leaves the code's page for %s", p, m[3], target)
			}
			if current := len(m[4]) > 0; current != (string(m[3]) == lang) {
				t.Errorf("%s: aria-current on %s", p, m[3])
			}
		}
		checked++
	}
	if checked < 3*22 {
		t.Errorf("checked %d pages", checked)
	}
	// The language-neutral pages are the base language's, the ones a
	// static host serves at the docs URLs.
	if !bytes.Contains(byPath["docs/errors/insufficient-balance/index.html"], []byte("Insufficient balance")) {
		t.Error("the language-neutral permalink is not in English")
	}
	md, err := docgen.Files(cat, "md")
	if err != nil {
		t.Fatal(err)
	}
	var mdPaths []string
	for _, f := range md {
		mdPaths = append(mdPaths, f.Path)
	}
	for _, want := range []string{"docs/errors/de/index.md", "docs/errors/de/insufficient-balance.md", "docs/errors/fr/llms.txt"} {
		if !strings.Contains(" "+strings.Join(mdPaths, " ")+" ", " "+want+" ") {
			t.Errorf("md: %s not written", want)
		}
	}
}

func isLang(s string) bool { return s == "en" || s == "de" || s == "fr" }

// TestLocalizedLayouts: each shape of docs_url puts its translations where
// the handler serves them, and the files match the served paths.
func TestLocalizedLayouts(t *testing.T) {
	for _, tt := range []struct {
		name, docsURL string
		files         []string
		served        []string
	}{
		{"slug", "https://shop.test/docs/errors/{slug}", []string{"docs/errors/de/index.html", "docs/errors/de/out-of-stock/index.html"},
			[]string{"/docs/errors/de/", "/docs/errors/de/out-of-stock", "/docs/errors/de/out-of-stock.md", "/docs/errors/de/llms.txt"}},
		{"extension", "/errors/{code}.html", []string{"errors/de/index.html", "errors/de/out_of_stock.html"},
			[]string{"/errors/de/", "/errors/de/out_of_stock.html", "/errors/de/out_of_stock.html.md"}},
		{"anchors", "https://shop.test/errors", []string{"de/errors/index.html"},
			[]string{"/de/errors", "/de/errors/", "/de/errors/index.md", "/de/llms.txt"}},
		{"root", "https://shop.test/{slug}", []string{"de/index.html", "de/out-of-stock/index.html"},
			[]string{"/de/", "/de/out-of-stock"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cat, err := apierr.Load([]byte("name: Shop\ndocs_url: "+tt.docsURL+"\ncodes:\n  out_of_stock: {status: 409, title: Out of stock, message: Gone.}\n"), "shop.yaml",
				apierr.WithTranslation([]byte("language: de\nname: Laden\ncodes:\n  out_of_stock: {title: Ausverkauft, message: Weg.}\n"), "shop.de.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			files, err := docgen.Files(cat, "html")
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, f := range files {
				got[f.Path] = true
			}
			for _, w := range tt.files {
				if !got[w] {
					t.Errorf("%s not written: %v", w, keys(got))
				}
			}
			srv := httptest.NewServer(docgen.Handler(cat))
			defer srv.Close()
			for _, p := range tt.served {
				resp, body := get(t, "GET", srv.URL+p)
				if resp.StatusCode != 200 || resp.Header.Get("Content-Language") != "de" {
					t.Errorf("GET %s: %d, Content-Language %q", p, resp.StatusCode, resp.Header.Get("Content-Language"))
				}
				if !strings.Contains(body, "Ausverkauft") && !strings.Contains(body, "Laden") {
					t.Errorf("GET %s: not German: %.200s", p, body)
				}
			}
		})
	}
}

// TestLanguageSlugClash: a code whose page would land on a language
// directory's is refused by Files with a message naming the file; the
// handler keeps the code's page at its docs URL.
func TestLanguageSlugClash(t *testing.T) {
	cat, err := apierr.Load([]byte("name: Shop\ndocs_url: /docs/{slug}\ncodes:\n  de: {status: 409, message: Gone.}\n"), "shop.yaml",
		apierr.WithTranslation([]byte("language: de\ncodes:\n  de: {message: Weg.}\n"), "shop.de.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := docgen.Files(cat, "html"); err == nil || !strings.Contains(err.Error(), "docs/de/index.html") {
		t.Errorf("Files = %v, want an error naming docs/de/index.html", err)
	}
	srv := httptest.NewServer(docgen.Handler(cat))
	defer srv.Close()
	resp, body := get(t, "GET", srv.URL+"/docs/de")
	if resp.StatusCode != 200 || !strings.Contains(body, `<main id="de">`) {
		t.Errorf("GET /docs/de: %d, not the code's page", resp.StatusCode)
	}
}

// TestTranslatedTextIsEscaped: a translation's words are catalog text like
// any other: they cannot inject markup into any language's pages.
func TestTranslatedTextIsEscaped(t *testing.T) {
	cat, err := apierr.Load([]byte("name: Shop\ncodes:\n  out_of_stock: {status: 409, title: Out, message: Gone.}\n"), "x.yaml",
		apierr.WithTranslation([]byte(`language: de
name: "<script>alert(1)</script>"
description: "<img src=x onerror=alert(1)>"
codes:
  out_of_stock:
    title: "\"><script>alert(3)</script>"
    message: "</pre><script>alert(2)</script>"
    docs: {when: "<b>bold</b>"}
`), "x.de.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := docgen.Files(cat, "html")
	if err != nil {
		t.Fatal(err)
	}
	pages := 0
	for _, f := range files {
		if !strings.HasSuffix(f.Path, ".html") {
			continue
		}
		pages++
		s := string(f.Data)
		if strings.Contains(s, "<script") || strings.Contains(s, "<img") || strings.Contains(s, "<b>") {
			t.Errorf("%s: translated text is not escaped", f.Path)
		}
	}
	if pages < 9 {
		t.Errorf("%d pages, want the reference and permalink in neutral, en and de", pages)
	}
}

// FuzzTranslatedDocs feeds translation files to the docs of a small
// catalog: whatever loads must give every language's pages, from Files
// (html and md) and from the handler, whose language-neutral permalink
// answers in a language the catalog speaks. The seed corpus is
// testdata/fuzz/FuzzTranslatedDocs.
func FuzzTranslatedDocs(f *testing.F) {
	const catalog = "name: Shop\ndocs_url: /docs/errors/{slug}\ncodes:\n" +
		"  out_of_stock: {status: 409, title: Out of stock, message: Gone., docs: {when: Always.}}\n" +
		"  card_declined: {status: 402, message: Declined., example: {message: No.}}\n"
	f.Fuzz(func(t *testing.T, data []byte) {
		cat, err := apierr.Load([]byte(catalog), "shop.yaml", apierr.WithTranslation(data, "translation.yaml"))
		if err != nil {
			return
		}
		for _, format := range []string{"html", "md"} {
			files, err := docgen.Files(cat, format)
			if err != nil {
				t.Fatal(err)
			}
			for _, lang := range cat.Languages() {
				want := "docs/errors/" + lang + "/out-of-stock/index.html"
				if format == "md" {
					want = "docs/errors/" + lang + "/out-of-stock.md"
				}
				found := false
				for _, f := range files {
					found = found || f.Path == want
				}
				if !found && len(cat.Languages()) > 1 {
					t.Fatalf("%s: %s not written", format, want)
				}
			}
		}
		h := docgen.Handler(cat)
		for _, lang := range append([]string{""}, cat.Languages()...) {
			req := httptest.NewRequest("GET", "/docs/errors/out-of-stock", nil)
			if lang != "" {
				req.Header.Set("Accept-Language", lang)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 {
				t.Fatalf("Accept-Language %q: %d", lang, rec.Code)
			}
			if len(cat.Languages()) > 1 && !slices.Contains(cat.Languages(), rec.Header().Get("Content-Language")) {
				t.Fatalf("Accept-Language %q: Content-Language %q", lang, rec.Header().Get("Content-Language"))
			}
		}
	})
}

// TestHandlerRedirectsAnUnknownLanguage: a page asked for in a language
// directory the docs do not have is sent to the language-neutral page
// (which answers in the nearest language); what is not a page after all
// stays the catalog's 404, and only GET and HEAD are redirected.
func TestHandlerRedirectsAnUnknownLanguage(t *testing.T) {
	srv := httptest.NewServer(docgen.Handler(faxCatalog(t)))
	defer srv.Close()
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/docs/errors/ja/insufficient-balance", "/docs/errors/insufficient-balance"},
		{"HEAD", "/docs/errors/pt-BR/insufficient-balance.md?x=1", "/docs/errors/insufficient-balance.md?x=1"},
		{"GET", "/docs/errors/ja/", "/docs/errors/"},
		{"GET", "/docs/errors/ja/no-such-code", ""},
		{"GET", "/docs/errors/notalanguage/insufficient-balance", ""},
		{"POST", "/docs/errors/ja/insufficient-balance", ""},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		switch {
		case tc.want != "" && (resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != tc.want):
			t.Errorf("%s %s: %d Location %q, want 302 to %s", tc.method, tc.path, resp.StatusCode, resp.Header.Get("Location"), tc.want)
		case tc.want == "" && resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed:
			t.Errorf("%s %s: %d, want the catalog's 404 or 405", tc.method, tc.path, resp.StatusCode)
		}
	}
}

// TestSpanishPages: a catalog translated to Spanish gets its reference, its
// Markdown and its llms.txt worded in Spanish around the translated codes,
// as German and French catalogs do.
func TestSpanishPages(t *testing.T) {
	cat, err := apierr.Load([]byte("name: Shop\ndocs_url: https://shop.test/docs/errors/{slug}\ncodes:\n  out_of_stock: {status: 409, title: Out of stock, message: Gone., action: wait}\n"), "shop.yaml",
		apierr.WithTranslation([]byte("language: es\nname: Tienda\ncodes:\n  out_of_stock: {title: Agotado, message: No queda.}\n"), "shop.es.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(docgen.Handler(cat))
	defer srv.Close()
	for path, want := range map[string][]string{
		"/docs/errors/es/":             {"Agotado", "Cuerpo del error", "Códigos de estado", "Descripción", "El código de error: estable"},
		"/docs/errors/es/out-of-stock": {"Agotado", "No queda.", "Reintentable", "Enlace permanente"},
		"/docs/errors/es/llms.txt":     {"Los errores son cuerpos", "Compare el código"},
	} {
		resp, body := get(t, "GET", srv.URL+path)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Language") != "es" {
			t.Errorf("GET %s: %d, Content-Language %q", path, resp.StatusCode, resp.Header.Get("Content-Language"))
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s: no %q in %.300s", path, w, body)
			}
		}
	}
}
