package client

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dunglas/httpsfv"
)

// RateLimitStatus is what a response says about one of the rate limits it
// counts against.
type RateLimitStatus struct {
	// Policy is the policy's name; "" when the fields name none.
	Policy string
	// Quota is how many requests the policy allows per Window; 0 when
	// unknown.
	Quota int64
	// Window is the policy's time window; 0 when unknown.
	Window time.Duration
	// Remaining is how many requests are left; -1 when unknown.
	Remaining int64
	// Reset is how long until the quota is restored; -1 when unknown.
	Reset time.Duration
}

// ParseRateLimit reads the rate-limit fields of a response, of every field
// line (a proxy may add lines of its own):
//
//   - the IETF fields (draft-ietf-httpapi-ratelimit-headers), parsed as RFC
//     9651 Structured Fields: RateLimit-Policy (`"default";q=100;w=60`, and
//     the older `100;w=60`) joined by name with RateLimit
//     (`"default";r=42;t=20`), or the draft-07 dictionary
//     `limit=100, remaining=42, reset=20`;
//   - otherwise the first of these families found: RateLimit-Limit/
//     -Remaining/-Reset, X-RateLimit-*, X-Rate-Limit-* (X), and
//     X-RateLimit-*-Requests (OpenAI, Groq), with X-RateLimit-Reset-After
//     (Discord). A reset is seconds (epoch seconds, as GitHub sends, are
//     measured against now), fractional seconds, or a duration ("6m0s").
//
// Malformed fields are ignored; it never panics.
func ParseRateLimit(h http.Header, now time.Time) []RateLimitStatus {
	var out []RateLimitStatus
	out = ietfPolicies(h, out)
	out = ietfStatuses(h, out)
	if len(out) > 0 {
		return out
	}
	return legacyRateLimit(h, now)
}

// hasRateLimit reports whether h has any field ParseRateLimit reads, so that
// responses without one cost a few map lookups.
func hasRateLimit(h http.Header) bool {
	for _, k := range []string{"Ratelimit", "Ratelimit-Policy", "Ratelimit-Remaining", "Ratelimit-Limit",
		"X-Ratelimit-Remaining", "X-Ratelimit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Limit",
		"X-Ratelimit-Remaining-Requests", "X-Ratelimit-Limit-Requests"} {
		if len(h[k]) > 0 {
			return true
		}
	}
	return false
}

func statusFor(out []RateLimitStatus, name string) ([]RateLimitStatus, *RateLimitStatus) {
	for i := range out {
		if out[i].Policy == name {
			return out, &out[i]
		}
	}
	out = append(out, RateLimitStatus{Policy: name, Remaining: -1, Reset: -1})
	return out, &out[len(out)-1]
}

// sfName is a list member's name: an sf-string or a token.
func sfName(v any) (string, bool) {
	switch n := v.(type) {
	case string:
		return n, true
	case httpsfv.Token:
		return string(n), true
	}
	return "", false
}

// sfInt is a parameter's non-negative integer value.
func sfInt(p *httpsfv.Params, key string) (int64, bool) {
	if p == nil {
		return 0, false
	}
	v, ok := p.Get(key)
	if !ok {
		return 0, false
	}
	n, ok := v.(int64)
	return n, ok && n >= 0
}

func seconds(n int64) time.Duration {
	if n > maxSeconds {
		n = maxSeconds
	}
	return time.Duration(n) * time.Second
}

// ietfPolicies reads RateLimit-Policy: quota and window by policy name.
func ietfPolicies(h http.Header, out []RateLimitStatus) []RateLimitStatus {
	lines := h.Values("Ratelimit-Policy")
	if len(lines) == 0 {
		return out
	}
	list, err := httpsfv.UnmarshalList(lines)
	if err != nil {
		return out
	}
	for i, m := range list {
		it, ok := m.(httpsfv.Item)
		if !ok {
			continue
		}
		var s *RateLimitStatus
		if name, ok := sfName(it.Value); ok {
			out, s = statusFor(out, name)
			s.Quota, _ = sfInt(it.Params, "q")
		} else if q, ok := it.Value.(int64); ok && q >= 0 { // drafts ≤ 06: 100;w=60
			out, s = statusFor(out, "policy"+strconv.Itoa(i))
			s.Quota = q
		} else {
			continue
		}
		if w, ok := sfInt(it.Params, "w"); ok {
			s.Window = seconds(w)
		}
	}
	return out
}

