package campaigns_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/examples/campaigns"
	"github.com/apierr/apierr/examples/internal/seedtest"
)

const (
	key      = "m5_key_workspace_one"
	otherKey = "m5_key_workspace_two"
)

type env struct {
	srv  *campaigns.Server
	url  string
	c    *http.Client
	jobs *jobQueue
}

// jobQueue holds batch jobs until the test runs them.
type jobQueue struct {
	mu   sync.Mutex
	jobs []func()
}

func (q *jobQueue) add(job func()) { q.mu.Lock(); q.jobs = append(q.jobs, job); q.mu.Unlock() }

func (q *jobQueue) runAll() {
	q.mu.Lock()
	jobs := q.jobs
	q.jobs = nil
	q.mu.Unlock()
	for _, j := range jobs {
		j()
	}
}

func start(t *testing.T, cfg campaigns.Config) *env {
	t.Helper()
	keys := auth.NewMemoryKeyStore()
	if err := keys.Add(key, apierr.Principal{Tenant: "ws_1"}); err != nil {
		t.Fatal(err)
	}
	if err := keys.Add(otherKey, apierr.Principal{Tenant: "ws_2"}); err != nil {
		t.Fatal(err)
	}
	q := &jobQueue{}
	cfg.Keys = keys
	cfg.Async = q.add
	cfg.Logger = codes.Logger()
	clock := seedtest.NewClock(time.Date(2026, 2, 10, 0, 0, 0, 0, time.UTC))
	cfg.Now = clock.Now
	srv := campaigns.NewServer(cfg)
	srv.AddCampaign("ws_1", "cmp_1", "Spring launch")
	srv.AddCampaign("ws_2", "cmp_2", "Other workspace")
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{srv: srv, url: ts.URL, c: ts.Client(), jobs: q}
}

func (e *env) do(t *testing.T, method, path string, body any, hdr ...string) *seedtest.Response {
	t.Helper()
	return seedtest.Do(t, e.c, method, e.url+path, body, hdr...)
}

func bearer(k string) []string { return []string{"Authorization", "Bearer " + k} }

var lead = map[string]any{"lead": map[string]any{"email": "ann@example.com", "name": "Ann"}}

func leads(n int) map[string]any {
	var ls []any
	for range n {
		ls = append(ls, map[string]any{"email": "lead@example.com"})
	}
	return map[string]any{"leads": ls}
}

// want is the page's body: error and message, plus detail when given.
func want(code, message, detail string) map[string]any {
	m := map[string]any{"error": code, "message": message}
	if detail != "" {
		m["detail"] = detail
	}
	return m
}

// TestDocumentedErrors triggers every code of seed 004 through real HTTP and
// the real middleware.
func TestDocumentedErrors(t *testing.T) {
	e := start(t, campaigns.Config{Credits: 3, ConcurrentJobs: 1})
	const unauthorized = "Missing or invalid API key."
	for _, tc := range []struct {
		name         string
		method, path string
		body         any
		hdr          []string
		status       int
		want         map[string]any
	}{
		{"no key", "POST", "/api/v1/campaigns/cmp_1/generate", lead, nil, 401, want("UNAUTHORIZED", unauthorized, "")},
		{"unknown Bearer key", "POST", "/api/v1/campaigns/cmp_1/generate", lead, bearer("m5_nope"), 401, want("UNAUTHORIZED", unauthorized, "")},
		{"unknown X-API-Key", "POST", "/api/v1/campaigns/cmp_1/generate", lead, []string{"X-API-Key", "m5_nope"}, 401, want("UNAUTHORIZED", unauthorized, "")},
		{"Basic credentials", "POST", "/api/v1/campaigns/cmp_1/generate", lead, []string{"Authorization", "Basic Zm9vOmJhcg=="}, 401, want("UNAUTHORIZED", unauthorized, "")},
		{"invalid JSON", "POST", "/api/v1/campaigns/cmp_1/generate", `{"lead": {`, bearer(key), 400, nil},
		{"lead missing", "POST", "/api/v1/campaigns/cmp_1/generate", map[string]any{}, bearer(key), 400, nil},
		{"lead without email", "POST", "/api/v1/campaigns/cmp_1/generate", map[string]any{"lead": map[string]any{"name": "Ann"}}, bearer(key), 400, nil},
		{"leads missing", "POST", "/api/v1/campaigns/cmp_1/generate-batch", map[string]any{}, bearer(key), 400, nil},
		{"campaign of another workspace", "POST", "/api/v1/campaigns/cmp_2/generate", lead, bearer(key), 403, want("FORBIDDEN", "This resource is not in your workspace.", "")},
		{"unknown campaign", "POST", "/api/v1/campaigns/cmp_9/generate", lead, bearer(key), 404, want("NOT_FOUND", "The resource was not found.", "No campaign has this ID.")},
		{"unknown list", "GET", "/api/v1/lists/list_9", nil, bearer(key), 404, want("NOT_FOUND", "The resource was not found.", "No list has this ID.")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.do(t, tc.method, tc.path, tc.body, tc.hdr...)
			w := tc.want
			if w == nil { // BAD_REQUEST: the message and detail say what is wrong
				if res.Body["error"] != "BAD_REQUEST" || res.Body["message"] == "" {
					t.Fatalf("%d %s", res.Status, res.Raw)
				}
				w = map[string]any{"error": "BAD_REQUEST", "message": res.Body["message"]}
				if d, ok := res.Body["detail"]; ok {
					w["detail"] = d
				}
			}
			seedtest.CheckError(t, res, tc.status, w)
			if tc.status == 401 && !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate %q", res.Header.Get("WWW-Authenticate"))
			}
		})
	}

	t.Run("NOT_READY, WORKSPACE_LIMIT, INSUFFICIENT_CREDITS", func(t *testing.T) {
		res := e.do(t, "POST", "/api/v1/campaigns/cmp_1/generate-batch", leads(2), bearer(key)...)
		if res.Status != 202 {
			t.Fatalf("batch: %d %s", res.Status, res.Raw)
		}
		list := res.Body["list_id"].(string)

		res = e.do(t, "GET", "/api/v1/lists/"+list+"/export", nil, bearer(key)...)
		seedtest.CheckError(t, res, 409, want("NOT_READY", "The list has not finished processing yet.", "List "+list+" is processing."))

		// One batch runs; the workspace allows one at a time.
		res = e.do(t, "POST", "/api/v1/campaigns/cmp_1/generate-batch", leads(1), bearer(key)...)
		seedtest.CheckError(t, res, 429, want("WORKSPACE_LIMIT", "Too many batch jobs are running in this workspace.", ""))
		if res.Header.Get("Retry-After") != "5" {
			t.Errorf("Retry-After %q, want 5", res.Header.Get("Retry-After"))
		}
		// Another workspace's slot is its own.
		if res := e.do(t, "POST", "/api/v1/campaigns/cmp_2/generate-batch", leads(1), bearer(otherKey)...); res.Status != 202 {
			t.Errorf("other workspace: %d %s", res.Status, res.Raw)
		}

		e.jobs.runAll()
		if res := e.do(t, "GET", "/api/v1/lists/"+list+"/export", nil, bearer(key)...); res.Status != 200 {
			t.Fatalf("export after completion: %d %s", res.Status, res.Raw)
		}
		// 2 of 3 credits are spent: one more email, then none.
		if res := e.do(t, "POST", "/api/v1/campaigns/cmp_1/generate", lead, bearer(key)...); res.Status != 200 {
			t.Fatalf("last credit: %d %s", res.Status, res.Raw)
		}
		res = e.do(t, "POST", "/api/v1/campaigns/cmp_1/generate", lead, bearer(key)...)
		seedtest.CheckError(t, res, 402, seedtest.Seed(t, "004", "INSUFFICIENT_CREDITS"))
		if res.Header.Get("Retry-After") != "" {
			t.Errorf("a quota has no Retry-After: %q", res.Header.Get("Retry-After"))
		}
	})
}

