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
	s := siteOf(cat)
	return llmsTxt(s.sitePage(cat, s.siteLang(cat)))
}

// llmsTxt is the llms.txt of page p, in its language.
func llmsTxt(p *page) []byte {
	t := p.T
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n\n", fmt.Sprintf(t.Errors, p.Name))
	if p.Description != "" {
		fmt.Fprintf(&b, "> %s\n\n", strings.Join(strings.Fields(p.Description), " "))
	}
	fmt.Fprintf(&b, t.LLMsErrorsAre, p.ContentType)
	if p.RequestID != "" {
		fmt.Fprintf(&b, t.LLMsHeader, p.RequestID)
	}
	var ms []string
	for _, m := range p.Members {
		ms = append(ms, "`"+m.Name+"` ("+m.Type+")")
	}
	if len(ms) == 0 {
		ms = append(ms, fmt.Sprintf(t.LLMsOwn, p.Format))
	}
	b.WriteString(".\n\n" + t.LLMsMembers)
	b.WriteString(strings.Join(ms, ", "))
	fmt.Fprintf(&b, ".\n\n## %s\n\n", t.Codes)
	for _, c := range p.Codes {
		writeLLMsLine(&b, p, c)
	}
	fmt.Fprintf(&b, "\n## %s\n\n- "+t.LLMsReferenceDesc+"\n", t.LLMsReference, p.Name, p.Reference)
	if len(p.Builtins) > 0 {
		fmt.Fprintf(&b, "\n## %s\n\n", t.LLMsOptional)
		for _, c := range p.Builtins {
			writeLLMsLine(&b, p, c)
		}
	}
	return b.Bytes()
}

func writeLLMsLine(b *bytes.Buffer, p *page, c *codeDoc) {
	t := p.T
	link := c.Link
	if link == "" {
		link = c.Docs
	}
	if link == "" {
		link = p.Reference + "#" + c.Slug
	}
	fmt.Fprintf(b, "- [%s](%s): %d, %s", c.ID, link, c.Status, c.Title)
	if c.Action != "" {
		fmt.Fprintf(b, t.LLMsAction, c.Action)
	}
	if c.Retryable {
		b.WriteString(t.LLMsRetryable)
	} else {
		b.WriteString(t.LLMsNotRetryable)
	}
	if c.Next != "" {
		fmt.Fprintf(b, ". %s", strings.Join(strings.Fields(c.Next), " "))
	}
	b.WriteString("\n")
}
