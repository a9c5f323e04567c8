package idempotency

import "errors"

// MaxKeyLen is the longest key accepted, in bytes (after unquoting).
const MaxKeyLen = 255

// ErrInvalidKey is returned by ParseKey for a value that is not a key.
var ErrInvalidKey = errors.New("idempotency: invalid Idempotency-Key: want 1-255 printable ASCII characters, bare or as a quoted string")

// ParseKey returns the key carried by one Idempotency-Key field value.
//
// Two forms are accepted and name the same key:
//
//   - the draft's Structured Field string (RFC 8941 sf-string), e.g.
//     "8e03978e-40d5-43e8-bc93-6894a57f9324", with \" and \\ escapes;
//     1-255 characters from space to tilde once unquoted;
//   - a bare token, as Stripe's clients send it: 1-255 visible ASCII
//     characters (0x21-0x7E), no spaces.
//
// Surrounding spaces and tabs are ignored. Structured Field parameters
// ("key";p=1) are rejected: a key is a plain string, and silently dropping
// part of the value could merge two clients' keys.
func ParseKey(v string) (string, error) {
	for len(v) > 0 && (v[0] == ' ' || v[0] == '\t') {
		v = v[1:]
	}
	for len(v) > 0 && (v[len(v)-1] == ' ' || v[len(v)-1] == '\t') {
		v = v[:len(v)-1]
	}
	if v == "" {
		return "", ErrInvalidKey
	}
	if v[0] == '"' {
		return parseSFString(v)
	}
	if len(v) > MaxKeyLen {
		return "", ErrInvalidKey
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x21 || c > 0x7e {
			return "", ErrInvalidKey
		}
	}
	return v, nil
}

// parseSFString decodes v, which starts with a double quote, as an RFC 8941
// sf-string that must make up the whole value.
func parseSFString(v string) (string, error) {
	// Fast path: no escapes, so the key is a substring and costs nothing.
	end := -1
	escaped := false
	for i := 1; i < len(v); i++ {
		c := v[i]
		if c == '\\' {
			escaped = true
			break
		}
		if c == '"' {
			end = i
			break
		}
		if c < 0x20 || c > 0x7e {
			return "", ErrInvalidKey
		}
	}
	if !escaped {
		if end != len(v)-1 || end-1 < 1 || end-1 > MaxKeyLen {
			return "", ErrInvalidKey
		}
		return v[1:end], nil
	}
	b := make([]byte, 0, len(v))
	for i := 1; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\':
			i++
			if i == len(v) || (v[i] != '"' && v[i] != '\\') {
				return "", ErrInvalidKey
			}
			b = append(b, v[i])
		case c == '"':
			if i != len(v)-1 || len(b) < 1 || len(b) > MaxKeyLen {
				return "", ErrInvalidKey
			}
			return string(b), nil
		case c < 0x20 || c > 0x7e:
			return "", ErrInvalidKey
		default:
			b = append(b, c)
		}
	}
	return "", ErrInvalidKey // no closing quote
}
