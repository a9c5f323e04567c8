package inbox_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/examples/inbox"
	"github.com/apierr/apierr/examples/internal/seedtest"
)

const (
	adminKey = "ibx_admin_key_1"
	userKey  = "ibx_user_key_1"
	otherKey = "ibx_other_key_2"
	idleKey  = "ibx_idle_key_3"
	noSuchID = "550e8400-e29b-41d4-a716-446655440000"
)

type env struct {
	srv   *inbox.Server
	url   string
	c     *http.Client
	clock *seedtest.Clock
}

func start(t *testing.T, cfg inbox.Config) *env {
	t.Helper()
	keys := auth.NewMemoryKeyStore()
	for k, p := range map[string]apierr.Principal{
		adminKey: {Tenant: "t_1", Subject: "admin@acme.test", Scopes: []string{inbox.ScopeInvite}},
		userKey:  {Tenant: "t_1", Subject: "user@acme.test"},
		otherKey: {Tenant: "t_2", Subject: "eve@other.test", Scopes: []string{inbox.ScopeInvite}},
		idleKey:  {Tenant: "t_3", Subject: "old@idle.test"},
	} {
		if err := keys.Add(k, p); err != nil {
			t.Fatal(err)
		}
	}
	clock := seedtest.NewClock(time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC))
	cfg.Auth.Keys = keys
	cfg.Now = clock.Now
	cfg.Logger = codes.Logger()
	srv := inbox.NewServer(cfg)
	srv.AddTenant("t_1", "acme")
	srv.AddTenant("t_2", "other")
	srv.AddTenant("t_3", "idle")
	srv.SetTenantActive("t_3", false)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{srv: srv, url: ts.URL, c: ts.Client(), clock: clock}
}

func (e *env) do(t *testing.T, method, path string, body any, hdr ...string) *seedtest.Response {
	t.Helper()
	return seedtest.Do(t, e.c, method, e.url+path, body, hdr...)
}

func bearer(k string) []string { return []string{"Authorization", "Bearer " + k} }

// structured is the page's structured body; request_id is the response's
// request ID (checked against the header by checkStructured).
func structured(code, message string, details map[string]any) map[string]any {
	m := map[string]any{"error": code, "message": message, "details": nil, "request_id": nil}
	if details != nil {
		m["details"] = details
	}
	return m
}

// checkStructured compares a structured body, its request_id being the
// X-Request-ID the response carries.
func checkStructured(t *testing.T, res *seedtest.Response, status int, want map[string]any) {
	t.Helper()
	id := res.Header.Get("X-Request-ID")
	if got, _ := res.Body["request_id"].(string); got == "" || got != id {
		t.Errorf("request_id %q, header %q", res.Body["request_id"], id)
	}
	w := make(map[string]any, len(want))
	for k, v := range want {
		w[k] = v
	}
	w["request_id"] = id
	seedtest.CheckError(t, res, status, w)
}

func simple(message string) map[string]any { return map[string]any{"detail": message} }

