package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cliResult is what one CLI run produced.
type cliResult struct {
	code           int
	stdout, stderr string
}

// cliRun runs the CLI in process, as main does, with stdin.
func cliRun(t *testing.T, stdin string, args ...string) cliResult {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	code := exitCode(err, &errb)
	return cliResult{code, out.String(), errb.String()}
}

// cliFile writes a file into a temporary directory and returns its path.
func cliFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const (
	cleanCatalog = `name: Shop
docs_url: https://shop.test/errors/{slug}
codes:
  out_of_stock:
    status: 409
    title: Out of stock
    message: The item is out of stock.
    action: wait_for_restock
    context:
      sku: {type: string, description: The item.}
      available: {type: integer, description: Units left.}
    docs: {when: An order asks for more than is left., cause: Others bought it first., next: Order fewer.}
    example:
      context: {sku: A-1, available: 0}
`
	infoCatalog = `name: Shop
docs_url: https://shop.test/errors/{slug}
codes:
  out_of_stock: {status: 409, message: Out of stock., action: wait}
`
	warningCatalog = `name: Shop
docs_url: https://shop.test/errors/{slug}
codes:
  out_of_stock: {status: 400, title: Out, message: Out of stock., retryable: true, action: wait, docs: {when: a, cause: b, next: c}}
`
	brokenCatalog = `name: Shop
codes:
  out_of_stock:
    status: 404
    mesage: Out of stock.
    titel: Out
`
)

func TestLint(t *testing.T) {
	tests := []struct {
		name     string
		catalog  string
		args     []string
		code     int
		stdout   string // substring
		stderr   string // substring
		noStdout bool
	}{
		{"clean catalog", cleanCatalog, nil, 0, "", "", true},
		{"info findings pass", infoCatalog, nil, 0, "info: code \"out_of_stock\" has no title", "", false},
		{"info findings fail with --strict", infoCatalog, []string{"--strict"}, 1, "[no-title]", "", false},
		{"warnings fail", warningCatalog, nil, 1, "warning: code \"out_of_stock\" is retryable but status 400", "", false},
		{"load errors on stderr with positions", brokenCatalog, nil, 1, "", ":5:5: unknown key \"mesage\" in code \"out_of_stock\" (did you mean \"message\"?)", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := cliFile(t, "errors.yaml", tt.catalog)
			r := cliRun(t, "", append([]string{"lint", path}, tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tt.stdout) {
				t.Errorf("stdout %q lacks %q", r.stdout, tt.stdout)
			}
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr %q lacks %q", r.stderr, tt.stderr)
			}
			if tt.noStdout && r.stdout != "" {
				t.Errorf("unexpected stdout %q", r.stdout)
			}
		})
	}
	t.Run("every load error is its own line", func(t *testing.T) {
		path := cliFile(t, "errors.yaml", brokenCatalog)
		r := cliRun(t, "", "lint", path)
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if len(lines) < 2 {
			t.Fatalf("want a line per problem, got %q", r.stderr)
		}
		for _, l := range lines {
			if !strings.HasPrefix(l, path+":") {
				t.Errorf("line %q does not start with %s:", l, path)
			}
		}
		if !strings.Contains(r.stderr, `did you mean "title"?`) {
			t.Errorf("no suggestion for the typo: %q", r.stderr)
		}
	})
	t.Run("json", func(t *testing.T) {
		for _, c := range []struct {
			catalog string
			code    int
			ok      bool
		}{{cleanCatalog, 0, true}, {warningCatalog, 1, false}, {brokenCatalog, 1, false}} {
			r := cliRun(t, "", "lint", "--json", cliFile(t, "e.yaml", c.catalog))
			var rep struct {
				File     string
				OK       bool
				Errors   []map[string]any
				Findings []map[string]any
			}
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
			}
			if r.code != c.code || rep.OK != c.ok {
				t.Errorf("exit %d ok %v, want %d %v", r.code, rep.OK, c.code, c.ok)
			}
			if c.catalog == brokenCatalog && (len(rep.Errors) == 0 || rep.Errors[0]["line"] == nil) {
				t.Errorf("load errors without positions: %v", rep.Errors)
			}
		}
	})
	t.Run("stdin", func(t *testing.T) {
		r := cliRun(t, warningCatalog, "lint", "-")
		if r.code != 1 || !strings.Contains(r.stdout, "<stdin>:4:3") {
			t.Errorf("exit %d stdout %q", r.code, r.stdout)
		}
	})
	t.Run("every example catalog loads", func(t *testing.T) {
		files, _ := filepath.Glob("../../examples/*/errors.yaml")
		for _, f := range files {
			r := cliRun(t, "", "lint", f)
			if r.code == 2 || strings.Contains(r.stderr, "unknown format") {
				t.Errorf("%s: exit %d: %s", f, r.code, r.stderr)
			}
		}
	})
}

