// Package adaptertest is what the framework adapters' tests share: sending
// a request to a real server, reading its reply, and checking what every
// catalog error carries, and the fax app's catalog and keys. Only tests
// import it.
package adaptertest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/examples/fax"
)

// GoodFax is a valid POST /fax body of the fax catalog's examples.
const GoodFax = `{"to":"+14155550123","file":"JVBERi0xLjQK"}`

// Reply is one response as the tests read it.
type Reply struct {
	Status int
	Header http.Header
	Body   map[string]any // the JSON body, nil when it is not an object
	Raw    string
}

// Context returns the body's context member.
func (r Reply) Context() map[string]any {
	c, _ := r.Body["context"].(map[string]any)
	return c
}

// Send sends method path to base with client (nil: http.DefaultClient);
// a body is sent as application/json; kv are header names and values.
func Send(t testing.TB, client *http.Client, base, method, path, body string, kv ...string) Reply {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(kv); i += 2 {
		req.Header.Set(kv[i], kv[i+1])
	}
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	rep := Reply{Status: resp.StatusCode, Header: resp.Header, Raw: string(raw)}
	_ = json.Unmarshal(raw, &rep.Body)
	return rep
}

// Contract checks what every catalog error of the fax catalog carries: the
// status and code, application/json, the request ID in the header and the
// body alike, the docs link, no-store and nosniff.
func Contract(t testing.TB, r Reply, status int, code string) {
	t.Helper()
	if r.Status != status || r.Body["error"] != code {
		t.Fatalf("got %d %v, want %d %s: %s", r.Status, r.Body["error"], status, code, r.Raw)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	id := r.Header.Get("X-Request-Id")
	if id == "" || r.Body["request_id"] != id {
		t.Errorf("request id header %q, body %v", id, r.Body["request_id"])
	}
	if docs, _ := r.Body["docs"].(string); !strings.HasPrefix(docs, "https://mintfax.com/docs/errors/") {
		t.Errorf("docs %q", docs)
	}
	if r.Header.Get("Cache-Control") != "no-store" || r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v", r.Header)
	}
}

// Fax returns the fax catalog (examples/fax) and a key store that holds
// key for tenant acme's test environment: what each adapter's test app is
// made of.
func Fax(t testing.TB, key string) (*apierr.Catalog, *auth.MemoryKeyStore) {
	t.Helper()
	cat, err := fax.NewCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	keys := auth.NewMemoryKeyStore()
	if err := keys.Add(key, apierr.Principal{Tenant: "acme", Environment: "test"}); err != nil {
		t.Fatal(err)
	}
	return cat, keys
}
