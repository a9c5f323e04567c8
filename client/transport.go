package client

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// Defaults for a zero Transport.
const (
	DefaultMaxRetries      = 3
	DefaultMinWait         = 100 * time.Millisecond
	DefaultMaxWait         = 20 * time.Second
	DefaultMaxRetryAfter   = 30 * time.Second
	DefaultMaxBufferedBody = 1 << 20
	// DefaultIdempotencyHeader is the header that makes a request replayable.
	DefaultIdempotencyHeader = "Idempotency-Key"
)

// Transport is an http.RoundTripper that retries what is safe to retry. Its
// zero value works: every zero field has the default its comment names. A
// Transport is safe for concurrent use; do not change or copy it after first
// use.
//
// What it retries: transport failures (RetryableError) and the statuses
// CheckRetry accepts (DefaultRetryStatuses: 408, 429, 500, 502, 503, 504, 52x;
// never other 4xx), and only requests that are safe to send twice: methods
// GET, HEAD, OPTIONS, PUT, DELETE and TRACE, or any request with an
// Idempotency-Key header (see IdempotencyKey to add one to POST and PATCH).
//
// How long it waits: the server's Retry-After header (delta-seconds or an
// HTTP-date measured against the response's Date) or a retry hint in the
// error body (seed 003's error.retryAfter, Google's RetryInfo, Kubernetes'
// retryAfterSeconds, …), capped by MaxRetryAfter; otherwise Backoff. It never
// sleeps past the request context's deadline: when the next wait would end
// after it, it returns at once a *RetryError with Reason ErrDeadline.
//
// What it returns: the first response CheckRetry does not want retried.
// When it gives up on a retryable status (retries spent, budget empty, or a
// request not safe to replay) it returns that last response, untouched, with
// its whole body still readable, and a nil error: the status is the answer
// (client.Decode(resp) turns it into an error, client.Attempts(resp) counts
// the attempts). go-retryablehttp instead drains it and returns a generic
// error (its issue #212). A non-nil error — always a *RetryError carrying the
// attempt count and the last error, the decoded *ResponseError when that
// attempt got a response — comes with a nil response, as RoundTripper
// requires.
//
// Attempts are counted at this layer. Beneath it, net/http's own Transport
// resends a replayable request (idempotent method, or an Idempotency-Key
// header, with GetBody) once when a reused keep-alive connection turns out
// to be dead before any response byte, so a server may see up to twice as
// many requests as Attempts reports; a keyless POST is never resent by
// either layer.
type Transport struct {
	// Base sends each attempt; nil means http.DefaultTransport.
	Base http.RoundTripper
	// MaxRetries is the number of retries after the first attempt; 0 means
	// DefaultMaxRetries, negative means none.
	MaxRetries int
	// CheckRetry decides which outcomes are retried; nil means
	// DefaultCheckRetry. Use RetryOn(statuses...) for another status set.
	CheckRetry CheckRetry
	// Backoff computes the wait when the server gives no hint; nil means
	// DefaultBackoff (exponential with full jitter).
	Backoff Backoff
	// MinWait and MaxWait bound Backoff; 0 means DefaultMinWait and
	// DefaultMaxWait.
	MinWait, MaxWait time.Duration
	// MaxRetryAfter caps a wait the server asks for (go-retryablehttp does
	// not cap it, its issue #247); 0 means DefaultMaxRetryAfter.
	MaxRetryAfter time.Duration
	// IdempotencyKey, when set, gives POST and PATCH requests that carry no
	// idempotency header a key (the same one on every attempt), which makes
	// them retryable. RandomKey is a ready one. nil means such requests are
	// sent once.
	IdempotencyKey func() string
	// IdempotencyHeader is the header that carries the key; "" means
	// DefaultIdempotencyHeader.
	IdempotencyHeader string
	// MaxBufferedBody bounds how much of a request body without GetBody is
	// buffered so it can be sent again; a longer body is sent once, not
	// retried. 0 means DefaultMaxBufferedBody.
	MaxBufferedBody int64
	// Budget limits retries to a share of recent traffic; nil means a
	// budget of its own, NewBudget(DefaultBudgetTokens, DefaultBudgetRatio).
	Budget *Budget
	// OnRetry, when set, is called before each wait; it must not read or
	// keep ev.Request's body.
	OnRetry func(ev RetryEvent)
	// Logger, when set, gets one Info record per retry and one Warn record
	// when the Transport gives up, with method, URL, attempt, status, wait and
	// request_id; nil means no logging.
	Logger *slog.Logger
	// Decoder reads the error bodies of retried responses (for hints and the
	// final error); nil means a zero Decoder on this Transport's clock.
	Decoder *Decoder
	// Pacer, when set, paces requests to the rate limits servers announce
	// (RateLimit, RateLimit-Policy, X-RateLimit-*), so that they are not
	// refused with a 429: each attempt waits for its slot first. nil means
	// no pacing.
	Pacer *Pacer
	// Now and Sleep are the clock; nil means time.Now and a timer that
	// returns ctx.Err() early when ctx ends. Tests set them so that no test
	// waits for real backoff.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error

	once   sync.Once
	budget *Budget
	dec    *Decoder
}

