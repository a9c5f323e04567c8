package idempotency

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/internal/bodyguard"
	"github.com/apierr/apierr/internal/logsample"
)

// ReplayedHeader marks a response replayed from the store (Stripe's name).
const ReplayedHeader = "Idempotent-Replayed"

var replayedTrue = []string{"true"}

// errNoScope is logged when a keyed request carries no caller.
var errNoScope = errors.New("idempotency: no principal in the request context: mount the middleware after authentication or set Config.Scope")

type middleware struct {
	cfg       Config
	methods   map[string]bool
	header    string
	fpHeaders []string
	keep      map[string]bool // ReplayHeaders, canonical; nil = all but neverStored

	pendingMu sync.Mutex
	pending   int // responses whose save is being retried

	// storeLog bounds the per-key records of a store outage as
	// FailurePolicy's Fail bounds its own: per message and LogInterval, the
	// first is written in full, the rest counted. nil: every one written.
	storeLog *logsample.Sampler[string, storeNote]
}

// storeNote is what a per-key store record left out leaves for its
// interval's count.
type storeNote struct {
	level  slog.Level
	err    error
	logger *slog.Logger
}

// New returns the Idempotency-Key middleware configured by cfg.
//
// For a request whose method it covers and that carries a key, it scopes the
// key to the caller, fingerprints the request and takes a lease on the key:
// the first request runs and its response is stored; a repeat after
// completion gets the stored response byte for byte with
// "Idempotent-Replayed: true"; a repeat while the first runs gets
// idempotency_key_in_use (409, Retry-After); the key sent with a different
// request gets idempotency_key_reused (422). Every error is rendered with
// apierr.Write.
func New(cfg Config) func(http.Handler) http.Handler {
	m := &middleware{cfg: cfg.withDefaults()}
	if m.cfg.LogInterval > 0 {
		af := m.cfg.FailurePolicy.AfterFunc
		if af == nil {
			af = m.cfg.AfterFunc
		}
		m.storeLog = logsample.New(logsample.Config{First: 1, Interval: m.cfg.LogInterval, AfterFunc: af}, logStoreSummary)
	}
	m.methods = make(map[string]bool, len(m.cfg.Methods))
	for _, meth := range m.cfg.Methods {
		m.methods[meth] = true
	}
	m.header = http.CanonicalHeaderKey(m.cfg.Header)
	for _, h := range m.cfg.FingerprintHeaders {
		m.fpHeaders = append(m.fpHeaders, http.CanonicalHeaderKey(h))
	}
	if len(m.cfg.ReplayHeaders) > 0 {
		m.keep = make(map[string]bool, len(m.cfg.ReplayHeaders))
		for _, h := range m.cfg.ReplayHeaders {
			m.keep[http.CanonicalHeaderKey(h)] = true
		}
	}
	conds := m.raises()
	return func(next http.Handler) http.Handler {
		return apierr.RaisingHandler(next, conds, func(w http.ResponseWriter, r *http.Request) {
			m.serve(next, w, r)
		})
	}
}

// raises lists the conditions the middleware may answer with: a missing
// or unusable key, a key in use or reused, an unreadable or too slow body, TooLarge's
// answer (asked once, with a stand-in request, for its condition), a store
// failure when it fails closed, and internal when no scope is found.
func (m *middleware) raises() []apierr.Condition {
	conds := []apierr.Condition{apierr.CondIdempotencyKeyMissing, apierr.CondIdempotencyKeyInUse,
		apierr.CondIdempotencyKeyReused, apierr.CondMalformedBody, apierr.CondRequestTimeout}
	if c := tooLargeCondition(m.cfg.TooLarge, m.cfg.MaxBodyBytes); c != "" {
		conds = append(conds, c)
	}
	if m.cfg.Mode == apierr.FailClosed {
		conds = append(conds, apierr.CondUnavailable)
	}
	return append(conds, apierr.CondInternal)
}

// tooLargeCondition returns the condition of f's answer, or "" when it
// cannot be told.
func tooLargeCondition(f TooLargeFunc, limit int64) (c apierr.Condition) {
	defer func() {
		if recover() != nil {
			c = ""
		}
	}()
	r, err := http.NewRequest(http.MethodPost, "/", http.NoBody)
	if err != nil {
		return ""
	}
	var e *apierr.Error
	if errors.As(f(r, limit), &e) {
		return e.Condition
	}
	return ""
}

