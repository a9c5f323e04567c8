package examples_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/examples/calls"
	"github.com/apierr/apierr/examples/campaigns"
	"github.com/apierr/apierr/examples/inbox"
	"github.com/apierr/apierr/examples/internal/seedtest"
	"github.com/apierr/apierr/examples/mail"
)

// seedFormats are the example formats, so each catalog loads as the CLI loads it.
var seedFormats = apierr.WithFormats(inbox.Format, inbox.SimpleFormat, mail.Format, calls.Format, campaigns.Format)

// golden lists every body in testdata/seeds and the catalog entry that must
// render it. format is "" for the catalog's default format.
var golden = []struct {
	seed, catalog, file, code, format string
}{
	{"000", "fax/errors.yaml", "validation_failed.json", "validation_failed", ""},
	{"000", "fax/errors.yaml", "insufficient_balance.json", "insufficient_balance", ""},
	{"001", "inbox/errors.yaml", "representative_quota_exceeded.json", "quota_exceeded", ""},
	{"001", "inbox/errors.yaml", "representative_validation_error.json", "validation_error", ""},
	{"001", "inbox/errors.yaml", "simple_not_found.json", "not_found", "inbox-simple"},
	{"002", "mail/errors.yaml", "address_taken.json", "address_taken", ""},
	{"003", "calls/errors.yaml", "MISSING_AUTH_TOKEN.json", "MISSING_AUTH_TOKEN", ""},
	{"003", "calls/errors.yaml", "INVALID_AUTH_TOKEN.json", "INVALID_AUTH_TOKEN", ""},
	{"003", "calls/errors.yaml", "FORBIDDEN.json", "FORBIDDEN", ""},
	{"003", "calls/errors.yaml", "VALIDATION_ERROR.json", "VALIDATION_ERROR", ""},
	{"003", "calls/errors.yaml", "INVALID_FORMAT.json", "INVALID_FORMAT", ""},
	{"003", "calls/errors.yaml", "INVALID_UUID.json", "INVALID_UUID", ""},
	{"003", "calls/errors.yaml", "RESOURCE_NOT_FOUND.json", "RESOURCE_NOT_FOUND", ""},
	{"003", "calls/errors.yaml", "ENDPOINT_NOT_FOUND.json", "ENDPOINT_NOT_FOUND", ""},
	{"003", "calls/errors.yaml", "RATE_LIMIT_EXCEEDED.json", "RATE_LIMIT_EXCEEDED", ""},
	{"003", "calls/errors.yaml", "INTERNAL_SERVER_ERROR.json", "INTERNAL_SERVER_ERROR", ""},
	{"003", "calls/errors.yaml", "SERVICE_UNAVAILABLE.json", "SERVICE_UNAVAILABLE", ""},
	{"004", "campaigns/errors.yaml", "INSUFFICIENT_CREDITS.json", "INSUFFICIENT_CREDITS", ""},
}

// TestSeedBodies renders each seed example's catalog entry (its documented
// example, no request ID) and compares it, as JSON, with the body the seed
// prints.
func TestSeedBodies(t *testing.T) {
	for _, g := range golden {
		t.Run(g.seed+"/"+strings.TrimSuffix(g.file, ".json"), func(t *testing.T) {
			cat, err := apierr.LoadFile(g.catalog, seedFormats)
			if err != nil {
				t.Fatal(err)
			}
			code := cat.Lookup(g.code)
			if code == nil || code.Fallback {
				t.Fatalf("%s declares no code %q", g.catalog, g.code)
			}
			f := cat.Formats()[0]
			if g.format != "" {
				f = formatNamed(t, g.format)
			}
			got := cat.Render(f, code.ExampleError())
			want, err := os.ReadFile(filepath.Join("testdata", "seeds", g.seed, g.file))
			if err != nil {
				t.Fatal(err)
			}
			if d := jsonDiff(t, want, got); d != "" {
				t.Errorf("%s %s rendered with %s differs from the seed's body:\n%s\ngot:  %s", g.catalog, g.code, f.Name(), d, got)
			}
		})
	}
}

// TestSeedBodiesAllCovered fails when a body in testdata/seeds has no row in
// the golden table, so a copied body cannot go unchecked.
func TestSeedBodiesAllCovered(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "seeds", "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, g := range golden {
		covered[filepath.Join("testdata", "seeds", g.seed, g.file)] = true
	}
	for _, f := range files {
		if !covered[f] {
			t.Errorf("%s is not in the golden table", f)
		}
	}
	if len(files) != len(golden) {
		t.Errorf("%d bodies in testdata/seeds, %d rows in the golden table", len(files), len(golden))
	}
}

func formatNamed(t *testing.T, name string) apierr.Format {
	t.Helper()
	for _, f := range []apierr.Format{apierr.Envelope, apierr.Problem, inbox.Format, inbox.SimpleFormat, mail.Format, calls.Format, campaigns.Format} {
		if f.Name() == name {
			return f
		}
	}
	t.Fatalf("no format %q", name)
	return nil
}

// jsonDiff compares two JSON documents by value and returns "" when equal,
// else one line per differing path.
func jsonDiff(t *testing.T, want, got []byte) string {
	t.Helper()
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("seed body is not JSON: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(got))
	if err := dec.Decode(&g); err != nil {
		t.Fatalf("rendered body is not JSON: %v\n%s", err, got)
	}
	if dec.More() {
		t.Fatalf("rendered body has trailing data: %s", got)
	}
	return seedtest.Diff(w, g)
}
