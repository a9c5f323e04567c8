package middleware

import (
	"net/http"
	"strings"
	"time"

	"github.com/apierr/apierr"
)

// NormalizedRetryAfter is the Retry-After the normalizer gives a plain 429
// or 503 that carried none (http.TimeoutHandler's 503, for one): the
// contract promises one on every 429 and 503, and nothing better is known.
const NormalizedRetryAfter = 5 * time.Second

// statusConditions maps a downstream status to the condition it stands for.
// exact reports whether the condition means that status (the catalog's status
// is used); otherwise the condition is only the nearest one and the
// downstream status is kept.
var statusConditions = map[int]struct {
	cond  apierr.Condition
	exact bool
}{
	http.StatusBadRequest:                   {apierr.CondMalformedBody, true},
	http.StatusUnauthorized:                 {apierr.CondAuthInvalid, true},
	http.StatusPaymentRequired:              {apierr.CondQuotaExceeded, true},
	http.StatusForbidden:                    {apierr.CondForbidden, true},
	http.StatusMethodNotAllowed:             {apierr.CondMethodNotAllowed, true},
	http.StatusNotAcceptable:                {apierr.CondUnsupportedMediaType, false},
	http.StatusRequestTimeout:               {apierr.CondTimeout, false},
	http.StatusConflict:                     {apierr.CondValidationFailed, false},
	http.StatusGone:                         {apierr.CondNotFound, false},
	http.StatusLengthRequired:               {apierr.CondMalformedBody, false},
	http.StatusPreconditionFailed:           {apierr.CondValidationFailed, false},
	http.StatusRequestEntityTooLarge:        {apierr.CondPayloadTooLarge, true},
	http.StatusRequestURITooLong:            {apierr.CondPayloadTooLarge, false},
	http.StatusUnsupportedMediaType:         {apierr.CondUnsupportedMediaType, true},
	http.StatusRequestedRangeNotSatisfiable: {apierr.CondValidationFailed, false},
	http.StatusExpectationFailed:            {apierr.CondMalformedBody, false},
	http.StatusMisdirectedRequest:           {apierr.CondEndpointNotFound, false},
	http.StatusUnprocessableEntity:          {apierr.CondValidationFailed, true},
	http.StatusLocked:                       {apierr.CondForbidden, false},
	http.StatusFailedDependency:             {apierr.CondValidationFailed, false},
	http.StatusTooEarly:                     {apierr.CondUnavailable, false},
	http.StatusPreconditionRequired:         {apierr.CondValidationFailed, false},
	http.StatusTooManyRequests:              {apierr.CondRateLimited, true},
	http.StatusRequestHeaderFieldsTooLarge:  {apierr.CondPayloadTooLarge, false},
	http.StatusUnavailableForLegalReasons:   {apierr.CondForbidden, false},
	http.StatusInternalServerError:          {apierr.CondInternal, true},
	http.StatusNotImplemented:               {apierr.CondMethodNotAllowed, false},
	http.StatusBadGateway:                   {apierr.CondUnavailable, false},
	http.StatusServiceUnavailable:           {apierr.CondUnavailable, true},
	http.StatusGatewayTimeout:               {apierr.CondTimeout, true},
}

// ConditionForStatus returns the condition a plain response with status
// stands for, and whether it means exactly that status (else the status
// should be kept). 404 is CondNotFound; the normalizer makes it
// CondEndpointNotFound when no route matched. Unknown 4xx map to
// CondMalformedBody and unknown 5xx to CondInternal, both inexact; a code
// outside 100-599 is CondInternal, exact (a 500).
func ConditionForStatus(status int) (cond apierr.Condition, exact bool) {
	if status < 100 || status > 599 {
		// Not an HTTP status (net/http panics below 100 and above 999): a
		// handler bug, answered as a real 500.
		return apierr.CondInternal, true
	}
	if status == http.StatusNotFound {
		return apierr.CondNotFound, true
	}
	if c, ok := statusConditions[status]; ok {
		return c.cond, c.exact
	}
	if status >= 500 {
		return apierr.CondInternal, false
	}
	return apierr.CondMalformedBody, false
}

// errorForStatus builds the catalog error that replaces a plain downstream
// response. The downstream body is never looked at: it may carry internal
// detail (a stack, an upstream's error page).
func errorForStatus(status int, r *http.Request, st *apierr.State, h http.Header, limit int64) *apierr.Error {
	cond, exact := ConditionForStatus(status)
	if status == http.StatusNotFound && r.Pattern == "" && st.Route == "" {
		// No route matched: ServeMux (1.22+) and chi set r.Pattern on a match.
		cond = apierr.CondEndpointNotFound
	}
	e := apierr.Cond(cond)
	if !exact {
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
	return e
}
