package middleware

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/apierr/apierr"
)

// handlerPanic carries a panic and its stack from another goroutine (Timeout
// runs the handler on one) to the recovering layer, so the log shows where
// the handler panicked rather than where the value was re-raised.
type handlerPanic struct {
	value any
	stack []byte
}

// String shows the panic and the stack of the goroutine that raised it, for
// net/http's own log when no recover layer is installed.
func (p *handlerPanic) String() string {
	return fmt.Sprintf("%v\n\nhandler goroutine:\n%s", p.value, p.stack)
}

// recovered turns a panic into the internal condition, or aborts the
// connection when the response has already started.
func (s *stack) recovered(rw *responseWriter, r *http.Request, v any, logging bool) {
	if v == http.ErrAbortHandler {
		panic(v) // net/http's own signal: abort quietly
	}
	var stack []byte
	if hp, ok := v.(*handlerPanic); ok {
		v, stack = hp.value, hp.stack
		if v == http.ErrAbortHandler {
			panic(v)
		}
	} else {
		stack = debug.Stack()
	}
	cause := fmt.Errorf("middleware: panic: %v", v)
	if rw.wroteHeader {
		// Appending an error to a half-written body would hand the client a
		// corrupt response that looks complete; aborting makes the failure
		// visible to it.
		s.logger().LogAttrs(r.Context(), slog.LevelError, "apierr: panic after the response started; connection aborted",
			slog.String("request_id", rw.st.RequestID()),
			slog.Int("status", rw.status),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("cause", cause.Error()),
			slog.String("stack", string(stack)))
		panic(http.ErrAbortHandler)
	}
	rw.stack = &stack
	dropEntityHeaders(rw.Header())
	claimed := rw.st.ClaimLog() // the stack is logged below or by the logging layer, not by Write
	apierr.Write(rw, r, apierr.Internal(cause))
	if claimed && !logging {
		s.logResponse(rw, r)
	}
}
