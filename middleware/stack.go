package middleware

import (
	"log/slog"
	"net/http"
	"sync"
	"time"
	"unsafe"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/internal/logsample"
)

// Option configures Stack and the other runtime middleware.
type Option func(*config)

type config struct {
	logger   *slog.Logger
	newID    func() string // nil: NewRequestID, generated into the writer
	now      func() time.Time
	untrust  bool
	level    LevelFunc
	sampling Sampling
}

// WithLogger sends the records of Stack (and of Timeout, Logger, …) to l
// instead of slog.Default() as it is when the middleware is built.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithRequestIDFunc generates request IDs with f instead of NewRequestID.
func WithRequestIDFunc(f func() string) Option { return func(c *config) { c.newID = f } }

// WithoutIncomingRequestID ignores request IDs sent by clients and always
// generates one (for APIs whose callers are not trusted to pick log keys).
func WithoutIncomingRequestID() Option { return func(c *config) { c.untrust = true } }

// WithClock replaces time.Now for latency measurements (tests).
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// Stack returns the runtime every apierr service wraps its router with. It
// installs, outermost first:
//
//   - request ID: an incoming ID (in the catalog's RequestIDHeader, else in
//     X-Request-ID) is kept when ValidRequestID accepts it, else one is
//     generated; it is set on the response in the catalog's header and
//     carried by one apierr.State per request (apierr.NewContext);
//   - logger: one slog record per error response (request_id, code, status,
//     method, route, path, latency; cause and stack for 5xx), 4xx at the
//     level WithLevels sets (default DefaultLevel, info), 5xx at error;
//     repeats of a code are sampled (WithSampling: the first 5 a code every
//     10 s, then one record counting the rest);
//   - recover: a panic becomes the internal condition, its stack goes to the
//     log only; http.ErrAbortHandler keeps its meaning; a panic after the
//     response started aborts the connection instead of corrupting the body;
//   - normalize: a status ≥400 written by anything but apierr.Write (ServeMux's
//     404 and 405, http.Error, a proxy's 502) is replaced by the catalog error
//     of the matching condition.
//
// An apierr.Write (or any status ≥400, http.Error's included) that comes
// after the response started (a streaming handler failing midway) cannot be
// a catalog error any more: its body is dropped and, once the handler
// returns, the connection is aborted so the client does not take the partial
// body for a whole one. A second error written after a catalog error (a
// handler that writes its error and also returns it) is dropped: the first
// is whole.
//
// A nil cat means apierr.Default(). The stack costs one allocation per
// request: its response writer, which holds the State, the request copy and
// the context that carry it, a generated request ID (unless
// WithRequestIDFunc) and the storage of the error the request renders.
func Stack(cat *apierr.Catalog, opts ...Option) func(http.Handler) http.Handler {
	return newStack(cat, logLayer|recoverLayer|normalizeLayer, opts)
}

// Logger returns the logging layer of Stack alone: one structured record per
// error response, sampled as in Stack. A nil l means slog.Default(); opts
// may set the levels, the sampling and the clock.
func Logger(l *slog.Logger, opts ...Option) func(http.Handler) http.Handler {
	return newStack(nil, logLayer, append([]Option{WithLogger(l)}, opts...))
}

// Recover returns the recovery layer of Stack alone.
func Recover() func(http.Handler) http.Handler {
	return newStack(nil, recoverLayer, nil)
}

// Normalize returns the normalizing layer of Stack alone.
func Normalize() func(http.Handler) http.Handler {
	return newStack(nil, normalizeLayer, nil)
}

// layers names the parts of the runtime one stack value runs; request ID and
// State come with every one of them.
type layers uint8

const (
	logLayer layers = 1 << iota
	recoverLayer
	normalizeLayer
)

type stack struct {
	next    http.Handler
	cat     *apierr.Catalog
	hdr     string // canonical request-ID header
	cfg     config
	layers  layers
	sampler *logSampler // shared by every handler this middleware wraps; nil: log every record
}

func newStack(cat *apierr.Catalog, l layers, opts []Option) func(http.Handler) http.Handler {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	if cfg.logger == nil {
		cfg.logger = slog.Default() // resolved once: never looked up per request
	}
	if cfg.level == nil {
		cfg.level = DefaultLevel
	}
	var sampler *logSampler
	if l&logLayer != 0 {
		sampler = newLogSampler(&cfg)
	}
	return func(next http.Handler) http.Handler {
		s := &stack{next: next, cat: cat, cfg: cfg, layers: l, sampler: sampler}
		if cat != nil {
			s.hdr = http.CanonicalHeaderKey(cat.RequestIDHeader())
		}
		return s
	}
}

func (s *stack) logger() *slog.Logger { return s.cfg.logger }

// ServeHTTP runs the enabled layers around next.
func (s *stack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rw, r := s.begin(w, r)
	if s.layers&normalizeLayer != 0 {
		rw.normalize = true
	}
	logging := s.layers&logLayer != 0 && rw.st.ClaimLog()
	if logging && s.logEnabled(r) {
		rw.start = sinceBase(s.cfg.now()) // only a record that will be written needs the latency
	}
	if s.layers&recoverLayer != 0 || logging {
		defer s.finish(rw, r, logging)
	}
	s.next.ServeHTTP(rw, r)
}

