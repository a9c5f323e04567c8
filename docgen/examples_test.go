package docgen_test

import (
	"path/filepath"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/examples/calls"
	"github.com/apierr/apierr/examples/campaigns"
	"github.com/apierr/apierr/examples/inbox"
	"github.com/apierr/apierr/examples/mail"
)

// exampleFormats are the formats of the example APIs, registered when their
// catalogs load. A new examples/<api> package with its own format is added here.
var exampleFormats = []apierr.Format{calls.Format, campaigns.Format, inbox.Format, inbox.SimpleFormat, mail.Format}

type example struct {
	name string // the directory under examples/
	file string
	cat  *apierr.Catalog
}

// exampleCatalogs loads every examples/*/errors.yaml, so a new example API
// is covered by every test (and needs its golden files) as soon as it lands.
func exampleCatalogs(t testing.TB) []example {
	t.Helper()
	files, err := filepath.Glob("../examples/*/errors.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no example catalogs: %v", err)
	}
	var out []example
	for _, f := range files {
		cat, err := apierr.LoadFile(f, apierr.WithFormats(exampleFormats...))
		if err != nil {
			t.Fatalf("%v (a custom format? register it in docgen/examples_test.go)", err)
		}
		out = append(out, example{name: filepath.Base(filepath.Dir(f)), file: f, cat: cat})
	}
	return out
}
