package docgen

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/text/language"

	"github.com/apierr/apierr"
)

// resource is one page the handler serves.
type resource struct {
	data        []byte
	contentType string
	etag        string
	html        bool
	lang        string      // Content-Language, for a catalog with translations
	variants    []*resource // a language-neutral page: one per language, base first
}

// Handler serves cat's docs from memory, so the docs URL in every error body
// resolves on the API itself. It answers, for a docs_url whose path is
// /docs/errors/{slug}:
//
//	/docs/errors/ (and /docs/errors, /docs/errors/index.html)  the reference page
//	/docs/errors/index.md                                       the reference in Markdown
//	/docs/errors/<slug>                                         the code's permalink page
//	/docs/errors/<slug>.md                                      the code's page in Markdown
//	/llms.txt and /docs/errors/llms.txt                         the llms.txt index
//
// A docs_url without a placeholder serves the reference page at its path,
// with every code as an anchor. Mount the handler on those paths without
// stripping the prefix. Any other path is the catalog's endpoint-not-found
// error and any method but GET and HEAD its method-not-allowed error, both
// rendered by the catalog like every other error of the API. Pages carry an
// ETag and a Content-Security-Policy that allows nothing but their own
// stylesheet. The handler is safe for concurrent use.
//
// A catalog with translations is served in every language it speaks: each
// page above also under /docs/errors/<lang>/ (/docs/errors/de/<slug>,
// /docs/errors/de/index.md, /docs/errors/de/llms.txt …, the base language's
// too), sent with Content-Language. The language-neutral paths, which are
// the docs URLs in error bodies, answer in the language the request's
// Accept-Language prefers, as the API's errors do (the base language when
// it names none the catalog speaks), with Content-Language and
// Vary: Accept-Language. Every HTML page links to itself in each language.
// A docs_url without a placeholder (/errors) has its translations at
// /de/errors: mount those paths too.
//
// Options apply to the reference page (WithOperations).
func Handler(cat *apierr.Catalog, opts ...Option) http.Handler {
	s := siteOf(cat, opts...)
	h := &handler{cat: s.root(), pages: map[string]*resource{}, langs: map[string]int{}}
	for i, l := range s.langs {
		h.langs[l] = i
	}
	const (
		htmlType = "text/html; charset=utf-8"
		mdType   = "text/markdown; charset=utf-8"
		textType = "text/plain; charset=utf-8"
	)
	// pages collects what each path serves, per site: "" is the
	// language-neutral site, which negotiates when there are languages.
	type sitePages map[string]*resource
	build := func(lang string) sitePages {
		out := sitePages{}
		contentLang := lang
		if s.multilingual() && lang == "" {
			contentLang = s.langs[0]
		}
		add := func(path string, data []byte, contentType string) {
			if _, ok := out[path]; ok {
				return
			}
			sum := sha256.Sum256(data)
			out[path] = &resource{data: data, contentType: contentType, lang: contentLang,
				etag: `"` + hex.EncodeToString(sum[:12]) + `"`, html: strings.HasPrefix(contentType, "text/html")}
		}
		view := s.in(lang)
		p := s.sitePage(view, lang)
		base := s.referencePath(lang)
		ref := referenceHTML(p, s.links(p.T, view.Language(), s.referencePath, servedLink))
		md := markdownPage(p, s.mdLinks(p, view.Language(), s.referencePath))
		add(base, ref, htmlType)
		if b := strings.TrimSuffix(base, "/"); b != "" {
			add(b, ref, htmlType)
			add(b+"/", ref, htmlType)
			add(b+"/index.html", ref, htmlType)
			add(b+"/index.md", md, mdType)
		} else {
			add("/index.html", ref, htmlType)
			add("/index.md", md, mdType)
		}
		llms := llmsTxt(p)
		if lang == "" {
			add("/llms.txt", llms, textType)
			add(strings.TrimSuffix(base, "/")+"/llms.txt", llms, textType)
		} else {
			add(s.llmsPath(lang), llms, textType)
		}
		for _, c := range p.all() {
			if c.Permalink == "" {
				continue
			}
			served := s.path(lang, c.Permalink)
			target := func(l string) string { return s.path(l, c.Permalink) }
			nav := func(t string) string { return s.path(lang, t) }
			page := permalinkHTML(p, c, base+"#"+c.Slug, nav, s.links(p.T, view.Language(), target, servedLink))
			add(served, page, htmlType)
			if !strings.HasSuffix(served, "/") && s.suffix == "" {
				add(served+"/", page, htmlType)
			}
			add(strings.TrimSuffix(served, "/")+".md", codeMarkdown(p, c, s.mdLinks(p, view.Language(), target)), mdType)
		}
		return out
	}
	neutral := build("")
	if !s.multilingual() {
		for path, r := range neutral {
			r.lang = ""
			h.pages[path] = r
		}
		return h
	}
	// The language-neutral pages first, so that a code whose slug is a
	// language tag keeps its page at its docs URL.
	perLang := make([]sitePages, len(s.langs))
	for i, l := range s.langs {
		perLang[i] = build(l)
	}
	h.multilingual = true
	for path, r := range neutral {
		v := make([]*resource, len(s.langs))
		v[0] = r
		for i := 1; i < len(s.langs); i++ {
			// The same page in language i is at its own path there.
			v[i] = perLang[i][s.translatedPath(path, s.langs[i])]
			if v[i] == nil {
				v[i] = r
			}
		}
		h.pages[path] = &resource{variants: v}
	}
	for _, pages := range perLang {
		for path, r := range pages {
			if _, ok := h.pages[path]; !ok {
				h.pages[path] = r
			}
		}
	}
	return h
}

