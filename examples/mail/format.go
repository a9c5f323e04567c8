package mail

import "github.com/apierr/apierr"

// Format is the mail API's body: {"error": code, "message": …}, nothing else.
// The request ID travels only in its header.
var Format apierr.Format = format{}

type format struct{}

func (format) Name() string        { return "mail" }
func (format) ContentType() string { return "application/json" }

func (format) AppendBody(dst []byte, e *apierr.Error) []byte {
	dst = append(dst, `{"error":`...)
	dst = apierr.AppendString(dst, e.Code)
	dst = append(dst, `,"message":`...)
	dst = apierr.AppendString(dst, e.Message)
	return append(dst, '}')
}