// ietfStatuses reads RateLimit: remaining and reset by policy name, or the
// draft-07 dictionary.
func ietfStatuses(h http.Header, out []RateLimitStatus) []RateLimitStatus {
	lines := h.Values("Ratelimit")
	if len(lines) == 0 {
		return out
	}
	if list, err := httpsfv.UnmarshalList(lines); err == nil {
		for _, m := range list {
			it, ok := m.(httpsfv.Item)
			if !ok {
				continue
			}
			name, ok := sfName(it.Value)
			if !ok {
				continue
			}
			var s *RateLimitStatus
			out, s = statusFor(out, name)
			if r, ok := sfInt(it.Params, "r"); ok {
				s.Remaining = r
			}
			if t, ok := sfInt(it.Params, "t"); ok {
				s.Reset = seconds(t)
			}
		}
		return out
	}
	d, err := httpsfv.UnmarshalDictionary(lines)
	if err != nil {
		return out
	}
	get := func(k string) (int64, bool) {
		m, ok := d.Get(k)
		if !ok {
			return 0, false
		}
		it, ok := m.(httpsfv.Item)
		if !ok {
			return 0, false
		}
		n, ok := it.Value.(int64)
		return n, ok && n >= 0
	}
	limit, okL := get("limit")
	rem, okR := get("remaining")
	reset, okT := get("reset")
	if !okL && !okR && !okT {
		return out
	}
	var s *RateLimitStatus
	out, s = statusFor(out, "")
	if okL {
		s.Quota = limit
	}
	if okR {
		s.Remaining = rem
	}
	if okT {
		s.Reset = seconds(reset)
	}
	return out
}

// legacyFamilies are the header families of the non-IETF rate-limit fields,
// as prefix and suffix of Limit/Remaining/Reset.
var legacyFamilies = [][2]string{
	{"Ratelimit-", ""}, {"X-Ratelimit-", ""}, {"X-Rate-Limit-", ""}, {"X-Ratelimit-", "-Requests"},
}

// legacyRateLimit reads the first legacy family present.
func legacyRateLimit(h http.Header, now time.Time) []RateLimitStatus {
	for _, f := range legacyFamilies {
		limit, remaining := h.Values(f[0]+"Limit"+f[1]), h.Values(f[0]+"Remaining"+f[1])
		if len(limit) == 0 && len(remaining) == 0 {
			continue
		}
		s := RateLimitStatus{Remaining: -1, Reset: -1}
		if it, ok := firstItem(limit); ok {
			if q, ok := it.Value.(int64); ok && q >= 0 {
				s.Quota = q
			}
			if w, ok := sfInt(it.Params, "w"); ok {
				s.Window = seconds(w)
			}
		}
		if it, ok := firstItem(remaining); ok {
			if r, ok := it.Value.(int64); ok && r >= 0 {
				s.Remaining = r
			}
		}
		if d, ok := parseReset(h.Get(f[0]+"Reset-After"), now); ok {
			s.Reset = d
		} else if d, ok := parseReset(h.Get(f[0]+"Reset"+f[1]), now); ok {
			s.Reset = d
		}
		return []RateLimitStatus{s}
	}
	return nil
}

// firstItem is the first member of a field parsed as a list ("100" and
// "100, 100;w=60" alike).
func firstItem(lines []string) (httpsfv.Item, bool) {
	if len(lines) == 0 {
		return httpsfv.Item{}, false
	}
	list, err := httpsfv.UnmarshalList(lines)
	if err != nil || len(list) == 0 {
		return httpsfv.Item{}, false
	}
	it, ok := list[0].(httpsfv.Item)
	return it, ok
}

// parseReset reads a legacy reset: seconds, epoch seconds (after 2001),
// fractional seconds, or a Go-style duration.
func parseReset(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		if math.IsNaN(f) || f < 0 {
			return 0, false
		}
		if f > 1e9 { // epoch seconds
			sec, frac := math.Modf(f)
			at := time.Unix(int64(sec), int64(frac*1e9))
			return max(at.Sub(now), 0), true
		}
		return floatSeconds(f)
	}
	if d, err := time.ParseDuration(v); err == nil && d >= 0 {
		return d, true
	}
	return 0, false
}

// rateLimitWait reads when a spent rate limit resets, for responses without
// Retry-After: the largest Reset of the policies ParseRateLimit finds with
// nothing remaining (0 when a spent limit gives no reset). It reports false
// when no spent limit is announced.
func rateLimitWait(h http.Header, now func() time.Time) (time.Duration, bool) {
	if !hasRateLimit(h) {
		return 0, false
	}
	var best time.Duration
	found := false
	for _, s := range ParseRateLimit(h, now()) {
		if s.Remaining == 0 {
			found = true
			best = max(best, s.Reset)
		}
	}
	return best, found
}