func (m *middleware) serve(next http.Handler, w http.ResponseWriter, r *http.Request) {
	if !m.methods[r.Method] {
		next.ServeHTTP(w, r)
		return
	}
	vals := r.Header[m.header]
	if len(vals) == 0 {
		if m.cfg.Required {
			apierr.Write(w, r, apierr.Cond(apierr.CondIdempotencyKeyMissing))
			return
		}
		next.ServeHTTP(w, r)
		return
	}
	key, err := ParseKey(vals[0])
	if err != nil || len(vals) > 1 {
		// An unusable key is the client's to fix, like a missing one, and
		// is never ignored: the client asked for at-most-once.
		apierr.Write(w, r, apierr.Cond(apierr.CondIdempotencyKeyMissing).
			With("reason", "invalid_key").
			WithDetail("The Idempotency-Key header must appear once and hold 1-255 printable ASCII characters, bare or as a quoted string."))
		return
	}
	scope, ok := m.cfg.Scope(r)
	if !ok {
		apierr.Write(w, r, apierr.Internal(errNoScope))
		return
	}
	r.Body = bodyguard.Wrap(w, r.Body, bodyguard.Rate{MinRate: m.cfg.MinBodyRate, Grace: m.cfg.BodyGrace})
	bodySum, err := m.readBody(r)
	if err != nil {
		apierr.Write(w, r, err)
		return
	}
	fp := m.fingerprint(r, bodySum)
	skey := strconv.Itoa(len(scope)) + ":" + scope + ":" + key
	rec := &Record{Status: InFlight, Token: NewToken(), Fingerprint: fp}

	prev, err := m.cfg.Store.Acquire(r.Context(), skey, rec, m.cfg.Lease)
	if err != nil {
		if e := m.cfg.Fail(r.Context(), "idempotency", err, slog.String("method", r.Method), slog.String("path", r.URL.Path)); e != nil {
			apierr.Write(w, r, e)
			return
		}
		next.ServeHTTP(w, r) // FailOpen: without idempotency
		return
	}
	switch {
	case prev == nil:
		m.run(next, w, r, skey, rec)
	case prev.Fingerprint != fp:
		apierr.Write(w, r, apierr.Cond(apierr.CondIdempotencyKeyReused))
	case prev.Status == InFlight:
		apierr.Write(w, r, apierr.Cond(apierr.CondIdempotencyKeyInUse).WithRetryAfter(m.cfg.RetryAfter))
	default:
		if prev.Code >= 400 {
			// A stored error is a catalog error the handler rendered (the
			// policy stores no other kind behind the normalizer): apierr's
			// middleware must not render it again, and logs its code.
			var e *apierr.Error
			if prev.ErrorCode != "" {
				e = &apierr.Error{Code: prev.ErrorCode, Status: prev.Code}
			}
			apierr.StateFrom(r.Context()).MarkRendered(e)
		}
		replay(w, r, prev)
	}
}

// run calls next as the owner of the key's lease, renewing it while the
// handler runs, then stores its response or releases the key.
func (m *middleware) run(next http.Handler, w http.ResponseWriter, r *http.Request, skey string, rec *Record) {
	st := apierr.StateFrom(r.Context())
	rw := &recorder{ResponseWriter: w, st: st, max: m.cfg.MaxResponseBytes, keep: m.keep}
	renderedBefore := st.Rendered()
	// Store calls outlive the client: a response on its way is stored even
	// if the client left, so its retry replays instead of running again.
	ctx := context.WithoutCancel(r.Context())
	lease := m.hold(ctx, skey, rec.Token, logInfo{apierr.RequestID(r.Context()), r.Method, r.URL.Path})
	finished := false
	defer func() {
		// A panic (or runtime.Goexit) unwinds through here: free the key
		// and let the panic continue to the recover middleware.
		if !finished {
			lease.stop()
			m.release(r, skey, rec.Token)
		}
	}()
	next.ServeHTTP(rw, r)
	finished = true

	var herr *apierr.Error
	if !renderedBefore && st.Status() == rw.status {
		herr = st.Err()
	}
	switch {
	case rw.status == 0 && r.Context().Err() != nil:
		// Cancelled and nothing written: the handler gave up.
		lease.stop()
		m.release(r, skey, rec.Token)
		return
	case herr != nil && herr.Condition == apierr.CondTimeout:
		// middleware.Timeout answered while the handler may still be
		// running on its own goroutine (or the handler gave up on a
		// deadline with its side effect in an unknown state): releasing
		// would let a retry run beside it. The lease expires on its own
		// (Config.Lease); until then retries get idempotency_key_in_use.
		lease.stop()
		m.log(r, slog.LevelWarn, "idempotency: request timed out; key stays leased until the lease expires", nil)
		return
	case rw.broken:
		// Not a response the client received whole: a retry runs again.
		lease.stop()
		m.release(r, skey, rec.Token)
		return
	case rw.overflow:
		lease.stop()
		m.log(r, slog.LevelWarn, "idempotency: response larger than MaxResponseBytes not stored; key released",
			nil, slog.Int("max_response_bytes", m.cfg.MaxResponseBytes))
		m.release(r, skey, rec.Token)
		return
	}
	status := rw.status
	if status == 0 {
		status = http.StatusOK // what net/http sends for a handler that writes nothing
	}
	if !m.cfg.Policy(status, herr) {
		lease.stop()
		m.release(r, skey, rec.Token)
		return
	}
	done := &Record{Status: Completed, Token: rec.Token, Fingerprint: rec.Fingerprint,
		Code: status, Header: rw.header, Body: rw.buf}
	if herr != nil {
		done.ErrorCode = herr.Code
	}
	lease.save(done)
}

