package mail_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apierr/apierr/examples/internal/seedtest"
	"github.com/apierr/apierr/examples/mail"
)

type env struct {
	srv   *mail.Server
	url   string
	c     *http.Client
	clock *seedtest.Clock
}

func start(t *testing.T, cfg mail.Config) *env {
	t.Helper()
	clock := seedtest.NewClock(time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC))
	cfg.Now = clock.Now
	cfg.Logger = codes.Logger()
	srv := mail.NewServer(cfg)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{srv: srv, url: ts.URL, c: ts.Client(), clock: clock}
}

func (e *env) do(t *testing.T, method, path string, body any, hdr ...string) *seedtest.Response {
	t.Helper()
	return seedtest.Do(t, e.c, method, e.url+path, body, hdr...)
}

// account creates a mailbox and returns a token for it.
func (e *env) account(t *testing.T, addr string) string {
	t.Helper()
	if res := e.do(t, "POST", "/api/accounts", map[string]string{"address": addr, "password": "secret-pw"}); res.Status != 201 {
		t.Fatalf("create %s: %d %s", addr, res.Status, res.Raw)
	}
	res := e.do(t, "POST", "/api/token", map[string]string{"address": addr, "password": "secret-pw"})
	tok, _ := res.Body["token"].(string)
	if res.Status != 200 || tok == "" {
		t.Fatalf("token for %s: %d %s", addr, res.Status, res.Raw)
	}
	return tok
}

func bearer(tok string) []string { return []string{"Authorization", "Bearer " + tok} }

// body is the page's shape: exactly error and message.
func body(t *testing.T, code string) map[string]any {
	t.Helper()
	msg, ok := map[string]string{
		"invalid_address":       "The email address is not valid.",
		"invalid_domain":        "This domain is not available for new accounts.",
		"password_too_short":    "The password must be at least 6 characters long.",
		"account_limit_reached": "You have reached the maximum number of mailboxes.",
		"invalid_credentials":   "The email or password is wrong.",
		"invalid_token":         "The token is missing, invalid or expired.",
		"not_found":             "The message does not exist.",
		"expired":               "The message has expired and was deleted.",
		"invalid_index":         "The attachment index is out of range.",
		"domain_limit_reached":  "You have reached the maximum number of custom domains.",
		"domain_already_exists": "The domain is already registered.",
		"webhook_limit_reached": "You have reached the maximum number of webhooks.",
		"domain_expired":        "The domain's verification window has expired.",
		"rate_limited":          "Too many requests; slow down and retry later.",
		"internal_error":        "An unexpected error occurred.",
		"bad_request":           "The request body is missing or malformed.",
	}[code]
	if !ok {
		t.Fatalf("no message for %s", code)
	}
	return map[string]any{"error": code, "message": msg}
}

// fieldBody is a validation failure's body: the message is the first field
// error's, worded by bind.JSON, so only its presence is checked.
func fieldBody(t *testing.T, code string, res *seedtest.Response) map[string]any {
	t.Helper()
	m, _ := res.Body["message"].(string)
	if m == "" {
		t.Errorf("no message: %s", res.Raw)
	}
	return map[string]any{"error": code, "message": m}
}

