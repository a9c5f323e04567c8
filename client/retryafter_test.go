package client

import (
	"net/http"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 25, 11, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		value string
		want  time.Duration
		ok    bool
	}{
		{"delta seconds", "120", 120 * time.Second, true},
		{"zero", "0", 0, true},
		{"surrounding space", "  7 ", 7 * time.Second, true},
		{"IMF-fixdate in the future", "Wed, 25 Nov 2026 11:01:30 GMT", 90 * time.Second, true},
		{"RFC 850 date", "Wednesday, 25-Nov-26 11:00:10 GMT", 10 * time.Second, true},
		{"asctime date", "Wed Nov 25 11:00:05 2026", 5 * time.Second, true},
		{"date in the past is zero", "Wed, 25 Nov 2026 10:00:00 GMT", 0, true},
		{"huge seconds are clamped", "99999999999999999999999", time.Duration(maxSeconds) * time.Second, true},
		{"empty", "", 0, false},
		{"negative", "-5", 0, false},
		{"fraction", "1.5", 0, false},
		{"garbage", "soon", 0, false},
		{"unit suffix", "10s", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ParseRetryAfter(tc.value, now)
			if got != tc.want || ok != tc.ok {
				t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", tc.value, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestHintDuration(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    any
		want time.Duration
		ok   bool
	}{
		{"google duration string", "3s", 3 * time.Second, true},
		{"google fractional duration", "1.500s", 1500 * time.Millisecond, true},
		{"digits string", "45", 45 * time.Second, true},
		{"float seconds", 2.5, 2500 * time.Millisecond, true},
		{"protobuf duration object", map[string]any{"seconds": "4"}, 4 * time.Second, true},
		{"negative", -1.0, 0, false},
		{"boolean", true, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := hintDuration(tc.v)
			if got != tc.want || ok != tc.ok {
				t.Errorf("hintDuration(%v) = %v, %v; want %v, %v", tc.v, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestRateLimitWait(t *testing.T) {
	now := func() time.Time { return time.Unix(1795604400, 0) }
	for _, tc := range []struct {
		name   string
		header map[string]string
		want   time.Duration
		ok     bool
	}{
		{"IETF field, one spent policy", map[string]string{"RateLimit": `"second";r=0;t=2, "day";r=9999;t=9`}, 2 * time.Second, true},
		{"IETF field, largest spent reset", map[string]string{"RateLimit": `"a";r=0;t=2, "b";r=0;t=60`}, time.Minute, true},
		{"IETF field, nothing spent", map[string]string{"RateLimit": `"a";r=3;t=2`}, 0, false},
		{"older pair", map[string]string{"RateLimit-Remaining": "0", "RateLimit-Reset": "17"}, 17 * time.Second, true},
		{"legacy pair as delay", map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "5"}, 5 * time.Second, true},
		{"legacy pair as epoch", map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1795604460"}, time.Minute, true},
		{"legacy pair not spent", map[string]string{"X-RateLimit-Remaining": "4", "X-RateLimit-Reset": "5"}, 0, false},
		{"spent without a reset", map[string]string{"X-RateLimit-Remaining": "0"}, 0, true},
		{"garbage", map[string]string{"RateLimit": `;;;r=0;t=x,,`}, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tc.header {
				h.Set(k, v)
			}
			got, ok := rateLimitWait(h, now)
			if got != tc.want || ok != tc.ok {
				t.Errorf("got %v %v, want %v %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}
