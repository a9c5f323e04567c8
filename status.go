package apierr

import "net/http"

// StatusMeaning is what a bare HTTP status says about a failure, when that
// status is all there is: a plain-text error a server's own middleware must
// normalize, or another API's body a client could not read a code from.
type StatusMeaning struct {
	// Condition is the built-in condition nearest to the status.
	Condition Condition
	// Exact reports that the condition renders with this status, so a
	// normalizer answers with the catalog's status for it; otherwise the
	// condition is only the nearest and the status should be kept.
	Exact bool
	// Sure reports that the status names this condition alone, whatever the
	// API (429 is always a rate limit), so a client may report the condition
	// for an error whose body did not say. An exact status that several
	// conditions share (400: malformed body or validation; 401: missing,
	// malformed or invalid credentials; 402: a quota or an API's own balance)
	// is not sure.
	Sure bool
}

// statusMeanings is the one table from status to condition: the
// normalizer renders with it and client.Decode classifies with it.
var statusMeanings = map[int]StatusMeaning{
	http.StatusBadRequest:                   {CondMalformedBody, true, false},
	http.StatusUnauthorized:                 {CondAuthInvalid, true, false},
	http.StatusPaymentRequired:              {CondQuotaExceeded, true, false},
	http.StatusForbidden:                    {CondForbidden, true, true},
	http.StatusNotFound:                     {CondNotFound, true, true},
	http.StatusMethodNotAllowed:             {CondMethodNotAllowed, true, true},
	http.StatusNotAcceptable:                {CondUnsupportedMediaType, false, false},
	http.StatusRequestTimeout:               {CondRequestTimeout, true, true},
	http.StatusConflict:                     {CondValidationFailed, false, false},
	http.StatusGone:                         {CondNotFound, false, false},
	http.StatusLengthRequired:               {CondMalformedBody, false, false},
	http.StatusPreconditionFailed:           {CondValidationFailed, false, false},
	http.StatusRequestEntityTooLarge:        {CondPayloadTooLarge, true, true},
	http.StatusRequestURITooLong:            {CondPayloadTooLarge, false, false},
	http.StatusUnsupportedMediaType:         {CondUnsupportedMediaType, true, true},
	http.StatusRequestedRangeNotSatisfiable: {CondValidationFailed, false, false},
	http.StatusExpectationFailed:            {CondMalformedBody, false, false},
	http.StatusMisdirectedRequest:           {CondEndpointNotFound, false, false},
	http.StatusUnprocessableEntity:          {CondValidationFailed, true, true},
	http.StatusLocked:                       {CondForbidden, false, false},
	http.StatusFailedDependency:             {CondValidationFailed, false, false},
	http.StatusTooEarly:                     {CondUnavailable, false, false},
	http.StatusPreconditionRequired:         {CondValidationFailed, false, false},
	http.StatusTooManyRequests:              {CondRateLimited, true, true},
	http.StatusRequestHeaderFieldsTooLarge:  {CondPayloadTooLarge, false, false},
	http.StatusUnavailableForLegalReasons:   {CondForbidden, false, false},
	http.StatusInternalServerError:          {CondInternal, true, true},
	http.StatusNotImplemented:               {CondMethodNotAllowed, false, false},
	http.StatusBadGateway:                   {CondUnavailable, false, false},
	http.StatusServiceUnavailable:           {CondUnavailable, true, true},
	http.StatusGatewayTimeout:               {CondTimeout, true, true},
}

// meaningByStatus is statusMeanings indexed by status − 400: the
// normalizer asks on every response it replaces, and an array index costs
// less than a map's hash.
var meaningByStatus = func() (t [200]StatusMeaning) {
	for status, m := range statusMeanings {
		t[status-400] = m
	}
	return t
}()

// MeaningOf returns what status says about a failure. 404 is CondNotFound
// (a normalizer that knows no route matched makes it CondEndpointNotFound).
// Another 4xx is CondMalformedBody and another 5xx CondInternal, both
// neither exact nor sure. A value outside 100–599 is not an HTTP status but a
// handler's bug: CondInternal, exact (it renders as a 500), not sure.
func MeaningOf(status int) StatusMeaning {
	if i := uint(status - 400); i < uint(len(meaningByStatus)) && meaningByStatus[i].Condition != "" {
		return meaningByStatus[i]
	}
	switch {
	case status < 100 || status > 599:
		return StatusMeaning{Condition: CondInternal, Exact: true}
	case status >= 500:
		return StatusMeaning{Condition: CondInternal}
	default:
		return StatusMeaning{Condition: CondMalformedBody}
	}
}
