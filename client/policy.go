package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"time"
)

// CheckRetry decides whether the outcome of one attempt is worth another: resp
// is nil when err is a transport error. It must not read resp.Body. The
// Transport still never replays a request that is not safe to replay
// (non-idempotent, or a body it cannot rewind), whatever CheckRetry says.
type CheckRetry func(resp *http.Response, err error) bool

// DefaultRetryStatuses are the statuses DefaultCheckRetry retries: 408, 429,
// 500, 502, 503, 504, and the CDN and overload statuses outside the registry
// that RetryableStatus calls retryable (520–524, 527, 529). Other 4xx say
// the request itself is wrong, and sending it again cannot help.
var DefaultRetryStatuses = []int{
	http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
	http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout,
	520, 521, 522, 523, 524, 527, 529,
}

// DefaultCheckRetry retries transport failures (RetryableError) and
// DefaultRetryStatuses.
var DefaultCheckRetry CheckRetry = RetryOn(DefaultRetryStatuses...)

// RetryOn returns a CheckRetry that retries transport failures
// (RetryableError) and responses with one of statuses.
func RetryOn(statuses ...int) CheckRetry {
	var set [600]bool
	for _, s := range statuses {
		if s >= 0 && s < len(set) {
			set[s] = true
		}
	}
	return func(resp *http.Response, err error) bool {
		if err != nil {
			return RetryableError(err)
		}
		return resp != nil && resp.StatusCode >= 0 && resp.StatusCode < len(set) && set[resp.StatusCode]
	}
}

// RetryableError reports whether a transport error may go away on another
// attempt: refused and reset connections, EOF before a response, timeouts
// of a dial or of the response header (net/http's "timeout awaiting response
// headers", which errors.Is reports as context.DeadlineExceeded too).
// Cancellation, certificate and TLS failures, and names that do not resolve
// are not retryable; errors of unknown kind are (the budget bounds the
// cost). The Transport itself stops, before asking, once the request's own
// context is done.
func RetryableError(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var (
		unknownAuth x509.UnknownAuthorityError
		invalidCert x509.CertificateInvalidError
		hostname    x509.HostnameError
		verify      *tls.CertificateVerificationError
		record      tls.RecordHeaderError
		dns         *net.DNSError
	)
	switch {
	case errors.As(err, &unknownAuth), errors.As(err, &invalidCert), errors.As(err, &hostname),
		errors.As(err, &verify), errors.As(err, &record):
		return false
	case errors.As(err, &dns):
		return !dns.IsNotFound
	}
	return true
}

// Backoff returns how long to wait before retry number attempt (1 for the
// first retry), between min and max. It must be safe for concurrent use.
type Backoff func(attempt int, min, max time.Duration) time.Duration

// DefaultBackoff is exponential backoff with full jitter (AWS Architecture
// Blog, "Exponential Backoff And Jitter"): a uniform random wait in
// [0, min(max, min·2^(attempt-1))]. Jitter spreads the retries of many
// clients that failed together, so they do not return in lockstep.
var DefaultBackoff Backoff = FullJitter

// FullJitter is DefaultBackoff.
func FullJitter(attempt int, min, max time.Duration) time.Duration {
	c := ExponentialCeiling(attempt, min, max)
	if c <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(c) + 1))
}

// ExponentialCeiling is min·2^(attempt-1) capped at max, without overflow:
// the ceiling FullJitter draws under, and a Backoff without jitter.
func ExponentialCeiling(attempt int, min, max time.Duration) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	c := min
	if c <= 0 {
		return 0
	}
	for i := 1; i < attempt && c < max; i++ {
		c *= 2
		if c <= 0 { // overflow
			return max
		}
	}
	if c > max {
		c = max
	}
	return c
}

// idempotent reports whether method may be sent twice with the effect of
// once (RFC 9110 §9.2.2).
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut,
		http.MethodDelete, http.MethodTrace, "":
		return true
	}
	return false
}
