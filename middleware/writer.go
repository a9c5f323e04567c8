package middleware

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/internal/bodyguard"
)

// responseWriter is the one per-request allocation of the stack: it wraps the
// ResponseWriter, carries the request's apierr.State (when the stack created
// it) and records what the middleware need after the handler: the status,
// whether the response started, the body limit in force and a panic's stack.
type responseWriter struct {
	http.ResponseWriter

	st    *apierr.State
	state apierr.State // storage for st when the stack created the State
	idHdr [1]string    // storage for the request-ID header value
	idBuf [26]byte     // storage for a generated request ID (NewRequestID's form)
	// The flags sit in the bytes idBuf leaves before the next word.
	wroteHeader bool
	renderedAt  bool         // State.Rendered() when the status was written
	late        bool         // apierr.Write came after the response had started
	normalize   bool         // replace plain ≥400 responses with catalog errors
	discard     bool         // the downstream body of a replaced response is dropped
	reqBuf      http.Request // the stack's request, whose context carries st

	start  int64 // when the request came in (sinceBase), 0 when not read
	status int
	limit  int64
	stack  *[]byte           // stack of a recovered panic, for the log
	body   *bodyguard.Reader // the guarded request body, when BodyLimit or MinBodyRate guards it
}

// The writer is every request's one allocation: it must stay in the
// 512-byte size class (TestWriterSizeClass).
const writerSize = 512

// clockBase is the instant the writer counts a request's start from: one
// word of nanoseconds where a time.Time takes three. With the default
// clock both ends carry monotonic readings, so a wall-clock step does not
// move a latency; with WithClock's, the difference is the clock's.
var clockBase = time.Now()

// sinceBase returns t as the writer keeps it: nanoseconds since clockBase,
// never 0 (which means "not read").
func sinceBase(t time.Time) int64 {
	if d := int64(t.Sub(clockBase)); d != 0 {
		return d
	}
	return 1
}

// Header returns the wrapped writer's header map.
func (w *responseWriter) Header() http.Header { return w.ResponseWriter.Header() }

// WriteHeader passes 1xx–3xx through, and replaces a status ≥400 that was not
// written by apierr.Write with the catalog error of the matching condition
// when normalizing.
func (w *responseWriter) WriteHeader(code int) {
	if w.wroteHeader {
		switch {
		case w.late:
		case w.renderedAt && code >= 400:
			// A second error after a catalog error (a handler that writes
			// its error and returns it too): the first is whole; the
			// second body would be glued to it. Drop it.
			w.discard = true
		case (w.st.Rendered() && !w.renderedAt) || (code >= 400 && w.normalize):
			// An error after the response started (apierr.Write, or
			// http.Error whose text would land in a 2xx body): its body
			// would be glued to the one already sent. Drop it; the stack
			// aborts the connection when the handler returns.
			w.late = true
			w.discard = true
		}
		return
	}
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		w.ResponseWriter.WriteHeader(code) // informational: the final status follows
		return
	}
	if (code >= 400 || code < 100) && w.normalize && !w.st.Rendered() {
		w.replace(code)
		return
	}
	w.wroteHeader = true
	w.renderedAt = w.st.Rendered()
	w.status = code
	if code >= 400 && w.body != nil && w.reqBuf.ProtoMajor == 1 && w.body.Pending() {
		// An error answered before the client finished sending its body
		// (a 401 or 429 that never reads it): close rather than let
		// net/http drain the rest at the client's pace first. HTTP/1 only:
		// HTTP/2 drains nothing, and there Connection: close would shut the
		// whole connection down, every other stream's included.
		w.ResponseWriter.Header()["Connection"] = connectionClose
		w.body.Abandon()
	}
	w.ResponseWriter.WriteHeader(code)
}

// connectionClose is the shared value of a Connection: close header
// (net/http only reads it).
var connectionClose = []string{"close"}

// replace renders the catalog error for a downstream status and drops the
// downstream body that follows.
func (w *responseWriter) replace(code int) {
	h := w.ResponseWriter.Header()
	e := errPool.Get().(*apierr.Error)
	errorForStatus(e, code, &w.reqBuf, w.st, h, w.limit)
	dropEntityHeaders(h)
	apierr.Write(w, &w.reqBuf, e) // marks st rendered, then WriteHeader passes through
	*e = apierr.Error{}
	errPool.Put(e)
	if !w.wroteHeader { // a Write that wrote nothing: never leave the status unwritten
		w.wroteHeader = true
		w.status = code
		w.ResponseWriter.WriteHeader(code)
	}
	w.discard = true
}

// entityHeaders describe a body the handler meant to send; they would
// mislabel the catalog error that replaces it.
var entityHeaders = []string{"Content-Encoding", "Content-Range", "Content-Disposition", "Etag", "Last-Modified"}

func dropEntityHeaders(h http.Header) {
	for _, k := range entityHeaders {
		delete(h, k)
	}
}

// Write writes b, or drops it when the response was replaced.
func (w *responseWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if w.discard {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// WriteString is io.StringWriter, so io.WriteString does not copy.
func (w *responseWriter) WriteString(s string) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if w.discard {
		return len(s), nil
	}
	return io.WriteString(w.ResponseWriter, s)
}

// ReadFrom keeps net/http's sendfile path for io.Copy to the response.
func (w *responseWriter) ReadFrom(r io.Reader) (int64, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if w.discard {
		return io.Copy(io.Discard, r)
	}
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(writerOnly{w.ResponseWriter}, r)
}

// writerOnly hides ReadFrom so io.Copy does not loop back into it.
type writerOnly struct{ io.Writer }

// Flush sends buffered data to the client (http.Flusher).
func (w *responseWriter) Flush() {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if w.discard {
		return
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack hands the connection to the handler (http.Hijacker).
func (w *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil {
		w.wroteHeader = true
		if w.status == 0 {
			w.status = http.StatusSwitchingProtocols
		}
	}
	return conn, rw, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Status returns the status the response was written with as seen by this
// package's middleware (after any replacement), 200 for a response whose
// handler wrote a body without a status, and 0 when w carries no status yet
// or is not (and does not wrap) one of this package's writers.
func Status(w http.ResponseWriter) int {
	for w != nil {
		if rw, ok := w.(*responseWriter); ok {
			return rw.status
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return 0
		}
		w = u.Unwrap()
	}
	return 0
}

// baseWriter returns the innermost ResponseWriter, so that
// http.MaxBytesReader can tell the server to close the connection.
func baseWriter(w http.ResponseWriter) http.ResponseWriter {
	for {
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return w
		}
		w = u.Unwrap()
	}
}

// findWriter returns this package's writer inside w, if any.
func findWriter(w http.ResponseWriter) *responseWriter {
	for w != nil {
		if rw, ok := w.(*responseWriter); ok {
			return rw
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return nil
		}
		w = u.Unwrap()
	}
	return nil
}
