package fax

import (
	"strings"
	"testing"
)

func TestNewCatalog(t *testing.T) {
	seed, err := NewCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	if seed.DocsURL() != DocsURL {
		t.Errorf("errors.yaml docs_url %q, want DocsURL %q", seed.DocsURL(), DocsURL)
	}
	if got := seed.DocsFor("insufficient_balance"); got != "https://mintfax.com/docs/errors/insufficient-balance" {
		t.Errorf("seed docs link %q", got)
	}
	own, err := NewCatalog("http://127.0.0.1:8080/docs/errors/{slug}")
	if err != nil {
		t.Fatal(err)
	}
	if got := own.DocsFor("insufficient_balance"); got != "http://127.0.0.1:8080/docs/errors/insufficient-balance" {
		t.Errorf("demo docs link %q", got)
	}
	if len(own.Codes()) != len(seed.Codes()) {
		t.Fatalf("%d codes, want %d", len(own.Codes()), len(seed.Codes()))
	}
	for i, c := range seed.Codes() {
		o := own.Codes()[i]
		if o.ID != c.ID || o.Status != c.Status || o.Action != c.Action || o.Message != c.Message ||
			o.Condition != c.Condition || o.Fallback != c.Fallback {
			t.Errorf("code %d: %+v, want %+v", i, o, c)
		}
	}
	if own.ForeignResource() != "forbidden" {
		t.Errorf("foreign_resource %q", own.ForeignResource())
	}
	if _, err := NewCatalog("http://x/{nope}"); err == nil || !strings.Contains(err.Error(), "placeholder") {
		t.Errorf("bad docs URL: %v", err)
	}
}

func TestDocsServed(t *testing.T) {
	e := newEnv(t, Config{})
	for _, c := range e.srv.Catalog().Codes() {
		path := "/docs/errors/" + e.srv.Catalog().Slug().Apply(c.ID)
		r := e.do("GET", path, "", nil, nil)
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.Body), c.ID) {
			t.Errorf("GET %s: %d %s", path, r.Status, r.Header.Get("Content-Type"))
		}
	}
	if r := e.do("GET", "/docs/errors/", "", nil, nil); r.Status != 200 {
		t.Errorf("reference page: %d", r.Status)
	}
	if r := e.do("GET", "/docs/errors/no-such-code", "", nil, nil); r.Status != 404 || r.json(t)["error"] != "endpoint_not_found" {
		t.Errorf("unknown docs page: %d %s", r.Status, r.Body)
	}
}
