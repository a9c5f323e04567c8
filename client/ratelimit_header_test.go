package client

import (
	"net/http"
	"reflect"
	"testing"
	"time"
)

func TestParseRateLimit(t *testing.T) {
	now := time.Unix(1795604400, 0)
	type st = RateLimitStatus
	for _, tc := range []struct {
		name   string
		header http.Header
		want   []st
	}{
		{"IETF policy and status joined by name", http.Header{
			"Ratelimit-Policy": {`"second";q=10;w=1, "day";q=10000;w=86400`},
			"Ratelimit":        {`"second";r=9;t=1, "day";r=9999;t=9`}},
			[]st{{"second", 10, time.Second, 9, time.Second}, {"day", 10000, 24 * time.Hour, 9999, 9 * time.Second}}},
		{"every field line is read", http.Header{
			"Ratelimit-Policy": {`"a";q=5;w=1`, `"b";q=100;w=60`},
			"Ratelimit":        {`"a";r=0;t=1`, `"b";r=50;t=30`}},
			[]st{{"a", 5, time.Second, 0, time.Second}, {"b", 100, time.Minute, 50, 30 * time.Second}}},
		{"token names and a status without a policy", http.Header{"Ratelimit": {`default;r=3;t=7`}},
			[]st{{"default", 0, 0, 3, 7 * time.Second}}},
		{"older drafts: numeric policy with w, and the separate fields", http.Header{
			"Ratelimit-Policy": {`100;w=60`}},
			[]st{{"policy0", 100, time.Minute, -1, -1}}},
		{"draft-07 dictionary", http.Header{"Ratelimit": {`limit=100, remaining=42, reset=20`}},
			[]st{{"", 100, 0, 42, 20 * time.Second}}},
		{"RateLimit-Limit with a window", http.Header{"Ratelimit-Limit": {`10, 10;w=1`}, "Ratelimit-Remaining": {"3"}, "Ratelimit-Reset": {"1"}},
			[]st{{"", 10, 0, 3, time.Second}}},
		{"GitHub: epoch reset", http.Header{"X-Ratelimit-Limit": {"5000"}, "X-Ratelimit-Remaining": {"4999"}, "X-Ratelimit-Reset": {"1795608000"}},
			[]st{{"", 5000, 0, 4999, time.Hour}}},
		{"X: X-Rate-Limit-*", http.Header{"X-Rate-Limit-Limit": {"900"}, "X-Rate-Limit-Remaining": {"0"}, "X-Rate-Limit-Reset": {"1795604460"}},
			[]st{{"", 900, 0, 0, time.Minute}}},
		{"OpenAI: per-request family with a duration reset", http.Header{"X-Ratelimit-Limit-Requests": {"60"}, "X-Ratelimit-Remaining-Requests": {"59"}, "X-Ratelimit-Reset-Requests": {"1s"}},
			[]st{{"", 60, 0, 59, time.Second}}},
		{"Discord: Reset-After in fractional seconds", http.Header{"X-Ratelimit-Limit": {"5"}, "X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset-After": {"1.25"}, "X-Ratelimit-Reset": {"1795604401.25"}},
			[]st{{"", 5, 0, 0, 1250 * time.Millisecond}}},
		{"malformed IETF fields are ignored", http.Header{"Ratelimit": {`;;;r=0;t=x,,`}, "Ratelimit-Policy": {`"a";q=`}}, nil},
		{"nothing", http.Header{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ParseRateLimit(tc.header, now)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// FuzzParseRateLimit: never panics, never a negative reset other than -1.
func FuzzParseRateLimit(f *testing.F) {
	for _, s := range []string{`"second";q=10;w=1`, `"a";r=0;t=2, "b";r=1;t=60`, `limit=1, remaining=0, reset=5`,
		`100;w=60`, `10, 10;w=1`, "1795604460", "1.5", "6m0s", `"x";r=-1;t=-5`, `?1`, `:cHJldGVuZA==:`, `("a" "b");q=1`} {
		f.Add(s, s)
	}
	now := time.Unix(1795604400, 0)
	f.Fuzz(func(t *testing.T, a, b string) {
		h := http.Header{"Ratelimit": {a, b}, "Ratelimit-Policy": {b, a}}
		for _, st := range ParseRateLimit(h, now) {
			if st.Reset < -1 || st.Remaining < -1 || st.Quota < 0 || st.Window < 0 {
				t.Errorf("%q %q: %+v", a, b, st)
			}
		}
		h = http.Header{"X-Ratelimit-Limit": {a}, "X-Ratelimit-Remaining": {b}, "X-Ratelimit-Reset": {a}}
		for _, st := range ParseRateLimit(h, now) {
			if st.Reset < -1 || st.Remaining < -1 || st.Quota < 0 {
				t.Errorf("%q %q: %+v", a, b, st)
			}
		}
	})
}
