package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestExplainSeedCatalogs loads each seed catalog through the CLI, which
// needs the example formats registered by formats_examples.go, and prints a
// code's example body in that API's shape.
func TestExplainSeedCatalogs(t *testing.T) {
	for _, tc := range []struct{ catalog, code, want string }{
		{"../../examples/inbox/errors.yaml", "quota_exceeded", `"request_id": null`},
		{"../../examples/mail/errors.yaml", "address_taken", `"message": "This email address is already in use"`},
		{"../../examples/calls/errors.yaml", "RATE_LIMIT_EXCEEDED", `"retryAfter": 45`},
		{"../../examples/campaigns/errors.yaml", "INSUFFICIENT_CREDITS", `"message": "You have 0 credits remaining. Please upgrade your plan."`},
	} {
		t.Run(tc.code, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if err := run(context.Background(), []string{"explain", tc.code, "--catalog", tc.catalog}, strings.NewReader(""), &out, &errOut); err != nil {
				t.Fatalf("explain: %v\n%s", err, errOut.String())
			}
			if !strings.Contains(out.String(), tc.want) {
				t.Errorf("output lacks %s:\n%s", tc.want, out.String())
			}
		})
	}
}
