package middleware

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/apierr/apierr"
)

// ErrHandlerTimeout is returned by the ResponseWriter's Write of a handler
// that is still writing after its Timeout expired.
var ErrHandlerTimeout = errors.New("middleware: handler wrote after its deadline")

// Timeout returns a middleware that gives the handler d to answer. The
// request's context carries the deadline, so a handler that passes it on
// stops early, and apierr.Write renders the context.DeadlineExceeded it gets
// back as CondTimeout. A handler that has not answered when d expires is
// answered for: CondTimeout as a catalog error (not http.TimeoutHandler's
// HTML page).
//
// Like http.TimeoutHandler, the handler writes into a buffer that is copied
// to the client when it returns in time, so a late write never reaches the
// response (it gets ErrHandlerTimeout), and an error status the handler
// writes after it began its body replaces that body (nothing was sent yet). The handler runs on its own goroutine
// with its own copy of the request's apierr.State (State.Fork), joined back
// when it returns in time. Streaming (http.Flusher) and hijacking are not available
// under Timeout; use the context deadline instead for those routes. A
// handler that panics after Timeout answered for it has nobody left to
// recover it: the panic and its stack are logged (WithLogger; default
// slog.Default() as it is when Timeout is called).
func Timeout(d time.Duration, opts ...Option) func(http.Handler) http.Handler {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	logger := cfg.logger
	if logger == nil {
		logger = slog.Default()
	}
	conds := []apierr.Condition{apierr.CondTimeout}
	return func(next http.Handler) http.Handler {
		return apierr.RaisingHandler(next, conds, func(w http.ResponseWriter, r *http.Request) {
			apierr.StateFrom(r.Context()).RecordRoute(r)
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			outer := apierr.StateFrom(ctx)
			inner := outer.Fork() // a late handler must never touch what the outer layers read
			if inner != nil {
				ctx = apierr.NewContext(ctx, inner)
			}
			r2 := r.WithContext(ctx)
			tw := &timeoutWriter{h: make(http.Header)}
			done := make(chan struct{})
			panicked := make(chan *handlerPanic, 1)
			go func() {
				defer func() {
					if v := recover(); v != nil {
						panicked <- &handlerPanic{value: v, stack: debug.Stack()}
					}
				}()
				next.ServeHTTP(tw, r2)
				close(done)
			}()
			select {
			case p := <-panicked:
				panic(p)
			case <-done:
				tw.mu.Lock()
				defer tw.mu.Unlock()
				outer.Join(inner)
				if r.Pattern == "" {
					r.Pattern = r2.Pattern
				}
				dst := w.Header()
				for k, v := range tw.h {
					dst[k] = v
				}
				if !tw.wroteHeader {
					tw.code = http.StatusOK
				}
				w.WriteHeader(tw.code)
				_, _ = w.Write(tw.buf.Bytes())
			case <-ctx.Done():
				tw.mu.Lock()
				tw.timedOut = true
				tw.mu.Unlock()
				go logLatePanic(logger, r, done, panicked)
				if errors.Is(ctx.Err(), context.DeadlineExceeded) {
					apierr.Write(w, r, apierr.Cond(apierr.CondTimeout).WithCause(ctx.Err()).
						With("timeout_ms", d.Milliseconds()))
					return
				}
				// The client went away: nobody reads an answer.
			}
		})
	}
}

// timeoutWriter buffers a handler's response until it returns.
type timeoutWriter struct {
	mu          sync.Mutex
	h           http.Header
	buf         bytes.Buffer
	code        int
	wroteHeader bool
	timedOut    bool
	discard     bool // a second error's body, dropped
}

func (tw *timeoutWriter) Header() http.Header { return tw.h }

func (tw *timeoutWriter) Write(p []byte) (int, error) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if tw.timedOut {
		return 0, ErrHandlerTimeout
	}
	if !tw.wroteHeader {
		tw.writeHeaderLocked(http.StatusOK)
	}
	if tw.discard {
		return len(p), nil
	}
	return tw.buf.Write(p)
}

func (tw *timeoutWriter) WriteHeader(code int) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if tw.timedOut || code < 200 {
		return
	}
	if tw.wroteHeader {
		switch {
		case code < 400:
			return
		case tw.code >= 400:
			tw.discard = true // a second error: the first is whole
			return
		}
		// An error after the handler began a response: nothing has reached
		// the client yet, so the error replaces the buffered body instead
		// of being glued to it.
		tw.buf.Reset()
	}
	tw.writeHeaderLocked(code)
}

func (tw *timeoutWriter) writeHeaderLocked(code int) {
	tw.wroteHeader = true
	tw.code = code
}

// logLatePanic waits for a handler Timeout has answered for and logs its
// panic, if it panics: nobody is left to recover it, and a crash must not
// go unseen.
func logLatePanic(logger *slog.Logger, r *http.Request, done <-chan struct{}, panicked <-chan *handlerPanic) {
	select {
	case <-done:
	case p := <-panicked:
		if p.value == http.ErrAbortHandler {
			return
		}
		logger.LogAttrs(context.WithoutCancel(r.Context()), slog.LevelError, "apierr: panic in a handler after its timeout",
			slog.String("request_id", apierr.RequestID(r.Context())),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("cause", fmt.Sprintf("middleware: panic: %v", p.value)),
			slog.String("stack", string(p.stack)))
	}
}
