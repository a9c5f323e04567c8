package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDocs(t *testing.T) {
	catalog := cliFile(t, "errors.yaml", cleanCatalog)
	t.Run("html site", func(t *testing.T) {
		dir := t.TempDir()
		r := cliRun(t, "", "docs", catalog, "-o", dir)
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		for _, f := range []string{"index.html", "llms.txt", "errors/index.html", "errors/out-of-stock/index.html"} {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Errorf("%s: %v", f, err)
				continue
			}
			if strings.HasSuffix(f, ".html") && !strings.Contains(string(b), `id="out-of-stock"`) {
				t.Errorf("%s has no anchor for out_of_stock", f)
			}
		}
		if !strings.Contains(r.stderr, "wrote ") {
			t.Errorf("stderr %q", r.stderr)
		}
	})
	t.Run("markdown site", func(t *testing.T) {
		dir := t.TempDir()
		if r := cliRun(t, "", "docs", "--format", "md", "-o", dir, catalog); r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		for _, f := range []string{"index.md", "llms.txt", "errors/index.md", "errors/out-of-stock.md"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
				t.Error(err)
			}
		}
	})
	t.Run("stdin to stdout", func(t *testing.T) {
		r := cliRun(t, cleanCatalog, "docs", "-", "-o", "-")
		if r.code != 0 || !strings.HasPrefix(r.stdout, "<!doctype html>") {
			t.Fatalf("exit %d, stdout %.60q, stderr %s", r.code, r.stdout, r.stderr)
		}
		r = cliRun(t, cleanCatalog, "docs", "-", "-o", "-", "--format", "md")
		if r.code != 0 || !strings.HasPrefix(r.stdout, "# Shop errors") {
			t.Fatalf("exit %d, stdout %.60q", r.code, r.stdout)
		}
	})
	t.Run("same output twice", func(t *testing.T) {
		a := cliRun(t, "", "docs", catalog, "-o", "-")
		b := cliRun(t, "", "docs", catalog, "-o", "-")
		if a.stdout != b.stdout {
			t.Error("docs output is not deterministic")
		}
	})
}