func TestDocumentedErrors(t *testing.T) {
	e := start(t, inbox.Config{MaxInboxes: 2})
	res := e.do(t, "POST", "/v1/inboxes", map[string]any{"name": "support", "allowed_senders": []string{"boss@acme.test"}}, bearer(adminKey)...)
	if res.Status != 201 {
		t.Fatalf("create inbox: %d %s", res.Status, res.Raw)
	}
	inboxID := res.Body["id"].(string)
	res = e.do(t, "POST", "/v1/inboxes/"+inboxID+"/items", map[string]any{"sender": "boss@acme.test", "subject": "hello"}, bearer(adminKey)...)
	if res.Status != 201 {
		t.Fatalf("create item: %d %s", res.Status, res.Raw)
	}
	jobID := res.Body["job_id"].(string)

	for _, tc := range []struct {
		name         string
		method, path string
		body         any
		hdr          []string
		status       int
		want         map[string]any
	}{
		{"no key", "GET", "/v1/inboxes/" + inboxID, nil, nil, 401,
			structured("missing_api_key", "No API key was sent.", nil)},
		{"unknown Bearer key", "GET", "/v1/inboxes/" + inboxID, nil, bearer("ibx_wrong"), 401,
			structured("invalid_api_key", "The API key is not valid.", nil)},
		{"unknown X-API-Key", "GET", "/v1/inboxes/" + inboxID, nil, []string{"X-API-Key", "ibx_wrong"}, 401,
			structured("invalid_api_key", "The API key is not valid.", nil)},
		{"tenant not active", "GET", "/v1/inboxes/" + inboxID, nil, bearer(idleKey), 401,
			structured("tenant_inactive", "The tenant is not active.", nil)},
		{"inbox not found", "GET", "/v1/inboxes/" + noSuchID, nil, bearer(adminKey), 404,
			structured("not_found", "Inbox not found", nil)},
		{"another tenant's inbox", "GET", "/v1/inboxes/" + inboxID, nil, bearer(otherKey), 404,
			structured("not_found", "Inbox not found", nil)},
		{"item not found", "GET", "/v1/inboxes/" + inboxID + "/items/" + noSuchID, nil, bearer(adminKey), 404,
			structured("not_found", "Item "+noSuchID+" not found", nil)},
		{"job not found", "GET", "/v1/jobs/" + noSuchID, nil, bearer(adminKey), 404,
			structured("not_found", "Job "+noSuchID+" not found", nil)},
		{"delivery not found", "GET", "/v1/deliveries/" + noSuchID, nil, bearer(adminKey), 404,
			structured("not_found", "Delivery "+noSuchID+" not found", nil)},
		{"sender not allowed", "POST", "/v1/inboxes/" + inboxID + "/items", map[string]any{"sender": "spam@evil.test"}, bearer(adminKey), 403,
			structured("sender_not_allowed", "This sender may not deliver to this inbox.", map[string]any{"sender": "spam@evil.test"})},
		{"tenant slug taken", "POST", "/v1/tenants", map[string]any{"slug": "acme", "name": "ACME again"}, nil, 409,
			structured("tenant_slug_taken", "This tenant slug is already taken.", map[string]any{"slug": "acme"})},
		{"no such endpoint", "GET", "/v1/mailboxes", nil, bearer(adminKey), 404,
			structured("endpoint_not_found", "No endpoint matches this path.", nil)},
		// The invitation routes answer with FastAPI's plain body.
		{"invite without permission", "POST", "/v1/invitations", map[string]any{"email": "new@acme.test"}, bearer(userKey), 403,
			simple("You do not have permission to perform this action.")},
		{"invitation token unknown", "POST", "/v1/invitations/inv_nope/accept", nil, bearer(userKey), 400,
			simple("Invalid invitation token")},
		{"invitation route without key", "POST", "/v1/invitations/inv_nope/accept", nil, nil, 401,
			simple("No API key was sent.")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.do(t, tc.method, tc.path, tc.body, tc.hdr...)
			if _, ok := tc.want["detail"]; ok {
				seedtest.CheckError(t, res, tc.status, tc.want)
			} else {
				checkStructured(t, res, tc.status, tc.want)
			}
			if tc.status == 401 && !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate %q", res.Header.Get("WWW-Authenticate"))
			}
		})
	}

	t.Run("validation error lists the fields", func(t *testing.T) {
		res := e.do(t, "POST", "/v1/inboxes", map[string]any{"allowed_senders": []string{"not-an-email"}}, bearer(adminKey)...)
		if res.Status != 422 || res.Body["error"] != "validation_error" {
			t.Fatalf("%d %s", res.Status, res.Raw)
		}
		errs, _ := res.Body["details"].(map[string]any)["errors"].([]any)
		if len(errs) != 2 {
			t.Fatalf("want 2 field errors, got %s", res.Raw)
		}
		first := errs[0].(map[string]any)
		if first["field"] != "name" || first["rule"] != "required" {
			t.Errorf("first field error %v", first)
		}
	})
	t.Run("malformed JSON", func(t *testing.T) {
		res := e.do(t, "POST", "/v1/inboxes", `{"name": }`, bearer(adminKey)...)
		if res.Status != 400 || res.Body["error"] != "bad_request" {
			t.Fatalf("%d %s", res.Status, res.Raw)
		}
		if d, _ := res.Body["details"].(map[string]any); d["line"] == nil {
			t.Errorf("details carry no position: %s", res.Raw)
		}
	})
	t.Run("max inboxes (402)", func(t *testing.T) {
		if res := e.do(t, "POST", "/v1/inboxes", map[string]any{"name": "sales"}, bearer(adminKey)...); res.Status != 201 {
			t.Fatalf("second inbox: %d %s", res.Status, res.Raw)
		}
		res := e.do(t, "POST", "/v1/inboxes", map[string]any{"name": "third"}, bearer(adminKey)...)
		want := seedtest.Seed(t, "001", "representative_quota_exceeded")
		want["message"] = "Plan limit reached: max inboxes (2)"
		want["details"] = map[string]any{"quota": "max_inboxes", "limit": float64(2), "used": float64(2)}
		checkStructured(t, res, 402, want)
	})
	t.Run("job not cancellable", func(t *testing.T) {
		e.srv.FinishJobs()
		res := e.do(t, "POST", "/v1/jobs/"+jobID+"/cancel", nil, bearer(adminKey)...)
		checkStructured(t, res, 409, structured("job_not_cancellable", "The job can no longer be cancelled.", map[string]any{"status": "succeeded"}))
	})
	t.Run("invitations: duplicate, email mismatch, accepted", func(t *testing.T) {
		res := e.do(t, "POST", "/v1/invitations", map[string]any{"email": "user@acme.test"}, bearer(adminKey)...)
		if res.Status != 201 {
			t.Fatalf("invite: %d %s", res.Status, res.Raw)
		}
		token := res.Body["token"].(string)
		res = e.do(t, "POST", "/v1/invitations", map[string]any{"email": "USER@acme.test"}, bearer(adminKey)...)
		seedtest.CheckError(t, res, 409, simple("An invitation for this email is already pending."))
		res = e.do(t, "POST", "/v1/invitations/"+token+"/accept", nil, bearer(otherKey)...)
		seedtest.CheckError(t, res, 403, simple("This invitation was sent to a different email address."))
		if res := e.do(t, "POST", "/v1/invitations/"+token+"/accept", nil, bearer(userKey)...); res.Status != 200 {
			t.Errorf("accept: %d %s", res.Status, res.Raw)
		}
	})
}

