package client

import (
	"math"
	"strconv"
	"strings"
)

// firstOf returns the value of the first of keys that m has.
func firstOf(m map[string]any, keys ...string) any {
	for _, k := range keys {
		if v, ok := m[k]; ok {
			return v
		}
	}
	return nil
}

// pointerPath turns a JSON pointer into a field path: "/data/attributes/
// first-name" → "first-name", "#/items/0/name" → "items[0].name".
func pointerPath(p string) string {
	p = strings.TrimPrefix(p, "#")
	p = strings.TrimPrefix(p, "/data/attributes/")
	p = strings.TrimPrefix(p, "/data/relationships/")
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return ""
	}
	parts := strings.Split(p, "/")
	var b strings.Builder
	for _, s := range parts {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
		if isDigits(s) && b.Len() > 0 {
			b.WriteString("[" + s + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return sanitize(b.String(), maxMessage)
}

// locPath turns FastAPI's loc (["body", "items", 0, "name"]) into a field
// path ("items[0].name"), dropping the leading location kind.
func locPath(loc []any) string {
	var b strings.Builder
	for i, p := range loc {
		switch v := p.(type) {
		case string:
			if i == 0 && len(loc) > 1 {
				switch v {
				case "body", "query", "path", "header", "cookie", "form":
					continue
				}
			}
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		case float64:
			n, _ := intString(v)
			b.WriteString("[" + n + "]")
		}
	}
	return sanitize(b.String(), maxMessage)
}

// numberOf reads a JSON number or numeric string.
func numberOf(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}

// intString formats a JSON number (a float64 once decoded) as Twilio's 20404
// or a list index, not as 2.0404e+04.
func intString(v any) (string, bool) {
	f, ok := v.(float64)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return "", false
	}
	return strconv.FormatFloat(f, 'f', -1, 64), true
}
