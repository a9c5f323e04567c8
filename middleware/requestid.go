package middleware

import (
	"math/rand/v2"
	"net/http"

	"github.com/apierr/apierr"
)

// MaxRequestIDLength is the longest incoming request ID that is accepted.
const MaxRequestIDLength = 128

// requestIDChars marks the bytes an incoming request ID may contain:
// [A-Za-z0-9._:-]. Anything else (spaces, quotes, control characters,
// non-ASCII) could forge log lines or break a header, so such an ID is
// replaced by a generated one.
var requestIDChars = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range "._:-" {
		t[c] = true
	}
	return t
}()

// ValidRequestID reports whether an incoming request ID is safe to adopt:
// 1 to 128 characters of [A-Za-z0-9._:-].
func ValidRequestID(id string) bool {
	if len(id) == 0 || len(id) > MaxRequestIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		if !requestIDChars[id[i]] {
			return false
		}
	}
	return true
}

const idAlphabet = "0123456789abcdefghjkmnpqrstvwxyz" // Crockford base32, lower case

// NewRequestID returns a fresh request ID: 26 characters carrying 128 random
// bits. The bits come from math/rand/v2's runtime generator (ChaCha8, seeded
// from the operating system's cryptographic source), which costs a few
// nanoseconds and no lock; the only allocation is the string.
func NewRequestID() string {
	var b [26]byte
	fillRequestID(&b)
	return string(b[:])
}

// AppendRequestID appends a fresh request ID, in NewRequestID's form, to
// dst and returns the extended slice: for a runtime that keeps the ID's
// bytes in an allocation of its own (the fiber adapter, as Stack does in its
// writer) rather than in a string of their own.
func AppendRequestID(dst []byte) []byte {
	var b [26]byte
	fillRequestID(&b)
	return append(dst, b[:]...)
}

// fillRequestID writes a fresh request ID into b.
func fillRequestID(b *[26]byte) {
	hi, lo := rand.Uint64(), rand.Uint64()
	for i := 0; i < 13; i++ {
		b[i] = idAlphabet[hi&31]
		hi >>= 5
		b[13+i] = idAlphabet[lo&31]
		lo >>= 5
	}
}

// RequestID returns a middleware that gives each request an ID and the
// per-request apierr.State (with cat, or the default catalog when cat is nil)
// without logging, recovering or normalizing. Stack includes it; use it alone
// only to compose the runtime piece by piece.
func RequestID(cat *apierr.Catalog, opts ...Option) func(http.Handler) http.Handler {
	return newStack(cat, 0, opts)
}