// RetryEvent describes a retry about to happen.
type RetryEvent struct {
	// Request is the request being retried.
	Request *http.Request
	// Attempt is the number of the attempt that failed, from 1.
	Attempt int
	// Wait is how long the Transport will wait before the next attempt.
	Wait time.Duration
	// StatusCode is the failed attempt's status, 0 for a transport error.
	StatusCode int
	// Err is the failed attempt's error: a transport error or a
	// *ResponseError with the decoded error.
	Err error
	// RequestID is the server's request ID for the failed attempt, if any.
	RequestID string
}

// New returns an *http.Client whose transport is t (a zero Transport when t
// is nil). Set deadlines per request with a context, or with Client.Timeout:
// the Transport sees either as the request context's deadline.
func New(t *Transport) *http.Client {
	if t == nil {
		t = &Transport{}
	}
	return &http.Client{Transport: t}
}

// RandomKey returns a random UUID (version 4), for Transport.IdempotencyKey.
func RandomKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

var _ http.RoundTripper = (*Transport)(nil)

var errNoResponse = errors.New("client: base RoundTripper returned no response and no error")

func (t *Transport) init() {
	t.budget = t.Budget
	if t.budget == nil {
		t.budget = NewBudget(DefaultBudgetTokens, DefaultBudgetRatio)
	}
	t.dec = t.Decoder
	if t.dec == nil {
		t.dec = &Decoder{Now: t.Now}
	}
}

func (t *Transport) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

func (t *Transport) sleep(ctx context.Context, d time.Duration) error {
	if t.Sleep != nil {
		return t.Sleep(ctx, d)
	}
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func orDefault[T int | int64 | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// RoundTrip sends req, retrying as the Transport's doc says.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.once.Do(t.init)
	c, err := t.newCall(req)
	if err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		resp, err, fatal := c.send(attempt)
		if fatal != nil {
			return nil, fatal
		}
		if resp, err, done := c.settle(attempt, resp, err); done {
			return resp, err
		}
		if err := c.pause(attempt, resp, err); err != nil {
			return nil, err
		}
	}
}

// call is one RoundTrip: the request as it will be sent and what its
// attempts share.
type call struct {
	t          *Transport
	req        *http.Request
	ctx        context.Context
	base       http.RoundTripper
	check      CheckRetry
	maxRetries int
	replayable bool // safe to send twice
	hasBody    bool
	getBody    func() (io.ReadCloser, error)
}

