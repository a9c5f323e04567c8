// Package bodyguard gives a request body a minimum rate: a client that
// sends its body too slowly, or stops, has its read fail with the
// request-timeout condition instead of holding a connection (and a file
// descriptor, and a goroutine) for ever. middleware.BodyLimit,
// middleware.MinBodyRate and the idempotency middleware wrap bodies with it.
//
// The deadline is the connection's read deadline, set through
// http.ResponseController: start + Grace + bytes read / MinRate, pushed
// back as bytes arrive. So a client must deliver MinRate bytes a second on
// average once Grace has passed; the clock starts when the body is wrapped
// and again at the first read (a handler that reads late is not blamed for
// the wait). When the body ends the deadline is cleared; an unread body
// keeps it, which bounds the server's own drain of it after the handler.
package bodyguard

import (
	"errors"
	"io"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/apierr/apierr"
)

// Defaults: 1 KiB/s after 10 s. A 10 MB upload may take about 3 hours at
// that rate, a client that sends a byte every 2 s is cut off after 10 s.
const (
	DefaultMinRate = 1024
	DefaultGrace   = 10 * time.Second
)

// Rate is the minimum: MinRate bytes a second after Grace. A zero field
// means its default; a negative MinRate turns the guard off.
type Rate struct {
	MinRate int64
	Grace   time.Duration
}

func (r Rate) resolve() Rate {
	if r.MinRate == 0 {
		r.MinRate = DefaultMinRate
	}
	if r.Grace <= 0 {
		r.Grace = DefaultGrace
	}
	return r
}

// Reader is a guarded body. It is always the outermost reader of the
// body (see Rewrap), so that a layer can tell a body is guarded already.
type Reader struct {
	io.ReadCloser
	st *state
}

type state struct {
	ctl      *http.ResponseController
	hdr      http.Header
	rate     Rate
	start    time.Time
	deadline time.Time
	n        int64
	read     bool // a first Read happened
	done     bool // the body ended or failed: the deadline is no longer ours
	// ended mirrors done for Pending, which the response writer may ask
	// from another goroutine (a Timeout answering while the handler reads).
	ended atomic.Bool
}

// extendAfter is how far the deadline must move before it is set again:
// one SetReadDeadline per quarter second of allowance, not one per read.
const extendAfter = 250 * time.Millisecond

// Wrap returns body guarded at rate, w's connection carrying the
// deadline (a negative MinRate marks body as guarded without a deadline,
// so that no inner layer guards it). body is returned as it is when it is
// empty, already guarded,
// or w cannot set a read deadline (a ResponseRecorder, a
// writer that hides its Unwrap).
func Wrap(w http.ResponseWriter, body io.ReadCloser, rate Rate) io.ReadCloser {
	if body == nil || body == http.NoBody {
		return body
	}
	if _, ok := body.(*Reader); ok {
		return body
	}
	if rate.MinRate < 0 {
		return &Reader{ReadCloser: body} // marked, so no inner layer guards it
	}
	rate = rate.resolve()
	st := &state{ctl: http.NewResponseController(w), hdr: w.Header(), rate: rate, start: time.Now()}
	st.deadline = st.start.Add(rate.Grace)
	if err := st.ctl.SetReadDeadline(st.deadline); err != nil {
		return body
	}
	return &Reader{ReadCloser: body, st: st}
}

// Guarded reports whether body is guarded.
func Guarded(body io.ReadCloser) bool {
	_, ok := body.(*Reader)
	return ok
}

// Rewrap returns body with f applied to the reader inside its guard, the
// guard staying outermost; f(body) when body is not guarded.
func Rewrap(body io.ReadCloser, f func(io.ReadCloser) io.ReadCloser) io.ReadCloser {
	if g, ok := body.(*Reader); ok {
		return &Reader{ReadCloser: f(g.ReadCloser), st: g.st}
	}
	return f(body)
}

// Read reads, pushes the deadline back for the bytes that arrived, and
// turns a deadline that passed into the request-timeout condition (the
// response then closes the connection: what is left of the body is never
// read).
func (g *Reader) Read(p []byte) (int, error) {
	st := g.st
	if st == nil {
		return g.ReadCloser.Read(p) // the guard turned off (Off)
	}
	if !st.read && !st.done {
		st.read = true
		if now := time.Now(); now.Sub(st.start) >= extendAfter {
			st.start, st.deadline = now, now.Add(st.rate.Grace)
			_ = st.ctl.SetReadDeadline(st.deadline)
		}
	}
	n, err := g.ReadCloser.Read(p)
	st.n += int64(n)
	switch {
	case err == nil:
		if n > 0 && !st.done {
			st.extend()
		}
	case err == io.EOF:
		st.finish()
	case errors.Is(err, os.ErrDeadlineExceeded):
		st.end()
		st.hdr.Set("Connection", "close")
		return n, apierr.Cond(apierr.CondRequestTimeout).With("min_rate", st.rate.MinRate).WithCause(err)
	default:
		st.end()
	}
	return n, err
}

// Pending reports whether the body has neither ended nor failed: a
// response that starts now is answered before the client finished sending,
// and net/http would read (drain) the rest of it first, at the client's
// pace, before the response could be sent. An error response then says
// Connection: close instead, so the server answers at once and does not
// read the rest.
func (g *Reader) Pending() bool { return g.st != nil && !g.st.ended.Load() }

// Abandon gives up the rest of a pending body once an error answers the
// request: the read deadline is put in the past, so that net/http's drain
// of the unread rest (which it does even under Connection: close, up to
// 256 KB, when the handler returns) fails at once and the connection
// closes, instead of waiting for the client. It is safe to call from
// another goroutine than the body's reader.
func (g *Reader) Abandon() {
	if g.st == nil || g.st.ended.Swap(true) {
		return
	}
	_ = g.st.ctl.SetReadDeadline(time.Unix(1, 0))
}

func (st *state) end() {
	st.done = true
	st.ended.Store(true)
}

func (st *state) extend() {
	want := st.start.Add(st.rate.Grace + time.Duration(float64(st.n)/float64(st.rate.MinRate)*float64(time.Second)))
	if want.Sub(st.deadline) >= extendAfter {
		st.deadline = want
		_ = st.ctl.SetReadDeadline(want)
	}
}

// finish clears the deadline once the body has ended: the connection's
// background read (which notices a client going away) must not time out
// while the handler works.
func (st *state) finish() {
	if !st.done {
		st.end()
		_ = st.ctl.SetReadDeadline(time.Time{})
	}
}
