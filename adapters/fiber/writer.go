package apierrfiber

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/apierr/apierr"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// request is apierr's side of one fiber request, in one allocation: the
// State and the request ID's bytes. The net/http view apierr.Write and the
// log need is a second one (view), made only for a request that renders an
// error or logs one: a success pays for neither.
type request struct {
	a        *adapter
	state    apierr.State
	idBuf    [26]byte      // a generated ID (NewRequestID's form)
	idHdr    [1]string     // the request-ID header's value, shared with Write's header map
	logging  bool          // this request logs its error response
	noRoute  bool          // the router matched no route (404, 405)
	start    time.Time     // for the latency
	stack    []byte        // a recovered panic's
	panicked error         // a panic after the error was rendered
	full     *http.Request // the request the last wrapped middleware handed on
	view     *netView      // made by httpRequest
}

// netView is the net/http side of a request that renders or logs an error.
type netView struct {
	req http.Request   // the view Write renders with
	url url.URL        // req.URL
	hdr http.Header    // req.Header: Accept, Accept-Language
	w   responseWriter // Write's writer
}

// reset forgets the net/http view, for a render after the response was
// thrown away (a panic).
func (rq *request) reset() {
	if v := rq.view; v != nil {
		v.w = responseWriter{h: v.w.h}
	}
}

// httpRequest returns the net/http view of the request: the one a wrapped
// middleware handed on when there is one (it carries every header, the
// body and the context it may have added to), else a minimal request with
// the method, the path, the Accept and Accept-Language headers and
// c.UserContext(), which is all apierr.Write reads.
func (rq *request) httpRequest(c *fiber.Ctx) *http.Request {
	if rq.full != nil {
		return rq.full
	}
	v := rq.view
	if v == nil {
		v = new(netView)
		rq.view = v
		v.url.Path = strings.Clone(c.Path()) // fiber's bytes are reused after the request
		// Write reads Accept and Accept-Language; a nil map answers "".
		h := &c.Request().Header
		accept, lang := h.Peek(fiber.HeaderAccept), h.Peek(fiber.HeaderAcceptLanguage)
		if len(accept) > 0 || len(lang) > 0 {
			v.hdr = make(http.Header, 2)
			if len(accept) > 0 {
				v.hdr["Accept"] = []string{string(accept)}
			}
			if len(lang) > 0 {
				v.hdr["Accept-Language"] = []string{string(lang)}
			}
		}
		v.req = *v.req.WithContext(c.UserContext())
		v.req.Method = methodOf(c)
		v.req.URL = &v.url
		v.req.RequestURI = v.url.Path
		v.req.Header = v.hdr
		v.req.Proto, v.req.ProtoMajor, v.req.ProtoMinor = "HTTP/1.1", 1, 1
		v.req.Body = http.NoBody
		rq.state.RecordRoute(&v.req)
	}
	if !rq.noRoute && v.req.Pattern == "" {
		if rt := c.Route(); rt != nil && rt.Path != "" {
			v.req.Pattern = v.req.Method + " " + rt.Path
		}
	}
	return &v.req
}

// methods are the standard methods as constants: fiber's c.Method() is a
// view of bytes reused after the request.
var methods = [...]string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace, http.MethodPatch}

func methodOf(c *fiber.Ctx) string {
	m := c.Method()
	for _, s := range methods {
		if m == s {
			return s
		}
	}
	return strings.Clone(m)
}

// render sends e, the request's catalog error, as apierr.Write does on
// net/http, in place of whatever the response held.
func (rq *request) render(c *fiber.Ctx, e *apierr.Error) {
	resp := c.Response()
	resp.ResetBody()
	for _, k := range entityHeaders {
		resp.Header.Del(k)
	}
	r := rq.httpRequest(c)
	var w *responseWriter
	if rq.view != nil {
		w = &rq.view.w
	} else { // a wrapped middleware's request: the view was never needed
		rq.view = new(netView)
		w = &rq.view.w
	}
	w.reset(c)
	if rq.idHdr[0] = rq.state.RequestID(); rq.idHdr[0] != "" {
		w.h[rq.a.idHeader] = rq.idHdr[:] // set already: Write would allocate its own
	}
	if v := resp.Header.Peek(fiber.HeaderVary); len(v) > 0 {
		w.h["Vary"] = []string{string(v)} // Write adds Accept to what is there
	}
	apierr.Write(w, r, e)
}

// entityHeaders describe the body a handler meant to send; the catalog
// error that replaces it must not carry them (a JSON error labelled gzip
// does not decode), as Stack's normalizer drops them on net/http.
var entityHeaders = [...]string{"Content-Encoding", "Content-Range", "Content-Disposition", "Etag", "Last-Modified"}

// responseWriter is an http.ResponseWriter over a fiber response, for
// apierr.Write and the wrapped net/http middleware: its header map goes
// to fasthttp's response headers when the status is written, its body
// is appended to fasthttp's.
type responseWriter struct {
	c      *fiber.Ctx
	h      http.Header
	status int // 0 until WriteHeader
}

var _ http.ResponseWriter = (*responseWriter)(nil)

// headerPool holds the header maps of render's writers: the map and its
// storage are two allocations of every error otherwise. Its values go to
// fasthttp's header by copy, so the map is free once the response is.
var headerPool = sync.Pool{New: func() any { return make(http.Header, 8) }}

func (w *responseWriter) reset(c *fiber.Ctx) {
	if w.h == nil {
		w.h = headerPool.Get().(http.Header)
	} else {
		clear(w.h)
	}
	w.c, w.status = c, 0
}

// release gives render's header map back once the response is done.
func (rq *request) release() {
	if v := rq.view; v != nil && v.w.h != nil {
		clear(v.w.h)
		headerPool.Put(v.w.h)
		v.w.h = nil
	}
}

// Header returns the header map sent with the status.
func (w *responseWriter) Header() http.Header {
	if w.h == nil {
		w.h = make(http.Header, 8)
	}
	return w.h
}

// WriteHeader copies the header map to fiber's response and sets its
// status; after the first call it does nothing, as net/http's.
func (w *responseWriter) WriteHeader(code int) {
	if w.status != 0 {
		return
	}
	w.status = code
	resp := w.c.Response()
	copyHeader(&resp.Header, w.h, true)
	resp.SetStatusCode(code)
}

// Write sends the status (200 when none was written) and appends b to the
// body.
func (w *responseWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	w.c.Response().AppendBody(b)
	return len(b), nil
}

// copyHeader sets h's fields on dst, replacing what dst has when replace is
// true, else only adding fields dst lacks. Content-Length is fasthttp's to
// work out from the body.
func copyHeader(dst *fasthttp.ResponseHeader, h http.Header, replace bool) {
	for k, vs := range h {
		if k == "Content-Length" {
			continue
		}
		if !replace && dst.Peek(k) != nil {
			continue
		}
		if len(vs) == 0 {
			dst.Del(k)
			continue
		}
		dst.Set(k, vs[0])
		for _, v := range vs[1:] {
			dst.Add(k, v)
		}
	}
}

// stringBytes views s as bytes, for fasthttp calls that copy them.
func stringBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// bytesString views b as a string; b must not change while the string is
// in use.
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
