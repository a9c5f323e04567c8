package apierrfiber

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/apierr/apierr"
	"github.com/gofiber/fiber/v2"
)

// Wrap turns a net/http middleware (auth.New's, a limiter's Middleware,
// idempotency.New's, middleware.RequireContentType, …) into a fiber handler
// for app.Use, a group or a route. The middleware sees a net/http request
// with every header, the body, the remote address and c.UserContext() (the
// request's apierr.State); when it calls next, the rest of the fiber chain
// runs inside it, with the request it handed on (its context becomes
// c.UserContext(), its body is what Bind reads), and the chain's error is
// rendered there, so the middleware sees the response it brings about: an
// idempotency key stores the handler's response, error or not, for
// replay. Headers the middleware set before next (RateLimit-*) reach the
// response unless the handler set the same field. A middleware that
// answers by itself (401, 429) ends the chain with its catalog error.
//
// A response body the handler streams (c.SendStream, SetBodyStreamWriter)
// is not handed to a middleware that records responses: it goes to the
// client as it is, with the status and headers.
func Wrap(m func(http.Handler) http.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		rq := requestOf(c)
		if rq == nil {
			return apierr.Internal(errNotInstalled)
		}
		r, err := rq.netRequest(c)
		if err != nil {
			return apierr.Cond(apierr.CondMalformedBody).WithDetail("The request target is not a valid URI.").WithCause(err)
		}
		w := &responseWriter{c: c}
		m(http.HandlerFunc(func(w2 http.ResponseWriter, r2 *http.Request) {
			rq.full = r2
			c.SetUserContext(r2.Context())
			rq.a.finish(c, rq, c.Next())
			handOn(c, w, w2)
		})).ServeHTTP(w, r)
		if w.status == 0 && len(w.h) > 0 {
			copyHeader(&c.Response().Header, w.h, false) // it answered with headers alone, or after next
		}
		return nil
	}
}

var errNotInstalled = errors.New("apierrfiber: Wrap runs on an app made by apierrfiber.New (its middleware has not run for this request)")

// netRequest returns the net/http request a wrapped middleware sees: the
// one the previous wrapped middleware handed on, else one converted from
// c. Its strings are copies, so what a middleware keeps (an idempotency
// key in its store) does not change when fiber reuses its buffers.
func (rq *request) netRequest(c *fiber.Ctx) (*http.Request, error) {
	if rq.full != nil {
		return rq.full, nil
	}
	fr := c.Request()
	uri := string(fr.RequestURI())
	u, err := url.ParseRequestURI(uri)
	if err != nil {
		return nil, err
	}
	body := c.Body()
	r := &http.Request{
		Method:     methodOf(c),
		URL:        u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     make(http.Header, 16),
		Host:       string(fr.Host()),
		RemoteAddr: c.Context().RemoteAddr().String(),
		RequestURI: uri,
		Body:       http.NoBody,
		TLS:        c.Context().TLSConnectionState(),
	}
	if len(body) > 0 {
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
	}
	for k, v := range fr.Header.All() {
		key := http.CanonicalHeaderKey(string(k))
		r.Header[key] = append(r.Header[key], string(v))
	}
	if rt := c.Route(); rt != nil && rt.Path != "" {
		r.Pattern = r.Method + " " + rt.Path // what ServeMux would set: the log's route, a limiter's scope
	}
	r = r.WithContext(c.UserContext())
	rq.full = r
	return r, nil
}

// skipHeaders are the fields of fiber's response a recording middleware is
// not handed: the server's and the connection's, not the response's.
var skipHeaders = map[string]bool{"Content-Length": true, "Server": true, "Date": true, "Connection": true, "Transfer-Encoding": true}

// handOn gives w2, the writer a wrapped middleware passed to next, the
// response the fiber chain left in c: when w2 is the writer Wrap gave the
// middleware, only the header fields the middleware set; when the
// middleware wrapped it (to record the response), the status, the header
// and the body, which come back to fiber through w.
func handOn(c *fiber.Ctx, w *responseWriter, w2 http.ResponseWriter) {
	resp := c.Response()
	if mine, ok := w2.(*responseWriter); (ok && mine == w) || resp.IsBodyStream() {
		if w.status == 0 {
			copyHeader(&resp.Header, w.h, false)
		}
		return
	}
	status := resp.StatusCode()
	body := resp.SwapBody(nil)
	h := w2.Header()
	seen := make(map[string]bool, 8)
	for k, v := range resp.Header.All() {
		key := string(k)
		if skipHeaders[key] {
			continue
		}
		if !seen[key] {
			seen[key] = true
			h[key] = nil // the chain's value replaces the middleware's, as a net/http handler's Set would
		}
		h[key] = append(h[key], string(v))
	}
	w2.WriteHeader(status)
	if len(body) > 0 {
		_, _ = w2.Write(body)
	}
}
