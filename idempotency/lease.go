package idempotency

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// holder keeps one request's lease alive while its process lives: it renews
// the lease every Lease/3 from the moment the handler starts until the
// response is stored or the key released, retries included.
type holder struct {
	m     *middleware
	ctx   context.Context // the request's values, never its cancellation
	skey  string
	token Token
	log   logInfo

	mu      sync.Mutex
	stopped bool
	cancel  func() bool
}

// hold starts renewing the lease of skey for token.
func (m *middleware) hold(ctx context.Context, skey string, token Token, info logInfo) *holder {
	h := &holder{m: m, ctx: ctx, skey: skey, token: token, log: info}
	h.mu.Lock()
	h.cancel = m.cfg.AfterFunc(m.renewEvery(), h.renew)
	h.mu.Unlock()
	return h
}

func (m *middleware) renewEvery() time.Duration { return max(m.cfg.Lease/3, time.Millisecond) }

func (h *holder) renew() {
	h.mu.Lock()
	stopped := h.stopped
	h.mu.Unlock()
	if stopped {
		return
	}
	err := h.m.cfg.Store.Renew(h.ctx, h.skey, h.token, h.m.cfg.Lease)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopped {
		return // completed or released meanwhile: a lost lease means nothing
	}
	if errors.Is(err, ErrLeaseLost) {
		// The lease ran out before a renewal reached the store (a pause
		// longer than Lease, or the store lost it): a retry may already
		// run. Nothing to renew any more.
		h.stopped = true
		h.m.logAt(h.ctx, h.log, slog.LevelWarn, "idempotency: lease lost while the request was running", err)
		return
	}
	if err != nil {
		h.m.logAt(h.ctx, h.log, slog.LevelError, "idempotency: lease renewal failed; retrying", err)
	}
	h.cancel = h.m.cfg.AfterFunc(h.m.renewEvery(), h.renew)
}

// stop ends the renewals.
func (h *holder) stop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.stopped = true
	if h.cancel != nil {
		h.cancel()
	}
}

// save stores the response, retrying a failed Complete in the background
// while the holder keeps the lease, so a store hiccup never turns the
// client's retry into a second run.
func (h *holder) save(done *Record) {
	err := h.m.cfg.Store.Complete(h.ctx, h.skey, done, h.m.cfg.TTL)
	if err == nil || errors.Is(err, ErrLeaseLost) {
		h.stop()
		if err != nil {
			h.m.logAt(h.ctx, h.log, slog.LevelWarn, "idempotency: response not stored", err)
		}
		return
	}
	m := h.m
	m.pendingMu.Lock()
	full := m.pending >= m.cfg.MaxPendingSaves
	if !full {
		m.pending++
	}
	m.pendingMu.Unlock()
	if full {
		h.stop()
		m.logAt(h.ctx, h.log, slog.LevelError, "idempotency: response not stored and too many saves pending to retry it; the key frees when its lease expires", err,
			slog.Int("max_pending_saves", m.cfg.MaxPendingSaves))
		return
	}
	m.logAt(h.ctx, h.log, slog.LevelWarn, "idempotency: response not stored yet; retrying in the background, lease held", err)
	var waited time.Duration
	attempt := 0
	var try func()
	schedule := func() {
		attempt++
		d := m.cfg.SaveBackoff(attempt)
		waited += d
		m.cfg.AfterFunc(d, try)
	}
	try = func() {
		err := m.cfg.Store.Complete(h.ctx, h.skey, done, m.cfg.TTL)
		switch {
		case err == nil:
			m.logAt(h.ctx, h.log, slog.LevelInfo, "idempotency: response stored after retries", nil, slog.Int("attempts", attempt+1))
		case errors.Is(err, ErrLeaseLost):
			m.logAt(h.ctx, h.log, slog.LevelWarn, "idempotency: response not stored", err)
		case waited >= m.cfg.TTL:
			m.logAt(h.ctx, h.log, slog.LevelError, "idempotency: response not stored; gave up after TTL", err, slog.Int("attempts", attempt+1))
		default:
			schedule()
			return
		}
		h.stop()
		m.pendingMu.Lock()
		m.pending--
		m.pendingMu.Unlock()
	}
	schedule()
}

// logInfo is what a log line names about a request, copied so background
// work never reads the request after its handler returned.
type logInfo struct{ requestID, method, path string }
