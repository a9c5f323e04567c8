package inbox

import (
	"maps"
	"slices"

	"github.com/apierr/apierr"
)

// Format is the structured body most of the inbox API's endpoints send:
//
//	{"error": code, "message": …, "details": {…} | null, "request_id": "…" | null}
//
// details carries the error's context and, for a validation failure, its
// field errors as details.errors ([{field, rule, message}]); it is null when
// there is neither. request_id is null when the request has no ID.
var Format apierr.Format = structured{}

// SimpleFormat is FastAPI's default body, {"detail": message}, which some of
// the API's endpoints send instead (see Simple).
var SimpleFormat apierr.Format = simple{}

type structured struct{}

func (structured) Name() string        { return "inbox" }
func (structured) ContentType() string { return "application/json" }

func (structured) AppendBody(dst []byte, e *apierr.Error) []byte {
	dst = append(dst, `{"error":`...)
	dst = apierr.AppendString(dst, e.Code)
	dst = append(dst, `,"message":`...)
	dst = apierr.AppendString(dst, e.Message)
	dst = append(dst, `,"details":`...)
	switch {
	case len(e.Fields) > 0:
		dst = append(dst, `{"errors":`...)
		dst = apierr.AppendFieldList(dst, e.Fields)
		// Field errors own details.errors; the rest of the context follows.
		for _, k := range slices.Sorted(maps.Keys(e.Context)) {
			if k == "errors" {
				continue
			}
			dst = append(dst, ',')
			dst = apierr.AppendString(dst, k)
			dst = append(dst, ':')
			dst = apierr.AppendValue(dst, e.Context[k])
		}
		dst = append(dst, '}')
	case len(e.Context) > 0:
		dst = apierr.AppendObject(dst, e.Context)
	default:
		dst = append(dst, "null"...)
	}
	dst = append(dst, `,"request_id":`...)
	if e.RequestID != "" {
		dst = apierr.AppendString(dst, e.RequestID)
	} else {
		dst = append(dst, "null"...)
	}
	return append(dst, '}')
}

type simple struct{}

func (simple) Name() string        { return "inbox-simple" }
func (simple) ContentType() string { return "application/json" }

func (simple) AppendBody(dst []byte, e *apierr.Error) []byte {
	dst = append(dst, `{"detail":`...)
	dst = apierr.AppendString(dst, e.Message)
	return append(dst, '}')
}
