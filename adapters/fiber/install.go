package apierrfiber

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/internal/logsample"
	"github.com/apierr/apierr/middleware"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// Config configures New. Its zero value works: the default catalog,
// slog.Default(), request IDs from middleware.NewRequestID, an incoming ID
// adopted when middleware.ValidRequestID accepts it, and fiber's defaults.
type Config struct {
	// Catalog renders every error (nil: apierr.Default()).
	Catalog *apierr.Catalog
	// Logger receives one record per error response (nil: slog.Default(),
	// resolved once by New).
	Logger *slog.Logger
	// Level is the level of a 4xx record (nil: middleware.DefaultLevel,
	// info); 5xx records are at error.
	Level middleware.LevelFunc
	// RequestIDFunc generates request IDs (nil: IDs of middleware.NewRequestID's
	// form, kept in the request's own allocation).
	RequestIDFunc func() string
	// IgnoreIncomingRequestID always generates the request ID, as
	// middleware.WithoutIncomingRequestID does (default: false, a valid
	// incoming ID is kept).
	IgnoreIncomingRequestID bool
	// Sampling bounds the records of repeated error responses, as
	// middleware.WithSampling does for Stack (zero: the first
	// middleware.DefaultSamplingFirst responses of a code every
	// middleware.DefaultSamplingInterval, then one summary record).
	Sampling middleware.Sampling
	// Now replaces time.Now for the latency of log records and the
	// sampling windows (tests).
	Now func() time.Time
	// Fiber is the app's own configuration. New replaces its ErrorHandler;
	// its BodyLimit (fiber's default, 4 MiB, when zero) is the limit_bytes
	// of payload_too_large.
	Fiber fiber.Config
}

// New returns a fiber app with apierr installed for cat: see the package
// doc. It is Config{Catalog: cat, Fiber: fiberCfg[0]}.New(); fiberCfg is
// fiber.New's (at most one).
func New(cat *apierr.Catalog, fiberCfg ...fiber.Config) *fiber.App {
	cfg := Config{Catalog: cat}
	if len(fiberCfg) > 0 {
		cfg.Fiber = fiberCfg[0]
	}
	return cfg.New()
}

// defaultBodyLimit is fiber v2's BodyLimit when its Config leaves it zero.
const defaultBodyLimit = 4 * 1024 * 1024

