package examples_test

import (
	"encoding/json"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/examples/calls"
	"github.com/apierr/apierr/examples/campaigns"
	"github.com/apierr/apierr/examples/inbox"
	"github.com/apierr/apierr/examples/mail"
)

var seedFormatList = []apierr.Format{inbox.Format, inbox.SimpleFormat, mail.Format, calls.Format, campaigns.Format}

// FuzzSeedFormats: whatever an error carries (text from a request included),
// every seed format writes one valid JSON object, and valid text comes back
// unchanged.
func FuzzSeedFormats(f *testing.F) {
	f.Add("VALIDATION_ERROR", "Validation failed", "", "agentId", "The agentId field is required", "uuid", 422, int64(0))
	f.Add("RATE_LIMIT_EXCEEDED", "Rate limit exceeded", "You have exceeded the rate limit", "", "", "", 429, int64(45))
	f.Add("not_found", "Item \"x\" </script> not found\u2028", "\x00\xff", "a.b[0]", "\ttab", "e164", 404, int64(-1))
	f.Fuzz(func(t *testing.T, code, message, detail, field, fieldMsg, ctxVal string, status int, retry int64) {
		e := &apierr.Error{Code: code, Status: status, Message: message, Detail: detail,
			RetryAfter: time.Duration(retry) * time.Second, RequestID: ctxVal}
		e.With("value", ctxVal).With("n", retry)
		if field != "" {
			e.WithField(field, "rule", fieldMsg)
		}
		for _, f := range seedFormatList {
			body := f.AppendBody(nil, e)
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil {
				t.Fatalf("%s wrote invalid JSON: %v\n%q", f.Name(), err, body)
			}
			if !utf8.ValidString(message) {
				continue
			}
			got, _ := m["message"].(string)
			if f == inbox.SimpleFormat {
				got, _ = m["detail"].(string)
			}
			if got != message {
				t.Fatalf("%s: message %q came back as %q", f.Name(), message, got)
			}
		}
	})
}
