package ratelimit

import (
	"net/http"
	"strconv"
	"time"
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
		var buf [128]byte
		h["Ratelimit"] = []string{string(AppendRateLimitField(buf[:0], res.Statuses))}
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