// TestDocumentedErrors triggers every code of seed 002 through real HTTP and
// the real middleware. The page prints one body (address_taken); the others
// must have the same shape, exactly {error, message}, with the catalog's
// message.
func TestDocumentedErrors(t *testing.T) {
	e := start(t, mail.Config{MaxAccounts: 3, MaxDomains: 1, MaxWebhooks: 1})
	tok := e.account(t, "ada@mail.test")
	other := e.account(t, "bob@mail.test")
	msg := e.srv.Deliver("ada@mail.test", mail.Message{From: "x@y.test", Subject: "hi"}, mail.File{Name: "a.txt", Data: []byte("A")})

	t.Run("address_taken is the page's body", func(t *testing.T) {
		res := e.do(t, "POST", "/api/accounts", map[string]string{"address": "ada@mail.test", "password": "another-pw"})
		seedtest.CheckError(t, res, 409, seedtest.Seed(t, "002", "address_taken"))
	})
	for _, tc := range []struct {
		name, code   string
		method, path string
		body         any
		hdr          []string
		status       int
		field        bool // a validation failure: the message names the field
	}{
		{"address without @", "invalid_address", "POST", "/api/accounts", map[string]string{"address": "ada.mail.test", "password": "secret-pw"}, nil, 400, true},
		{"domain not offered", "invalid_domain", "POST", "/api/accounts", map[string]string{"address": "ada@gmail.com", "password": "secret-pw"}, nil, 400, false},
		{"five-letter password", "password_too_short", "POST", "/api/accounts", map[string]string{"address": "cy@mail.test", "password": "12345"}, nil, 400, true},
		{"missing password", "bad_request", "POST", "/api/accounts", map[string]string{"address": "cy@mail.test"}, nil, 400, true},
		{"malformed JSON", "bad_request", "POST", "/api/accounts", `{"address":`, nil, 400, false},
		{"wrong password", "invalid_credentials", "POST", "/api/token", map[string]string{"address": "ada@mail.test", "password": "wrong-pw"}, nil, 401, false},
		{"unknown address", "invalid_credentials", "POST", "/api/token", map[string]string{"address": "zed@mail.test", "password": "secret-pw"}, nil, 401, false},
		{"no token", "invalid_token", "GET", "/api/messages", nil, nil, 401, false},
		{"unknown token", "invalid_token", "GET", "/api/messages", nil, bearer("mcx_not_a_token"), 401, false},
		{"malformed Authorization", "invalid_token", "GET", "/api/messages", nil, []string{"Authorization", "Token abc"}, 401, false},
		{"unknown message", "not_found", "GET", "/api/messages/msg_999", nil, bearer(tok), 404, false},
		{"another mailbox's message", "not_found", "GET", "/api/messages/" + msg, nil, bearer(other), 404, false},
		{"attachment index past the end", "invalid_index", "GET", "/api/messages/" + msg + "/attachments/1", nil, bearer(tok), 400, false},
		{"attachment index not a number", "invalid_index", "GET", "/api/messages/" + msg + "/attachments/x", nil, bearer(tok), 400, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.do(t, tc.method, tc.path, tc.body, tc.hdr...)
			want := body(t, tc.code)
			if tc.field {
				want = fieldBody(t, tc.code, res)
			}
			seedtest.CheckError(t, res, tc.status, want)
			if tc.status == 401 && tc.code == "invalid_token" && !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate %q", res.Header.Get("WWW-Authenticate"))
			}
		})
	}

	t.Run("account_limit_reached", func(t *testing.T) {
		// ada and bob took two of the three mailboxes this client may create.
		if res := e.do(t, "POST", "/api/accounts", map[string]string{"address": "cy@mail.test", "password": "secret-pw"}); res.Status != 201 {
			t.Fatalf("third: %d %s", res.Status, res.Raw)
		}
		res := e.do(t, "POST", "/api/accounts", map[string]string{"address": "dee@mail.test", "password": "secret-pw"})
		seedtest.CheckError(t, res, 403, body(t, "account_limit_reached"))
	})
	t.Run("domain_already_exists and domain_limit_reached", func(t *testing.T) {
		if res := e.do(t, "POST", "/api/domains", map[string]string{"domain": "ada.example"}, bearer(tok)...); res.Status != 201 {
			t.Fatalf("add domain: %d %s", res.Status, res.Raw)
		}
		res := e.do(t, "POST", "/api/domains", map[string]string{"domain": "ada.example"}, bearer(other)...)
		seedtest.CheckError(t, res, 409, body(t, "domain_already_exists"))
		res = e.do(t, "POST", "/api/domains", map[string]string{"domain": "mail.test"}, bearer(other)...)
		seedtest.CheckError(t, res, 409, body(t, "domain_already_exists"))
		res = e.do(t, "POST", "/api/domains", map[string]string{"domain": "ada2.example"}, bearer(tok)...)
		seedtest.CheckError(t, res, 403, body(t, "domain_limit_reached"))
	})
	t.Run("webhook_limit_reached", func(t *testing.T) {
		if res := e.do(t, "POST", "/api/webhooks", map[string]string{"url": "https://hooks.example/a"}, bearer(tok)...); res.Status != 201 {
			t.Fatalf("add webhook: %d %s", res.Status, res.Raw)
		}
		res := e.do(t, "POST", "/api/webhooks", map[string]string{"url": "https://hooks.example/b"}, bearer(tok)...)
		seedtest.CheckError(t, res, 403, body(t, "webhook_limit_reached"))
	})
}

