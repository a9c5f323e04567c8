package apierrgin

import (
	"bufio"
	"io"
	"net"
	"net/http"

	"github.com/gin-gonic/gin"
)

// writer is the gin.ResponseWriter of a chain that runs inside the runtime.
// Like gin's own, it keeps the status until the first byte (or
// WriteHeaderNow); unlike it, an error status with no body yet is held
// until the chain returns, because c.AbortWithError writes the status
// before it attaches the error that says what went wrong.
type writer struct {
	w       http.ResponseWriter
	status  int // 0: none set (200 when sent)
	size    int
	wrote   bool // the status went to w
	pending bool // an error status is held for finish
}

var _ gin.ResponseWriter = (*writer)(nil)

func (w *writer) reset(rw http.ResponseWriter) { *w = writer{w: rw, size: -1} }

func (w *writer) flush() {
	w.wrote, w.pending = true, false
	if w.size < 0 {
		w.size = 0
	}
	s := w.status
	if s == 0 {
		s = http.StatusOK
	}
	w.w.WriteHeader(s)
}

// Header returns the response header map.
func (w *writer) Header() http.Header { return w.w.Header() }

// WriteHeader sets the status to send; after the status went out it is
// ignored, as gin ignores it.
func (w *writer) WriteHeader(code int) {
	if code > 0 && !w.wrote && !w.pending {
		w.status = code
	}
}

// WriteHeaderNow sends the status, or holds an error status for finish.
func (w *writer) WriteHeaderNow() {
	if w.wrote || w.pending {
		return
	}
	if w.status >= 400 {
		w.pending = true
		return
	}
	w.flush()
}

// Write sends the status, then b. A body written after an error status is
// the handler's own error text: the runtime replaces it.
func (w *writer) Write(b []byte) (int, error) {
	if !w.wrote {
		w.flush()
	}
	n, err := w.w.Write(b)
	w.size += n
	return n, err
}

// WriteString is Write for a string.
func (w *writer) WriteString(s string) (int, error) {
	if !w.wrote {
		w.flush()
	}
	n, err := io.WriteString(w.w, s)
	w.size += n
	return n, err
}

// Status returns the status set (200 when none).
func (w *writer) Status() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// Size returns the bytes of body written, -1 before the status went out.
func (w *writer) Size() int { return w.size }

// Written reports whether the status went out (or is held).
func (w *writer) Written() bool { return w.wrote || w.pending }

// Flush sends the status and what is buffered.
func (w *writer) Flush() {
	if !w.wrote {
		w.flush()
	}
	_ = http.NewResponseController(w.w).Flush()
}

// Hijack hands the connection to the handler.
func (w *writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.size < 0 {
		w.size = 0
	}
	w.wrote = true
	return http.NewResponseController(w.w).Hijack()
}

// CloseNotify is http.CloseNotifier, which the runtime's writer does not
// offer (it is deprecated: use the request's context): the channel never
// fires.
func (w *writer) CloseNotify() <-chan bool { return nil }

// Pusher returns the server-push interface when the connection has one.
func (w *writer) Pusher() http.Pusher {
	p, _ := w.w.(http.Pusher)
	return p
}

// Unwrap lets http.ResponseController reach the runtime's writer.
func (w *writer) Unwrap() http.ResponseWriter { return w.w }