// newCall decides whether req may be replayed, gives a POST or PATCH an
// idempotency key when configured to, and buffers a body that cannot be
// rewound otherwise.
func (t *Transport) newCall(req *http.Request) (*call, error) {
	c := &call{t: t, base: t.Base, check: t.CheckRetry, maxRetries: orDefault(t.MaxRetries, DefaultMaxRetries)}
	if c.base == nil {
		c.base = http.DefaultTransport
	}
	if c.check == nil {
		c.check = DefaultCheckRetry
	}
	keyHeader := t.IdempotencyHeader
	if keyHeader == "" {
		keyHeader = DefaultIdempotencyHeader
	}
	c.replayable = idempotent(req.Method) || req.Header.Get(keyHeader) != ""
	if !c.replayable && t.IdempotencyKey != nil && c.maxRetries > 0 &&
		(req.Method == http.MethodPost || req.Method == http.MethodPatch) {
		r2 := req.Clone(req.Context()) // RoundTrip must not modify req
		r2.Header.Set(keyHeader, t.IdempotencyKey())
		req, c.replayable = r2, true
	}
	c.getBody = req.GetBody
	c.hasBody = req.Body != nil && req.Body != http.NoBody
	if c.hasBody && c.getBody == nil && c.replayable && c.maxRetries > 0 {
		buf, rest, ok, err := bufferBody(req.Body, orDefault(t.MaxBufferedBody, DefaultMaxBufferedBody))
		if err != nil {
			return nil, t.giveUp(req, &RetryError{Attempts: 0, Err: err})
		}
		r2 := new(http.Request)
		*r2 = *req
		if ok {
			c.getBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf)), nil }
			r2.Body, _ = c.getBody()
			r2.GetBody = c.getBody
		} else {
			r2.Body, c.replayable = rest, false
		}
		req = r2
	}
	c.req, c.ctx = req, req.Context()
	return c, nil
}

// send makes attempt number attempt: a fresh body, a slot from the Pacer,
// the base's round trip. fatal ends the RoundTrip before anything is sent.
func (c *call) send(attempt int) (resp *http.Response, err, fatal error) {
	t, r := c.t, c.req
	if attempt > 1 && c.hasBody {
		body, err := c.getBody()
		if err != nil {
			return nil, nil, t.giveUp(c.req, &RetryError{Attempts: attempt - 1, Err: err, Reason: ErrNotReplayable})
		}
		r = new(http.Request)
		*r = *c.req
		r.Body = body
	}
	var tk paceTicket
	if t.Pacer != nil {
		if tk, err = t.Pacer.wait(c.ctx, r, clock{t.now, t.sleep}); err != nil {
			if r.Body != nil {
				r.Body.Close() // RoundTrip must close the body, even on errors
			}
			return nil, nil, t.giveUp(c.req, paceGiveUp(attempt-1, err))
		}
	}
	resp, err = c.base.RoundTrip(r)
	if resp == nil && err == nil {
		err = errNoResponse // a broken Base; never dereference a nil response
	}
	if t.Pacer != nil {
		t.Pacer.observe(tk, resp, t.now())
	}
	return resp, err, nil
}

// paceGiveUp is the error for a request the Pacer did not let go.
func paceGiveUp(attempts int, err error) *RetryError {
	var pw *paceWaitError
	if errors.As(err, &pw) {
		return &RetryError{Attempts: attempts, Err: err, Reason: pw.reason, Wait: pw.wait}
	}
	return &RetryError{Attempts: attempts, Err: err, Reason: err}
}

// settle decides what one attempt's outcome means: done says the RoundTrip
// returns resp and err; otherwise another attempt follows.
func (c *call) settle(attempt int, resp *http.Response, err error) (*http.Response, error, bool) {
	t := c.t
	if err != nil && c.ctx.Err() != nil {
		// The caller's deadline or cancellation: never retried, and no
		// evidence about the backend either way, so the budget is untouched.
		return nil, t.giveUp(c.req, &RetryError{Attempts: attempt, Err: err, Reason: context.Cause(c.ctx)}), true
	}
	if !c.check(resp, err) {
		t.budget.Success()
		if err != nil {
			return nil, t.giveUp(c.req, &RetryError{Attempts: attempt, Err: err}), true
		}
		return withAttempts(resp, attempt), nil, true
	}
	t.budget.Failure()
	var reason error
	switch {
	case attempt > c.maxRetries:
		reason = ErrRetriesExhausted
	case !c.replayable || (c.hasBody && c.getBody == nil):
		reason = ErrNotReplayable
	case !t.budget.Allow():
		reason = ErrBudgetExhausted
	}
	if reason == nil {
		return nil, nil, false
	}
	if err != nil {
		return nil, t.giveUp(c.req, &RetryError{Attempts: attempt, Err: err, Reason: reason}), true
	}
	t.logGiveUp(c.req, attempt, resp.StatusCode, requestIDFromHeader(resp.Header), reason)
	return withAttempts(resp, attempt), nil, true // the body untouched: the caller reads it
}

