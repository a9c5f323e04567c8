package idempotency

import (
	"crypto/sha256"
	"net/http"

	"github.com/apierr/apierr"
)

// fingerprint digests what makes a request the same request: method, route
// pattern, the path and query actually requested, the configured headers and
// the SHA-256 of the body (hashed by readBody as it arrived). The path is
// included as well as the pattern: "POST /fax/{id}" for /fax/1 and /fax/2 is
// the same route but not the same request.
func (m *middleware) fingerprint(r *http.Request, bodySum [sha256.Size]byte) Fingerprint {
	var buf [256]byte
	b := append(buf[:0], r.Method...)
	b = append(b, 0)
	pattern := r.Pattern
	if pattern == "" {
		pattern = apierr.StateFrom(r.Context()).Route()
	}
	b = append(b, pattern...)
	b = append(b, 0)
	b = append(b, r.URL.EscapedPath()...)
	b = append(b, '?')
	b = append(b, r.URL.RawQuery...)
	b = append(b, 0)
	for _, name := range m.fpHeaders {
		b = append(b, name...)
		for _, v := range r.Header[name] {
			b = append(b, ':')
			b = append(b, v...)
		}
		b = append(b, 0)
	}
	b = append(b, bodySum[:]...)
	return sha256.Sum256(b)
}
