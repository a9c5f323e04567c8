package ratelimit

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/apierr/apierr"
)

// Period is a quota's calendar period.
type Period int

const (
	// Total is no period: an absolute count such as "at most 10 inboxes",
	// raised by Use and lowered by Release.
	Total Period = iota
	// Daily resets at midnight in the quota's location.
	Daily
	// Monthly resets at midnight on the first of the month in the quota's location.
	Monthly
)

// String returns "total", "daily" or "monthly".
func (p Period) String() string {
	switch p {
	case Daily:
		return "daily"
	case Monthly:
		return "monthly"
	}
	return "total"
}

// QuotaConfig configures a Quota. Only Limit (or LimitFor) is required.
type QuotaConfig struct {
	// Name tells quotas sharing a store apart (default "quota").
	Name string
	// Limit is the allowance per period (or in total).
	Limit int64
	// LimitFor, if set, returns the allowance of a key (a tenant's plan) and
	// overrides Limit; a value < 0 means unlimited.
	LimitFor func(ctx context.Context, key string) (int64, error)
	// Period is the calendar period (default Total).
	Period Period
	// Location is where days and months begin (default UTC).
	Location *time.Location
	// Store keeps the counters (default: a new MemoryQuota).
	Store QuotaStore
	// Now is the clock that picks the period (default time.Now).
	Now func() time.Time
	// Key picks the request's key for Middleware (default ByTenant); "" is not counted.
	Key KeyFunc
	// Cost weighs a request for Middleware (default 1).
	Cost func(r *http.Request) int64
	// FailurePolicy says what a store failure does: default
	// apierr.FailOpen (count nothing, let the request through, log, call
	// OnError, count in Failures); apierr.FailClosed, and apierr.FailLocal
	// (usage counted elsewhere cannot be known in one process), answer 503
	// with UnavailableRetryAfter (default 1s).
	apierr.FailurePolicy
}

// Quota counts usage per key and period and refuses what goes over the
// limit with the quota-exceeded condition (402, context limit, used and, for
// periodic quotas, resets_at in RFC 3339). Unlike a rate limit it carries no
// Retry-After: retrying does not help until the period rolls over or the
// plan changes. Safe for concurrent use.
type Quota struct {
	cfg      QuotaConfig
	failure  rlFailure
	failures atomic.Int64
}

// Usage is a key's standing after Use.
type Usage struct {
	// Limit is the allowance (-1: unlimited).
	Limit int64
	// Used is the usage after the call (as it stands, when refused).
	Used int64
	// ResetsAt is when the period rolls over; zero for Total.
	ResetsAt time.Time
}

// NewQuota returns a Quota.
func NewQuota(cfg QuotaConfig) *Quota {
	if cfg.Name == "" {
		cfg.Name = "quota"
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Store == nil {
		cfg.Store = NewMemoryQuota(MemoryConfig{Now: cfg.Now})
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Key == nil {
		cfg.Key = ByTenant
	}
	if cfg.FailurePolicy.Now == nil {
		cfg.FailurePolicy.Now = cfg.Now // the quota's clock times its failure log too
	}
	q := &Quota{cfg: cfg}
	q.failure = newRLFailure(cfg.FailurePolicy, &q.failures, "quota")
	return q
}

// Failures returns how many store errors this quota has met.
func (q *Quota) Failures() int64 { return q.failures.Load() }

// window returns the period's id suffix, when it resets and the counter's ttl.
func (q *Quota) window(now time.Time) (suffix string, resets time.Time, ttl time.Duration) {
	t := now.In(q.cfg.Location)
	switch q.cfg.Period {
	case Daily:
		y, m, d := t.Date()
		resets = time.Date(y, m, d+1, 0, 0, 0, 0, q.cfg.Location)
		suffix = t.Format(":2006-01-02")
	case Monthly:
		y, m, _ := t.Date()
		resets = time.Date(y, m+1, 1, 0, 0, 0, 0, q.cfg.Location)
		suffix = t.Format(":2006-01")
	default:
		return "", time.Time{}, 0
	}
	// The key names its period, so it only has to outlive it; the hour of
	// grace covers app servers whose clocks lag.
	return suffix, resets, resets.Sub(now) + time.Hour
}

func (q *Quota) limit(ctx context.Context, key string) (int64, error) {
	if q.cfg.LimitFor != nil {
		return q.cfg.LimitFor(ctx, key)
	}
	return q.cfg.Limit, nil
}

// Use charges n units to key. It returns nil, or the quota-exceeded
// condition (nothing is charged then), or on a store failure what the
// FailurePolicy says.
func (q *Quota) Use(ctx context.Context, key string, n int64) (Usage, error) {
	limit, err := q.limit(ctx, key)
	if err != nil {
		return Usage{}, apierr.Internal(err)
	}
	suffix, resets, ttl := q.window(q.cfg.Now())
	u := Usage{Limit: limit, ResetsAt: resets}
	if limit < 0 {
		u.Limit = -1
		return u, nil
	}
	used, ok, err := q.cfg.Store.Add(ctx, "q:"+q.cfg.Name+":"+key+suffix, n, limit, ttl)
	if err != nil {
		if e := q.failure.handle(ctx, err); e != nil {
			return u, e
		}
		return u, nil
	}
	u.Used = used
	if ok {
		return u, nil
	}
	e := apierr.Cond(apierr.CondQuotaExceeded).With("limit", limit).With("used", used)
	if !resets.IsZero() {
		e.With("resets_at", resets.UTC().Format(time.RFC3339))
	}
	return u, e
}

// Release gives n units back to key in the current period (an inbox was
// deleted, say). The counter does not go below zero.
func (q *Quota) Release(ctx context.Context, key string, n int64) error {
	suffix, _, ttl := q.window(q.cfg.Now())
	_, _, err := q.cfg.Store.Add(ctx, "q:"+q.cfg.Name+":"+key+suffix, -n, 0, ttl)
	if err != nil {
		if e := q.failure.handle(ctx, err); e != nil {
			return e
		}
	}
	return nil
}

// Middleware charges each request (Cost, default 1) to its key before the
// next handler runs, and renders the quota-exceeded condition (402) when the
// allowance is spent. The charge stands whatever the handler answers; to
// count only work that succeeds (an inbox created, a fax sent), call Use
// from the handler instead, and Release when the work is undone.
func (q *Quota) Middleware(next http.Handler) http.Handler {
	return apierr.RaisingHandler(next, q.failure.raises(apierr.CondQuotaExceeded), func(w http.ResponseWriter, r *http.Request) {
		key := q.cfg.Key(r)
		if key == "" {
			next.ServeHTTP(w, r)
			return
		}
		var n int64 = 1
		if q.cfg.Cost != nil {
			n = q.cfg.Cost(r)
		}
		if _, err := q.Use(r.Context(), key, n); err != nil {
			apierr.Write(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}
