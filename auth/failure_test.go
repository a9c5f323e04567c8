package auth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/middleware"
)

// A failing key store goes through the FailurePolicy: OnError hears of it,
// its Logger gets one record without the key, the client a 503 with the
// policy's Retry-After.
func TestAuthFailurePolicy(t *testing.T) {
	const key = "sk_live_s3cr3t_0123456789"
	logger, logs := newLogger()
	var heard []error
	h := middleware.Stack(nil, middleware.WithLogger(discardLogger()))(auth.New(auth.Config{
		Keys: brokenKeyStore{},
		FailurePolicy: apierr.FailurePolicy{UnavailableRetryAfter: 7 * time.Second, Logger: logger,
			OnError: func(_ context.Context, err error) { heard = append(heard, err) }},
	})(http.NotFoundHandler()))
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "7" {
		t.Fatalf("got %d Retry-After %q, want 503 and 7", rec.Code, rec.Header().Get("Retry-After"))
	}
	if len(heard) != 1 || strings.Contains(heard[0].Error(), key) {
		t.Fatalf("OnError heard %v; want one error without the key", heard)
	}
	if out := logs.String(); strings.Count(out, "\n") != 1 || !strings.Contains(out, `"layer":"auth"`) || strings.Contains(out, key) {
		t.Fatalf("log = %s; want one auth record without the key", logs.String())
	}
}

func TestAuthRefusesFailOpen(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("auth.New accepted FailOpen")
		}
	}()
	auth.New(auth.Config{FailurePolicy: apierr.FailurePolicy{Mode: apierr.FailOpen}})
}
