package auth

import (
	"strings"
	"unicode"
)

// maxCredentialLength bounds an API key or token; longer values are
// malformed (a JWT of a few kilobytes fits).
const maxCredentialLength = 8 << 10

// credFault is what is wrong with the credentials of a request.
type credFault uint8

const (
	credOK         credFault = iota
	credMissing              // neither header
	credMalformed            // present but unusable
	credWhitespace           // a usable value wrapped in whitespace
)

// credential is the outcome of reading the credential headers. reason is
// static, client-safe text: it never contains any part of the value.
type credential struct {
	value  string
	bearer bool // value came from Authorization: Bearer
	fault  credFault
	reason string
	twice  bool // two different credentials
	// otherScheme: Authorization used a scheme other than Bearer (Basic …),
	// so the request carried no Bearer credential at all.
	otherScheme bool
}

// parseCredential reads Authorization (Bearer scheme) and the API-key header
// values of a request. net/http has already trimmed spaces and tabs around
// each header value and rejected control characters other than tab.
func parseCredential(authz, apiKey []string) credential {
	var fromAuthz, fromKey credential
	switch len(authz) {
	case 0:
		fromAuthz.fault = credMissing
	case 1:
		fromAuthz = parseAuthorization(authz[0])
	default:
		return credential{fault: credMalformed, reason: "Send one Authorization header, not several."}
	}
	switch {
	case len(apiKey) == 0:
		fromKey.fault = credMissing
	case !allEqual(apiKey):
		return credential{fault: credMalformed, twice: true, reason: "Send one API key, not several different ones."}
	default:
		fromKey = parseKeyValue(apiKey[0], false)
	}
	switch {
	case fromAuthz.fault == credMissing:
		return fromKey
	case fromKey.fault == credMissing:
		return fromAuthz
	case fromAuthz.fault == credMalformed:
		return fromAuthz
	case fromKey.fault == credMalformed:
		return fromKey
	case fromAuthz.value != fromKey.value:
		return credential{fault: credMalformed, twice: true, reason: "The Authorization header and the API-key header carry different credentials; send one."}
	case fromKey.fault == credWhitespace:
		return fromKey
	default:
		return fromAuthz
	}
}

func allEqual(v []string) bool {
	for _, s := range v[1:] {
		if s != v[0] {
			return false
		}
	}
	return true
}

// parseAuthorization reads "Bearer <value>".
func parseAuthorization(v string) credential {
	if v == "" {
		return credential{fault: credMalformed, reason: "The Authorization header is empty."}
	}
	scheme, rest, ok := strings.Cut(v, " ")
	if !ok {
		if strings.EqualFold(v, "Bearer") {
			return credential{fault: credMalformed, reason: "The Authorization header has no credential after Bearer."}
		}
		return credential{fault: credMalformed, otherScheme: true, reason: "The Authorization header must use the Bearer scheme: Bearer followed by the key."}
	}
	if !strings.EqualFold(scheme, "Bearer") {
		return credential{fault: credMalformed, otherScheme: true, reason: "The Authorization header must use the Bearer scheme: Bearer followed by the key."}
	}
	c := parseKeyValue(rest, true)
	c.bearer = true
	return c
}

// parseKeyValue checks one credential value: whitespace around it is a
// fault with a hint, anything but visible ASCII inside it makes it malformed.
func parseKeyValue(v string, bearer bool) credential {
	trimmed := strings.TrimFunc(v, isSpaceLike)
	if trimmed == "" {
		if bearer {
			return credential{fault: credMalformed, reason: "The Authorization header has no credential after Bearer."}
		}
		return credential{fault: credMalformed, reason: "The API-key header is empty."}
	}
	if len(trimmed) > maxCredentialLength {
		return credential{fault: credMalformed, reason: "The credential is too long."}
	}
	for i := 0; i < len(trimmed); i++ {
		if c := trimmed[i]; c <= ' ' || c >= 0x7f {
			return credential{fault: credMalformed, reason: "The credential contains characters an API key never has (spaces, control or non-ASCII characters)."}
		}
	}
	if len(trimmed) != len(v) {
		return credential{value: trimmed, fault: credWhitespace}
	}
	return credential{value: v}
}

// isSpaceLike matches what a copy and paste leaves around a key: Unicode
// white space, zero-width spaces and a byte-order mark.
func isSpaceLike(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff'
}
