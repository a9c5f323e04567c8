package examples_test

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/client"
	"github.com/apierr/apierr/examples/calls"
	"github.com/apierr/apierr/examples/campaigns"
	"github.com/apierr/apierr/examples/inbox"
	"github.com/apierr/apierr/examples/mail"
)

// TestClientDecodesSeedServices sends requests to each seed service and
// decodes its error responses with apierr's client: whatever the API's
// shape, the code, status, field, retry hint and request ID come back.
func TestClientDecodesSeedServices(t *testing.T) {
	quiet := slog.New(slog.DiscardHandler)
	keys := auth.NewMemoryKeyStore()
	if err := keys.Add("seed_key", apierr.Principal{Tenant: "t_1", Subject: "a@b.test", Scopes: []string{calls.ScopeWrite}}); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	callsSrv := httptest.NewServer(calls.NewServer(calls.Config{Tokens: keys, RatePerMinute: 2, Now: now, Logger: quiet}))
	defer callsSrv.Close()
	mailSrv := httptest.NewServer(mail.NewServer(mail.Config{Logger: quiet}))
	defer mailSrv.Close()
	camp := campaigns.NewServer(campaigns.Config{Keys: keys, Credits: 1, Logger: quiet})
	camp.AddCampaign("t_1", "cmp_1", "Launch")
	campSrv := httptest.NewServer(camp)
	defer campSrv.Close()
	inboxSrv := httptest.NewServer(inbox.NewServer(inbox.Config{Logger: quiet}))
	defer inboxSrv.Close()

	send := func(t *testing.T, method, url, body string, hdr ...string) (*apierr.Error, *http.Response) {
		t.Helper()
		req, err := http.NewRequest(method, url, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		derr := client.Decode(res)
		if derr == nil { // a success: Decode leaves its body to us
			res.Body.Close()
			return nil, res
		}
		var e *apierr.Error
		if !errors.As(derr, &e) {
			t.Fatalf("%s %s: decoded %v", method, url, derr)
		}
		return e, res
	}
	auth := []string{"Authorization", "Bearer seed_key"}

	t.Run("calls validation", func(t *testing.T) {
		e, _ := send(t, "POST", callsSrv.URL+"/api/v1/call", `{"agentId":"550e8400-e29b-41d4-a716-446655440000","participant":{"number":"5550100"}}`, auth...)
		if e == nil || e.Code != "INVALID_FORMAT" || e.Status != 422 || len(e.Fields) == 0 || e.Fields[0].Field != "participant.number" || e.Retryable {
			t.Errorf("decoded %+v", e)
		}
	})
	t.Run("calls rate limit", func(t *testing.T) {
		for range 2 {
			send(t, "GET", callsSrv.URL+"/api/v1/calls/none", "", auth...)
		}
		e, _ := send(t, "GET", callsSrv.URL+"/api/v1/calls/none", "", auth...)
		if e == nil || e.Code != "RATE_LIMIT_EXCEEDED" || e.RetryAfter != 30*time.Second || !e.Retryable {
			t.Errorf("decoded %+v", e)
		}
	})
	t.Run("mail address taken", func(t *testing.T) {
		body := `{"address":"ada@mail.test","password":"secret-pw"}`
		send(t, "POST", mailSrv.URL+"/api/accounts", body)
		e, res := send(t, "POST", mailSrv.URL+"/api/accounts", body)
		if e == nil || e.Code != "address_taken" || e.Status != 409 || e.Message != "This email address is already in use" ||
			e.RequestID != res.Header.Get("X-Request-ID") {
			t.Errorf("decoded %+v", e)
		}
	})
	t.Run("campaigns credits", func(t *testing.T) {
		send(t, "POST", campSrv.URL+"/api/v1/campaigns/cmp_1/generate", `{"lead":{"email":"x@y.test"}}`, "X-API-Key", "seed_key")
		e, _ := send(t, "POST", campSrv.URL+"/api/v1/campaigns/cmp_1/generate", `{"lead":{"email":"x@y.test"}}`, "X-API-Key", "seed_key")
		if e == nil || e.Code != "INSUFFICIENT_CREDITS" || e.Status != 402 || e.Retryable {
			t.Errorf("decoded %+v", e)
		}
	})
	t.Run("inbox structured and simple", func(t *testing.T) {
		e, res := send(t, "GET", inboxSrv.URL+"/v1/jobs/x", "")
		if e == nil || e.Code != "missing_api_key" || e.Status != 401 || e.RequestID != res.Header.Get("X-Request-ID") {
			t.Errorf("decoded %+v", e)
		}
		e, _ = send(t, "POST", inboxSrv.URL+"/v1/invitations/x/accept", "")
		if e == nil || e.Status != 401 || e.Message != "No API key was sent." {
			t.Errorf("decoded simple body %+v", e)
		}
	})
}
