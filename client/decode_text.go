package client

import (
	"bytes"
	"encoding/xml"
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/apierr/apierr"
)

// maxMessage bounds a message taken from an unstructured body.
const maxMessage = 256

// sanitize makes s safe to show and log: invalid UTF-8 and control
// characters removed, runs of white space collapsed to one space, trimmed,
// and cut to at most max bytes on a rune boundary (with "…" when cut).
func sanitize(s string, max int) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c >= utf8.RuneSelf {
			clean = false
			break
		}
	}
	if clean && len(s) <= max && !strings.Contains(s, "  ") {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	b.Grow(min(len(s), max+3))
	space := false
	for _, r := range s {
		if r == utf8.RuneError || (unicode.IsControl(r) && !unicode.IsSpace(r)) ||
			unicode.Is(unicode.Cf, r) {
			continue
		}
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if b.Len()+utf8.RuneLen(r) > max {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}

// sniff classifies a body by its Content-Type and, when that is missing or
// generic, by its first bytes.
type kind int

const (
	kindText kind = iota
	kindJSON
	kindXML
	kindHTML
)

func sniff(contentType string, body []byte) kind {
	ct := strings.ToLower(contentType)
	b := bytes.TrimLeft(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case strings.Contains(ct, "json"):
		return kindJSON
	case strings.Contains(ct, "html"):
		return kindHTML
	case strings.Contains(ct, "xml"):
		return kindXML
	}
	if len(b) == 0 {
		return kindText
	}
	switch b[0] {
	case '{', '[':
		return kindJSON
	case '<':
		head := strings.ToLower(string(b[:min(len(b), 512)]))
		if strings.HasPrefix(head, "<!doctype html") || strings.Contains(head, "<html") ||
			strings.Contains(head, "<body") || strings.Contains(head, "<title") ||
			strings.Contains(head, "<h1") {
			return kindHTML
		}
		return kindXML
	}
	return kindText
}

// fromText takes the first non-empty line of a plain-text body as message.
func fromText(e *apierr.Error, body []byte) {
	s := string(body[:min(len(body), 4*maxMessage)])
	for line := range strings.Lines(s) {
		if m := sanitize(line, maxMessage); m != "" {
			e.Message = m
			return
		}
	}
}

// fromHTML takes the message of an HTML error page from its <h1>, else its
// <title>, else its visible text, with tags stripped and entities decoded.
func fromHTML(e *apierr.Error, body []byte) {
	s := string(body)
	title := elementText(s, "title")
	h1 := elementText(s, "h1")
	switch {
	case h1 != "":
		e.Message = h1
		if title != "" && title != h1 {
			e.Title = title
		}
	case title != "":
		e.Message = title
	default:
		if i := indexFold(s, "<body"); i >= 0 {
			s = s[i:]
		}
		e.Message = sanitize(stripTags(s[:min(len(s), 16*maxMessage)]), maxMessage)
	}
}

// elementText returns the sanitized text of the first <name …>…</name>.
func elementText(s, name string) string {
	i := indexFold(s, "<"+name)
	if i < 0 {
		return ""
	}
	rest := s[i+1+len(name):]
	if rest == "" || (rest[0] != '>' && rest[0] != ' ' && rest[0] != '\t' && rest[0] != '\n' && rest[0] != '\r') {
		return ""
	}
	gt := strings.IndexByte(rest, '>')
	if gt < 0 {
		return ""
	}
	rest = rest[gt+1:]
	end := indexFold(rest, "</"+name)
	if end < 0 {
		end = min(len(rest), 4*maxMessage)
	}
	return sanitize(stripTags(rest[:end]), maxMessage)
}

// stripTags removes tags, comments, scripts and styles, and decodes entities.
func stripTags(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		lt := strings.IndexByte(s, '<')
		if lt < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:lt])
		s = s[lt:]
		for _, skip := range []string{"script", "style"} {
			if hasPrefixFold(s, "<"+skip) {
				if end := indexFold(s, "</"+skip); end >= 0 {
					s = s[end:]
				} else {
					s = ""
				}
			}
		}
		if strings.HasPrefix(s, "<!--") {
			if end := strings.Index(s, "-->"); end >= 0 {
				s = s[end+3:]
			} else {
				s = ""
			}
			continue
		}
		gt := strings.IndexByte(s, '>')
		if gt < 0 {
			break
		}
		b.WriteByte(' ')
		s = s[gt+1:]
	}
	return html.UnescapeString(b.String())
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// indexFold is strings.Index for an ASCII needle, ignoring ASCII case.
func indexFold(s, needle string) int {
	n := len(needle)
	for i := 0; i+n <= len(s); i++ {
		if strings.EqualFold(s[i:i+n], needle) {
			return i
		}
	}
	return -1
}

// fromXML reads AWS-style XML errors: S3's <Error><Code/><Message/>
// <RequestId/></Error>, the query APIs' <ErrorResponse><Error><Type/><Code/>
// <Message/></Error><RequestId/></ErrorResponse> and EC2's
// <Response><Errors><Error>…</Error></Errors><RequestID/></Response>. The first
// occurrence of each element wins. It reports false when the body is not
// well-formed XML with at least a code or a message.
func fromXML(e *apierr.Error, body []byte) bool {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = false
	d.Entity = xml.HTMLEntity
	var (
		path  []string
		text  strings.Builder
		found bool
	)
	for range 100000 {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			path = append(path, t.Name.Local)
			text.Reset()
		case xml.CharData:
			if text.Len() < 4*maxMessage {
				text.Write(t)
			}
		case xml.EndElement:
			if len(path) == 0 {
				continue
			}
			name := path[len(path)-1]
			path = path[:len(path)-1]
			v := sanitize(text.String(), maxMessage)
			text.Reset()
			if v == "" {
				continue
			}
			switch strings.ToLower(name) {
			case "code":
				if e.Code == "" {
					e.Code, found = v, true
				}
			case "message":
				if e.Message == "" {
					e.Message, found = v, true
				}
			case "requestid":
				if e.RequestID == "" {
					e.RequestID = v
				}
			case "resource":
				setContext(e, "resource", v)
			case "hostid":
				setContext(e, "host_id", v)
			case "type":
				setContext(e, "type", v)
			}
		}
	}
	return found
}

func setContext(e *apierr.Error, k string, v any) {
	if e.Context == nil {
		e.Context = make(map[string]any, 4)
	}
	if _, ok := e.Context[k]; !ok {
		e.Context[k] = v
	}
}