// begin finds or creates the request's writer and State. Layers of one Stack,
// and separate layers composed by hand, share one writer per request.
func (s *stack) begin(w http.ResponseWriter, r *http.Request) (*responseWriter, *http.Request) {
	st := apierr.StateFrom(r.Context())
	if rw, ok := w.(*responseWriter); ok && st != nil && rw.st == st {
		st.RecordRoute(r) // a layer inside a router sees the router's request (r.Pattern)
		return rw, r
	}
	rw := &responseWriter{ResponseWriter: w}
	if st == nil {
		cat := s.cat
		if cat == nil {
			cat = apierr.Default()
		}
		hdr := s.hdr
		if hdr == "" {
			hdr = defaultIDHeader() // s.cat is nil: the default catalog's
		}
		id := ""
		if !s.cfg.untrust {
			id = incomingID(r.Header, hdr)
		}
		if id == "" {
			if s.cfg.newID == nil {
				// NewRequestID's bytes, kept in rw: the string lives as
				// long as rw and its bytes never change once written.
				fillRequestID(&rw.idBuf)
				id = unsafe.String(&rw.idBuf[0], len(rw.idBuf))
			} else {
				id = s.cfg.newID()
			}
		}
		rw.state.Reset(cat, id)
		st = &rw.state
		rw.idHdr[0] = id
		w.Header()[hdr] = rw.idHdr[:]
		// The request copy and its context live in rw too: what
		// r.WithContext(apierr.NewContext(…)) makes, without two allocations.
		rw.reqBuf = *r.WithContext(st.Attach(r.Context()))
		r = &rw.reqBuf
	}
	if r != &rw.reqBuf {
		// Another layer's State: the request is copied all the same, so
		// that the writer always holds the one it was handed.
		rw.reqBuf = *r
		r = &rw.reqBuf
	}
	rw.st = st
	st.RecordRoute(r)
	return rw, r
}

// defaultIDHeader is the default catalog's request-ID header in canonical
// form, worked out once rather than on every request of a Stack(nil).
var defaultIDHeader = sync.OnceValue(func() string {
	return http.CanonicalHeaderKey(apierr.Default().RequestIDHeader())
})

// incomingID returns the client's request ID from the catalog's header or,
// when that is another header, from X-Request-ID; "" when absent, repeated
// or unsafe.
func incomingID(h http.Header, hdr string) string {
	v := h[hdr]
	if len(v) == 0 && hdr != "X-Request-Id" {
		v = h["X-Request-Id"]
	}
	if len(v) == 1 && ValidRequestID(v[0]) {
		return v[0]
	}
	return ""
}

// finish recovers a panic (when this layer recovers) and logs the response
// (when this layer logs).
func (s *stack) finish(rw *responseWriter, r *http.Request, logging bool) {
	rec := s.layers&recoverLayer != 0
	if rec {
		if v := recover(); v != nil {
			s.recovered(rw, r, v, logging)
		}
	}
	if logging {
		s.logResponse(rw, r)
	}
	if rw.late && (rec || logging) {
		rw.late = false
		s.logger().LogAttrs(r.Context(), slog.LevelError, "apierr: error after the response started; connection aborted",
			slog.String("request_id", rw.st.RequestID()),
			slog.String("code", rw.st.Code()),
			slog.Int("status", rw.status),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path))
		panic(http.ErrAbortHandler) // the client must not take the partial body for a whole one
	}
}

// logResponse writes the one record of an error response, unless its level
// is off or its code is being sampled.
func (s *stack) logResponse(rw *responseWriter, r *http.Request) {
	status := rw.status
	if status < 400 {
		return
	}
	st := rw.st
	code := st.Code()
	level := s.levelOf(status, code)
	// The handler is called directly rather than through Logger.LogAttrs:
	// the record's time is the one the latency is measured with, and it
	// carries no source position (runtime.Callers on every error, for a
	// line of this file).
	ctx := r.Context()
	h := s.logger().Handler()
	if level == LevelOff || !h.Enabled(ctx, level) {
		return
	}
	route := st.Route()
	if route == "" {
		route = r.Pattern
	}
	now := s.cfg.now()
	if s.sampler != nil && !s.sampler.Allow(logsample.ResponseKey{Code: code, Status: status}, now, route) {
		return
	}
	var latency time.Duration
	if rw.start != 0 { // else the logger was off when the request came in
		latency = time.Duration(sinceBase(now) - rw.start)
	}
	var stack []byte
	if rw.stack != nil {
		stack = *rw.stack
	}
	var cause error
	if e := st.Err(); status >= 500 && e != nil {
		cause = e.Cause()
	}
	rec := logsample.ResponseRecord(now, level, st.RequestID(), code, status, r.Method, route, r.URL.Path, latency, cause, stack)
	_ = h.Handle(ctx, rec) // as Logger.LogAttrs: a handler's error has nowhere to go
}

// recordLevels are the levels logEnabled asks the handler about: a record's
// level depends on the response (WithLevels), unknown when it starts.
var recordLevels = [...]slog.Level{slog.LevelError, slog.LevelInfo, slog.LevelWarn, slog.LevelDebug, LevelOff - 1}

// logEnabled reports whether the logger's handler takes records at all (at
// any of recordLevels): when it takes none, as slog.DiscardHandler, no
// record is built and the clock is not read.
func (s *stack) logEnabled(r *http.Request) bool {
	h := s.logger().Handler()
	for _, l := range recordLevels {
		if h.Enabled(r.Context(), l) {
			return true
		}
	}
	return false
}
