package auth_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/ratelimit"
)

// BenchmarkThrottleValidKey: what the failed-authentication throttle costs
// a request with a valid key (one peek at an in-process store), beside the
// same middleware without it.
func BenchmarkThrottleValidKey(b *testing.B) {
	keys := auth.NewMemoryKeyStore()
	if err := keys.Add("sk_valid_0123456789", apierr.Principal{Subject: "u", Tenant: "t", KeyID: "k"}); err != nil {
		b.Fatal(err)
	}
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	for _, tc := range []struct {
		name     string
		throttle *ratelimit.Limiter
	}{
		{"none", nil},
		{"memory", ratelimit.New(ratelimit.Config{Policies: []ratelimit.Policy{ratelimit.PerMinute(20)}, Key: (&ratelimit.ClientIP{}).Key})},
	} {
		h := auth.New(auth.Config{Keys: keys, Throttle: tc.throttle})(ok)
		b.Run(tc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/", nil)
			req.RemoteAddr = "203.0.113.5:1234"
			req.Header.Set("Authorization", "Bearer sk_valid_0123456789")
			w := httptest.NewRecorder()
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, req)
			}
		})
	}
}
