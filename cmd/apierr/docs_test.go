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

// TestDocsTranslations: `apierr docs` reads the translations beside the
// catalog and writes every page per language; --lang picks the language of
// the page written to stdout; a broken translation is reported with its
// file and line, like the catalog's own problems.
func TestDocsTranslations(t *testing.T) {
	dir := t.TempDir()
	catalog := filepath.Join(dir, "errors.yaml")
	if err := os.WriteFile(catalog, []byte(cleanCatalog), 0o644); err != nil {
		t.Fatal(err)
	}
	de := "language: de\nname: Laden\ncodes:\n  out_of_stock:\n    title: Ausverkauft\n    message: Der Artikel ist ausverkauft.\n"
	if err := os.WriteFile(filepath.Join(dir, "errors.de.yaml"), []byte(de), 0o644); err != nil {
		t.Fatal(err)
	}
	// Files that are not translations of errors.yaml are left alone.
	for _, other := range []string{"errors.yml", "errors.de.old.yaml", "other.de.yaml"} {
		if err := os.WriteFile(filepath.Join(dir, other), []byte("not: [yaml"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := t.TempDir()
	if r := cliRun(t, "", "docs", catalog, "-o", out); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for f, want := range map[string]string{
		"errors/out-of-stock/index.html":    `<html lang="en">`,
		"errors/de/out-of-stock/index.html": "Ausverkauft",
		"errors/en/out-of-stock/index.html": "Out of stock",
		"errors/de/index.html":              `<html lang="de">`,
		"errors/de/llms.txt":                "# Laden – Fehlerreferenz",
	} {
		b, err := os.ReadFile(filepath.Join(out, f))
		if err != nil || !strings.Contains(string(b), want) {
			t.Errorf("%s: %v, want it to contain %q", f, err, want)
		}
	}
	if r := cliRun(t, "", "docs", catalog, "-o", "-", "--lang", "de"); r.code != 0 || !strings.Contains(r.stdout, "<h1>Laden – Fehlerreferenz</h1>") {
		t.Errorf("--lang de: exit %d, %s", r.code, r.stderr)
	}
	if r := cliRun(t, "", "docs", catalog, "-o", "-", "--lang", "ja"); r.code != 2 || !strings.Contains(r.stderr, `no translation into "ja" (it has en, de)`) {
		t.Errorf("--lang ja: exit %d, %s", r.code, r.stderr)
	}
	if r := cliRun(t, "", "docs", catalog, "-o", out, "--lang", "de"); r.code != 2 {
		t.Errorf("--lang with -o DIR: exit %d, want 2", r.code)
	}
	bad := "language: de\ncodes:\n  out_of_stok:\n    message: Weg.\n"
	if err := os.WriteFile(filepath.Join(dir, "errors.de.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	r := cliRun(t, "", "docs", catalog, "-o", t.TempDir())
	if r.code != 1 || !strings.Contains(r.stderr, "errors.de.yaml:3:") || !strings.Contains(r.stderr, "out_of_stock") {
		t.Errorf("a translation of an unknown code: exit %d, stderr %q", r.code, r.stderr)
	}
}
