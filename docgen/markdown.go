package docgen

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/apierr/apierr"
)

// Markdown returns the reference page of cat as Markdown (GitHub-flavoured:
// tables, fenced code, and an HTML anchor before each code's heading so the
// slug anchors match the HTML page's). Like HTML, it is in cat's language,
// and links to its translations when the catalog has some.
//
// When the catalog declares operations (or WithOperations gives them), a
// section per endpoint lists the errors it returns.
func Markdown(cat *apierr.Catalog, opts ...Option) []byte {
	s := siteOf(cat, opts...)
	lang := s.siteLang(cat)
	p := s.sitePage(cat, lang)
	return markdownPage(p, s.mdLinks(p, cat.Language(), s.referencePath))
}

// markdownPage is the Markdown reference page p with its language links.
func markdownPage(p *page, links langLinks) []byte {
	t := p.T
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n\n", fmt.Sprintf(t.Errors, p.Name))
	writeLangLine(&b, links)
	if p.Description != "" {
		fmt.Fprintf(&b, "%s\n\n", p.Description)
	}
	fmt.Fprintf(&b, "## %s\n\n", t.ErrorBody)
	fmt.Fprintf(&b, "%s`%s`%s", t.BodyIs, p.ContentType, t.BodySent)
	if p.RequestID != "" {
		fmt.Fprintf(&b, "%s`%s`%s", t.BodyRID, p.RequestID, t.BodyRIDEnd)
	}
	b.WriteString(".")
	if len(p.Others) > 0 {
		fmt.Fprintf(&b, "%s`Accept: %s`%s%s%s", t.Send, p.Others[0], t.ToGet, t.ThatFormat, t.Instead)
	}
	b.WriteString(t.MatchCode + "\n\n")
	if len(p.Members) == 0 {
		fmt.Fprintf(&b, "%s`%s`%s\n", t.OwnFormat, p.Format, t.OwnFormatEnd)
	} else {
		fmt.Fprintf(&b, "| %s | %s | %s |\n|---|---|---|\n", t.Member, t.Type, t.Desc)
	}
	for _, m := range p.Members {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", m.Name, cell(m.Type), cell(m.Description))
	}
	fmt.Fprintf(&b, "\n## %s\n\n| %s | %s | %s |\n|---|---|---|\n", t.Statuses, t.Status, t.Meaning, t.Codes)
	for _, s := range p.Statuses {
		var links []string
		for _, c := range s.Codes {
			links = append(links, fmt.Sprintf("[`%s`](#%s)", c.ID, c.Slug))
		}
		fmt.Fprintf(&b, "| %d | %s | %s |\n", s.Status, s.Text, strings.Join(links, ", "))
	}
	if len(p.Endpoints) > 0 {
		fmt.Fprintf(&b, "\n## %s\n", t.ByEndpoint)
		for _, e := range p.Endpoints {
			fmt.Fprintf(&b, "\n<a id=\"%s\"></a>\n### `%s`\n\n", e.Anchor, e.Name)
			if e.ID != "" {
				fmt.Fprintf(&b, "%s `%s`\n\n", t.OperationID, e.ID)
			}
			if len(e.Codes) == 0 {
				fmt.Fprintf(&b, "%s\n", t.NoErrors)
				continue
			}
			fmt.Fprintf(&b, "| %s | %s | %s |\n|---|---|---|\n", t.Status, t.CodeCol, t.CodeTitle)
			for _, c := range e.Codes {
				fmt.Fprintf(&b, "| %d | [`%s`](#%s) | %s |\n", c.Status, c.ID, c.Slug, cell(c.Title))
			}
		}
	}
	fmt.Fprintf(&b, "\n## %s\n", t.Codes)
	for _, c := range p.Codes {
		writeCodeMarkdown(&b, c, "###")
	}
	if len(p.Builtins) > 0 {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n", t.Builtins, t.BuiltinsIntro)
		for _, c := range p.Builtins {
			writeCodeMarkdown(&b, c, "###")
		}
	}
	return b.Bytes()
}

// writeLangLine writes the Markdown language switcher: the page's own
// language in bold, the others linked. Nothing for one language.
func writeLangLine(b *bytes.Buffer, links langLinks) {
	if len(links.Alts) == 0 {
		return
	}
	for i, a := range links.Alts {
		if i > 0 {
			b.WriteString(" · ")
		}
		if a.Current {
			fmt.Fprintf(b, "**%s**", a.Name)
		} else {
			fmt.Fprintf(b, "[%s](%s)", a.Name, a.Href)
		}
	}
	b.WriteString("\n\n")
}

// codeMarkdown is the Markdown page of one code.
func codeMarkdown(p *page, c *codeDoc, links langLinks) []byte {
	var b bytes.Buffer
	writeCodeMarkdown(&b, c, "#")
	if len(links.Alts) > 0 {
		b.WriteString("\n")
		writeLangLine(&b, links)
		b.Truncate(b.Len() - 1)
	}
	fmt.Fprintf(&b, "\n"+c.T.AllErrors+"\n", p.Name, p.Reference)
	return bytes.TrimLeft(b.Bytes(), "\n")
}

func writeCodeMarkdown(b *bytes.Buffer, c *codeDoc, h string) {
	t := c.T
	fmt.Fprintf(b, "\n<a id=\"%s\"></a>\n\n%s `%s` %s\n\n", c.Slug, h, c.ID, c.Title)
	fmt.Fprintf(b, "- %s: %d %s\n", t.HTTPStatus, c.Status, c.StatusText)
	if c.Action != "" {
		fmt.Fprintf(b, "- %s: `%s`\n", t.Action, c.Action)
	}
	fmt.Fprintf(b, "- %s: %s\n", t.Retryable, yesNo(t, c.Retryable))
	if c.Condition != "" {
		fmt.Fprintf(b, "- %s: %s\n", t.Condition, c.Condition)
	}
	if c.Docs != "" {
		fmt.Fprintf(b, "- %s %s\n", t.Permalink, c.Docs)
	}
	fmt.Fprintf(b, "\n%s\n", c.Message)
	for _, s := range [][2]string{{t.When, c.When}, {t.Cause, c.Cause}, {t.Next, c.Next}} {
		if s[1] != "" {
			fmt.Fprintf(b, "\n**%s.** %s\n", s[0], s[1])
		}
	}
	if len(c.Context) > 0 {
		fmt.Fprintf(b, "\n| %s | %s | %s |\n|---|---|---|\n", t.ContextKey, t.Type, t.Desc)
		for _, k := range c.Context {
			ty := k.Type
			if ty == "" {
				ty = t.Any
			}
			fmt.Fprintf(b, "| `%s` | %s | %s |\n", k.Name, ty, cell(k.Description))
		}
	}
	fmt.Fprintf(b, "\n"+t.ExampleMD+"\n\n```json\n%s\n```\n", c.ContentType, c.Example)
}

// cell makes s safe inside a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.Join(strings.Fields(s), " ")
}

func yesNo(t *uiText, b bool) string {
	if b {
		return t.Yes
	}
	return t.No
}