func (m *middleware) release(r *http.Request, skey string, token Token) {
	if err := m.cfg.Store.Release(context.WithoutCancel(r.Context()), skey, token); err != nil {
		// The lease will expire on its own; until then retries get 409.
		m.log(r, slog.LevelError, "idempotency: release failed", err)
	}
}

// OriginalRequestHeader names, on a replay, the request ID of the request
// whose response is replayed (Stripe's Original-Request): the replay has its
// own request ID, and a stored error body carries the original's.
const OriginalRequestHeader = "Original-Request"

// replay writes a stored response. Headers an outer middleware already set
// for this request (request ID, rate-limit state) are kept.
func replay(w http.ResponseWriter, r *http.Request, rec *Record) {
	h := w.Header()
	idHdr := apierr.CatalogFrom(r.Context()).RequestIDHeader()
	for k, vs := range rec.Header {
		if _, set := h[k]; !set {
			h[k] = vs // stored slices have len == cap, so appending copies
		} else if len(vs) == 1 && idHdr != "" && strings.EqualFold(k, idHdr) {
			h[OriginalRequestHeader] = vs
		}
	}
	h[ReplayedHeader] = replayedTrue
	h["Content-Length"] = []string{strconv.Itoa(len(rec.Body))}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body)
}

func (m *middleware) log(r *http.Request, lvl slog.Level, msg string, err error, attrs ...slog.Attr) {
	m.logAt(r.Context(), logInfo{apierr.RequestID(r.Context()), r.Method, r.URL.Path}, lvl, msg, err, attrs...)
}

func (m *middleware) logAt(ctx context.Context, info logInfo, lvl slog.Level, msg string, err error, attrs ...slog.Attr) {
	l := m.cfg.Logger // resolved by New: never nil
	attrs = append(attrs,
		slog.String("request_id", info.requestID),
		slog.String("method", info.method),
		slog.String("path", info.path))
	if err != nil {
		if m.cfg.OnError != nil {
			m.cfg.OnError(ctx, err) // every error logged here is the store's
		}
		if !l.Enabled(ctx, lvl) {
			return
		}
		if m.storeLog != nil && !m.storeLog.Allow(msg, m.cfg.Now(), storeNote{lvl, err, l}) {
			return // counted: one record per message and interval says how many
		}
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	l.LogAttrs(ctx, lvl, msg, attrs...)
}

// logStoreSummary writes the count of an interval's per-key store records
// that were left out, with the last one's error.
func logStoreSummary(sum logsample.Summary[string, storeNote]) {
	n := sum.Last
	times := " more times"
	if sum.Suppressed == 1 {
		times = " more time"
	}
	n.logger.LogAttrs(context.Background(), n.level,
		sum.Key+" ("+logsample.Thousands(sum.Suppressed)+times+" in the last "+sum.Interval.String()+", other keys)",
		slog.Int64("failures", sum.Suppressed),
		slog.Duration("interval", sum.Interval),
		slog.Time("since", sum.Start),
		slog.String("error", n.err.Error()))
}
