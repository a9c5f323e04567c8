package docgen

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"github.com/apierr/apierr"
)

// resource is one page the handler serves.
type resource struct {
	data        []byte
	contentType string
	etag        string
	html        bool
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
func Handler(cat *apierr.Catalog) http.Handler {
	h := &handler{cat: cat, pages: map[string]*resource{}}
	l := layoutOf(cat)
	p := newPage(cat)
	add := func(path string, data []byte, contentType string) {
		if _, ok := h.pages[path]; ok {
			return
		}
		sum := sha256.Sum256(data)
		h.pages[path] = &resource{data: data, contentType: contentType,
			etag: `"` + hex.EncodeToString(sum[:12]) + `"`, html: strings.HasPrefix(contentType, "text/html")}
	}
	const (
		htmlType = "text/html; charset=utf-8"
		mdType   = "text/markdown; charset=utf-8"
		textType = "text/plain; charset=utf-8"
	)
	ref := HTML(cat)
	base := l.referencePath()
	add(base, ref, htmlType)
	if b := strings.TrimSuffix(base, "/"); b != "" {
		add(b, ref, htmlType)
		add(b+"/", ref, htmlType)
		add(b+"/index.html", ref, htmlType)
		add(b+"/index.md", Markdown(cat), mdType)
	} else {
		add("/index.html", ref, htmlType)
		add("/index.md", Markdown(cat), mdType)
	}
	llms := LLMsTxt(cat)
	add("/llms.txt", llms, textType)
	add(strings.TrimSuffix(base, "/")+"/llms.txt", llms, textType)
	for _, c := range p.all() {
		if c.Permalink == "" {
			continue
		}
		page := permalinkHTML(p, c, base+"#"+c.Slug, servedLink)
		add(c.Permalink, page, htmlType)
		if !strings.HasSuffix(c.Permalink, "/") && l.suffix == "" {
			add(c.Permalink+"/", page, htmlType)
		}
		add(strings.TrimSuffix(c.Permalink, "/")+".md", codeMarkdown(p, c), mdType)
	}
	return h
}

type handler struct {
	cat   *apierr.Catalog
	pages map[string]*resource
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	res := h.pages[r.URL.Path]
	if res == nil {
		h.cat.Write(w, r, apierr.Cond(apierr.CondEndpointNotFound))
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.cat.Write(w, r, apierr.Cond(apierr.CondMethodNotAllowed).WithHeader("Allow", "GET, HEAD"))
		return
	}
	hd := w.Header()
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
