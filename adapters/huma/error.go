package apierrhuma

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/apierr/apierr"
	"github.com/danielgtaylor/huma/v2"
)

// Error is the huma.StatusError apierr's error constructors return: a
// catalog error, resolved against the request's catalog when huma writes
// it. It marshals to the body of the catalog's format and its schema is
// that format's.
type Error struct {
	src *apierr.Error // what happened, before the catalog fills it in
	res apierr.Error  // resolved
	f   apierr.Format
}

var (
	_ huma.StatusError       = (*Error)(nil)
	_ huma.ContentTypeFilter = (*Error)(nil)
	_ huma.SchemaProvider    = (*Error)(nil)
)

// configured is the catalog Configure was given: it decides the status
// huma sends (huma asks before the request's catalog is known) and the
// schema of the OpenAPI document.
var configured atomic.Pointer[apierr.Catalog]

func catalog() *apierr.Catalog {
	if c := configured.Load(); c != nil {
		return c
	}
	return apierr.Default()
}

func newError(src *apierr.Error) *Error {
	e := &Error{src: src}
	cat := catalog()
	cat.Resolve(&e.res, src)
	e.f = cat.Formats()[0]
	return e
}

// GetStatus returns the status of the catalog's code.
func (e *Error) GetStatus() int { return e.res.Status }

// Error reads well in a log line.
func (e *Error) Error() string { return e.res.Error() }

// Unwrap returns the apierr error, so errors.As finds it.
func (e *Error) Unwrap() error { return e.src }

// ContentType returns the media type of the catalog's format: huma marshals
// the body as JSON whatever the client asked for.
func (e *Error) ContentType(string) string { return e.f.ContentType() }

// MarshalJSON returns the body of the catalog's format.
func (e *Error) MarshalJSON() ([]byte, error) { return e.f.AppendBody(nil, &e.res), nil }

// transform resolves an *Error against the request's catalog when huma is
// about to write it: format by Accept, request ID, headers. It marks the
// request's apierr.State rendered, so the runtime's normalizer leaves the
// response alone and its log record names the code.
func transform(ctx huma.Context, _ string, v any) (any, error) {
	e, ok := v.(*Error)
	if !ok {
		return v, nil
	}
	rctx := ctx.Context()
	cat := catalog()
	st := apierr.StateFrom(rctx)
	if st != nil {
		cat = st.Catalog()
	}
	status := e.res.Status // what huma sends
	cat.Resolve(&e.res, e.src)
	e.res.Status = status
	if st != nil && e.res.RequestID == "" {
		e.res.RequestID = st.RequestID()
	}
	if u := ctx.URL(); e.res.Instance == "" {
		e.res.Instance = u.Path
	}
	e.f = cat.Negotiate(ctx.Header("Accept"))
	if _, w, ok := unwrap(ctx); ok {
		// On net/http: the header map itself, shared values, as apierr.Write.
		h := w.Header()
		h["Content-Type"] = contentType(e.f.ContentType())
		h["X-Content-Type-Options"] = nosniff
		h["Cache-Control"] = noStore
		for k, vs := range e.res.Header {
			h[k] = vs
		}
	} else {
		ctx.SetHeader("Content-Type", e.f.ContentType())
		ctx.SetHeader("X-Content-Type-Options", "nosniff")
		ctx.SetHeader("Cache-Control", "no-store")
		for k, vs := range e.res.Header {
			for _, v := range vs {
				ctx.AppendHeader(k, v)
			}
		}
	}
	if s := e.res.RetryAfterSeconds(); s > 0 {
		ctx.SetHeader("Retry-After", strconv.FormatInt(s, 10))
	}
	if !st.Rendered() {
		st.MarkRendered(&e.res)
	}
	return e, nil
}

var (
	nosniff      = []string{"nosniff"}
	noStore      = []string{"no-store"}
	contentTypes sync.Map // string → []string
)

func contentType(ct string) []string {
	if v, ok := contentTypes.Load(ct); ok {
		return v.([]string)
	}
	v, _ := contentTypes.LoadOrStore(ct, []string{ct})
	return v.([]string)
}

// statusHeader adds what the contract promises with a status.
func statusHeader(e *apierr.Error, status int) *apierr.Error {
	switch status {
	case http.StatusUnauthorized:
		if e.Header.Get("WWW-Authenticate") == "" {
			e.WithHeader("WWW-Authenticate", "Bearer")
		}
	}
	return e
}
