package docgen

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/apierr/apierr"
)

// LLMsTxt returns an llms.txt index (https://llmstxt.org) of cat: the API's
// name as H1, the description as the summary, the body shape in a few lines,
// and one link per code to its permalink with the facts an agent needs to
// decide what to do (status, action, retryable, next step).
func LLMsTxt(cat *apierr.Catalog) []byte {
	p := newPage(cat)
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s errors\n\n", p.Name)
	if p.Description != "" {
		fmt.Fprintf(&b, "> %s\n\n", strings.Join(strings.Fields(p.Description), " "))
	}
	fmt.Fprintf(&b, "Errors are `%s` bodies. Match on the code; retry only codes marked retryable, with backoff, honouring Retry-After; log the request ID", p.ContentType)
	if p.RequestID != "" {
		fmt.Fprintf(&b, " (header `%s`)", p.RequestID)
	}
	var ms []string
	for _, m := range p.Members {
		ms = append(ms, "`"+m.Name+"` ("+m.Type+")")
	}
	if len(ms) == 0 {
		ms = append(ms, "the API's own format `"+p.Format+"`, not described here")
	}
	b.WriteString(".\n\nBody members: ")
	b.WriteString(strings.Join(ms, ", "))
	b.WriteString(".\n\n## Codes\n\n")
	for _, c := range p.Codes {
		writeLLMsLine(&b, p, c)
	}
	b.WriteString("\n## Reference\n\n")
	fmt.Fprintf(&b, "- [%s error reference](%s): every code with its example body and a status summary\n", p.Name, p.Reference)
	if len(p.Builtins) > 0 {
		b.WriteString("\n## Optional\n\n")
		for _, c := range p.Builtins {
			writeLLMsLine(&b, p, c)
		}
	}
	return b.Bytes()
}

func writeLLMsLine(b *bytes.Buffer, p *page, c *codeDoc) {
	link := c.Docs
	if link == "" {
		link = p.Reference + "#" + c.Slug
	}
	fmt.Fprintf(b, "- [%s](%s): %d, %s", c.ID, link, c.Status, c.Title)
	if c.Action != "" {
		fmt.Fprintf(b, "; action %s", c.Action)
	}
	if c.Retryable {
		b.WriteString("; retryable")
	} else {
		b.WriteString("; not retryable")
	}
	if c.Next != "" {
		fmt.Fprintf(b, ". %s", strings.Join(strings.Fields(c.Next), " "))
	}
	b.WriteString("\n")
}
