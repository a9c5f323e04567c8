package docgen

import (
	"net/url"
	"path"
	"strings"

	"github.com/apierr/apierr"
)

// layout is where a catalog's docs live, read from the path of its docs_url:
//
//	https://mintfax.com/docs/errors/{slug}  prefix "/docs/errors/", one page per code
//	/errors/{code}.html                    prefix "/errors/", suffix ".html", keyed by id
//	https://example.com/errors             no placeholder: one page, codes as anchors
//	(no docs_url)                          as "/errors/{slug}"
type layout struct {
	origin  string // scheme://host of an absolute docs_url, else ""
	prefix  string // path before the placeholder
	suffix  string // path after the placeholder
	byCode  bool   // the placeholder is {code}, not {slug}
	anchors bool   // no placeholder: every code is an anchor on the reference page
	base    string // path of the reference page, ending in "/" unless anchors
}

func layoutOf(cat *apierr.Catalog) layout {
	tmpl := cat.DocsURL()
	if tmpl == "" {
		tmpl = "/errors/{slug}"
	}
	var l layout
	l.byCode = !strings.Contains(tmpl, "{slug}") && strings.Contains(tmpl, "{code}")
	t := strings.NewReplacer("{slug}", "MARKERx0", "{code}", "MARKERx0").Replace(tmpl)
	u, err := url.Parse(t)
	if err != nil {
		u = &url.URL{Path: "/errors/MARKERx0"}
	}
	if u.Scheme != "" && u.Host != "" {
		l.origin = u.Scheme + "://" + u.Host
	}
	p := u.Path
	if p == "" {
		p = "/"
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if i := strings.Index(p, "MARKERx0"); i >= 0 {
		l.prefix, l.suffix = p[:i], p[i+len("MARKERx0"):]
		l.suffix = strings.ReplaceAll(l.suffix, "MARKERx0", "")
		l.base = l.prefix[:strings.LastIndex(l.prefix, "/")+1]
	} else {
		l.anchors = true
		l.base = p
	}
	return l
}

// permalink returns the path of code's page ("" in anchors mode).
func (l layout) permalink(cat *apierr.Catalog, c *apierr.Code) string {
	if l.anchors {
		return ""
	}
	return l.prefix + l.key(cat, c) + l.suffix
}

func (l layout) key(cat *apierr.Catalog, c *apierr.Code) string {
	if l.byCode {
		return c.ID
	}
	return cat.Slug().Apply(c.ID)
}

// referencePath is where the reference page is served.
func (l layout) referencePath() string { return l.base }

// reference returns the link to the reference page, absolute when docs_url is.
func (l layout) reference() string { return l.origin + l.base }

// file maps a served path to a file path under the output directory: a path
// without an extension becomes a directory with an index file.
func file(p, ext string) string {
	p = strings.TrimPrefix(p, "/")
	switch path.Ext(p) {
	case ".html", ".htm", ".md", ".txt":
		if !strings.HasSuffix(p, "/") {
			return p
		}
	}
	{
		return path.Join(p, "index"+ext)
	}
}