// New returns a fiber app with apierr installed as cfg says: the app's
// ErrorHandler renders catalog errors, and its first middleware (app.Use)
// gives every request its request ID and apierr.State, recovers panics,
// renders the errors handlers return and writes the log record. Add routes
// and other middleware to the app it returns.
func (cfg Config) New() *fiber.App {
	a := &adapter{cat: cfg.Catalog, logger: cfg.Logger, level: cfg.Level, newID: cfg.RequestIDFunc,
		untrust: cfg.IgnoreIncomingRequestID, now: cfg.Now, limit: int64(cfg.Fiber.BodyLimit)}
	if a.cat == nil {
		a.cat = apierr.Default()
	}
	if a.logger == nil {
		a.logger = slog.Default()
	}
	if a.level == nil {
		a.level = middleware.DefaultLevel
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.limit <= 0 {
		a.limit = defaultBodyLimit
	}
	a.idHeader = http.CanonicalHeaderKey(a.cat.RequestIDHeader())
	a.idHeaderBytes = []byte(a.idHeader)
	sm := cfg.Sampling
	a.sampler = logsample.NewResponses(sm.First, middleware.DefaultSamplingFirst, sm.Interval, middleware.DefaultSamplingInterval,
		sm.AfterFunc, a.logger, a.level)
	fc := cfg.Fiber
	fc.ErrorHandler = a.errorHandler
	app := fiber.New(fc)
	srv := app.Server()
	srv.HeaderReceived = a.headerReceived(srv.HeaderReceived)
	app.Use(a.handle)
	return app
}

// headerReceived wraps the server's HeaderReceived hook (prev, nil when
// none) to refuse an over-long body by its declared length before the
// client sends it. fasthttp answers "Expect: 100-continue" with 100 Continue
// before it compares Content-Length with BodyLimit, then answers 413 and
// closes the connection while the client is sending: the client may get a
// reset instead of the 413. Without the Expect field fasthttp refuses the
// request as soon as it has read the header, so the 413 (through the
// ErrorHandler) is what the waiting client reads, and the body is never
// sent.
func (a *adapter) headerReceived(prev func(*fasthttp.RequestHeader) fasthttp.RequestConfig) func(*fasthttp.RequestHeader) fasthttp.RequestConfig {
	return func(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
		var rc fasthttp.RequestConfig
		if prev != nil {
			rc = prev(h)
		}
		limit := a.limit
		if rc.MaxRequestBodySize > 0 {
			limit = int64(rc.MaxRequestBodySize)
		}
		if int64(h.ContentLength()) > limit && strings.EqualFold(string(h.Peek(fiber.HeaderExpect)), "100-continue") {
			h.Del(fiber.HeaderExpect)
		}
		return rc
	}
}

// adapter is one app's installation: the settings of Config, resolved.
type adapter struct {
	cat           *apierr.Catalog
	idHeader      string // canonical
	idHeaderBytes []byte // idHeader, for fasthttp's SetCanonical
	logger        *slog.Logger
	level         middleware.LevelFunc
	newID         func() string
	untrust       bool
	now           func() time.Time
	limit         int64                // fiber's BodyLimit
	sampler       *logsample.Responses // nil: every record is written
}

// localsKey is the fiber.Ctx local that holds the request's *request.
type localsKey struct{}

// requestOf returns the request's apierr side, nil when the adapter's
// middleware has not run for it.
func requestOf(c *fiber.Ctx) *request {
	rq, _ := c.Locals(localsKey{}).(*request)
	return rq
}

// handle is the app's first middleware: the rest of the chain runs inside
// it.
func (a *adapter) handle(c *fiber.Ctx) (err error) {
	rq := a.begin(c)
	if rq.logging {
		rq.start = a.now()
	}
	defer func() {
		if v := recover(); v != nil {
			a.recovered(c, rq, v)
		}
		a.log(c, rq)
		rq.release()
	}()
	a.finish(c, rq, c.Next())
	return nil
}

// begin makes the request's State (its ID adopted or generated), sets the
// request-ID header and carries the State in c.UserContext().
func (a *adapter) begin(c *fiber.Ctx) *request {
	rq := &request{a: a}
	id := ""
	if !a.untrust {
		id = a.incomingID(c)
	}
	if id == "" {
		if a.newID != nil {
			id = a.newID()
		} else {
			// The ID's bytes live in rq, as long as the string, and never
			// change once written.
			id = bytesString(middleware.AppendRequestID(rq.idBuf[:0]))
		}
	}
	rq.state.Reset(a.cat, id)
	rq.logging = rq.state.ClaimLog() && a.logEnabled()
	c.Response().Header.SetCanonical(a.idHeaderBytes, stringBytes(id))
	c.SetUserContext(rq.state.Attach(c.UserContext()))
	c.Locals(localsKey{}, rq)
	return rq
}

// finish renders err, the chain's error, or, when the chain returned none
// but left a status ≥400 that is not a catalog error (c.SendStatus(404),
// c.Status(403).JSON(…)), the catalog error of that status, as the
// runtime's normalizer does on net/http.
func (a *adapter) finish(c *fiber.Ctx, rq *request, err error) {
	if err == nil {
		s := c.Response().StatusCode()
		if s < 400 || rq.state.Rendered() || c.Response().IsBodyStream() {
			return
		}
		err = statusError(c, s, false)
	}
	rq.render(c, Convert(c, err))
}

// errorHandler is the app's fiber.ErrorHandler. It renders what reaches
// fiber outside the middleware: the server's errors before routing (a body
// over BodyLimit, headers over ReadBufferSize, a read timeout), and an
// error a handler of a mounted app without its own handler returns.
func (a *adapter) errorHandler(c *fiber.Ctx, err error) error {
	rq := requestOf(c)
	if rq == nil {
		rq = a.begin(c)
		rq.noRoute = true // refused before routing: c.Route() is fiber's stand-in
		if rq.logging {
			rq.start = a.now()
		}
		defer func() {
			a.log(c, rq)
			rq.release()
		}()
	}
	if !rq.state.Rendered() {
		rq.render(c, Convert(c, err))
	}
	return nil
}

// recovered answers a panic with the internal condition: its value is the
// cause and its stack goes to the log only. http.ErrAbortHandler closes
// the connection after the answer, as net/http aborts it.
func (a *adapter) recovered(c *fiber.Ctx, rq *request, v any) {
	if v == http.ErrAbortHandler {
		c.Context().SetConnectionClose()
	} else {
		rq.stack = debug.Stack()
	}
	err, ok := v.(error)
	if !ok {
		err = fmt.Errorf("apierrfiber: panic: %v", v)
	} else {
		err = fmt.Errorf("apierrfiber: panic: %w", err)
	}
	if rq.state.Rendered() && !errors.Is(err, http.ErrAbortHandler) {
		// The client got an error already; the panic came after it.
		rq.panicked = err
		return
	}
	c.Response().Reset()
	c.Set(a.idHeader, rq.state.RequestID())
	rq.reset()
	rq.render(c, apierr.Internal(err))
}

// incomingID returns the client's request ID from the catalog's header or,
// when that is another header, from X-Request-ID; "" when absent, sent
// twice or unsafe. It is a copy: fiber's header bytes are reused once the
// request ends, and the ID may outlive it in a log or a job.
func (a *adapter) incomingID(c *fiber.Ctx) string {
	h := &c.Request().Header
	key := a.idHeader
	v := h.Peek(key)
	if v == nil && key != "X-Request-Id" {
		key = "X-Request-Id"
		v = h.Peek(key)
	}
	// As middleware.Stack: only an ID the client sent once (two IDs name
	// no one request) and that is safe to log and echo.
	if v == nil || !middleware.ValidRequestID(bytesString(v)) || len(h.PeekAll(key)) != 1 {
		return ""
	}
	return string(v)
}

// recordLevels are the levels logEnabled asks the handler about.
var recordLevels = [...]slog.Level{slog.LevelError, slog.LevelInfo, slog.LevelWarn, slog.LevelDebug, middleware.LevelOff - 1}

// logEnabled reports whether the logger takes records at any level: when
// it takes none (slog.DiscardHandler), no record is built and the clock is
// not read.
func (a *adapter) logEnabled() bool {
	h := a.logger.Handler()
	for _, l := range recordLevels {
		if h.Enabled(context.Background(), l) {
			return true
		}
	}
	return false
}

// log writes the request's one record when its response is an error, with
// the attributes of middleware.Stack's (request_id, code, status, method,
// route, path, latency; cause and stack for a 5xx).
func (a *adapter) log(c *fiber.Ctx, rq *request) {
	status := c.Response().StatusCode()
	if !rq.logging || status < 400 {
		return
	}
	st := &rq.state
	code := st.Code()
	level := slog.LevelError
	if status < 500 {
		level = a.level(status, code)
	}
	ctx := c.UserContext()
	h := a.logger.Handler()
	if level == middleware.LevelOff || !h.Enabled(ctx, level) {
		return
	}
	now := a.now()
	r := rq.httpRequest(c)
	route := st.Route()
	if route == "" && !rq.noRoute {
		if rt := c.Route(); rt != nil && rt.Path != "" {
			route = r.Method + " " + rt.Path
		}
	}
	if a.sampler != nil && !a.sampler.Allow(logsample.ResponseKey{Code: code, Status: status}, now, route) {
		return
	}
	var cause error
	if e := st.Err(); status >= 500 && e != nil {
		cause = e.Cause()
	}
	rec := logsample.ResponseRecord(now, level, st.RequestID(), code, status, r.Method, route, r.URL.Path, now.Sub(rq.start), cause, rq.stack)
	if rq.panicked != nil {
		rec.AddAttrs(slog.String("panic", rq.panicked.Error()))
	}
	_ = h.Handle(ctx, rec) // as Logger.LogAttrs: a handler's error has nowhere to go
}
