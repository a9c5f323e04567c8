package client

import (
	"strings"
)

// The shape tests the member readers use to tell a code from a phrase, an
// instance ID or a discriminator.

// isUpperSnake reports whether s looks like a canonical code: A–Z and _,
// at most 64 bytes.
func isUpperSnake(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'A' || c > 'Z') && c != '_' {
			return false
		}
	}
	return true
}

// isCodeWord reports whether s is a code by its shape alone: UPPER_SNAKE,
// or lower_snake with at least one underscore ("quota_exceeded"), at most
// 64 bytes. JSend's "error" and "fail" and words such as "down" are not.
func isCodeWord(s string) bool {
	if isUpperSnake(s) {
		return true
	}
	if len(s) > 64 || !strings.ContainsRune(s, '_') {
		return false
	}
	letter := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			letter = true
		case c >= '0' && c <= '9', c == '_', c == '.':
		default:
			return false
		}
	}
	return letter
}

// isErrorClass reports whether s is an exception class name such as
// "ValidationError" or "OAuthException".
func isErrorClass(s string) bool {
	if len(s) < 6 || len(s) > 64 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	if !strings.HasSuffix(s, "Error") && !strings.HasSuffix(s, "Exception") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) {
			return false
		}
	}
	return true
}

// isWord reports whether s is a lower-case word or dotted/snake phrase
// without digits ("not_found", "api.context.session_expired"): an id of
// that shape names a kind of error, not an instance.
func isWord(s string) bool {
	if len(s) < 3 || len(s) > 96 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// isIdentifier reports whether s reads as a code rather than a sentence:
// no white space, at most 64 bytes, letters, digits and _ . : - / only, with
// at least one letter.
func isIdentifier(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	letter := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			letter = true
		case c >= '0' && c <= '9', c == '_', c == '.', c == ':', c == '-', c == '/':
		default:
			return false
		}
	}
	return letter
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// isURLRef reports whether s is an http(s) URL or an absolute path, the
// forms a docs link or an RFC 9457 type takes ("/errors/rate-limited").
func isURLRef(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") ||
		strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//")
}

// isDiscriminator reports whether a "type" member only says the object is
// an error ("error", Intercom's "error.list", Bing's "ErrorResponse").
func isDiscriminator(s string) bool {
	if len(s) > 32 {
		return false
	}
	var buf [32]byte
	b := buf[:0]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c >= 'a' && c <= 'z' {
			b = append(b, c)
		}
	}
	switch string(b) {
	case "error", "errors", "errorlist", "errorresponse", "exception", "fault", "problem":
		return true
	}
	return false
}

// specHosts publish the HTTP specifications; a problem type that links
// there (ASP.NET Core's "https://tools.ietf.org/html/rfc9110#section-15.5.1")
// names the status, not a problem.
var specHosts = map[string]bool{
	"tools.ietf.org": true, "datatracker.ietf.org": true, "www.rfc-editor.org": true,
	"rfc-editor.org": true, "developer.mozilla.org": true, "httpstatuses.com": true,
	"www.w3.org": true,
}

// genericSegments are the last segments of a problem type URI that name a
// page of all errors rather than one ("…/docs/errors/", "…/api-status-codes").
var genericSegments = map[string]bool{
	"": true, "errors": true, "error": true, "problems": true, "problem": true, "probs": true,
	"types": true, "status-codes": true, "api-status-codes": true, "error-codes": true,
	"errorcodes": true, "codes": true, "docs": true, "reference": true, "index": true,
}

// problemTypeCode is the code an RFC 9457 problem type names: the
// identifier in its fragment, else its last path segment without an
// extension; a URN's or tag URI's last part. It is "" when the URI names no
// single problem (a spec page, a page of all errors, a status number).
func problemTypeCode(s string) string {
	if strings.HasPrefix(s, "urn:") || strings.HasPrefix(s, "tag:") {
		seg := s[strings.LastIndexAny(s, ":/")+1:]
		if isIdentifier(seg) {
			return seg
		}
		return ""
	}
	if rest, ok := strings.CutPrefix(s, "https://"); ok {
		s = rest
	} else if rest, ok := strings.CutPrefix(s, "http://"); ok {
		s = rest
	}
	if !strings.HasPrefix(s, "/") {
		host, _, _ := strings.Cut(s, "/")
		if specHosts[strings.ToLower(host)] {
			return ""
		}
		s = s[len(host):]
	}
	s, frag, _ := strings.Cut(s, "#")
	if isIdentifier(frag) && !strings.HasPrefix(frag, "section") {
		return frag
	}
	s, _, _ = strings.Cut(s, "?")
	s = strings.TrimRight(s, "/")
	seg := s[strings.LastIndexByte(s, '/')+1:]
	for _, ext := range []string{".html", ".htm", ".md", ".json", ".php", ".aspx"} {
		seg = strings.TrimSuffix(seg, ext)
	}
	if genericSegments[strings.ToLower(seg)] || isDigits(seg) || !isIdentifier(seg) {
		return ""
	}
	return seg
}
