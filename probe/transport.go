package probe

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// ErrOffHost is returned for a request the probe refused to send because it
// was not for BASE_URL's scheme and host.
var ErrOffHost = errors.New("probe: refused a request to another host than BASE_URL")

// ErrRequestBudget is returned once the probe has sent as many requests as
// its configuration allows.
var ErrRequestBudget = errors.New("probe: request budget spent")

// guard is the only way out of the probe: it refuses any request whose scheme
// and host are not BASE_URL's, and any request past the budget.
type guard struct {
	origin string // scheme://host
	next   http.RoundTripper
	budget int64
	sent   atomic.Int64
}

func (g *guard) RoundTrip(r *http.Request) (*http.Response, error) {
	if origin(r.URL) != g.origin {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, fmt.Errorf("%w: %s", ErrOffHost, origin(r.URL))
	}
	if g.sent.Add(1) > g.budget {
		g.sent.Add(-1)
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, ErrRequestBudget
	}
	return g.next.RoundTrip(r)
}

// origin is scheme://host with the default port left out and lower case, so
// that http://H:80 and http://h are the same origin.
func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return scheme + "://" + host
}

// newTransport is the probe's own transport: no proxy (the probe talks to
// BASE_URL and nothing else), bounded dial, TLS and header waits, and a short
// wait for 100 Continue so a server can refuse an oversized body before it is
// sent.
func newTransport(perRequest time.Duration) *http.Transport {
	return &http.Transport{
		Proxy:                  nil,
		DialContext:            (&net.Dialer{Timeout: perRequest, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:    perRequest,
		ResponseHeaderTimeout:  perRequest,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 1 << 20,
		MaxIdleConnsPerHost:    8,
		IdleConnTimeout:        30 * time.Second,
		ForceAttemptHTTP2:      true,
	}
}

// noRedirect stops the client at the first redirect: the response itself is
// checked and the Location is never fetched.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// sameOriginRedirects follows at most three redirects, and only on BASE_URL's
// origin (the guard would refuse any other anyway; this names the reason).
func sameOriginRedirects(base string) func(*http.Request, []*http.Request) error {
	return func(r *http.Request, via []*http.Request) error {
		if len(via) >= 3 {
			return errors.New("probe: more than 3 redirects")
		}
		if origin(r.URL) != base {
			return fmt.Errorf("%w: redirect to %s", ErrOffHost, origin(r.URL))
		}
		return nil
	}
}
