package idempotency_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/idempotency"
	"github.com/apierr/apierr/idempotency/idempotencytest"
)

// clock is a settable time source for the memory store.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func testCatalog(t testing.TB) *apierr.Catalog {
	t.Helper()
	cat, err := apierr.LoadFile("testdata/catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// serve mounts h at "POST /faxes" and "POST /faxes/{id}" behind the
// idempotency middleware and a test caller, and returns the server.
func serve(t testing.TB, cfg idempotency.Config, h http.Handler) *httptest.Server {
	t.Helper()
	mw := idempotency.New(cfg)
	mux := http.NewServeMux()
	mux.Handle("POST /faxes", mw(h))
	mux.Handle("POST /faxes/{id}", mw(h))
	mux.Handle("GET /faxes", mw(h))
	return newTestServer(t, mux)
}

// newTestServer serves h behind the test caller middleware.
func newTestServer(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(idempotencytest.WithTenant(testCatalog(t))(h))
	t.Cleanup(srv.Close)
	return srv
}

type response struct {
	status int
	header http.Header
	body   string
}

// req describes a request; zero fields take the defaults of do.
type req struct {
	method, path, tenant, key, body string
	noKey                           bool
	header                          http.Header
}

func do(t testing.TB, srv *httptest.Server, q req) response {
	t.Helper()
	if q.method == "" {
		q.method = http.MethodPost
	}
	if q.path == "" {
		q.path = "/faxes"
	}
	if q.tenant == "" {
		q.tenant = "acme"
	}
	if q.key == "" && !q.noKey {
		q.key = "key-1"
	}
	if q.body == "" {
		q.body = `{"to":"+15551234567"}`
	}
	r, err := http.NewRequest(q.method, srv.URL+q.path, strings.NewReader(q.body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	if q.tenant != "-" {
		r.Header.Set(idempotencytest.TenantHeader, q.tenant)
	}
	if !q.noKey {
		r.Header.Set("Idempotency-Key", q.key)
	}
	for k, vs := range q.header {
		r.Header[k] = vs
	}
	resp, err := srv.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// counting is a handler that counts its runs and answers 201 with the run
// number, so a replay is told apart from a second run.
type counting struct {
	mu   sync.Mutex
	runs int
	// then, if set, writes the response instead.
	then func(w http.ResponseWriter, r *http.Request, run int)
}

func (c *counting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.runs++
	run := c.runs
	c.mu.Unlock()
	if c.then != nil {
		c.then(w, r, run)
		return
	}
	body, _ := io.ReadAll(r.Body)
	tenant := "-"
	if p := apierr.PrincipalFrom(r.Context()); p != nil {
		tenant = p.Tenant
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Location", "/faxes/fax_"+strconv.Itoa(run))
	w.WriteHeader(http.StatusCreated)
	_, _ = w.Write([]byte(`{"id":"fax_` + strconv.Itoa(run) + `","tenant":"` + tenant + `","echo":`))
	_, _ = w.Write(bytes.TrimSpace(body))
	_, _ = w.Write([]byte("}"))
}

func (c *counting) Runs() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.runs
}
