package docgen

import (
	"strings"

	"github.com/apierr/apierr"
)

// A catalog with translations (apierr.Catalog.Languages) gets its docs in
// every language it speaks. The pages of one language live under a
// directory named by its tag inside the docs path; the language-neutral
// paths, which are the docs URLs in error bodies, stay where they were:
//
//	/docs/errors/                          the reference page (negotiated when served)
//	/docs/errors/insufficient-balance      a permalink page (negotiated when served)
//	/docs/errors/de/                       the reference page in German
//	/docs/errors/de/insufficient-balance   the permalink page in German
//	/docs/errors/en/insufficient-balance   … and in the base language, so a
//	                                       reader can always pick it
//
// Handler answers a language-neutral path in the language the request's
// Accept-Language prefers (falling back to the catalog's base language),
// with Content-Language and Vary: Accept-Language; a static host cannot
// negotiate, so Files writes the base language there. Every page links to
// itself in each language twice: <link rel="alternate" hreflang> in its
// head (with x-default naming the language-neutral path) and a visible
// language switcher in its navigation. A catalog with one language has no
// language directories, and its pages are byte for byte what they were
// before translations existed.

// site is where a catalog's docs live, per language.
type site struct {
	layout
	langs []string // the catalog's languages, base first; one means no language directories
	cat   *apierr.Catalog
	opts  options
}

func siteOf(cat *apierr.Catalog, opts ...Option) site {
	return site{layout: layoutOf(cat), langs: cat.Languages(), cat: cat, opts: newOptions(opts)}
}

// multilingual reports whether the catalog has translations.
func (s site) multilingual() bool { return len(s.langs) > 1 }

// root is the catalog in its base language.
func (s site) root() *apierr.Catalog {
	if !s.multilingual() {
		return s.cat
	}
	if c, ok := s.cat.Localized(s.langs[0]); ok {
		return c
	}
	return s.cat
}

// in returns the catalog in language lang ("" for the base language).
func (s site) in(lang string) *apierr.Catalog {
	if lang == "" {
		return s.root()
	}
	if c, ok := s.cat.Localized(lang); ok {
		return c
	}
	return s.root()
}

// siteLang is the language directory the pages of cat belong to: "" for a
// catalog in its base language, its language for a translated view.
func (s site) siteLang(cat *apierr.Catalog) string {
	if !s.multilingual() || cat.Language() == s.langs[0] {
		return ""
	}
	return cat.Language()
}

// path returns the served path of the page at the language-neutral path p
// in language lang; "" leaves p as it is.
func (s site) path(lang, p string) string {
	if lang == "" || p == "" {
		return p
	}
	if !s.anchors && strings.HasPrefix(p, s.base) {
		return s.base + lang + "/" + p[len(s.base):]
	}
	// One page of anchors (/errors): its translations are its siblings'
	// (/de/errors, /de/errors/index.md).
	i := strings.LastIndexByte(s.base, '/')
	if !strings.HasPrefix(p, s.base) {
		i = strings.LastIndexByte(p, '/')
	}
	return p[:i+1] + lang + "/" + p[i+1:]
}

// referencePath is the reference page's served path in lang.
func (s site) referencePath(lang string) string { return s.path(lang, s.layout.referencePath()) }

// url is the link to a served path outside any page: absolute when docs_url
// is, else the path itself.
func (s site) url(p string) string { return s.origin + p }

// links returns a page's language links: target gives the page's served
// path in a language ("" for the language-neutral one), link turns a
// served path into the href the page uses. It is empty for a catalog with
// one language.
func (s site) links(t *uiText, current string, target func(lang string) string, link func(string) string) langLinks {
	out := langLinks{T: t}
	if !s.multilingual() {
		return out
	}
	for _, l := range s.langs {
		p := target(l)
		abs := link(p)
		if s.origin != "" {
			abs = s.url(p)
		}
		out.Alts = append(out.Alts, alternate{Lang: l, Name: languageName(l), Href: link(p), Abs: abs, Current: l == current})
	}
	out.XDefault = link(target(""))
	if s.origin != "" {
		out.XDefault = s.url(target(""))
	}
	return out
}

// sitePage is newPage for the pages of language directory lang: the
// reference link and each code's link point into that directory.
func (s site) sitePage(cat *apierr.Catalog, lang string) *page {
	p := newPage(cat)
	if s.opts.opsSet {
		p.Endpoints = nil
		p.endpoints(s.opts.ops)
	}
	if lang == "" {
		return p
	}
	p.Reference = s.url(s.referencePath(lang))
	for _, c := range p.all() {
		if c.Permalink != "" {
			c.Link = s.url(s.path(lang, c.Permalink))
		} else {
			c.Link = p.Reference + "#" + c.Slug
		}
	}
	return p
}

// llmsPath is where the llms.txt of language directory lang is served:
// beside its reference page.
func (s site) llmsPath(lang string) string {
	ref := s.referencePath(lang)
	return ref[:strings.LastIndexByte(ref, '/')+1] + "llms.txt"
}

// mdLinks is the language line of a Markdown page: the page in each
// language, linked as the Markdown pages link (absolute when docs_url is).
func (s site) mdLinks(p *page, current string, target func(lang string) string) langLinks {
	return s.links(p.T, current, target, s.url)
}

// translatedPath is the path in language lang of the language-neutral
// served path p: the page itself, or one of its aliases (/docs/errors,
// /docs/errors/index.md, <slug>/, <slug>.md, /llms.txt …).
func (s site) translatedPath(p, lang string) string {
	ref := s.layout.referencePath()
	switch {
	case p == "/llms.txt" || p == strings.TrimSuffix(ref, "/")+"/llms.txt":
		return s.llmsPath(lang)
	case p == strings.TrimSuffix(ref, "/") && ref != "/":
		return strings.TrimSuffix(s.referencePath(lang), "/")
	}
	return s.path(lang, p)
}
