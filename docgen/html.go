package docgen

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"html/template"
	"strings"

	"github.com/apierr/apierr"
)

//go:embed style.css
var styleCSS string

// styleHash is the CSP hash of the inline stylesheet: the pages need no
// other source, so the handler can forbid everything else.
var styleHash = func() string {
	sum := sha256.Sum256([]byte(styleCSS))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

// contentSecurityPolicy is sent with every HTML page: no script, no remote
// asset, only the page's own stylesheet.
var contentSecurityPolicy = "default-src 'none'; style-src " + styleHash + "; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

var funcs = template.FuncMap{
	"css":   func() template.CSS { return template.CSS(styleCSS) },
	"lower": strings.ToLower,
	// raw marks a sentence of uiText as HTML: they are this package's
	// constants, written as they must appear (the English has apostrophes
	// that escaping would turn into &#39;, which the golden files do not).
	"raw": func(s string) template.HTML { return template.HTML(s) },
	"head": func(title, lang string, links langLinks) headData {
		return headData{Title: title, Lang: lang, Links: links}
	},
}

// headData is what the head of every page shows.
type headData struct {
	Title, Lang string
	Links       langLinks
}

// langLinks are a page's links to itself in the catalog's other
// languages: <link rel="alternate" hreflang> in the head and the visible
// language switcher. A catalog with one language has none, and its pages
// are as they were before translations existed.
type langLinks struct {
	T        *uiText
	Alts     []alternate
	XDefault string // the page's language-neutral URL, which negotiates (hreflang="x-default")
}

// alternate is the same page in one language.
type alternate struct {
	Lang    string // BCP 47 tag
	Name    string // the language's name in itself, e.g. Deutsch
	Href    string // the switcher's link, as the page links to its neighbours
	Abs     string // the head's link: absolute when docs_url is
	Current bool   // the page's own language
}

var htmlTemplates = template.Must(template.New("html").Funcs(funcs).Parse(`
{{- define "head" -}}
<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
{{- range .Links.Alts}}
<link rel="alternate" hreflang="{{.Lang}}" href="{{.Abs}}">
{{- end}}
{{- if .Links.XDefault}}
<link rel="alternate" hreflang="x-default" href="{{.Links.XDefault}}">
{{- end}}
<title>{{.Title}}</title>
<style>{{css}}</style>
</head>
{{- end}}

{{- define "langs" -}}
{{- if .Alts}}
<h2>{{.T.Language}}</h2>
<ul aria-label="{{.T.Languages}}">
{{- range .Alts}}
<li><a href="{{.Href}}" hreflang="{{.Lang}}" lang="{{.Lang}}"{{if .Current}} aria-current="page"{{end}}>{{.Name}}</a></li>
{{- end}}
</ul>
{{- end}}
{{- end}}

{{- define "facts" -}}
<dl class="facts">
<div><dt>{{.T.HTTPStatus}}</dt><dd>{{.Status}} {{.StatusText}}</dd></div>
{{- if .Action}}
<div><dt>{{.T.Action}}</dt><dd><code>{{.Action}}</code></dd></div>
{{- end}}
<div><dt>{{.T.Retryable}}</dt><dd>{{if .Retryable}}<span class="yes">{{.T.Yes}}</span>{{else}}<span class="no">{{.T.No}}</span>{{end}}</dd></div>
{{- if .Condition}}
<div><dt>{{.T.Condition}}</dt><dd>{{.Condition}}</dd></div>
{{- end}}
</dl>
<p>{{.Message}}</p>
{{- if .When}}
<h4>{{.T.When}}</h4>
<p>{{.When}}</p>
{{- end}}
{{- if .Cause}}
<h4>{{.T.Cause}}</h4>
<p>{{.Cause}}</p>
{{- end}}
{{- if .Next}}
<h4>{{.T.Next}}</h4>
<p>{{.Next}}</p>
{{- end}}
{{- if .Context}}
<h4>{{.T.Context}}</h4>
<table>
<thead><tr><th>{{.T.Key}}</th><th>{{.T.Type}}</th><th>{{.T.Desc}}</th></tr></thead>
<tbody>
{{- range .Context}}
<tr><td><code>{{.Name}}</code></td><td>{{if .Type}}{{.Type}}{{else}}{{$.T.Any}}{{end}}</td><td>{{.Description}}</td></tr>
{{- end}}
</tbody>
</table>
{{- end}}
<h4>{{.T.Example}} <span class="tag">{{.ContentType}}</span></h4>
<pre><code>{{.Example}}</code></pre>
{{- end}}

{{- define "section" -}}
<section class="code" id="{{.Slug}}">
<h3><a class="anchor" href="#{{.Slug}}" aria-label="{{printf .T.LinkTo .ID}}">#</a><code>{{.ID}}</code> {{.Title}}</h3>
{{template "facts" .}}
{{- if .Docs}}
<p class="permalink">{{.T.Permalink}} <a href="{{.Docs}}">{{.Docs}}</a></p>
{{- end}}
</section>
{{- end}}

{{- define "navlist" -}}
<ul>
{{- range .}}
<li><a href="#{{.Slug}}"><code>{{.ID}}</code></a><span class="status">{{.Status}}</span></li>
{{- end}}
</ul>
{{- end}}

{{- define "reference" -}}
{{template "head" (head (printf .T.Errors .Name) .Lang .Links)}}
<body>
<nav aria-label="{{.T.Contents}}">
<p class="brand"><a href="#_top">{{printf .T.Errors .Name}}</a></p>
<ul>
<li><a href="#_body">{{.T.ErrorBody}}</a></li>
<li><a href="#_statuses">{{.T.Statuses}}</a></li>
{{- if .Endpoints}}
<li><a href="#_endpoints">{{.T.ByEndpoint}}</a></li>
{{- end}}
</ul>
{{- template "langs" .Links}}
<h2>{{.T.Codes}}</h2>
{{template "navlist" .Codes}}
{{- if .Builtins}}
<h2>{{.T.Builtins}}</h2>
{{template "navlist" .Builtins}}
{{- end}}
</nav>
<main id="_top">
<h1>{{printf .T.Errors .Name}}</h1>
{{- if .Description}}
<p class="lead">{{.Description}}</p>
{{- end}}
<section id="_body">
<h2>{{.T.ErrorBody}}</h2>
<p>{{raw .T.BodyIs}}<code>{{.ContentType}}</code>{{raw .T.BodySent}}{{if .RequestID}}{{raw .T.BodyRID}}<code>{{.RequestID}}</code>{{raw .T.BodyRIDEnd}}{{end}}.{{if .Others}}{{raw .T.Send}}<code>Accept: {{index .Others 0}}</code>{{raw .T.ToGet}}{{if eq (index .Others 0) "application/problem+json"}}{{raw .T.Problem}}{{else}}{{raw .T.ThatFormat}}{{end}}{{raw .T.Instead}}{{end}}{{raw .T.MatchCode}}</p>
{{- if .Members}}
<table>
<thead><tr><th>{{.T.Member}}</th><th>{{.T.Type}}</th><th>{{.T.Desc}}</th></tr></thead>
<tbody>
{{- range .Members}}
<tr><td><code>{{.Name}}</code></td><td>{{.Type}}</td><td>{{.Description}}</td></tr>
{{- end}}
</tbody>
</table>
{{- else}}
<p>{{raw .T.OwnFormat}}<code>{{.Format}}</code>{{raw .T.OwnFormatEnd}}</p>
{{- end}}
</section>
<section id="_statuses">
<h2>{{.T.Statuses}}</h2>
<table>
<thead><tr><th>{{.T.Status}}</th><th>{{.T.Meaning}}</th><th>{{.T.Codes}}</th></tr></thead>
<tbody>
{{- range .Statuses}}
<tr><td>{{.Status}}</td><td>{{.Text}}</td><td>{{range $i, $c := .Codes}}{{if $i}}, {{end}}<a href="#{{$c.Slug}}"><code>{{$c.ID}}</code></a>{{end}}</td></tr>
{{- end}}
</tbody>
</table>
</section>
{{- if .Endpoints}}
<section id="_endpoints">
<h2>{{.T.ByEndpoint}}</h2>
{{- $t := .T}}
{{- range .Endpoints}}
<section id="{{.Anchor}}">
<h3><code>{{.Name}}</code>{{if .ID}} <small>{{$t.OperationID}} <code>{{.ID}}</code></small>{{end}}</h3>
{{- if .Codes}}
<table>
<thead><tr><th>{{$t.Status}}</th><th>{{$t.CodeCol}}</th><th>{{$t.CodeTitle}}</th></tr></thead>
<tbody>
{{- range .Codes}}
<tr><td>{{.Status}}</td><td><a href="#{{.Slug}}"><code>{{.ID}}</code></a></td><td>{{.Title}}</td></tr>
{{- end}}
</tbody>
</table>
{{- else}}
<p>{{$t.NoErrors}}</p>
{{- end}}
</section>
{{- end}}
</section>
{{- end}}
<section id="_codes">
<h2>{{.T.Codes}}</h2>
{{- range .Codes}}
{{template "section" .}}
{{- end}}
</section>
{{- if .Builtins}}
<section id="_builtins">
<h2>{{.T.Builtins}}</h2>
<p>{{raw .T.BuiltinsIntro}}</p>
{{- range .Builtins}}
{{template "section" .}}
{{- end}}
</section>
{{- end}}
</main>
</body>
</html>
{{end}}

{{- define "permalink" -}}
{{template "head" (head (printf "%s — %s" .Code.ID (printf .T.Errors .Name)) .Lang .Links)}}
<body>
<nav aria-label="{{.T.Contents}}">
<p class="brand"><a href="{{.Back}}">{{printf .T.Errors .Name}}</a></p>
<ul>
<li><a href="{{.Back}}">{{.T.AllCodes}}</a></li>
</ul>
{{- template "langs" .Links}}
<h2>{{.T.Codes}}</h2>
<ul>
{{- range .All}}
<li><a href="{{call $.Link .Permalink}}"{{if eq .ID $.Code.ID}} aria-current="page"{{end}}><code>{{.ID}}</code></a><span class="status">{{.Status}}</span></li>
{{- end}}
</ul>
</nav>
<main id="{{.Code.Slug}}">
<h1><code>{{.Code.ID}}</code> {{.Code.Title}}</h1>
{{template "facts" .Code}}
{{- if .Code.Docs}}
<p class="permalink">{{.T.Permalink}} <a href="{{.Code.Docs}}">{{.Code.Docs}}</a></p>
{{- end}}
</main>
</body>
</html>
{{end}}
`))

// HTML returns the reference page of cat: one self-contained HTML document
// (inline stylesheet, no script, no remote asset) with a navigation list,
// the body's members, a status summary and one section per code, anchored
// by its slug. It is in cat's language (cat.Language()): a view returned by
// cat.Localized gives the page in that language. When the catalog speaks
// more than one language the page links to itself in each of them (see
// Files for where those pages live), with the links Handler serves.
//
// When the catalog declares operations (or WithOperations gives them), a
// section per endpoint lists the errors it returns, each linked to its
// code's entry.
func HTML(cat *apierr.Catalog, opts ...Option) []byte {
	s := siteOf(cat, opts...)
	p := s.sitePage(cat, s.siteLang(cat))
	return referenceHTML(p, s.links(p.T, cat.Language(), s.referencePath, servedLink))
}

// referenceHTML is the reference page p with its language links.
func referenceHTML(p *page, links langLinks) []byte {
	return renderHTML("reference", struct {
		*page
		Links langLinks
	}{p, links})
}

// permalinkHTML is the page of one code. link maps another page's served
// path to the href this page uses for it; back is the reference page's href.
func permalinkHTML(p *page, c *codeDoc, back string, link func(string) string, links langLinks) []byte {
	return renderHTML("permalink", struct {
		Name  string
		Lang  string
		T     *uiText
		Code  *codeDoc
		Back  string
		All   []*codeDoc
		Link  func(string) string
		Links langLinks
	}{p.Name, p.Lang, p.T, c, back, p.all(), link, links})
}

// servedLink is the href of a served path on pages the API serves itself
// (docgen.Handler): the path as it is, root-relative.
func servedLink(target string) string { return target }

func renderHTML(name string, data any) []byte {
	var b bytes.Buffer
	if err := htmlTemplates.ExecuteTemplate(&b, name, data); err != nil {
		// The templates are fixed and the data is plain strings: a failure
		// here is a bug in this package.
		panic("docgen: " + err.Error())
	}
	return b.Bytes()
}