type handler struct {
	cat   *apierr.Catalog
	pages map[string]*resource
	langs map[string]int // language tag → index in a resource's variants

	multilingual bool // the pages have language directories
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	res := h.pages[r.URL.Path]
	if res == nil {
		if to := h.otherLanguage(r.URL.Path); to != "" && h.multilingual && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			// A page asked for in a language the docs are not written
			// in (/docs/errors/ja/insufficient-balance): the
			// language-neutral page, which answers in the nearest one.
			// Docs in one language have no language directories at all.
			if r.URL.RawQuery != "" {
				to += "?" + r.URL.RawQuery
			}
			hd := w.Header()
			hd.Set("Location", to)
			hd.Set("Cache-Control", "no-cache")
			w.WriteHeader(http.StatusFound)
			return
		}
		h.cat.Write(w, r, apierr.Cond(apierr.CondEndpointNotFound))
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.cat.Write(w, r, apierr.Cond(apierr.CondMethodNotAllowed).WithHeader("Allow", "GET, HEAD"))
		return
	}
	hd := w.Header()
	if res.variants != nil {
		// A language-neutral page: the language the API's errors would
		// be in for this request.
		hd.Add("Vary", "Accept-Language")
		res = res.variants[h.langs[h.cat.ForAcceptLanguage(r.Header.Get("Accept-Language")).Language()]]
	}
	if res.lang != "" {
		hd.Set("Content-Language", res.lang)
	}
	hd.Set("Content-Type", res.contentType)
	hd.Set("ETag", res.etag)
	hd.Set("Cache-Control", "no-cache")
	hd.Set("X-Content-Type-Options", "nosniff")
	if res.html {
		hd.Set("Content-Security-Policy", contentSecurityPolicy)
		hd.Set("Referrer-Policy", "no-referrer")
	}
	// Written by hand rather than with http.ServeContent, whose range and
	// precondition failures are plain text, never a catalog error.
	if etagMatch(r.Header.Get("If-None-Match"), res.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hd.Set("Content-Length", strconv.Itoa(len(res.data)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(res.data)
	}
}

// otherLanguage returns the page p names once one path segment that is a
// language tag (BCP 47, known to the registry) is taken out of it: p is
// that page in a language directory that does not exist. "" when there is
// none.
func (h *handler) otherLanguage(p string) string {
	for i := 0; i < len(p); {
		j := strings.IndexByte(p[i+1:], '/')
		if j < 0 {
			return ""
		}
		seg := p[i+1 : i+1+j]
		if len(seg) >= 2 && len(seg) <= 35 {
			if _, err := language.Parse(seg); err == nil {
				to := p[:i+1] + p[i+1+j+1:]
				if h.pages[to] != nil {
					return to
				}
			}
		}
		i += 1 + j
	}
	return ""
}

// etagMatch reports whether an If-None-Match value matches etag (weak
// comparison, as RFC 9110 §13.1.2 asks).
func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// BasePath returns the path under which Handler serves cat's docs: the
// directory of docs_url's path ("/docs/errors/" for
// https://mintfax.com/docs/errors/{slug}), or the page's own path when
// docs_url has no placeholder. Mount the handler there and at /llms.txt:
//
//	docs := docgen.Handler(cat)
//	mux.Handle(docgen.BasePath(cat), docs)
//	mux.Handle("/llms.txt", docs)
func BasePath(cat *apierr.Catalog) string { return layoutOf(cat).referencePath() }