func TestInternalError(t *testing.T) {
	e := start(t, campaigns.Config{Generate: func(context.Context, string, campaigns.Lead) (string, error) {
		return "", errors.New("llm gateway: 10.1.2.3:443 upstream reset")
	}})
	res := e.do(t, "POST", "/api/v1/campaigns/cmp_1/generate", lead, bearer(key)...)
	seedtest.CheckError(t, res, 500, want("INTERNAL_ERROR", "Something went wrong on our side.", ""))
	if strings.Contains(string(res.Raw), "10.1.2.3") {
		t.Errorf("cause leaked: %s", res.Raw)
	}
}

// TestFailedGenerationRefunds checks that a credit charged for a generation
// that failed is given back.
func TestFailedGenerationRefunds(t *testing.T) {
	fail := true
	var mu sync.Mutex
	e := start(t, campaigns.Config{Credits: 1, Generate: func(context.Context, string, campaigns.Lead) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			fail = false
			return "", errors.New("transient")
		}
		return "ok", nil
	}})
	if res := e.do(t, "POST", "/api/v1/campaigns/cmp_1/generate", lead, bearer(key)...); res.Status != 500 {
		t.Fatalf("first: %d", res.Status)
	}
	if res := e.do(t, "POST", "/api/v1/campaigns/cmp_1/generate", lead, bearer(key)...); res.Status != 200 {
		t.Fatalf("retry after refund: %d %s", res.Status, res.Raw)
	}
}

func TestBodyTooLarge(t *testing.T) {
	e := start(t, campaigns.Config{MaxBody: 128})
	res := e.do(t, "POST", "/api/v1/campaigns/cmp_1/generate-batch", leads(20), bearer(key)...)
	if res.Status != 413 || res.Body["error"] != "PAYLOAD_TOO_LARGE" {
		t.Errorf("%d %s", res.Status, res.Raw)
	}
}

func TestDocsResolve(t *testing.T) {
	e := start(t, campaigns.Config{})
	seedtest.CheckDocs(t, e.c, e.url, campaigns.Catalog())
}

// codes records every code the tests trigger; TestMain fails the run when a
// code of the catalog was never reached.
var codes = &seedtest.Codes{}

func TestMain(m *testing.M) { os.Exit(seedtest.Cover(m, campaigns.Catalog(), codes)) }

// TestWorkspaceLimitUnderConcurrency starts 20 batches at once in a workspace
// that may run 3: exactly 3 are accepted, the rest get WORKSPACE_LIMIT, and
// once the jobs finish the slots are free again.
func TestWorkspaceLimitUnderConcurrency(t *testing.T) {
	e := start(t, campaigns.Config{ConcurrentJobs: 3, Credits: 1000})
	var wg sync.WaitGroup
	statuses := make(chan int, 20)
	for range 20 {
		wg.Go(func() {
			res := e.do(t, "POST", "/api/v1/campaigns/cmp_1/generate-batch", leads(1), bearer(key)...)
			if res.Status == 429 && res.Body["error"] != "WORKSPACE_LIMIT" {
				t.Errorf("429 body %s", res.Raw)
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
	if count[202] != 3 || count[429] != 17 {
		t.Fatalf("statuses %v, want 3×202 and 17×429", count)
	}
	e.jobs.runAll()
	if res := e.do(t, "POST", "/api/v1/campaigns/cmp_1/generate-batch", leads(1), bearer(key)...); res.Status != 202 {
		t.Errorf("after the jobs finished: %d %s", res.Status, res.Raw)
	}
}
