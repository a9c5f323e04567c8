package apierrgin

import (
	"net/http"
	"sync"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/middleware"
	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"
)

// Config configures Install. Its zero value works: the default catalog and
// the runtime's defaults.
type Config struct {
	// Catalog renders every error (nil: apierr.Default()).
	Catalog *apierr.Catalog
	// Stack are the options of the runtime (middleware.Stack): logger,
	// request-ID policy, clock. None by default.
	Stack []middleware.Option
}

// Install installs apierr on engine with cat: see the package doc. It is
// Config{Catalog: cat}.Install(engine).
func Install(engine *gin.Engine, cat *apierr.Catalog) { Config{Catalog: cat}.Install(engine) }

var wrapValidator sync.Mutex

// Install installs apierr on engine as cfg says: the runtime as a global
// middleware, method-not-allowed handling, and gin's validator wrapped so
// its errors are catalog errors. Call it once, before adding routes.
func (cfg Config) Install(engine *gin.Engine) {
	a := &adapter{}
	a.carriers.New = func() any { return new(carrier) }
	a.stack = middleware.Stack(cfg.Catalog, cfg.Stack...)(http.HandlerFunc(a.inner))
	engine.HandleMethodNotAllowed = true
	engine.Use(a.handle)
	wrapValidator.Lock()
	if _, done := binding.Validator.(structValidator); !done && binding.Validator != nil {
		binding.Validator = structValidator{binding.Validator}
	}
	wrapValidator.Unlock()
}

type adapter struct {
	stack    http.Handler // the runtime around inner
	carriers sync.Pool    // *carrier
}

// carrier takes one request's gin context through the runtime, which only
// knows net/http, and holds the gin writer the chain writes to inside it.
// Carriers are pooled, so the trip allocates nothing of its own.
type carrier struct {
	http.ResponseWriter // gin's writer
	c                   *gin.Context
	routeStatus         int // 404 or 405 when no route matched, else 0
	w                   writer
}

// Unwrap lets http.ResponseController and the runtime reach gin's writer.
func (cw *carrier) Unwrap() http.ResponseWriter { return cw.ResponseWriter }

// handle is the global middleware: the rest of the chain runs inside
// middleware.Stack.
func (a *adapter) handle(c *gin.Context) {
	orig := c.Writer
	cw := a.carriers.Get().(*carrier)
	cw.ResponseWriter, cw.c = orig, c
	if c.FullPath() == "" {
		// gin sets the status of NoRoute (404) and NoMethod (405) before
		// it calls their handlers.
		if s := orig.Status(); s == http.StatusNotFound || s == http.StatusMethodNotAllowed {
			cw.routeStatus = s
		}
	}
	a.stack.ServeHTTP(cw, c.Request)
	c.Writer = orig
	*cw = carrier{}
	a.carriers.Put(cw)
}

// inner runs the gin chain with the runtime's request (it carries the
// apierr.State) and writer.
func (a *adapter) inner(w http.ResponseWriter, r *http.Request) {
	cw := findCarrier(w)
	c := cw.c
	if p := c.FullPath(); p != "" {
		r.Pattern = r.Method + " " + p
		apierr.StateFrom(r.Context()).RecordRoute(r)
	}
	c.Request = r
	cw.w.reset(w)
	c.Writer = &cw.w
	c.Next()
	finish(c, &cw.w, cw.routeStatus)
}

func findCarrier(w http.ResponseWriter) *carrier {
	for {
		if cw, ok := w.(*carrier); ok {
			return cw
		}
		w = w.(interface{ Unwrap() http.ResponseWriter }).Unwrap()
	}
}

// finish ends the chain inside the runtime (or inside a wrapped
// middleware): when nothing was sent, the last error attached with c.Error
// is rendered; else a held error status, a status set without a body, or
// the router's 404/405 goes to the normalizer.
func finish(c *gin.Context, w *writer, routeStatus int) {
	if w.wrote {
		return
	}
	if n := len(c.Errors); n > 0 {
		if e := Convert(c, c.Errors[n-1].Err, w.status); e != nil {
			w.wrote = true
			apierr.Write(w.w, c.Request, e)
			return
		}
	}
	if w.status == 0 && routeStatus != 0 {
		w.status = routeStatus
	}
	if w.status == http.StatusNotFound {
		// The most frequent error of all, without the normalizer's
		// allocation: no route, or a matched route's resource.
		e := errEndpointNotFound
		if c.FullPath() != "" {
			e = errNotFound
		}
		w.wrote = true
		apierr.Write(w.w, c.Request, e)
		return
	}
	if w.status != 0 {
		w.flush()
	}
}

// Shared errors: Write resolves a copy and never changes them.
var (
	errEndpointNotFound = apierr.Cond(apierr.CondEndpointNotFound)
	errNotFound         = apierr.Cond(apierr.CondNotFound)
)

// Handler adapts a handler that returns an error: a non-nil error is
// attached with c.Error and rendered when the chain ends.
func Handler(h func(c *gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			_ = c.Error(err)
			c.Abort()
		}
	}
}

// Wrap turns a net/http middleware (auth.Auth, a limiter's Middleware,
// idempotency.New, middleware.BodyLimit, …) into a gin handler for a route
// or a group. The rest of the chain runs inside m and its error is rendered
// there, so m sees the response it brings about (an idempotency key stores
// the error response for replay). A middleware that answers by itself
// (401, 429) aborts the chain.
func Wrap(m func(http.Handler) http.Handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		orig := c.Writer
		ran := false
		m(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ran = true
			c.Request = r
			gw := &writer{}
			gw.reset(w)
			c.Writer = gw
			c.Next()
			finish(c, gw, 0)
		})).ServeHTTP(orig, c.Request)
		c.Writer = orig
		if !ran {
			c.Abort()
		}
	}
}
