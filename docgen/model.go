package docgen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/apierr/apierr"
)

// page is everything the reference page shows, computed once from a catalog
// so the HTML, Markdown and llms.txt renderers agree.
type page struct {
	Lang        string  // the language of the catalog's text: <html lang>
	T           *uiText // the wording docgen adds, in that language when it has it
	Name        string
	Description string
	Reference   string // link to the reference page
	Format      string // default format's name
	ContentType string
	Others      []string // other formats offered by content negotiation (content types)
	Members     []member
	Codes       []*codeDoc // the catalog's own codes
	Builtins    []*codeDoc // fallback codes for conditions the catalog leaves unbound
	Statuses    []statusRow
	RequestID   string // the request-ID header
	Endpoints   []endpoint
}

// member is one member of the error body.
type member struct {
	Name        string
	Type        string
	Description string
	Meaning     string // what the member carries, when known (derived members)
}

// codeDoc is one code's section.
type codeDoc struct {
	ID          string
	Slug        string
	Title       string
	Message     string
	Status      int
	StatusText  string
	Action      string
	Retryable   bool
	Condition   string
	Fallback    bool
	When        string
	Cause       string
	Next        string
	Context     []apierr.ContextKey
	Example     string // the example body, indented
	Docs        string // the permalink, as in error bodies
	Permalink   string // the served path of the code's page ("" in anchors mode)
	Link        string // the link to the code's page in the page's language, when it is not Docs
	ContentType string
	T           *uiText
}

// statusRow is one line of the status summary.
type statusRow struct {
	Status int
	Text   string
	Codes  []*codeDoc
}

// endpoint is one operation's section: the errors it returns.
type endpoint struct {
	Name   string // "POST /fax", or the operationId alone
	ID     string // the operationId, beside a method and path
	Anchor string
	Codes  []*codeDoc // by status, then id
}

// Option configures the reference page.
type Option func(*options)

type options struct {
	ops    []apierr.Operation
	opsSet bool
}

// WithOperations lists ops in the page's per-endpoint section instead of
// the catalog's declared operations: e.g. those apierr.Routes collected,
// which add the codes the routes' middleware raise.
func WithOperations(ops []apierr.Operation) Option {
	return func(o *options) { o.ops, o.opsSet = ops, true }
}

func newOptions(opts []Option) options {
	var o options
	for _, f := range opts {
		f(&o)
	}
	return o
}

// endpoints builds the per-endpoint sections from ops.
func (p *page) endpoints(ops []apierr.Operation) {
	byID := map[string]*codeDoc{}
	for _, c := range p.all() {
		byID[c.ID] = c
	}
	used := map[string]bool{}
	for i, o := range ops {
		e := endpoint{Name: o.String(), Anchor: opAnchor(o, 0)}
		if used[e.Anchor] {
			e.Anchor = opAnchor(o, i)
		}
		used[e.Anchor] = true
		if o.Method != "" {
			e.ID = o.ID
		}
		for _, id := range o.Codes {
			if c := byID[id]; c != nil {
				e.Codes = append(e.Codes, c)
			}
		}
		sort.SliceStable(e.Codes, func(i, j int) bool {
			if e.Codes[i].Status != e.Codes[j].Status {
				return e.Codes[i].Status < e.Codes[j].Status
			}
			return e.Codes[i].ID < e.Codes[j].ID
		})
		p.Endpoints = append(p.Endpoints, e)
	}
}

// opAnchor is the anchor of an operation's section: "_op-delete-fax-id"
// for DELETE /fax/{id}; an index i > 0 keeps two that differ only in
// punctuation apart.
func opAnchor(o apierr.Operation, i int) string {
	var b strings.Builder
	b.WriteString("_op")
	dash := true
	for _, r := range strings.ToLower(o.String()) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	if i > 0 {
		fmt.Fprintf(&b, "-%d", i+1)
	}
	return b.String()
}

func newPage(cat *apierr.Catalog) *page {
	l := layoutOf(cat)
	f := cat.Formats()[0]
	p := &page{
		Lang:        cat.Language(),
		T:           uiFor(cat.Language()),
		Name:        cat.Name(),
		Description: cat.Description(),
		Reference:   l.reference(),
		Format:      f.Name(),
		ContentType: f.ContentType(),
		Members:     members(cat),
		RequestID:   cat.RequestIDHeader(),
	}
	if p.Name == "" {
		p.Name = "API"
	}
	localizeMembers(p.Members, p.Lang, cat)
	for _, o := range cat.Formats()[1:] {
		p.Others = append(p.Others, o.ContentType())
	}
	byStatus := map[int]*statusRow{}
	for _, c := range cat.Codes() {
		d := &codeDoc{
			ID:          c.ID,
			Slug:        cat.Slug().Apply(c.ID),
			Title:       c.Title,
			Message:     c.Message,
			Status:      c.Status,
			StatusText:  http.StatusText(c.Status),
			Action:      c.Action,
			Retryable:   c.Retryable,
			Condition:   conditions(c),
			Fallback:    c.Fallback,
			When:        c.Docs.When,
			Cause:       c.Docs.Cause,
			Next:        c.Docs.Next,
			Context:     c.ContextKeys,
			Example:     indent(cat.Render(f, c.ExampleError())),
			Docs:        cat.DocsFor(c.ID),
			Permalink:   l.permalink(cat, c),
			ContentType: f.ContentType(),
			T:           p.T,
		}
		if d.Title == "" {
			d.Title = c.ID
		}
		if c.Fallback {
			p.Builtins = append(p.Builtins, d)
		} else {
			p.Codes = append(p.Codes, d)
		}
		row := byStatus[c.Status]
		if row == nil {
			row = &statusRow{Status: c.Status, Text: http.StatusText(c.Status)}
			byStatus[c.Status] = row
		}
		row.Codes = append(row.Codes, d)
	}
	for _, row := range byStatus {
		p.Statuses = append(p.Statuses, *row)
	}
	sort.Slice(p.Statuses, func(i, j int) bool { return p.Statuses[i].Status < p.Statuses[j].Status })
	p.endpoints(cat.Operations())
	return p
}

// all returns the catalog's codes, then the built-in ones.
func (p *page) all() []*codeDoc {
	return append(append([]*codeDoc(nil), p.Codes...), p.Builtins...)
}

// indent pretty-prints a JSON body; a body that is not JSON is returned as is.
func indent(b []byte) string {
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return string(b)
	}
	return out.String()
}

// conditions lists the conditions a code stands for.
func conditions(c *apierr.Code) string {
	if c.Condition == "" {
		return ""
	}
	out := string(c.Condition)
	for _, a := range c.Also {
		out += ", " + string(a)
	}
	return out
}
