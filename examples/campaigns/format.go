package campaigns

import "github.com/apierr/apierr"

// Format is the campaigns API's body: {"error": code, "message": …} and, when
// the error has one, "detail" with technical detail.
var Format apierr.Format = format{}

type format struct{}

func (format) Name() string        { return "campaigns" }
func (format) ContentType() string { return "application/json" }

func (format) AppendBody(dst []byte, e *apierr.Error) []byte {
	dst = append(dst, `{"error":`...)
	dst = apierr.AppendString(dst, e.Code)
	dst = append(dst, `,"message":`...)
	dst = apierr.AppendString(dst, e.Message)
	if e.Detail != "" {
		dst = append(dst, `,"detail":`...)
		dst = apierr.AppendString(dst, e.Detail)
	}
	return append(dst, '}')
}
