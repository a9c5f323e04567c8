package client

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"
)

// Defaults for a zero PaceConfig.
const (
	// DefaultPaceMargin slows the pace 5 % below the server's, so that
	// requests bunched up on the way (scheduling, a slow connection) still
	// arrive within the limit.
	DefaultPaceMargin = 0.05
	// DefaultPaceMaxWait is the longest a request waits for its slot.
	DefaultPaceMaxWait = time.Minute
)

// ErrPaceWait is the Reason of a *RetryError when a request would wait for
// its slot longer than PaceConfig.MaxWait: the rate limit is spent for
// longer than the caller is willing to wait.
var ErrPaceWait = errors.New("client: rate limit wait exceeds PaceConfig.MaxWait")

// PaceConfig configures a Pacer. The zero value works: every zero field has
// the default its comment names.
type PaceConfig struct {
	// Store keeps the send schedules; nil means a MemoryPaceStore of this
	// Pacer's own. A redisstore.PaceStore shares them between processes.
	Store PaceStore
	// Scope names the limit a request counts against; nil means its origin
	// (scheme://host:port). Return the credential's name too when the
	// server limits each key apart (never the secret itself).
	Scope func(*http.Request) string
	// Margin is how much slower than the server's limit requests are paced,
	// as a fraction; 0 means DefaultPaceMargin, negative means none.
	Margin float64
	// MaxWait is the longest a request waits for its slot; a longer wait
	// fails at once with ErrPaceWait. 0 means DefaultPaceMaxWait. The
	// request's context deadline bounds the wait as well.
	MaxWait time.Duration
}

// Pacer paces requests to what servers announce in their rate-limit fields
// (see ParseRateLimit), so that a client does not run into 429s: set it as
// Transport.Pacer. For each scope (an origin, by default) it learns the
// policies from the responses and books every request a slot in each
// policy's schedule, held in a PaceStore, before sending it.
//
// Until the first response of a scope has been read, it sends one request
// at a time to that scope: a burst of goroutines starting together would
// otherwise hit the limit before any response could announce it. A scope
// whose responses announce no limit is not paced.
//
// With a policy of q requests per window w, requests go q at once and then
// one per w/q·(1+Margin); each response's remaining count (r) moves the
// schedule on when others (another process, another client) used what this
// Pacer did not book. A spent limit (r=0) holds the scope's requests until
// its reset; so does a 429 or 503 with Retry-After. Fields that give no
// window (X-RateLimit-Limit, -Remaining, -Reset) take the longest reset seen
// as the window.
//
// A Pacer is safe for concurrent use and may be shared by Transports (all
// of them then count against one schedule); it uses the clock of the
// Transport that calls it. It keeps a little state per scope for as long as
// it lives. When the Store fails, requests are sent unpaced.
type Pacer struct {
	store   PaceStore
	scopeOf func(*http.Request) string
	margin  float64
	maxWait time.Duration

	mu     sync.Mutex
	scopes map[string]*paceScope
}

// NewPacer returns a Pacer configured by cfg.
func NewPacer(cfg PaceConfig) *Pacer {
	p := &Pacer{store: cfg.Store, scopeOf: cfg.Scope, margin: cfg.Margin, maxWait: cfg.MaxWait,
		scopes: make(map[string]*paceScope)}
	if p.store == nil {
		p.store = &MemoryPaceStore{}
	}
	if p.scopeOf == nil {
		p.scopeOf = Origin
	}
	switch {
	case p.margin == 0:
		p.margin = DefaultPaceMargin
	case p.margin < 0:
		p.margin = 0
	}
	if p.maxWait <= 0 {
		p.maxWait = DefaultPaceMaxWait
	}
	return p
}

// Origin is scheme://host[:port] of req's URL, the default pace scope.
func Origin(req *http.Request) string {
	if req.URL == nil {
		return ""
	}
	return req.URL.Scheme + "://" + req.URL.Host
}

// paceScope is what a Pacer knows of one scope.
type paceScope struct {
	key      string
	mu       sync.Mutex
	learned  bool          // a response has been read
	probe    chan struct{} // closed when the request in flight before learning is answered
	policies []pacePolicy
}

// pacePolicy is one policy's terms, as last announced.
type pacePolicy struct {
	name      string
	interval  time.Duration
	burst     int64
	window    time.Duration // the window, or the longest reset seen when no field gives it
	notBefore time.Time     // the schedule is raised to at least this
}

// paceTicket is one request's passage through the Pacer; observe must be
// called with its outcome.
type paceTicket struct {
	s     *paceScope
	probe bool
}

type clock struct {
	now   func() time.Time
	sleep func(context.Context, time.Duration) error
}

func (p *Pacer) scope(key string) *paceScope {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.scopes[key]
	if s == nil {
		s = &paceScope{key: key}
		p.scopes[key] = s
	}
	return s
}

