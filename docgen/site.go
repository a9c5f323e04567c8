package docgen

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/apierr/apierr"
)

// File is one generated file: a slash-separated path relative to the output
// directory, and its content.
type File struct {
	Path string
	Data []byte
}

// Files returns the docs site of cat in format "html" or "md", laid out as
// Handler serves it, so the directory can be served as is from the docs
// host's web root:
//
//	index.html                      the reference page
//	llms.txt                        the llms.txt index
//	<base>/index.html               the reference page again, at the docs path
//	<base>/<slug>/index.html        one permalink page per code
//
// where <base>/<slug> is the path of docs_url with {slug} (or {code})
// replaced; a docs_url whose last segment has an extension (…/{slug}.html)
// keeps it instead of becoming a directory. A docs_url without a placeholder
// names one page whose codes are anchors: no permalink pages are written.
// A catalog without docs_url uses /errors/{slug}. In "md", each .html
// becomes .md and a permalink page is <base>/<slug>.md (the page's URL with
// .md appended, as llms.txt suggests). Permalink pages link to each other
// and to the reference page with relative URLs naming the file itself
// (…/index.html), so the site works opened from disk as well as served. Files are sorted by path; the output is deterministic.
//
// A catalog with translations gets the same pages once more per language
// it speaks, base language included, under <base>/<lang>/ (see the layout
// in locale.go): <base>/de/index.html, <base>/de/<slug>/index.html,
// <base>/de/llms.txt, … The language-neutral pages are in the base
// language, since a static host cannot negotiate; every page links to its
// translations. Two pages that would land on one file (a code whose slug is
// a language tag) are an error.
func Files(cat *apierr.Catalog, format string) ([]File, error) {
	if format != "html" && format != "" && format != "md" && format != "markdown" {
		return nil, fmt.Errorf("docgen: unknown docs format %q (html or md)", format)
	}
	s := siteOf(cat)
	files := map[string][]byte{}
	var clash error
	put := func(path string, data []byte) {
		if old, ok := files[path]; ok && !bytes.Equal(old, data) && clash == nil {
			clash = fmt.Errorf("docgen: two pages would be written to %s: a code's slug is one of the catalog's languages (%s); rename the code or its slug", path, strings.Join(s.langs, ", "))
		}
		files[path] = data
	}
	sites := []string{""}
	if s.multilingual() {
		sites = append(sites, s.langs...)
	}
	for _, lang := range sites {
		view := s.in(lang)
		p := s.sitePage(view, lang)
		refServed := s.referencePath(lang)
		llms := llmsTxt(p)
		if lang == "" {
			put("llms.txt", llms)
		} else {
			put(strings.TrimPrefix(s.llmsPath(lang), "/"), llms)
		}
		refLinks := func(from string) langLinks {
			return s.links(p.T, view.Language(), s.referencePath, func(t string) string { return relLink(from, file(t, ".html")) })
		}
		switch format {
		case "html", "":
			refFile := file(refServed, ".html")
			put(refFile, referenceHTML(p, refLinks(refFile)))
			if lang == "" {
				put("index.html", referenceHTML(p, refLinks("index.html")))
			}
			for _, c := range p.all() {
				if c.Permalink == "" {
					continue
				}
				page := file(s.path(lang, c.Permalink), ".html")
				link := func(target string) string { return relLink(page, file(target, ".html")) }
				nav := func(target string) string { return link(s.path(lang, target)) }
				target := func(l string) string { return s.path(l, c.Permalink) }
				put(page, permalinkHTML(p, c, relLink(page, refFile)+"#"+c.Slug, nav,
					s.links(p.T, view.Language(), target, link)))
			}
		case "md", "markdown":
			ref := markdownPage(p, s.mdLinks(p, view.Language(), s.referencePath))
			put(file(refServed, ".md"), ref)
			if lang == "" {
				put("index.md", ref)
			}
			for _, c := range p.all() {
				if c.Permalink != "" {
					target := func(l string) string { return s.path(l, c.Permalink) }
					put(strings.TrimPrefix(s.path(lang, c.Permalink), "/")+".md", codeMarkdown(p, c, s.mdLinks(p, view.Language(), target)))
				}
			}
		}
	}
	if clash != nil {
		return nil, clash
	}
	out := make([]File, 0, len(files))
	for path, data := range files {
		out = append(out, File{Path: path, Data: data})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// relLink is the relative href from the file from to the file to, both
// slash-separated paths under the output directory.
func relLink(from, to string) string {
	rel, err := filepath.Rel(filepath.Dir(filepath.FromSlash(from)), filepath.FromSlash(to))
	if err != nil {
		return "/" + to // both are under one root; this cannot happen
	}
	return filepath.ToSlash(rel)
}
