package docgen_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/examples/calls"
	"github.com/apierr/apierr/examples/campaigns"
	"github.com/apierr/apierr/examples/inbox"
	"github.com/apierr/apierr/examples/mail"
)

var screenshot = flag.String("screenshot", "", "TestBrowser: save screenshots of each reference page to `prefix`-<api>-light.png and -dark.png")

// root is the repository root, seen from this package.
const root = "../.."

// exampleFormats are the formats of the example APIs (as in docgen's tests).
var exampleFormats = []apierr.Format{calls.Format, campaigns.Format, inbox.Format, inbox.SimpleFormat, mail.Format}

type example struct {
	name string // the directory under examples/
	file string
	cat  *apierr.Catalog
}

// exampleCatalogs loads every examples/*/errors.yaml of the library module.
func exampleCatalogs(t testing.TB) []example {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "examples/*/errors.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no example catalogs: %v", err)
	}
	var out []example
	for _, f := range files {
		cat, err := apierr.LoadFile(f, apierr.WithFormats(exampleFormats...))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, example{name: filepath.Base(filepath.Dir(f)), file: f, cat: cat})
	}
	return out
}

// sameAsGolden fails unless got equals docgen's golden file name (which
// `go test ./docgen -update` refreshes).
func sameAsGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	want, err := os.ReadFile(filepath.Join(root, "docgen/testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("output differs from docgen/testdata/%s (run go test ./docgen -update)", name)
	}
}

// localURL maps a docs URL onto the test server: its path (and fragment).
func localURL(base, docs string) string {
	if i := strings.Index(docs, "://"); i >= 0 {
		rest := docs[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			docs = rest[j:]
		} else {
			docs = "/"
		}
	}
	if i := strings.IndexByte(docs, '#'); i >= 0 {
		docs = docs[:i]
	}
	return base + docs
}
