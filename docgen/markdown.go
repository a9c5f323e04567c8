package docgen

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/apierr/apierr"
)

// Markdown returns the reference page of cat as Markdown (GitHub-flavoured:
// tables, fenced code, and an HTML anchor before each code's heading so the
// slug anchors match the HTML page's).
func Markdown(cat *apierr.Catalog) []byte {
	p := newPage(cat)
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s errors\n\n", p.Name)
	if p.Description != "" {
		fmt.Fprintf(&b, "%s\n\n", p.Description)
	}
	b.WriteString("## Error body\n\n")
	fmt.Fprintf(&b, "Every error body is `%s`, sent with the HTTP status of its code", p.ContentType)
	if p.RequestID != "" {
		fmt.Fprintf(&b, " and the request ID in the `%s` header", p.RequestID)
	}
	b.WriteString(".")
	if len(p.Others) > 0 {
		fmt.Fprintf(&b, " Send `Accept: %s` to get that format instead.", p.Others[0])
	}
	b.WriteString(" Match on the code, never on the message.\n\n")
	if len(p.Members) == 0 {
		fmt.Fprintf(&b, "The body is the API's own format `%s`, whose members this reference does not describe; the example bodies below are not in that shape.\n", p.Format)
	} else {
		b.WriteString("| Member | Type | Description |\n|---|---|---|\n")
	}
	for _, m := range p.Members {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", m.Name, cell(m.Type), cell(m.Description))
	}
	b.WriteString("\n## Status codes\n\n| Status | Meaning | Codes |\n|---|---|---|\n")
	for _, s := range p.Statuses {
		var links []string
		for _, c := range s.Codes {
			links = append(links, fmt.Sprintf("[`%s`](#%s)", c.ID, c.Slug))
		}
		fmt.Fprintf(&b, "| %d | %s | %s |\n", s.Status, s.Text, strings.Join(links, ", "))
	}
	b.WriteString("\n## Codes\n")
	for _, c := range p.Codes {
		writeCodeMarkdown(&b, c, "###")
	}
	if len(p.Builtins) > 0 {
		b.WriteString("\n## Built-in errors\n\nThe catalog binds no code of its own to these conditions, so apierr's defaults answer them.\n")
		for _, c := range p.Builtins {
			writeCodeMarkdown(&b, c, "###")
		}
	}
	return b.Bytes()
}

// codeMarkdown is the Markdown page of one code.
func codeMarkdown(p *page, c *codeDoc) []byte {
	var b bytes.Buffer
	writeCodeMarkdown(&b, c, "#")
	fmt.Fprintf(&b, "\nAll %s errors: %s\n", p.Name, p.Reference)
	return bytes.TrimLeft(b.Bytes(), "\n")
}

func writeCodeMarkdown(b *bytes.Buffer, c *codeDoc, h string) {
	fmt.Fprintf(b, "\n<a id=\"%s\"></a>\n\n%s `%s` %s\n\n", c.Slug, h, c.ID, c.Title)
	fmt.Fprintf(b, "- HTTP status: %d %s\n", c.Status, c.StatusText)
	if c.Action != "" {
		fmt.Fprintf(b, "- Action: `%s`\n", c.Action)
	}
	fmt.Fprintf(b, "- Retryable: %s\n", yesNo(c.Retryable))
	if c.Condition != "" {
		fmt.Fprintf(b, "- Condition: %s\n", c.Condition)
	}
	if c.Docs != "" {
		fmt.Fprintf(b, "- Permalink: %s\n", c.Docs)
	}
	fmt.Fprintf(b, "\n%s\n", c.Message)
	for _, s := range [][2]string{{"When it fires", c.When}, {"What caused it", c.Cause}, {"Next step", c.Next}} {
		if s[1] != "" {
			fmt.Fprintf(b, "\n**%s.** %s\n", s[0], s[1])
		}
	}
	if len(c.Context) > 0 {
		b.WriteString("\n| Context key | Type | Description |\n|---|---|---|\n")
		for _, k := range c.Context {
			t := k.Type
			if t == "" {
				t = "any"
			}
			fmt.Fprintf(b, "| `%s` | %s | %s |\n", k.Name, t, cell(k.Description))
		}
	}
	fmt.Fprintf(b, "\nExample body (`%s`):\n\n```json\n%s\n```\n", c.ContentType, c.Example)
}

// cell makes s safe inside a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.Join(strings.Fields(s), " ")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