// TestExpiry moves the clock: messages expire (410), domains not verified in
// time expire (410), tokens expire (401).
func TestExpiry(t *testing.T) {
	e := start(t, mail.Config{Retention: time.Hour, VerifyWindow: 2 * time.Hour, TokenTTL: 3 * time.Hour})
	tok := e.account(t, "ada@mail.test")
	msg := e.srv.Deliver("ada@mail.test", mail.Message{Subject: "hi"})
	if res := e.do(t, "GET", "/api/messages/"+msg, nil, bearer(tok)...); res.Status != 200 {
		t.Fatalf("fresh message: %d %s", res.Status, res.Raw)
	}
	if res := e.do(t, "POST", "/api/domains", map[string]string{"domain": "late.example"}, bearer(tok)...); res.Status != 201 {
		t.Fatalf("add domain: %d %s", res.Status, res.Raw)
	}

	e.clock.Advance(time.Hour)
	res := e.do(t, "GET", "/api/messages/"+msg, nil, bearer(tok)...)
	seedtest.CheckError(t, res, 410, body(t, "expired"))

	e.clock.Advance(time.Hour)
	res = e.do(t, "POST", "/api/domains/late.example/verify", nil, bearer(tok)...)
	seedtest.CheckError(t, res, 410, body(t, "domain_expired"))

	e.clock.Advance(time.Hour)
	res = e.do(t, "GET", "/api/messages", nil, bearer(tok)...)
	seedtest.CheckError(t, res, 401, body(t, "invalid_token"))
}

func TestRateLimited(t *testing.T) {
	e := start(t, mail.Config{RatePerMinute: 3})
	for i := range 3 {
		if res := e.do(t, "GET", "/api/messages", nil); res.Status != 401 {
			t.Fatalf("request %d: %d", i+1, res.Status)
		}
	}
	res := e.do(t, "GET", "/api/messages", nil)
	seedtest.CheckError(t, res, 429, body(t, "rate_limited"))
	if ra, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || ra != 20 {
		t.Errorf("Retry-After %q, want 20 (a minute over 3 requests)", res.Header.Get("Retry-After"))
	}
	e.clock.Advance(20 * time.Second)
	if res := e.do(t, "GET", "/api/messages", nil); res.Status != 401 {
		t.Errorf("after Retry-After: %d", res.Status)
	}
}

func TestInternalError(t *testing.T) {
	e := start(t, mail.Config{Attachments: func(context.Context, string, int) ([]byte, error) {
		return nil, errors.New("blob store: bucket mcx-prod-attachments: access denied")
	}})
	tok := e.account(t, "ada@mail.test")
	msg := e.srv.Deliver("ada@mail.test", mail.Message{}, mail.File{Name: "a.pdf", Data: []byte("%PDF")})
	res := e.do(t, "GET", "/api/messages/"+msg+"/attachments/0", nil, bearer(tok)...)
	seedtest.CheckError(t, res, 500, body(t, "internal_error"))
	if strings.Contains(string(res.Raw), "bucket") {
		t.Errorf("cause leaked: %s", res.Raw)
	}
}

func TestBodyTooLarge(t *testing.T) {
	e := start(t, mail.Config{MaxBody: 64})
	res := e.do(t, "POST", "/api/accounts", `{"address":"`+strings.Repeat("a", 100)+`@mail.test","password":"secret-pw"}`)
	if res.Status != 413 || res.Body["error"] != "payload_too_large" || len(res.Body) != 2 {
		t.Errorf("%d %s", res.Status, res.Raw)
	}
}

func TestDocsResolve(t *testing.T) {
	e := start(t, mail.Config{})
	seedtest.CheckDocs(t, e.c, e.url, mail.Catalog())
}

// codes records every code the tests trigger; TestMain fails the run when a
// code of the catalog was never reached.
var codes = &seedtest.Codes{}

func TestMain(m *testing.M) { os.Exit(seedtest.Cover(m, mail.Catalog(), codes)) }