func TestItemsPerMonth(t *testing.T) {
	e := start(t, inbox.Config{ItemsPerMonth: 1})
	res := e.do(t, "POST", "/v1/inboxes", map[string]any{"name": "a"}, bearer(adminKey)...)
	id := res.Body["id"].(string)
	if res := e.do(t, "POST", "/v1/inboxes/"+id+"/items", map[string]any{"sender": "a@b.test"}, bearer(adminKey)...); res.Status != 201 {
		t.Fatalf("first item: %d %s", res.Status, res.Raw)
	}
	res = e.do(t, "POST", "/v1/inboxes/"+id+"/items", map[string]any{"sender": "a@b.test"}, bearer(adminKey)...)
	checkStructured(t, res, 402, structured("quota_exceeded", "Plan limit reached: items per month (1)", map[string]any{
		"quota": "items_per_month", "limit": float64(1), "used": float64(1), "resets_at": "2026-06-01T00:00:00Z"}))
	e.clock.Advance(26 * 24 * time.Hour) // into June: a new month
	if res := e.do(t, "POST", "/v1/inboxes/"+id+"/items", map[string]any{"sender": "a@b.test"}, bearer(adminKey)...); res.Status != 201 {
		t.Errorf("next month: %d %s", res.Status, res.Raw)
	}
}

func TestRateLimited(t *testing.T) {
	e := start(t, inbox.Config{RatePerMinute: 2})
	for range 2 {
		e.do(t, "GET", "/v1/jobs/"+noSuchID, nil, bearer(userKey)...)
	}
	res := e.do(t, "GET", "/v1/jobs/"+noSuchID, nil, bearer(userKey)...)
	checkStructured(t, res, 429, structured("rate_limited", "Rate limit exceeded; retry after a delay.", map[string]any{"retry_after": float64(30)}))
	if res.Header.Get("Retry-After") != "30" {
		t.Errorf("Retry-After %q, want 30", res.Header.Get("Retry-After"))
	}
}

func TestInternalError(t *testing.T) {
	e := start(t, inbox.Config{Scan: func(context.Context, *inbox.Item) error {
		return errors.New("clamd: dial unix /run/clamav.sock: no such file")
	}})
	res := e.do(t, "POST", "/v1/inboxes", map[string]any{"name": "a"}, bearer(adminKey)...)
	id := res.Body["id"].(string)
	res = e.do(t, "POST", "/v1/inboxes/"+id+"/items", map[string]any{"sender": "a@b.test"}, bearer(adminKey)...)
	checkStructured(t, res, 500, structured("internal_error", "Internal server error", nil))
	if strings.Contains(string(res.Raw), "clamav") {
		t.Errorf("cause leaked: %s", res.Raw)
	}
}

func TestPayloadTooLarge(t *testing.T) {
	e := start(t, inbox.Config{MaxBody: 100})
	res := e.do(t, "POST", "/v1/inboxes", `{"name":"`+strings.Repeat("x", 200)+`"}`, bearer(adminKey)...)
	checkStructured(t, res, 413, structured("payload_too_large", "The request body or upload exceeds the size limit.",
		map[string]any{"limit_bytes": float64(100)}))
}

func TestDocsResolve(t *testing.T) {
	e := start(t, inbox.Config{})
	seedtest.CheckDocs(t, e.c, e.url, inbox.Catalog())
}

// codes records every code the tests trigger; TestMain fails the run when a
// code of the catalog was never reached.
var codes = &seedtest.Codes{}

func TestMain(m *testing.M) { os.Exit(seedtest.Cover(m, inbox.Catalog(), codes)) }

// TestMaxInboxesUnderConcurrency creates 30 inboxes at once on a plan of 5:
// exactly 5 are created and 25 get quota_exceeded.
func TestMaxInboxesUnderConcurrency(t *testing.T) {
	e := start(t, inbox.Config{MaxInboxes: 5, RatePerMinute: 1000})
	var wg sync.WaitGroup
	statuses := make(chan int, 30)
	for i := range 30 {
		wg.Go(func() {
			res := e.do(t, "POST", "/v1/inboxes", map[string]any{"name": "box " + strconv.Itoa(i)}, bearer(adminKey)...)
			if res.Status == 402 && res.Body["error"] != "quota_exceeded" {
				t.Errorf("402 body %s", res.Raw)
			}
			statuses <- res.Status
		})
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[201] != 5 || count[402] != 25 {
		t.Errorf("statuses %v, want 5×201 and 25×402", count)
	}
}
