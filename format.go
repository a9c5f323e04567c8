package apierr

import (
	"strconv"
	"strings"
)

// Format turns a resolved *Error into a body. The status, Content-Type,
// Retry-After and request-ID headers are set by Write from the Error, so a
// format is only its media type and its bytes: adopting an existing API's
// shape is one small type. Implementations must be safe for concurrent use and
// should append to dst without reflection (see AppendString, AppendValue).
type Format interface {
	// Name identifies the format in a catalog's `format:` key.
	Name() string
	// ContentType is the media type sent, e.g. "application/problem+json".
	ContentType() string
	// AppendBody appends e's body to dst.
	AppendBody(dst []byte, e *Error) []byte
}

// Envelope is seed 000's shape plus request_id:
//
//	{"error": code, "message": …, "action": …, "docs": …, "detail": …,
//	 "context": {…, "errors": {field: [messages]}}, "request_id": …, "trace_id": …}
//
// Empty members are left out. Field errors go into context.errors.
var Envelope Format = envelope{}

type envelope struct{}

func (envelope) Name() string        { return "envelope" }
func (envelope) ContentType() string { return "application/json" }

func (envelope) AppendBody(dst []byte, e *Error) []byte {
	dst = append(dst, `{"error":`...)
	dst = AppendString(dst, e.Code)
	dst = append(dst, `,"message":`...)
	dst = AppendString(dst, e.Message)
	if e.Action != "" {
		dst = append(dst, `,"action":`...)
		dst = AppendString(dst, e.Action)
	}
	if e.Docs != "" {
		dst = append(dst, `,"docs":`...)
		dst = AppendString(dst, e.Docs)
	}
	if e.Detail != "" {
		dst = append(dst, `,"detail":`...)
		dst = AppendString(dst, e.Detail)
	}
	if len(e.Context) > 0 || len(e.Fields) > 0 {
		dst = append(dst, `,"context":{`...)
		comma := false
		if len(e.Fields) > 0 {
			dst = append(dst, `"errors":`...)
			dst = AppendFieldMap(dst, e.Fields)
			comma = true
		}
		if len(e.Fields) > 0 && e.Context["errors"] != nil {
			// Field errors own context.errors; never write the key twice.
			ctx := make(map[string]any, len(e.Context))
			for k, v := range e.Context {
				if k != "errors" {
					ctx[k] = v
				}
			}
			dst = appendMembers(dst, ctx, comma)
		} else {
			dst = appendMembers(dst, e.Context, comma)
		}
		dst = append(dst, '}')
	}
	if e.RequestID != "" {
		dst = append(dst, `,"request_id":`...)
		dst = AppendString(dst, e.RequestID)
	}
	if e.TraceID != "" {
		dst = append(dst, `,"trace_id":`...)
		dst = AppendString(dst, e.TraceID)
	}
	return append(dst, '}')
}

// Problem is RFC 9457 application/problem+json: type is the docs URL (or
// about:blank), then title, status, detail, instance, and extension members
// code, action, request_id, trace_id (when set), retry_after (seconds),
// errors (field errors as a list) and context.
var Problem Format = problem{}

type problem struct{}

func (problem) Name() string        { return "problem" }
func (problem) ContentType() string { return "application/problem+json" }

