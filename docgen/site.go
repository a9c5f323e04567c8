package docgen

import (
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
func Files(cat *apierr.Catalog, format string) ([]File, error) {
	l := layoutOf(cat)
	p := newPage(cat)
	files := map[string][]byte{"llms.txt": LLMsTxt(cat)}
	switch format {
	case "html", "":
		ref := HTML(cat)
		files["index.html"] = ref
		files[file(l.referencePath(), ".html")] = ref
		refFile := file(l.referencePath(), ".html")
		for _, c := range p.all() {
			if c.Permalink != "" {
				page := file(c.Permalink, ".html")
				link := func(target string) string { return relLink(page, file(target, ".html")) }
				files[page] = permalinkHTML(p, c, relLink(page, refFile)+"#"+c.Slug, link)
			}
		}
	case "md", "markdown":
		ref := Markdown(cat)
		files["index.md"] = ref
		files[file(l.referencePath(), ".md")] = ref
		for _, c := range p.all() {
			if c.Permalink != "" {
				files[strings.TrimPrefix(c.Permalink, "/")+".md"] = codeMarkdown(p, c)
			}
		}
	default:
		return nil, fmt.Errorf("docgen: unknown docs format %q (html or md)", format)
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
