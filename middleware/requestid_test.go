package middleware_test

import (
	"strings"
	"testing"

	"github.com/apierr/apierr/middleware"
)

// NewRequestID and AppendRequestID make the same form: 26 characters of
// lower-case Crockford base32, valid as an incoming ID, never repeated.
func TestRequestIDForm(t *testing.T) {
	seen := map[string]bool{}
	for i := range 1000 {
		ids := []string{middleware.NewRequestID()}
		b := middleware.AppendRequestID([]byte("req_"))
		if !strings.HasPrefix(string(b), "req_") {
			t.Fatalf("AppendRequestID dropped what dst held: %q", b)
		}
		ids = append(ids, string(b[len("req_"):]))
		for _, id := range ids {
			if len(id) != 26 || strings.Trim(id, "0123456789abcdefghjkmnpqrstvwxyz") != "" || !middleware.ValidRequestID(id) {
				t.Fatalf("%d: request ID %q", i, id)
			}
			if seen[id] {
				t.Fatalf("%q twice", id)
			}
			seen[id] = true
		}
	}
}
