package ratelimit

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
	"unsafe"
)

// Header field names of draft-ietf-httpapi-ratelimit-headers-11.
const (
	HeaderPolicy    = "RateLimit-Policy"
	HeaderRateLimit = "RateLimit"
)

// AppendPolicyField appends the RateLimit-Policy field value for policies, a
// Structured Field list of one item per policy:
//
//	"second";q=10;w=1, "day";q=10000;w=86400
//
// q is Limit and w is Period in whole seconds (rounded up, at least 1).
func AppendPolicyField(dst []byte, policies []Policy) []byte {
	for i := range policies {
		p := &policies[i]
		if i > 0 {
			dst = append(dst, ", "...)
		}
		dst = rlAppendSFString(dst, p.Name)
		dst = append(dst, ";q="...)
		dst = strconv.AppendInt(dst, p.Limit, 10)
		dst = append(dst, ";w="...)
		dst = strconv.AppendInt(dst, rlCeilSeconds(p.Period), 10)
	}
	return dst
}

// AppendRateLimitField appends the RateLimit field value for statuses:
//
//	"second";r=9;t=1, "day";r=9999;t=9
//
// r is the remaining units (at most q) and t the seconds until the policy is
// full again (rounded up).
func AppendRateLimitField(dst []byte, statuses []Status) []byte {
	for i := range statuses {
		s := &statuses[i]
		if i > 0 {
			dst = append(dst, ", "...)
		}
		dst = rlAppendSFString(dst, s.Policy.Name)
		dst = append(dst, ";r="...)
		r := s.Remaining
		if r > s.Policy.Limit {
			r = s.Policy.Limit
		}
		dst = strconv.AppendInt(dst, r, 10)
		dst = append(dst, ";t="...)
		dst = strconv.AppendInt(dst, rlCeilSeconds(s.Reset), 10)
	}
	return dst
}

// rlAppendSFString appends s as an RFC 8941 sf-string. Policy names are
// validated to need no escaping, but escape anyway.
func rlAppendSFString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '"' || c == '\\' {
			dst = append(dst, '\\')
		}
		if c < 0x20 || c > 0x7e {
			continue
		}
		dst = append(dst, c)
	}
	return append(dst, '"')
}

func rlCeilSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Second - 1) / time.Second)
}

// setHeaders writes the RateLimit fields (and the legacy ones) for res.
func (l *Limiter) setHeaders(h http.Header, res *Result) {
	if len(res.Statuses) == 0 {
		return
	}
	if !l.cfg.NoHeaders {
		// Canonical keys (what h.Set would use), without Set's per-call canonicalisation.
		h["Ratelimit-Policy"] = l.policyHV
		h["Ratelimit"] = l.fields.value(res.Statuses)
	}
	if l.cfg.LegacyHeaders {
		t := &res.Statuses[0]
		for i := range res.Statuses {
			if res.Statuses[i].Remaining < t.Remaining {
				t = &res.Statuses[i]
			}
		}
		rem := t.Remaining
		if rem > t.Policy.Limit {
			rem = t.Policy.Limit
		}
		h["X-Ratelimit-Limit"] = []string{strconv.FormatInt(t.Policy.Limit, 10)}
		h["X-Ratelimit-Remaining"] = []string{strconv.FormatInt(rem, 10)}
		h["X-Ratelimit-Reset"] = []string{strconv.FormatInt(rlCeilSeconds(t.Reset), 10)}
	}
}

// rlFieldCache keeps the RateLimit field values a Limiter formatted
// recently, by what they say: a key checked below its rate gets the same
// value on every request ("second";r=19;t=1 for a burst of 20), and so do
// all keys idle since their last request, so most requests find their value
// here and allocate nothing. A value missing from the cache is formatted
// into a string of its own, as without a cache, and kept (in place of the
// slot's value) one time in rlFieldAdmit: a value that changes on every
// check (a day policy's remaining count, a key spending its burst) then
// costs what it did without a cache plus a few percent, and a value seen
// again and again is kept after a few requests. Each slot is replaced whole
// (entries are immutable once stored), so readers take no lock. Header
// values taken from here are shared between responses: len == cap, so an
// Add copies instead of writing into them.
type rlFieldCache [rlFieldSlots]atomic.Pointer[rlFieldEntry]

const (
	rlFieldSlots    = 256 // a power of two
	rlFieldPolicies = 4   // limiters with more policies format every time
	rlFieldAdmit    = 8   // one miss in 8 (at random) is kept
)

type rlFieldEntry struct {
	n   int
	rt  [rlFieldPolicies][2]int64 // per policy: r and t as the field shows them
	hv  [1]string                 // the header value, a string into buf when it fits
	buf [96]byte
}

// value returns the RateLimit header value for statuses.
func (c *rlFieldCache) value(statuses []Status) []string {
	if len(statuses) > rlFieldPolicies {
		return []string{string(AppendRateLimitField(nil, statuses))}
	}
	var rt [rlFieldPolicies][2]int64
	h := uint64(len(statuses))
	for i := range statuses {
		s := &statuses[i]
		r, t := min(s.Remaining, s.Policy.Limit), rlCeilSeconds(s.Reset)
		rt[i] = [2]int64{r, t}
		h = (h^uint64(r))*0x100000001b3 ^ uint64(t)*0x9e3779b97f4a7c15
	}
	slot := &c[(h^h>>29^h>>47)&(rlFieldSlots-1)]
	if e := slot.Load(); e != nil && e.says(rt[:len(statuses)]) {
		return e.hv[:]
	}
	if rand.Uint32()%rlFieldAdmit != 0 {
		var buf [128]byte
		return []string{string(AppendRateLimitField(buf[:0], statuses))}
	}
	e := &rlFieldEntry{n: len(statuses), rt: rt}
	b := AppendRateLimitField(e.buf[:0], statuses)
	if len(b) > 0 && &b[0] == &e.buf[0] {
		e.hv[0] = unsafe.String(&e.buf[0], len(b)) // e is never written again
	} else {
		e.hv[0] = string(b)
	}
	slot.Store(e)
	return e.hv[:]
}

// says reports whether e is the value of these r and t pairs (comparing
// only the policies there are: the whole array is 64 bytes).
func (e *rlFieldEntry) says(rt [][2]int64) bool {
	if e.n != len(rt) {
		return false
	}
	for i := range rt {
		if e.rt[i] != rt[i] {
			return false
		}
	}
	return true
}
