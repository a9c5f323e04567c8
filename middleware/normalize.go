package middleware

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/apierr/apierr"
)

// NormalizedRetryAfter is the Retry-After the normalizer gives a plain 429
// or 503 that carried none (http.TimeoutHandler's 503, for one): the
// contract promises one on every 429 and 503, and nothing better is known.
const NormalizedRetryAfter = 5 * time.Second

// errorForStatus builds the catalog error that replaces a plain downstream
// response. The downstream body is never looked at: it may carry internal
// detail (a stack, an upstream's error page).
// It fills e, a zero Error (from errPool: Write copies what it renders, so e
// is free again once Write returns).
func errorForStatus(e *apierr.Error, status int, r *http.Request, st *apierr.State, h http.Header, limit int64) {
	m := apierr.MeaningOf(status)
	cond := m.Condition
	if status == http.StatusNotFound && r.Pattern == "" && st.Route() == "" {
		// No route matched: ServeMux (1.22+) and chi set r.Pattern on a match.
		cond = apierr.CondEndpointNotFound
	}
	e.Condition = cond
	if !m.Exact {
		e.Status = status
	}
	if len(h["Retry-After"]) == 0 && (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable) {
		e.RetryAfter = NormalizedRetryAfter // every 429 and 503 says when to retry
	}
	if len(h["Www-Authenticate"]) == 0 && (e.Status == http.StatusUnauthorized ||
		e.Status == 0 && apierr.CatalogFrom(r.Context()).StatusOf(cond) == http.StatusUnauthorized) {
		e.WithHeader("WWW-Authenticate", "Bearer") // every 401 carries a challenge (RFC 9110 §15.5.2)
	}
	switch cond {
	case apierr.CondMethodNotAllowed:
		if allow := h.Get("Allow"); allow != "" {
			methods := strings.Split(allow, ",")
			for i := range methods {
				methods[i] = strings.TrimSpace(methods[i])
			}
			e.With("allowed", methods)
		}
	case apierr.CondPayloadTooLarge:
		if limit > 0 && status == http.StatusRequestEntityTooLarge {
			e.With("limit_bytes", limit)
		}
	}
}

// errPool holds the Errors the normalizer builds: one per replaced response
// would otherwise be an allocation of every unknown path.
var errPool = sync.Pool{New: func() any { return new(apierr.Error) }}
