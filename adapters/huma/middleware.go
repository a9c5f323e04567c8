package apierrhuma

import (
	"context"
	"crypto/tls"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"time"

	"github.com/danielgtaylor/huma/v2"
)

// Middleware turns a net/http middleware (auth.Auth, a limiter's
// Middleware, idempotency.New, middleware.BodyLimit, …) into a huma
// middleware, for an operation (huma.Operation.Middlewares), a group or the
// whole API (api.UseMiddleware). It runs before huma reads the request, so
// an unauthenticated request is refused before its body is validated. The
// operation runs inside m, on the request and writer m passes on: the
// principal m set is in its context, and m sees the response, so an
// idempotency key stores it for replay.
//
// The huma adapter must be net/http based (humago, humachi, humamux,
// humaflow, …): its context must give the request and writer it wraps. On
// another (humafiber) Middleware answers 500 with the internal condition.
func Middleware(m func(http.Handler) http.Handler) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		r, w, ok := unwrap(ctx)
		if !ok {
			next(ctx)
			return
		}
		m(http.HandlerFunc(func(w2 http.ResponseWriter, r2 *http.Request) {
			next(&netContext{outer: ctx, r: r2, w: w2})
		})).ServeHTTP(w, r)
	}
}

// unwrap finds the request and writer behind a huma context.
func unwrap(ctx huma.Context) (*http.Request, http.ResponseWriter, bool) {
	for {
		switch c := ctx.(type) {
		case interface {
			Unwrap() (*http.Request, http.ResponseWriter)
		}:
			r, w := c.Unwrap()
			return r, w, true
		case interface{ Unwrap() huma.Context }:
			ctx = c.Unwrap()
		default:
			return nil, nil, false
		}
	}
}

// netContext is the huma context of an operation that runs inside a
// net/http middleware: the middleware's request and writer, the rest (the
// operation, path parameters, TLS) from the adapter's context.
type netContext struct {
	outer  huma.Context
	r      *http.Request
	w      http.ResponseWriter
	status int
}

var _ huma.Context = (*netContext)(nil)

func (c *netContext) Unwrap() (*http.Request, http.ResponseWriter) { return c.r, c.w }
func (c *netContext) Operation() *huma.Operation                   { return c.outer.Operation() }
func (c *netContext) TLS() *tls.ConnectionState                    { return c.outer.TLS() }
func (c *netContext) Version() huma.ProtoVersion                   { return c.outer.Version() }
func (c *netContext) Param(name string) string                     { return c.outer.Param(name) }
func (c *netContext) Context() context.Context                     { return c.r.Context() }
func (c *netContext) Method() string                               { return c.r.Method }
func (c *netContext) Host() string                                 { return c.r.Host }
func (c *netContext) RemoteAddr() string                           { return c.r.RemoteAddr }
func (c *netContext) URL() url.URL                                 { return *c.r.URL }
func (c *netContext) Query(name string) string                     { return c.r.URL.Query().Get(name) }
func (c *netContext) Header(name string) string                    { return c.r.Header.Get(name) }
func (c *netContext) BodyReader() io.Reader                        { return c.r.Body }
func (c *netContext) BodyWriter() io.Writer                        { return c.w }
func (c *netContext) Status() int                                  { return c.status }
func (c *netContext) SetHeader(name, value string)                 { c.w.Header().Set(name, value) }
func (c *netContext) AppendHeader(name, value string)              { c.w.Header().Add(name, value) }

func (c *netContext) EachHeader(cb func(name, value string)) {
	for name, values := range c.r.Header {
		for _, value := range values {
			cb(name, value)
		}
	}
}

func (c *netContext) GetMultipartForm() (*multipart.Form, error) {
	err := c.r.ParseMultipartForm(8 << 10)
	return c.r.MultipartForm, err
}

func (c *netContext) SetReadDeadline(deadline time.Time) error {
	return http.NewResponseController(c.w).SetReadDeadline(deadline)
}

func (c *netContext) SetStatus(code int) {
	c.status = code
	c.w.WriteHeader(code)
}