// TestConventions checks what every command of this file set promises:
// --help exits 0 with the usage on stdout, bad usage exits 2 with the
// problem on stderr, an unreadable or invalid input is a clear message.
func TestConventions(t *testing.T) {
	good := cliFile(t, "errors.yaml", cleanCatalog)
	broken := cliFile(t, "broken.yaml", brokenCatalog)
	missing := filepath.Join(t.TempDir(), "nope.yaml")
	out := t.TempDir()
	t.Run("help", func(t *testing.T) {
		for _, args := range [][]string{
			{"lint", "--help"}, {"lint", "-h"}, {"docs", "--help"}, {"openapi", "--help"},
			{"gen", "--help"}, {"gen", "go", "--help"}, {"explain", "--help"}, {"help", "docs"}, {"--help"},
		} {
			r := cliRun(t, "", args...)
			if r.code != 0 || !strings.Contains(r.stdout, "usage: apierr") {
				t.Errorf("%v: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
			}
		}
	})
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"lint without file", []string{"lint"}, 2, "lint needs exactly one catalog FILE"},
		{"lint with two files", []string{"lint", good, good}, 2, "got 2 arguments"},
		{"unknown flag", []string{"lint", "--bogus", good}, 2, "flag provided but not defined: -bogus"},
		{"unreadable file", []string{"lint", missing}, 2, "cannot read " + missing + ": no such file or directory"},
		{"docs without -o", []string{"docs", good}, 2, "docs needs -o DIR"},
		{"docs with a bad format", []string{"docs", good, "-o", out, "--format", "pdf"}, 2, "--format must be html or md"},
		{"docs of an invalid catalog", []string{"docs", broken, "-o", out}, 1, broken + ":5:5:"},
		{"docs of a missing file", []string{"docs", missing, "-o", out}, 2, "cannot read"},
		{"openapi without file", []string{"openapi"}, 2, "openapi needs exactly one catalog FILE"},
		{"openapi with a bad format", []string{"openapi", good, "--format", "xml"}, 2, "--format must be yaml or json"},
		{"openapi of an invalid catalog", []string{"openapi", broken}, 1, broken + ":5:5:"},
		{"gen without target", []string{"gen"}, 2, "gen needs a target language"},
		{"gen of an unknown target", []string{"gen", "rust", good}, 2, `unknown target "rust"`},
		{"gen go without package", []string{"gen", "go", good}, 2, "gen go needs -pkg NAME"},
		{"gen go with a bad package", []string{"gen", "go", good, "-pkg", "my-pkg"}, 2, "is not a Go package name"},
		{"gen go of an invalid catalog", []string{"gen", "go", broken, "-pkg", "x"}, 1, broken + ":5:5:"},
		{"output that cannot be written", []string{"openapi", good, "-o", filepath.Join(missing, "x.yaml")}, 1, "cannot write"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GOPACKAGE", "")
			r := cliRun(t, "", tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr %q lacks %q", r.stderr, tt.stderr)
			}
			if tt.code != 0 && r.stdout != "" {
				t.Errorf("output on stdout for a failure: %q", r.stdout)
			}
		})
	}
}
