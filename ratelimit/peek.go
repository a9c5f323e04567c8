package ratelimit

import (
	"context"
	"net/http"
	"time"

	"github.com/apierr/apierr"
)

// Peek reports whether a request of cost for key would be admitted now,
// without charging it (the store is asked with cost 0). A request that
// would be refused returns the rate-limited condition, as Allow does; a
// store failure follows the FailurePolicy (FailLocal peeks at the local
// store). res is filled either way.
//
// Peek and Charge make a limiter of events rather than of requests: charge
// each event that happened (a failed login, say) and peek before the next
// request to refuse it while the events have used the limit up. auth's
// Config.Throttle works so.
func (l *Limiter) Peek(ctx context.Context, key string, cost int64) (res Result, err error) {
	res.Statuses = make([]Status, len(l.cfg.Policies))
	return res, l.peek(ctx, l.prefix+key, cost, &res)
}

// peek checks key (the Prefix already in it), as allow does.
func (l *Limiter) peek(ctx context.Context, key string, cost int64, res *Result) error {
	if cost <= 0 {
		cost = 1
	}
	pols := l.cfg.Policies
	_, err := l.cfg.Store.Allow(ctx, key, 0, pols, res.Statuses)
	if err != nil && l.local != nil {
		l.failure.handle(ctx, err)
		pols = l.localPol
		_, err = l.local.Allow(ctx, key, 0, pols, res.Statuses)
	}
	if err != nil {
		res.Statuses = res.Statuses[:0]
		if e := l.failure.handle(ctx, err); e != nil {
			return e
		}
		res.Allowed = true
		return nil
	}
	return peekVerdict(res, pols, cost)
}

// peekVerdict decides a peek from the statuses a check of cost 0 filled
// in res, for a request of cost (at least 1).
func peekVerdict(res *Result, pols []Policy, cost int64) error {
	res.Allowed = true
	for i := range res.Statuses {
		s := &res.Statuses[i]
		if s.Remaining >= cost {
			continue
		}
		// The wait until cost units are free: the policy is full again
		// after Reset, and each unit takes one interval.
		p := &pols[i]
		wait := s.Reset - time.Duration((p.Capacity()-cost)*p.Interval())*time.Microsecond
		if wait <= 0 {
			continue
		}
		s.Allowed, s.RetryAfter = false, wait
		res.Allowed = false
		res.RetryAfter = max(res.RetryAfter, wait)
	}
	if res.Allowed {
		return nil
	}
	e := apierr.Cond(apierr.CondRateLimited).WithRetryAfter(res.RetryAfter)
	return e.With("retry_after", e.RetryAfterSeconds())
}

// Key returns the key r is limited under (the Config's Key), "" when r is
// not limited.
func (l *Limiter) Key(r *http.Request) string { return l.cfg.Key(r) }

// CheckRequest peeks at r's key (Peek with r's cost): nil when a request
// would be admitted now or r has no key, else the rate-limited condition
// carrying the RateLimit fields (unless NoHeaders) as headers, or the
// FailurePolicy's error.
func (l *Limiter) CheckRequest(r *http.Request) error {
	return l.requestError(r, true)
}

// ChargeRequest charges r's cost to r's key (Allow): nil when admitted or
// r has no key, else the rate-limited condition carrying the RateLimit
// fields as headers, or the FailurePolicy's error.
func (l *Limiter) ChargeRequest(r *http.Request) error {
	return l.requestError(r, false)
}

func (l *Limiter) requestError(r *http.Request, peek bool) error {
	// As in Middleware: the key built on the stack, and a Memory store
	// checked without a key string or a Status buffer on the heap.
	var kb [rlKeyBuf]byte
	kbytes, ok := l.keyKind.appendKey(append(kb[:0], l.prefix...), l.cfg.Key, l.cfg.ClientIP, r)
	if !ok {
		return nil
	}
	var cost int64 = 1
	if l.cfg.Cost != nil {
		cost = l.cfg.Cost(r)
	}
	if n := len(l.cfg.Policies); l.mem != nil && n <= rlStackStatuses {
		var buf [rlStackStatuses]Status
		res := Result{Statuses: buf[:n]}
		var err error
		if peek {
			l.mem.allowBytes(kbytes, 0, l.cfg.Policies, &l.memPlan, res.Statuses)
			err = peekVerdict(&res, l.cfg.Policies, max(cost, 1))
		} else {
			res.Allowed = l.mem.allowBytes(kbytes, max(cost, 1), l.cfg.Policies, &l.memPlan, res.Statuses)
			err = l.refusal(&res)
		}
		return l.withFields(err, &res)
	}
	key := string(kbytes)
	var res Result
	var buf *[4]Status
	if len(l.cfg.Policies) <= len(buf) {
		buf = rlStatusPool.Get().(*[4]Status)
		res.Statuses = buf[:len(l.cfg.Policies)]
		defer func() {
			*buf = [4]Status{}
			rlStatusPool.Put(buf)
		}()
	} else {
		res.Statuses = make([]Status, len(l.cfg.Policies))
	}
	var err error
	if peek {
		err = l.peek(r.Context(), key, cost, &res)
	} else {
		err = l.allowPrefixed(r.Context(), key, max(cost, 1), &res)
	}
	return l.withFields(err, &res)
}

// withFields adds the RateLimit fields of res to a rate-limited err.
func (l *Limiter) withFields(err error, res *Result) error {
	if err == nil {
		return nil
	}
	e := apierr.From(err)
	if e.Condition == apierr.CondRateLimited && len(res.Statuses) > 0 {
		h := make(http.Header, 3)
		l.setHeaders(h, res)
		if e.Header == nil {
			e.Header = h
		} else {
			for k, v := range h {
				e.Header[k] = v
			}
		}
	}
	return e
}
