package client

import "net/http"

// outsideStatus describes a status that is in no registry but that proxies
// and CDNs send: nginx's 499, Cloudflare's 52x, the 529 of overloaded
// services.
type outsideStatus struct {
	text      string
	retryable bool
}

// outsideStatuses are the statuses outside the IANA registry that Decode
// names and judges. A TLS failure between a CDN and the origin (525, 526)
// is a configuration error that a retry cannot fix; a client that closed
// the request (499) chose to.
var outsideStatuses = map[int]outsideStatus{
	499: {"Client Closed Request", false},
	509: {"Bandwidth Limit Exceeded", true},
	520: {"Web Server Returned an Unknown Error", true},
	521: {"Web Server Is Down", true},
	522: {"Connection Timed Out", true},
	523: {"Origin Is Unreachable", true},
	524: {"A Timeout Occurred", true},
	525: {"SSL Handshake Failed", false},
	526: {"Invalid SSL Certificate", false},
	527: {"Railgun Error", true},
	529: {"Site Is Overloaded", true},
}

// statusText is http.StatusText, extended with outsideStatuses.
func statusText(status int) string {
	if s := http.StatusText(status); s != "" {
		return s
	}
	return outsideStatuses[status].text
}

// statusName is the status's text as a code: 404 → "not_found",
// 522 → "connection_timed_out"; "" for a status without a name.
func statusName(status int) string {
	t := statusText(status)
	b := make([]byte, 0, len(t))
	sep := false
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '\'':
			continue
		default:
			sep = len(b) > 0
			continue
		}
		if sep {
			b = append(b, '_')
			sep = false
		}
		b = append(b, c)
	}
	return string(b)
}
