package client

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxSeconds bounds a parsed delay so that seconds*time.Second cannot overflow.
const maxSeconds = int64(math.MaxInt64 / int64(time.Second))

// ParseRetryAfter parses a Retry-After header value (RFC 9110 §10.2.3): either
// delay-seconds ("120") or an HTTP-date, which is measured against now (pass
// the response's Date header when it has one, so clock skew between client
// and server does not matter). A date in the past yields 0. It reports false
// for an empty or malformed value. Huge values are clamped, never overflow;
// callers cap the result (Transport.MaxRetryAfter).
func ParseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(value)
	if v == "" {
		return 0, false
	}
	if isDigits(v) {
		return secondsDuration(v), true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	if d < 0 {
		d = 0
	}
	return d, true
}

// secondsDuration converts a string of ASCII digits to a clamped duration.
func secondsDuration(digits string) time.Duration {
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n > maxSeconds {
		return time.Duration(maxSeconds) * time.Second
	}
	return time.Duration(n) * time.Second
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// hintDuration reads a retry hint from a body value: a number of seconds
// (integer or fractional), a string of digits, or a duration string such as
// Google's RetryInfo "3s" / "1.500s".
func hintDuration(v any) (time.Duration, bool) {
	switch x := v.(type) {
	case string:
		s := strings.TrimSpace(x)
		if isDigits(s) {
			return secondsDuration(s), true
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return floatSeconds(f)
		}
		if d, err := time.ParseDuration(s); err == nil && d >= 0 {
			return d, true
		}
	case float64:
		return floatSeconds(x)
	case map[string]any: // protobuf Duration as an object: {"seconds": 3, "nanos": 0}
		s, ok1 := hintDuration(x["seconds"])
		n, _ := numberOf(x["nanos"])
		if ok1 {
			return s + time.Duration(n), true
		}
	}
	return 0, false
}

func floatSeconds(f float64) (time.Duration, bool) {
	if math.IsNaN(f) || f < 0 {
		return 0, false
	}
	if f >= float64(maxSeconds) {
		return time.Duration(maxSeconds) * time.Second, true
	}
	return time.Duration(math.Round(f * float64(time.Second))), true
}

func msDuration(ms float64) time.Duration {
	d, _ := floatSeconds(ms / 1000)
	return d
}
