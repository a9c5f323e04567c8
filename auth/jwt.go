package auth

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
)

// LooksLikeJWT reports whether s has the shape of a JWS compact
// serialization: three base64url segments separated by dots, the first two
// non-empty, the first decoding to a JSON object. It does not verify
// anything; it only routes a bearer value to Config.Tokens instead of the
// key store.
func LooksLikeJWT(s string) bool {
	if len(s) < 10 || len(s) > maxCredentialLength {
		return false
	}
	h, rest, ok := strings.Cut(s, ".")
	if !ok {
		return false
	}
	p, sig, ok := strings.Cut(rest, ".")
	if !ok || p == "" || strings.IndexByte(sig, '.') >= 0 {
		return false
	}
	if !isBase64URL(h) || !isBase64URL(p) || !isBase64URL(sig) {
		return false
	}
	hdr, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(h, "="))
	if err != nil {
		return false
	}
	hdr = bytes.TrimLeft(hdr, " \t\r\n")
	if len(hdr) == 0 || hdr[0] != '{' {
		return false
	}
	// Valid JSON that starts with '{' is an object; json.Valid checks it
	// without building one.
	return json.Valid(hdr)
}

func isBase64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '=') {
			return false
		}
	}
	return true
}
