package middleware

import (
	"regexp"
	"strings"
	"testing"
)

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

func FuzzValidRequestID(f *testing.F) {
	for _, s := range []string{"", "abc", "req-1_2.3:4", "a b", "a\tb", "é", strings.Repeat("a", 128), strings.Repeat("a", 129), "x\"y", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if got, want := ValidRequestID(id), requestIDPattern.MatchString(id); got != want {
			t.Fatalf("ValidRequestID(%q) = %v, want %v", id, got, want)
		}
	})
}
