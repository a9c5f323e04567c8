package docgen_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/docgen"
)

// TestCatalogReference keeps schema/README.md, the reference of every
// catalog key, equal to what docgen renders from apierr.CatalogSchema()
// (go test ./docgen -update rewrites it).
func TestCatalogReference(t *testing.T) {
	got, err := docgen.CatalogReference(apierr.CatalogSchema())
	if err != nil {
		t.Fatal(err)
	}
	const path = "../schema/README.md"
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s is stale (run go test ./docgen -update)", path)
	}
	for _, key := range []string{"`docs_url`", "`condition`", "`required`", "`retry_after`", "`rate_limited`"} {
		if !bytes.Contains(got, []byte(key)) {
			t.Errorf("the reference does not mention %s", key)
		}
	}
}
