package ratelimit

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/apierr/apierr"
)

// Config configures a Limiter. Only Policies is required.
type Config struct {
	// Policies are the rates every request is checked against; the tightest
	// decides and all are reported.
	Policies []Policy
	// Store keeps the state (default: a new Memory store).
	Store Store
	// Key picks the request's key (default ByTenantOrIP, or ClientIP's). A
	// request whose key is "" is not limited.
	Key KeyFunc
	// ClientIP, when Key is nil, keys requests by the client's address
	// behind the trusted proxies, as ClientIP.Key does, but built in the
	// limiter's own buffer: Key: c.Key allocates its string on every
	// request, a method value the limiter cannot see into.
	ClientIP *ClientIP
	// Cost weighs a request (default 1 unit per request). A cost above a
	// policy's burst can never be admitted.
	Cost func(r *http.Request) int64
	// Prefix is prepended to every key, so several limiters can share a store
	// (default "rl:").
	Prefix string
	// LocalShare is the share of each policy's Limit and Burst that
	// FailLocal enforces in this process while the store fails (default
	// DefaultLocalShare, 1). With n processes, 1/n keeps the whole API
	// within the limit during an outage (if traffic is spread evenly); 1
	// bounds it by n × the limit.
	LocalShare float64
	// LegacyHeaders adds X-RateLimit-Limit, X-RateLimit-Remaining and
	// X-RateLimit-Reset for the tightest policy.
	LegacyHeaders bool
	// NoHeaders turns the RateLimit and RateLimit-Policy fields off.
	NoHeaders bool
	// FailurePolicy says what a store failure does (Redis down or slow):
	// default apierr.FailOpen (admit, log on Logger, call OnError, count in
	// Failures); apierr.FailClosed answers 503 with UnavailableRetryAfter
	// (default 1s); apierr.FailLocal decides in this process (LocalShare).
	apierr.FailurePolicy
}

// Limiter checks requests against GCRA policies. It is safe for concurrent use.
type Limiter struct {
	cfg      Config
	prefix   string
	failure  rlFailure
	policyHV []string // RateLimit-Policy value, built once and shared (never appended to in place: len == cap)
	failures atomic.Int64
	local    *Memory  // FailLocal's store; nil under the other policies
	localPol []Policy // the policies scaled by LocalShare
	mem      *Memory  // the Store when it is a Memory store: the middleware checks it without a key string
	memPlan  rlPlan   // the policies' slots and intervals in mem
	keyKind  rlKeyKind
	fields   rlFieldCache
}

// Result is the outcome of one check.
type Result struct {
	// Allowed is true when every policy admitted the request (or the store
	// failed open).
	Allowed bool
	// RetryAfter is, when refused, how long until the request would be admitted.
	RetryAfter time.Duration
	// Statuses holds one Status per policy, in the Limiter's order; empty when
	// the store failed.
	Statuses []Status
}

// New returns a Limiter. It panics on an invalid policy: policies are
// program constants, and a typo should fail at start-up.
func New(cfg Config) *Limiter {
	if len(cfg.Policies) == 0 {
		panic("ratelimit: New without policies")
	}
	seen := map[string]bool{}
	for i := range cfg.Policies {
		if err := cfg.Policies[i].Validate(); err != nil {
			panic(err)
		}
		if seen[cfg.Policies[i].Name] {
			panic("ratelimit: duplicate policy name " + cfg.Policies[i].Name)
		}
		seen[cfg.Policies[i].Name] = true
	}
	cfg.Policies = append([]Policy(nil), cfg.Policies...)
	if cfg.Store == nil {
		cfg.Store = NewMemory(MemoryConfig{})
	}
	clientIP := cfg.Key == nil && cfg.ClientIP != nil
	if clientIP {
		cfg.Key = cfg.ClientIP.Key
	}
	if cfg.Key == nil {
		cfg.Key = ByTenantOrIP
	}
	l := &Limiter{cfg: cfg, prefix: cfg.Prefix}
	if l.prefix == "" {
		l.prefix = "rl:"
	}
	l.failure = newRLFailure(cfg.FailurePolicy, &l.failures, "rate")
	l.policyHV = []string{string(AppendPolicyField(nil, cfg.Policies))}
	if l.mem, _ = cfg.Store.(*Memory); l.mem != nil {
		l.memPlan = l.mem.plan(cfg.Policies, nil, nil)
	}
	l.keyKind = rlKeyKindOf(cfg.Key)
	if clientIP {
		l.keyKind = rlKeyClientIP
	}
	if l.failure.policy.Mode == apierr.FailLocal {
		l.local = NewMemory(MemoryConfig{})
		l.localPol = rlLocalPolicies(cfg.Policies, cfg.LocalShare)
	}
	return l
}

// Limit returns a middleware limiting every request, keyed by tenant (or
// client IP when unauthenticated), to the policies, in memory: the short form
// of New(Config{Policies: policies}).Middleware.
func Limit(policies ...Policy) func(http.Handler) http.Handler {
	return New(Config{Policies: policies}).Middleware
}

// Policies returns the limiter's policies.
func (l *Limiter) Policies() []Policy { return l.cfg.Policies }

// Failures returns how many store errors this limiter has met.
func (l *Limiter) Failures() int64 { return l.failures.Load() }

// Allow checks one request of cost for key (the Prefix is added). A refused
// request returns an *apierr.Error for the rate-limited condition with
// Retry-After and context retry_after (whole seconds, rounded up);
// a store failure returns nil (fail open) or the unavailable condition (fail
// closed). res is filled either way.
func (l *Limiter) Allow(ctx context.Context, key string, cost int64) (res Result, err error) {
	res.Statuses = make([]Status, len(l.cfg.Policies))
	return res, l.allow(ctx, key, cost, &res)
}

// allow checks key (without the Prefix) for cost.
func (l *Limiter) allow(ctx context.Context, key string, cost int64, res *Result) error {
	if cost <= 0 {
		cost = 1
	}
	return l.allowPrefixed(ctx, l.prefix+key, cost, res)
}

// allowPrefixed checks key (the Prefix already in it) for cost (at least 1).
func (l *Limiter) allowPrefixed(ctx context.Context, key string, cost int64, res *Result) error {
	ok, err := l.cfg.Store.Allow(ctx, key, cost, l.cfg.Policies, res.Statuses)
	if err != nil && l.local != nil {
		l.failure.handle(ctx, err)
		ok, err = l.local.Allow(ctx, key, cost, l.localPol, res.Statuses)
	}
	if err != nil {
		res.Statuses = res.Statuses[:0]
		if e := l.failure.handle(ctx, err); e != nil {
			return e
		}
		res.Allowed = true
		return nil
	}
	res.Allowed = ok
	return l.refusal(res)
}

// refusal returns nil for an admitted res, else the rate-limited error,
// with res.RetryAfter set from the refusing policies.
func (l *Limiter) refusal(res *Result) error {
	if res.Allowed {
		return nil
	}
	for i := range res.Statuses {
		if s := &res.Statuses[i]; !s.Allowed && s.RetryAfter > res.RetryAfter {
			res.RetryAfter = s.RetryAfter
		}
	}
	// The context carries only retry_after, the figure every catalog
	// documents; the RateLimit field names the policies.
	e := apierr.Cond(apierr.CondRateLimited).WithRetryAfter(res.RetryAfter)
	return e.With("retry_after", e.RetryAfterSeconds())
}

// IsRateLimited reports whether err is the rate-limited condition.
func IsRateLimited(err error) bool {
	var e *apierr.Error
	return errors.As(err, &e) && e.Condition == apierr.CondRateLimited
}
