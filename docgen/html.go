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
}

var htmlTemplates = template.Must(template.New("html").Funcs(funcs).Parse(`
{{- define "head" -}}
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<title>{{.}}</title>
<style>{{css}}</style>
</head>
{{- end}}

{{- define "facts" -}}
<dl class="facts">
<div><dt>HTTP status</dt><dd>{{.Status}} {{.StatusText}}</dd></div>
{{- if .Action}}
<div><dt>Action</dt><dd><code>{{.Action}}</code></dd></div>
{{- end}}
<div><dt>Retryable</dt><dd>{{if .Retryable}}<span class="yes">yes</span>{{else}}<span class="no">no</span>{{end}}</dd></div>
{{- if .Condition}}
<div><dt>Condition</dt><dd>{{.Condition}}</dd></div>
{{- end}}
</dl>
<p>{{.Message}}</p>
{{- if .When}}
<h4>When it fires</h4>
<p>{{.When}}</p>
{{- end}}
{{- if .Cause}}
<h4>What caused it</h4>
<p>{{.Cause}}</p>
{{- end}}
{{- if .Next}}
<h4>Next step</h4>
<p>{{.Next}}</p>
{{- end}}
{{- if .Context}}
<h4>Context</h4>
<table>
<thead><tr><th>Key</th><th>Type</th><th>Description</th></tr></thead>
<tbody>
{{- range .Context}}
<tr><td><code>{{.Name}}</code></td><td>{{if .Type}}{{.Type}}{{else}}any{{end}}</td><td>{{.Description}}</td></tr>
{{- end}}
</tbody>
</table>
{{- end}}
<h4>Example body <span class="tag">{{.ContentType}}</span></h4>
<pre><code>{{.Example}}</code></pre>
{{- end}}

{{- define "section" -}}
<section class="code" id="{{.Slug}}">
<h3><a class="anchor" href="#{{.Slug}}" aria-label="Link to {{.ID}}">#</a><code>{{.ID}}</code> {{.Title}}</h3>
{{template "facts" .}}
{{- if .Docs}}
<p class="permalink">Permalink: <a href="{{.Docs}}">{{.Docs}}</a></p>
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
{{template "head" (printf "%s errors" .Name)}}
<body>
<nav aria-label="Contents">
<p class="brand"><a href="#_top">{{.Name}} errors</a></p>
<ul>
<li><a href="#_body">Error body</a></li>
<li><a href="#_statuses">Status codes</a></li>
</ul>
<h2>Codes</h2>
{{template "navlist" .Codes}}
{{- if .Builtins}}
<h2>Built-in errors</h2>
{{template "navlist" .Builtins}}
{{- end}}
</nav>
<main id="_top">
<h1>{{.Name}} errors</h1>
{{- if .Description}}
<p class="lead">{{.Description}}</p>
{{- end}}
<section id="_body">
<h2>Error body</h2>
<p>Every error body is <code>{{.ContentType}}</code>, sent with the HTTP status of its code{{if .RequestID}} and the request ID in the <code>{{.RequestID}}</code> header{{end}}.{{if .Others}} Send <code>Accept: {{index .Others 0}}</code> to get {{if eq (index .Others 0) "application/problem+json"}}RFC 9457 problem details{{else}}that format{{end}} instead.{{end}} Match on the code, never on the message.</p>
{{- if .Members}}
<table>
<thead><tr><th>Member</th><th>Type</th><th>Description</th></tr></thead>
<tbody>
{{- range .Members}}
<tr><td><code>{{.Name}}</code></td><td>{{.Type}}</td><td>{{.Description}}</td></tr>
{{- end}}
</tbody>
</table>
{{- else}}
<p>The body is the API's own format <code>{{.Format}}</code>, whose members this reference does not describe; the example bodies below are not in that shape.</p>
{{- end}}
</section>
<section id="_statuses">
<h2>Status codes</h2>
<table>
<thead><tr><th>Status</th><th>Meaning</th><th>Codes</th></tr></thead>
<tbody>
{{- range .Statuses}}
<tr><td>{{.Status}}</td><td>{{.Text}}</td><td>{{range $i, $c := .Codes}}{{if $i}}, {{end}}<a href="#{{$c.Slug}}"><code>{{$c.ID}}</code></a>{{end}}</td></tr>
{{- end}}
</tbody>
</table>
</section>
<section id="_codes">
<h2>Codes</h2>
{{- range .Codes}}
{{template "section" .}}
{{- end}}
</section>
{{- if .Builtins}}
<section id="_builtins">
<h2>Built-in errors</h2>
<p>The catalog binds no code of its own to these conditions, so apierr's defaults answer them.</p>
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
{{template "head" (printf "%s — %s errors" .Code.ID .Name)}}
<body>
<nav aria-label="Contents">
<p class="brand"><a href="{{.Back}}">{{.Name}} errors</a></p>
<ul>
<li><a href="{{.Back}}">All codes</a></li>
</ul>
<h2>Codes</h2>
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
<p class="permalink">Permalink: <a href="{{.Code.Docs}}">{{.Code.Docs}}</a></p>
{{- end}}
</main>
</body>
</html>
{{end}}
`))

// HTML returns the reference page of cat: one self-contained HTML document
// (inline stylesheet, no script, no remote asset) with a navigation list,
// the body's members, a status summary and one section per code, anchored
// by its slug.
func HTML(cat *apierr.Catalog) []byte {
	return renderHTML("reference", newPage(cat))
}

// permalinkHTML is the page of one code. link maps another page's served
// path to the href this page uses for it; back is the reference page's href.
func permalinkHTML(p *page, c *codeDoc, back string, link func(string) string) []byte {
	return renderHTML("permalink", struct {
		Name string
		Code *codeDoc
		Back string
		All  []*codeDoc
		Link func(string) string
	}{p.Name, c, back, p.all(), link})
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