// wait holds req until its scope's schedules let it go.
func (p *Pacer) wait(ctx context.Context, req *http.Request, c clock) (paceTicket, error) {
	s := p.scope(p.scopeOf(req))
	var buf [4]pacePolicy
	for {
		s.mu.Lock()
		if s.learned {
			break
		}
		if s.probe == nil {
			s.probe = make(chan struct{})
			s.mu.Unlock()
			return paceTicket{s: s, probe: true}, nil
		}
		ch := s.probe
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return paceTicket{}, context.Cause(ctx)
		}
	}
	pols := append(buf[:0], s.policies...)
	s.mu.Unlock()
	if len(pols) == 0 {
		return paceTicket{s: s}, nil
	}
	now := c.now()
	maxWait, reason := p.maxWait, ErrPaceWait
	if dl, ok := ctx.Deadline(); ok && dl.Sub(now) < maxWait {
		maxWait, reason = max(dl.Sub(now), 1), ErrDeadline
	}
	var wait time.Duration
	for _, pol := range pols {
		w, ok, err := p.store.Reserve(ctx, s.key+"\x00"+pol.name, PaceSlot{Now: now, Interval: pol.interval,
			Burst: pol.burst, NotBefore: pol.notBefore.Sub(now), MaxWait: maxWait})
		if err != nil {
			continue // fail open: an unpaced request beats none
		}
		if !ok {
			return paceTicket{}, &paceWaitError{reason: reason, wait: w}
		}
		wait = max(wait, w)
	}
	if wait > 0 {
		if err := c.sleep(ctx, wait); err != nil {
			return paceTicket{}, err
		}
	}
	return paceTicket{s: s}, nil
}

// paceWaitError says why a request was not sent: its slot is too far.
type paceWaitError struct {
	reason error
	wait   time.Duration
}

func (e *paceWaitError) Error() string {
	return e.reason.Error() + " (rate limit slot in " + e.wait.String() + ")"
}
func (e *paceWaitError) Unwrap() error { return e.reason }

// observe learns from the outcome of tk's request: resp is nil after a
// transport error.
func (p *Pacer) observe(tk paceTicket, resp *http.Response, now time.Time) {
	s := tk.s
	if s == nil {
		return
	}
	var statuses []RateLimitStatus
	if resp != nil && hasRateLimit(resp.Header) {
		statuses = ParseRateLimit(resp.Header, now)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if resp != nil {
		s.learned = true
		for _, st := range statuses {
			p.learn(s.policy(st.Policy), st, now)
		}
		if ra, ok := retryAfterOf(resp, now); ok {
			pol := s.policy("\x00retry-after")
			pol.burst = max(pol.burst, 1)
			pol.notBefore = later(pol.notBefore, now.Add(ra))
		}
	}
	if tk.probe && s.probe != nil {
		close(s.probe)
		s.probe = nil
	}
}

// policy returns the policy named name, adding it.
func (s *paceScope) policy(name string) *pacePolicy {
	for i := range s.policies {
		if s.policies[i].name == name {
			return &s.policies[i]
		}
	}
	s.policies = append(s.policies, pacePolicy{name: name, burst: 1})
	return &s.policies[len(s.policies)-1]
}

// learn updates pol from what a response says of it.
func (p *Pacer) learn(pol *pacePolicy, st RateLimitStatus, now time.Time) {
	if st.Quota > 0 {
		pol.window = max(pol.window, st.Window)
		if st.Window == 0 {
			pol.window = max(pol.window, st.Reset) // no window given: the longest reset seen
		}
	}
	var floor time.Time
	if st.Quota > 0 && pol.window > 0 {
		iv := pol.window / time.Duration(st.Quota)
		pol.interval = time.Duration(float64(iv) * (1 + p.margin))
		pol.burst = st.Quota
		if st.Remaining >= 0 {
			// The server's count in the terms of our schedule: r left now
			// is a theoretical arrival time (q−r) intervals on.
			used := st.Quota - min(st.Remaining, st.Quota)
			floor = now.Add(time.Duration(used) * pol.interval)
		}
	}
	if st.Remaining == 0 && st.Reset > 0 {
		// Spent: nothing before the reset, unless a policy with a known
		// window frees a unit sooner (a GCRA server's t is when it is full
		// again). Fields without a window count fixed windows.
		tau := time.Duration(pol.burst-1) * pol.interval
		if reset := now.Add(st.Reset + tau); floor.IsZero() || st.Window == 0 || reset.Before(floor) {
			floor = reset
		}
	}
	pol.notBefore = later(pol.notBefore, floor)
}

// retryAfterOf is a 429's or 503's Retry-After.
func retryAfterOf(resp *http.Response, now time.Time) (time.Duration, bool) {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return 0, false
	}
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	return ParseRetryAfter(v, now)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
