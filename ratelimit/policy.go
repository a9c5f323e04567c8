package ratelimit

import (
	"errors"
	"fmt"
	"time"
)

// Policy is one GCRA rate: Limit units per Period, with up to Burst units at
// once. A request may be checked against several policies (per second and per
// day, say): it is admitted only if every one admits it, and then every one is
// charged.
//
// The zero Burst means Burst = Limit. Arithmetic is in whole microseconds (the
// unit both stores share, Redis included): the emission interval is
// Period/Limit truncated to a microsecond, so the admitted count over a time d
// is exactly Burst + floor(d / Interval()).
type Policy struct {
	// Name identifies the policy in the RateLimit headers and in store keys,
	// e.g. "second" or "day". It must be unique among the policies of a limiter.
	Name string
	// Limit is the number of units replenished every Period.
	Limit int64
	// Period is the window of Limit.
	Period time.Duration
	// Burst is the most units that may be spent at once (default Limit).
	Burst int64
}

// PerSecond returns a policy named "second" of n units per second.
func PerSecond(n int64) Policy { return Policy{Name: "second", Limit: n, Period: time.Second} }

// PerMinute returns a policy named "minute" of n units per minute.
func PerMinute(n int64) Policy { return Policy{Name: "minute", Limit: n, Period: time.Minute} }

// PerHour returns a policy named "hour" of n units per hour.
func PerHour(n int64) Policy { return Policy{Name: "hour", Limit: n, Period: time.Hour} }

// PerDay returns a policy named "day" of n units per 24 hours (a rolling day;
// use a Quota for calendar days).
func PerDay(n int64) Policy { return Policy{Name: "day", Limit: n, Period: 24 * time.Hour} }

// WithBurst returns p with Burst set to b.
func (p Policy) WithBurst(b int64) Policy { p.Burst = b; return p }

// Named returns p with Name set to name.
func (p Policy) Named(name string) Policy { p.Name = name; return p }

// Interval is the emission interval in microseconds: Period/Limit, at least 1.
func (p Policy) Interval() int64 {
	if p.Limit <= 0 {
		return 1
	}
	iv := p.Period.Microseconds() / p.Limit
	if iv < 1 {
		iv = 1
	}
	return iv
}

// Capacity is Burst, or Limit when Burst is zero.
func (p Policy) Capacity() int64 {
	if p.Burst > 0 {
		return p.Burst
	}
	return p.Limit
}

// Validate reports a policy that cannot work.
func (p Policy) Validate() error {
	switch {
	case p.Name == "":
		return errors.New("ratelimit: policy without a name")
	case p.Limit <= 0:
		return fmt.Errorf("ratelimit: policy %q: limit must be positive", p.Name)
	case p.Period < time.Microsecond:
		return fmt.Errorf("ratelimit: policy %q: period must be at least 1µs", p.Name)
	case p.Burst < 0:
		return fmt.Errorf("ratelimit: policy %q: negative burst", p.Name)
	}
	for _, c := range p.Name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return fmt.Errorf("ratelimit: policy %q: name may hold only letters, digits, '_', '-' and '.'", p.Name)
		}
	}
	return nil
}

// Status is what one policy says about one check.
type Status struct {
	// Policy is the policy checked.
	Policy *Policy
	// Allowed is false when this policy refused the request.
	Allowed bool
	// Remaining is how many units of cost 1 the policy would admit now (after
	// this request when it was admitted).
	Remaining int64
	// Reset is the time until the policy is full again (its key is idle).
	Reset time.Duration
	// RetryAfter is, for a refusing policy, the time until the same request
	// would be admitted; 0 otherwise.
	RetryAfter time.Duration
}

// GCRA decides one policy for a request of cost at time now (µs), given the
// stored theoretical arrival time tat (µs; 0 or less than now for an idle key).
// It returns whether the policy admits the request and the tat to store if
// every policy of the request admits it. Stores call it; the Redis store runs
// the same arithmetic in Lua.
func (p *Policy) GCRA(now, tat, cost int64) (ok bool, newTAT int64) {
	if tat < now {
		tat = now
	}
	iv := p.Interval()
	newTAT = tat + cost*iv
	return newTAT-p.Capacity()*iv <= now, newTAT
}

// StatusAt builds the Status of a policy at time now (µs) whose stored tat
// (µs) is tat after the check: the new tat when the request was admitted, the
// unchanged one when it was not. cost is the refused request's cost.
func (p *Policy) StatusAt(now, tat, cost int64, allowed bool) Status {
	return p.statusAt(now, tat, cost, allowed, p.Interval())
}

// statusAt is StatusAt given the policy's Interval.
func (p *Policy) statusAt(now, tat, cost int64, allowed bool, iv int64) Status {
	var s Status
	p.fillStatus(&s, now, tat, cost, allowed, iv)
	return s
}

// fillStatus sets *s to statusAt's Status, in place: the Memory store
// fills its caller's slice without a copy.
func (p *Policy) fillStatus(s *Status, now, tat, cost int64, allowed bool, iv int64) {
	if tat < now {
		tat = now
	}
	capacity := p.Capacity() * iv
	s.Policy, s.Allowed, s.RetryAfter = p, true, 0
	s.Remaining = max((now+capacity-tat)/iv, 0)
	s.Reset = time.Duration(tat-now) * time.Microsecond
	if !allowed {
		if wait := tat + cost*iv - capacity - now; wait > 0 {
			s.Allowed = false
			s.RetryAfter = time.Duration(wait) * time.Microsecond
		}
	}
}
