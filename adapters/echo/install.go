package apierrecho

import (
	"net/http"
	"reflect"
	"sync"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/bind"
	"github.com/apierr/apierr/middleware"
	"github.com/labstack/echo/v4"
)

// Config configures Install. Its zero value works: the default catalog,
// the default binder, the runtime's defaults.
type Config struct {
	// Catalog renders every error (nil: apierr.Default()).
	Catalog *apierr.Catalog
	// Binder decodes and validates c.Bind's and c.Validate's values (nil:
	// bind's default Binder).
	Binder *bind.Binder
	// Stack are the options of the runtime (middleware.Stack): logger,
	// request-ID policy, clock. None by default.
	Stack []middleware.Option
}

// Install installs apierr on e with cat: see the package doc. It is
// Config{Catalog: cat}.Install(e).
func Install(e *echo.Echo, cat *apierr.Catalog) { Config{Catalog: cat}.Install(e) }

// Install installs apierr on e as cfg says: e.HTTPErrorHandler renders
// every error as a catalog error, e.Binder decodes JSON bodies with apierr's
// binder and e.Validator validates with it, the runtime runs before the
// router and a route recorder after it. Call it once, before adding
// middleware of one's own.
func (cfg Config) Install(e *echo.Echo) {
	cat := cfg.Catalog
	if cat == nil {
		cat = apierr.Default()
	}
	a := &adapter{cat: cat}
	a.carriers.New = func() any { return new(carrier) }
	a.stack = middleware.Stack(cat, cfg.Stack...)(http.HandlerFunc(a.inner))
	e.HTTPErrorHandler = a.handleError
	e.Binder = &Binder{Binder: cfg.Binder}
	e.Validator = Validator{Binder: cfg.Binder}
	e.Pre(a.runtime)
	e.Use(recordRoute)
}

type adapter struct {
	cat      *apierr.Catalog
	stack    http.Handler // the runtime around inner
	carriers sync.Pool    // *carrier
}

// carrier takes one request's echo context through the runtime, which only
// knows net/http: the runtime wraps the carrier, and inner finds it again
// by unwrapping its writer. Carriers are pooled, so the trip allocates
// nothing of its own.
type carrier struct {
	http.ResponseWriter // the writer echo's Response wrapped
	c                   echo.Context
	next                echo.HandlerFunc
}

// Unwrap lets http.ResponseController and the runtime reach the server's writer.
func (w *carrier) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// runtime is the pre-router middleware: the rest of the chain, router
// included, runs inside middleware.Stack, and so does the rendering of the
// error it returns.
func (a *adapter) runtime(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		res := c.Response()
		cw := a.carriers.Get().(*carrier)
		cw.ResponseWriter, cw.c, cw.next = res.Writer, c, next
		a.stack.ServeHTTP(cw, c.Request())
		res.Writer = cw.ResponseWriter
		*cw = carrier{}
		a.carriers.Put(cw)
		return nil
	}
}

// inner runs the echo chain with the runtime's request (it carries the
// apierr.State) and writer.
func (a *adapter) inner(w http.ResponseWriter, r *http.Request) {
	cw := findCarrier(w)
	c := cw.c
	c.SetRequest(r)
	c.Response().Writer = w
	if err := cw.next(c); err != nil {
		c.Echo().HTTPErrorHandler(err, c)
	}
}

func findCarrier(w http.ResponseWriter) *carrier {
	for {
		if cw, ok := w.(*carrier); ok {
			return cw
		}
		w = w.(interface{ Unwrap() http.ResponseWriter }).Unwrap()
	}
}

// recordRoute tells the runtime which route matched, so that a plain 404
// from a matched handler is not_found and the log names the route.
func recordRoute(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if matched(c) {
			r := c.Request()
			r.Pattern = r.Method + " " + c.Path()
			apierr.StateFrom(r.Context()).RecordRoute(r)
		}
		return next(c)
	}
}

// matched reports whether the router found a route for the request: echo
// gives an unmatched request its NotFoundHandler or MethodNotAllowedHandler.
func matched(c echo.Context) bool {
	h := c.Handler()
	if h == nil {
		return false
	}
	// Read each time: an application may replace echo's handlers.
	p := reflect.ValueOf(h).Pointer()
	return p != reflect.ValueOf(echo.NotFoundHandler).Pointer() &&
		p != reflect.ValueOf(echo.MethodNotAllowedHandler).Pointer()
}
