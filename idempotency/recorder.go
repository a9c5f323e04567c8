package idempotency

import (
	"net/http"

	"github.com/apierr/apierr"
)

// neverStored are response headers not kept for replay: they describe the
// connection or the moment (Date), are recomputed (Content-Length), or are
// secrets that must not rest in a shared store (Set-Cookie).
var neverStored = map[string]bool{
	"Date": true, "Set-Cookie": true, "Content-Length": true, "Connection": true,
	"Keep-Alive": true, "Proxy-Authenticate": true, "Proxy-Connection": true,
	"Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true,
	ReplayedHeader: true, OriginalRequestHeader: true,
}

// recorder passes a response through to the client and keeps a copy of its
// status, headers and body (up to max bytes) for the store.
type recorder struct {
	http.ResponseWriter
	st       *apierr.State // the request's, nil outside apierr's middleware
	status   int
	header   http.Header
	buf      []byte
	max      int
	overflow bool
	broken   bool // what was recorded is not a whole response the client got
	keep     map[string]bool
}

func (rw *recorder) WriteHeader(code int) {
	if rw.status != 0 {
		if code >= 400 {
			// An error after the response started (apierr's stack aborts
			// the connection): the recorded status and body, with the
			// error glued on, are no response to replay.
			rw.broken = true
		}
		rw.ResponseWriter.WriteHeader(code) // let net/http report the superfluous call
		return
	}
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		rw.ResponseWriter.WriteHeader(code) // informational: not the response
		return
	}
	rw.status = code
	rw.header = rw.snapshot()
	rendered := rw.st.Rendered()
	rw.ResponseWriter.WriteHeader(code)
	if !rendered && rw.st.Rendered() {
		// A layer below (apierr's normalizer) replaced this plain error
		// with a catalog error and drops the body that follows: replaying
		// the recorded text would undo the replacement.
		rw.broken = true
	}
}

func (rw *recorder) Write(p []byte) (int, error) {
	if rw.status == 0 {
		rw.WriteHeader(http.StatusOK)
	}
	if !rw.overflow {
		if len(rw.buf)+len(p) > rw.max {
			rw.overflow = true
			rw.buf = nil
		} else {
			rw.buf = append(rw.buf, p...)
		}
	}
	return rw.ResponseWriter.Write(p)
}

// Flush lets streaming handlers flush through the recorder.
func (rw *recorder) Flush() {
	if rw.status == 0 {
		rw.WriteHeader(http.StatusOK)
	}
	_ = http.NewResponseController(rw.ResponseWriter).Flush()
}

// Unwrap gives http.ResponseController the underlying writer.
func (rw *recorder) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

// snapshot copies the headers to store, each value slice with len == cap so
// that a later append by a replaying middleware copies instead of writing
// into the shared record.
func (rw *recorder) snapshot() http.Header {
	src := rw.ResponseWriter.Header()
	n, nv := 0, 0
	for k, vs := range src {
		if rw.stored(k) {
			n++
			nv += len(vs)
		}
	}
	if n == 0 {
		return nil
	}
	h := make(http.Header, n)
	all := make([]string, nv)
	for k, vs := range src {
		if !rw.stored(k) {
			continue
		}
		c := copy(all, vs)
		h[k] = all[:c:c]
		all = all[c:]
	}
	return h
}

func (rw *recorder) stored(k string) bool {
	if rw.keep != nil {
		return rw.keep[k]
	}
	return !neverStored[k]
}