func (problem) AppendBody(dst []byte, e *Error) []byte {
	dst = append(dst, `{"type":`...)
	if e.Docs != "" {
		dst = AppendString(dst, e.Docs)
	} else {
		dst = append(dst, `"about:blank"`...)
	}
	title := e.Title
	if title == "" {
		title = e.Message
	}
	dst = append(dst, `,"title":`...)
	dst = AppendString(dst, title)
	dst = append(dst, `,"status":`...)
	dst = strconv.AppendInt(dst, int64(e.Status), 10)
	detail := e.Detail
	if detail == "" {
		detail = e.Message
	}
	dst = append(dst, `,"detail":`...)
	dst = AppendString(dst, detail)
	if e.Instance != "" {
		dst = append(dst, `,"instance":`...)
		dst = AppendString(dst, e.Instance)
	}
	dst = append(dst, `,"code":`...)
	dst = AppendString(dst, e.Code)
	if e.Action != "" {
		dst = append(dst, `,"action":`...)
		dst = AppendString(dst, e.Action)
	}
	if e.RequestID != "" {
		dst = append(dst, `,"request_id":`...)
		dst = AppendString(dst, e.RequestID)
	}
	if e.TraceID != "" {
		dst = append(dst, `,"trace_id":`...)
		dst = AppendString(dst, e.TraceID)
	}
	if s := e.RetryAfterSeconds(); s > 0 {
		dst = append(dst, `,"retry_after":`...)
		dst = strconv.AppendInt(dst, s, 10)
	}
	if len(e.Fields) > 0 {
		dst = append(dst, `,"errors":`...)
		dst = AppendFieldList(dst, e.Fields)
	}
	if len(e.Context) > 0 {
		dst = append(dst, `,"context":`...)
		dst = AppendObject(dst, e.Context)
	}
	return append(dst, '}')
}

// builtinFormats are the formats every catalog knows by name.
var builtinFormats = []Format{Envelope, Problem}

// Negotiate picks the format for an Accept header value. It honours q-values
// (q=0 excludes), exact types, type/* and */*, and lets application/json
// accept a +json format. Ties, an empty header and a header no format matches
// all go to the catalog's default: an error is always rendered, never a 406.
func (c *Catalog) Negotiate(accept string) Format { return c.formats[c.negotiateIndex(accept)] }

// negotiateIndex is Negotiate's format's index in c.formats.
func (c *Catalog) negotiateIndex(accept string) int {
	if accept == "" || len(c.formats) == 1 || accept == "*/*" || accept == c.formats[0].ContentType() {
		// The default wins these outright (every format ties on */*; an
		// exact match of the default's own type ranks first), and they are
		// what most clients send: no parsing on the hot path.
		return 0
	}
	return c.negotiate(accept)
}

// contentTypesOf returns each format's Content-Type header value.
func contentTypesOf(formats []Format) [][]string {
	out := make([][]string, len(formats))
	for i, f := range formats {
		out[i] = []string{f.ContentType()}
	}
	return out
}

// negotiate is Negotiate without its shortcuts: the index of the format.
func (c *Catalog) negotiate(accept string) int {
	best, bestQ, bestClass := 0, 0.0, -1
	for i, f := range c.formats {
		q, spec := acceptQuality(accept, f.ContentType())
		if q <= 0 {
			continue
		}
		class := min(spec, 2) // an exact match and a +json match rank alike
		if q > bestQ || (q == bestQ && class > bestClass) {
			best, bestQ, bestClass = i, q, class
		}
	}
	return best
}

// acceptQuality returns the q-value Accept gives mediaType and how specific
// the match was: 3 exact, 2 application/json for a +json type, 1 type/*, 0 */*.
// The q of the most specific matching range wins (RFC 9110 §12.5.1).
func acceptQuality(accept, mediaType string) (q float64, spec int) {
	q, spec = 0, -1
	mt, msub, _ := strings.Cut(mediaType, "/")
	for len(accept) > 0 {
		var part string
		part, accept, _ = strings.Cut(accept, ",")
		rng, params, _ := strings.Cut(part, ";")
		rng = strings.TrimSpace(rng)
		t, sub, ok := strings.Cut(rng, "/")
		if !ok {
			continue
		}
		s := -1
		switch {
		case strings.EqualFold(t, mt) && strings.EqualFold(sub, msub):
			s = 3
		case strings.EqualFold(t, "application") && strings.EqualFold(sub, "json") &&
			strings.EqualFold(mt, "application") && strings.HasSuffix(msub, "+json"):
			s = 2
		case strings.EqualFold(t, mt) && sub == "*":
			s = 1
		case t == "*" && sub == "*":
			s = 0
		}
		if s < 0 || s < spec {
			continue
		}
		pq := 1.0
		for params != "" {
			var p string
			p, params, _ = strings.Cut(params, ";")
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 0 && f <= 1 {
					pq = f
				} else {
					pq = 0
				}
			}
		}
		q, spec = pq, s
	}
	return q, spec
}
