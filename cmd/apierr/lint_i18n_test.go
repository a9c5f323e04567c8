package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLintTranslations: apierr lint loads the translations beside the
// catalog and reports their problems with the translation file's line:
// load errors on stderr, lint findings on stdout.
func TestLintTranslations(t *testing.T) {
	path := cliFile(t, "errors.yaml", cleanCatalog)
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(filepath.Dir(path), name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("errors.de.yaml", "language: de\ncodes:\n  out_of_stock:\n    title: Nicht vorrätig\n")
	r := cliRun(t, "", "lint", path)
	if r.code != 1 || !strings.Contains(r.stdout, `errors.de.yaml:3:3: warning: de: code "out_of_stock": message, docs.when, docs.cause, docs.next`) {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	write("errors.de.yaml", "language: fr\ncodes:\n  out_of_stok: {title: x}\n")
	r = cliRun(t, "", "lint", path)
	if r.code != 1 || !strings.Contains(r.stderr, `errors.de.yaml:1:11: language "fr" does not match the file name's "de"`) ||
		!strings.Contains(r.stderr, `errors.de.yaml:3:3: translation of code "out_of_stok", which the catalog does not have (did you mean "out_of_stock"?)`) {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
}
