package calls

import (
	"strconv"

	"github.com/apierr/apierr"
)

// Format is the calls API's body:
//
//	{"success": false, "message": …,
//	 "error": {"code": …, "field": …, "details": …, "retryAfter": seconds}}
//
// details is the error's detail or, for a validation failure that has none,
// the first field error's message; field is the first field error's path
// (validation failures only); retryAfter is the Retry-After figure in whole
// seconds on a 429 that carries one. The page documents retryAfter only in
// the rate-limit body, so other statuses (a 503 in maintenance, say) send
// Retry-After as a header alone and keep their documented members.
var Format apierr.Format = format{}

type format struct{}

func (format) Name() string        { return "calls" }
func (format) ContentType() string { return "application/json" }

func (format) AppendBody(dst []byte, e *apierr.Error) []byte {
	dst = append(dst, `{"success":false,"message":`...)
	dst = apierr.AppendString(dst, e.Message)
	dst = append(dst, `,"error":{"code":`...)
	dst = apierr.AppendString(dst, e.Code)
	details := e.Detail
	// The seed's validation examples print field before details; its generic
	// schema prints details alone. Both orders are the published ones.
	if len(e.Fields) > 0 {
		dst = append(dst, `,"field":`...)
		dst = apierr.AppendString(dst, e.Fields[0].Field)
		if details == "" {
			details = e.Fields[0].Message
		}
	}
	if details != "" {
		dst = append(dst, `,"details":`...)
		dst = apierr.AppendString(dst, details)
	}
	if s := e.RetryAfterSeconds(); s > 0 && e.Status == 429 {
		dst = append(dst, `,"retryAfter":`...)
		dst = strconv.AppendInt(dst, s, 10)
	}
	return append(dst, '}', '}')
}