// pause reads what the failed attempt says (its body is then freed), tells
// OnRetry and the Logger, and waits before the next attempt; an error ends
// the RoundTrip.
func (c *call) pause(attempt int, resp *http.Response, err error) error {
	t, req := c.t, c.req
	last, status, hint, rid := err, 0, time.Duration(0), ""
	if resp != nil {
		body, truncated := t.dec.readBody(resp) // any status: CheckRetry may retry a 2xx
		re := t.dec.DecodeBody(resp.StatusCode, resp.Header, body, truncated)
		last, status, hint, rid = re, resp.StatusCode, re.API.RetryAfter, re.API.RequestID
	}
	wait := t.wait(attempt, hint)
	if dl, ok := c.ctx.Deadline(); ok && t.now().Add(wait).After(dl) {
		return t.giveUp(req, &RetryError{Attempts: attempt, Err: last, Reason: ErrDeadline, Wait: wait})
	}
	if t.OnRetry != nil {
		t.OnRetry(RetryEvent{Request: req, Attempt: attempt, Wait: wait, StatusCode: status, Err: last, RequestID: rid})
	}
	if t.Logger != nil {
		t.Logger.LogAttrs(c.ctx, slog.LevelInfo, "client: retrying",
			slog.String("method", req.Method), slog.String("url", redactURL(req)),
			slog.Int("attempt", attempt), slog.Int("status", status),
			slog.Duration("wait", wait), slog.String("request_id", rid),
			slog.String("error", last.Error()))
	}
	if err := t.sleep(c.ctx, wait); err != nil {
		return t.giveUp(req, &RetryError{Attempts: attempt, Err: last, Reason: err})
	}
	return nil
}

// wait is the server's hint capped by MaxRetryAfter, else Backoff.
func (t *Transport) wait(attempt int, hint time.Duration) time.Duration {
	if hint > 0 {
		return min(hint, orDefault(t.MaxRetryAfter, DefaultMaxRetryAfter))
	}
	backoff := t.Backoff
	if backoff == nil {
		backoff = DefaultBackoff
	}
	return max(backoff(attempt, orDefault(t.MinWait, DefaultMinWait), orDefault(t.MaxWait, DefaultMaxWait)), 0)
}

// giveUp fills the request identity into e and logs it.
func (t *Transport) giveUp(req *http.Request, e *RetryError) error {
	e.Method, e.URL = req.Method, redactURL(req)
	if e.Method == "" {
		e.Method = http.MethodGet
	}
	if e.Attempts > 1 || e.Reason != nil {
		rid := ""
		if re, ok := e.Err.(*ResponseError); ok {
			rid = re.API.RequestID
		}
		t.logGiveUp(req, e.Attempts, 0, rid, e)
	}
	return e
}

func (t *Transport) logGiveUp(req *http.Request, attempts, status int, rid string, err error) {
	if t.Logger == nil {
		return
	}
	t.Logger.LogAttrs(req.Context(), slog.LevelWarn, "client: giving up",
		slog.String("method", req.Method), slog.String("url", redactURL(req)),
		slog.Int("attempts", attempts), slog.Int("status", status),
		slog.String("request_id", rid), slog.String("error", err.Error()))
}

// redactURL is the URL without user info, query or fragment, which may hold
// credentials.
func redactURL(req *http.Request) string {
	if req.URL == nil {
		return ""
	}
	u := *req.URL
	u.User, u.RawQuery, u.Fragment, u.RawFragment, u.ForceQuery = nil, "", "", "", false
	return u.String()
}
