package client

import (
	"net/http"
	"strings"
	"time"
)

// rateLimitWait reads when a spent rate limit resets, for responses without
// Retry-After: the IETF RateLimit field (`"default";r=0;t=30`, the largest t
// of the policies with r=0), the older RateLimit-Remaining/-Reset pair, and
// the X-RateLimit-Remaining/-Reset pair (Reset as seconds from now, or as
// epoch seconds as GitHub sends it, measured against now). It reports false
// when no spent limit is announced.
func rateLimitWait(h http.Header, now func() time.Time) (time.Duration, bool) {
	if v := h.Get("Ratelimit"); v != "" {
		var best time.Duration
		found := false
		for item := range strings.SplitSeq(v, ",") {
			r, t := "", ""
			for i, p := range strings.Split(item, ";") {
				if i == 0 {
					continue // the policy name
				}
				k, val, _ := strings.Cut(strings.TrimSpace(p), "=")
				switch k {
				case "r":
					r = val
				case "t":
					t = val
				}
			}
			if r == "0" && isDigits(t) {
				best, found = max(best, secondsDuration(t)), true
			}
		}
		if found {
			return best, true
		}
	}
	for _, pair := range [][2]string{{"Ratelimit-Remaining", "Ratelimit-Reset"}, {"X-Ratelimit-Remaining", "X-Ratelimit-Reset"}} {
		if strings.TrimSpace(h.Get(pair[0])) != "0" {
			continue
		}
		v := strings.TrimSpace(h.Get(pair[1]))
		if !isDigits(v) {
			return 0, true
		}
		d := secondsDuration(v)
		if d > 1e9*time.Second { // epoch seconds, not a delay
			d = max(time.Unix(int64(d/time.Second), 0).Sub(now()), 0)
		}
		return d, true
	}
	return 0, false
}
