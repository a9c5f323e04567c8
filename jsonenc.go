package apierr

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"
)

// The appenders below write JSON without reflection for the types an error
// carries, so rendering allocates nothing beyond its buffer. Formats written
// outside this package use them too.

const hexDigits = "0123456789abcdef"

// jsonSafe[c] says an ASCII byte is written as itself: not a control
// character, a quote, a backslash or one of the HTML-sensitive <, > and &.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// AppendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD and
// control characters, quotes, backslashes, <, >, & and U+2028/U+2029 are
// escaped, so a value taken from a request can never break the document.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		// Eight bytes at a time while all are written as themselves.
		for i+8 <= len(s) && swarSafe(s[i:i+8]) {
			i += 8
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// swarSafe reports whether all eight bytes of w are ASCII bytes jsonSafe
// passes: none ≥ 0x80, none < 0x20, none of " \\ < > &. Each test is the
// zero-byte test (x − 0x01…) &^ x & 0x80… on the word, exact once every
// byte is known to be below 0x80.
func swarSafe(w string) bool {
	_ = w[7]
	x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
		uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zero := func(v uint64) uint64 { return (v - ones) &^ v }
	bad := x | // ≥ 0x80
		(x - 0x20*ones) | // < 0x20 (a byte below 0x20 borrows into its high bit)
		zero(x^('"'*ones)) | zero(x^('\\'*ones)) |
		zero(x^('<'*ones)) | zero(x^('>'*ones)) | zero(x^('&'*ones))
	return bad&highs == 0
}

// AppendValue appends v as JSON. Common types are written directly; others
// go through encoding/json, and a value it cannot encode is written as null
// (never a half-written document).
func AppendValue(dst []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case string:
		return AppendString(dst, x)
	case bool:
		return strconv.AppendBool(dst, x)
	case int:
		return strconv.AppendInt(dst, int64(x), 10)
	case int32:
		return strconv.AppendInt(dst, int64(x), 10)
	case int64:
		return strconv.AppendInt(dst, x, 10)
	case uint:
		return strconv.AppendUint(dst, uint64(x), 10)
	case uint32:
		return strconv.AppendUint(dst, uint64(x), 10)
	case uint64:
		return strconv.AppendUint(dst, x, 10)
	case float64:
		return appendFloat(dst, x, 64)
	case float32:
		return appendFloat(dst, float64(x), 32)
	case time.Time:
		dst = append(dst, '"')
		dst = x.UTC().AppendFormat(dst, time.RFC3339)
		return append(dst, '"')
	case []string:
		dst = append(dst, '[')
		for i, s := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendString(dst, s)
		}
		return append(dst, ']')
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendValue(dst, e)
		}
		return append(dst, ']')
	case map[string]any:
		return AppendObject(dst, x)
	case map[string][]string:
		keys := sortedKeys(x)
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendString(dst, k)
			dst = append(dst, ':')
			dst = AppendValue(dst, x[k])
		}
		return append(dst, '}')
	case json.RawMessage:
		if json.Valid(x) {
			return append(dst, x...)
		}
		return append(dst, "null"...)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return append(dst, "null"...)
	}
	return append(dst, b...)
}

func appendFloat(dst []byte, f float64, bits int) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.AppendInt(dst, int64(f), 10)
	}
	return strconv.AppendFloat(dst, f, 'g', -1, bits)
}

// AppendObject appends m as a JSON object with its keys sorted, so output is
// stable.
func AppendObject(dst []byte, m map[string]any) []byte {
	dst = append(dst, '{')
	dst = appendMembers(dst, m, false)
	return append(dst, '}')
}

// appendMembers appends m's members (sorted) without braces; comma says
// whether a member was written before.
func appendMembers(dst []byte, m map[string]any, comma bool) []byte {
	var arr [8]string
	keys := arr[:0]
	for k := range m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	for _, k := range keys {
		if comma {
			dst = append(dst, ',')
		}
		comma = true
		dst = AppendString(dst, k)
		dst = append(dst, ':')
		dst = AppendValue(dst, m[k])
	}
	return dst
}

// sortStrings is an insertion sort: context maps are small, and sort.Strings
// would make the slice escape.
func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// AppendFieldMap appends field errors as {"field": ["message", …]}, fields in
// the order first found.
func AppendFieldMap(dst []byte, fields []FieldError) []byte {
	dst = append(dst, '{')
	for i, f := range fields {
		if seenBefore(fields, i) {
			continue
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendString(dst, f.Field)
		dst = append(dst, ':', '[')
		n := 0
		for _, g := range fields[i:] {
			if g.Field != f.Field {
				continue
			}
			if n > 0 {
				dst = append(dst, ',')
			}
			dst = AppendString(dst, g.Message)
			n++
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

func seenBefore(fields []FieldError, i int) bool {
	for _, g := range fields[:i] {
		if g.Field == fields[i].Field {
			return true
		}
	}
	return false
}

// AppendFieldList appends field errors as [{"field","rule","message"}, …].
func AppendFieldList(dst []byte, fields []FieldError) []byte {
	dst = append(dst, '[')
	for i, f := range fields {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"field":`...)
		dst = AppendString(dst, f.Field)
		if f.Rule != "" {
			dst = append(dst, `,"rule":`...)
			dst = AppendString(dst, f.Rule)
		}
		dst = append(dst, `,"message":`...)
		dst = AppendString(dst, f.Message)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}
