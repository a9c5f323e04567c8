package client

import (
	"net/http"
	"strings"
)

// maxLanguageTag bounds the tag Decode keeps from Content-Language: RFC 5646
// advises room for at least 35 characters; longer tags exist but are rare.
const maxLanguageTag = 64

// contentLanguage returns the first language tag of the response's
// Content-Language header (RFC 9110 §8.5) in the conventional case of
// RFC 5646 §2.1.1 ("de", "de-CH", "zh-Hant-TW"), or "" when the header is
// absent or its first entry is not a well-formed tag.
func contentLanguage(h http.Header) string {
	vs := h["Content-Language"]
	for _, v := range vs {
		for v != "" {
			var item string
			item, v, _ = strings.Cut(v, ",")
			if item = strings.Trim(item, " \t"); item != "" {
				return languageTag(item)
			}
		}
	}
	return ""
}

// languageTag returns s, a BCP 47 language tag such as a Content-Language
// entry, in the conventional case of RFC 5646 §2.1.1 (language lower case,
// script title case, region upper case: "DE-ch" gives "de-CH"), or "" when s
// is not well formed: subtags of 1 to 8 ASCII letters or digits joined by
// hyphens, the first of letters only, at most 64 characters in all. It
// checks the syntax only (whether the language exists is the API's
// business) and does not allocate when s is already in conventional case.
func languageTag(s string) string {
	if s == "" || len(s) > maxLanguageTag {
		return ""
	}
	canonical := true
	singleton := false // after an extension or private-use singleton, every subtag is lower case
	for i, start := 0, 0; ; i++ {
		end := strings.IndexByte(s[start:], '-')
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		sub := s[start:end]
		if len(sub) == 0 || len(sub) > 8 {
			return "" // an empty subtag: "de--CH", "-de", "de-"
		}
		for j := 0; j < len(sub); j++ {
			c := sub[j]
			switch {
			case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
				if canonical && (c <= 'Z') != upperAt(sub, i, j, singleton) {
					canonical = false
				}
			case '0' <= c && c <= '9' && i > 0:
			default:
				return ""
			}
		}
		if len(sub) == 1 {
			singleton = true
		}
		if end == len(s) {
			break
		}
		start = end + 1
	}
	if canonical {
		return s
	}
	b := []byte(s)
	singleton = false
	for i, start := 0, 0; start < len(b); i++ {
		end := start
		for end < len(b) && b[end] != '-' {
			end++
		}
		sub := s[start:end]
		for j := range sub {
			if upperAt(sub, i, j, singleton) {
				b[start+j] = sub[j] &^ 0x20
			} else {
				b[start+j] = sub[j] | 0x20
			}
		}
		if len(sub) == 1 {
			singleton = true
		}
		start = end + 1
	}
	return string(b)
}

// upperAt reports whether byte j of the i-th subtag is upper case in the
// conventional case: a two-letter region (all of it) or a four-letter script
// (its first letter) after the language and before any singleton. Digits
// never reach here as letters; the caller leaves them alone.
func upperAt(sub string, i, j int, singleton bool) bool {
	if i == 0 || singleton || !isAlpha(sub) {
		return false
	}
	return len(sub) == 2 || len(sub) == 4 && j == 0
}

func isAlpha(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
