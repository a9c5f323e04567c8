package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apierr/apierr"
)

func TestInit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "api")
	r := cliRun(t, "", "init", "--name", `Shop "v2"`, dir)
	if r.code != 0 || !strings.Contains(r.stdout, "wrote") {
		t.Fatalf("init: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	catalog := filepath.Join(dir, "errors.yaml")
	data, err := os.ReadFile(catalog)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "# yaml-language-server: $schema=errors.schema.json\n") {
		t.Errorf("no schema modeline:\n%.80s", data)
	}
	schema, err := os.ReadFile(filepath.Join(dir, "errors.schema.json"))
	if err != nil || !bytes.Equal(schema, apierr.CatalogSchema()) {
		t.Errorf("errors.schema.json is not apierr.CatalogSchema() (%v)", err)
	}
	cat, err := apierr.LoadFile(catalog)
	if err != nil {
		t.Fatal(err)
	}
	if cat.Name() != `Shop "v2"` || cat.Lookup("insufficient_balance") == nil {
		t.Errorf("name %q, codes %d", cat.Name(), len(cat.Codes()))
	}
	if r := cliRun(t, "", "lint", "--strict", catalog); r.code != 0 {
		t.Errorf("the starter catalog does not lint clean: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := cliRun(t, "", "init", dir); r.code != 1 || !strings.Contains(r.stderr, "exists") {
		t.Errorf("a second init: exit %d, stderr %q; want 1 and a refusal", r.code, r.stderr)
	}
	if r := cliRun(t, "", "init", "--force", dir); r.code != 0 {
		t.Errorf("init --force: exit %d %s", r.code, r.stderr)
	}
	if r := cliRun(t, "", "init", "--docs-url", "not a url {slug}", t.TempDir()); r.code != 2 {
		t.Errorf("a docs URL with spaces: exit %d, want 2", r.code)
	}
}

func TestSchemaCommand(t *testing.T) {
	r := cliRun(t, "", "schema")
	if r.code != 0 || r.stdout != string(apierr.CatalogSchema()) {
		t.Fatalf("exit %d, %d bytes", r.code, len(r.stdout))
	}
	if r := cliRun(t, "", "schema", "extra"); r.code != 2 {
		t.Errorf("schema with an argument: exit %d, want 2", r.code)
	}
}

func TestVersionCommand(t *testing.T) {
	r := cliRun(t, "", "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "apierr ") || !strings.Contains(r.stdout, "go1.") {
		t.Fatalf("exit %d, stdout %q", r.code, r.stdout)
	}
}

// TestFreshInstall installs the CLI the way the README says (go install,
// here from this checkout into an empty GOBIN) and runs the first-hour
// commands with the installed binary.
func TestFreshInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI: skipped in -short mode")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go tool on PATH: %v", err)
	}
	bin := t.TempDir()
	install := exec.Command(goTool, "install", ".")
	install.Env = append(os.Environ(), "GOBIN="+bin)
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("go install: %v\n%s", err, out)
	}
	apierrBin := filepath.Join(bin, "apierr")
	work := t.TempDir()
	for _, args := range [][]string{{"version"}, {"init", work}, {"lint", filepath.Join(work, "errors.yaml")}, {"schema", "-o", filepath.Join(work, "copy.json")}} {
		out, err := exec.Command(apierrBin, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("apierr %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		if args[0] == "version" && !strings.HasPrefix(string(out), "apierr ") {
			t.Errorf("version: %q", out)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(work, "copy.json")); !bytes.Equal(b, apierr.CatalogSchema()) {
		t.Error("apierr schema -o wrote something else")
	}
}

// TestExplainFindsCommonNames: explain finds a code by its condition, by a
// common name of it, by its status, and suggests the nearest id for a typo.
func TestExplainFindsCommonNames(t *testing.T) {
	for _, tc := range []struct {
		name, catalog, arg, want string
		code                     int
	}{
		{"condition", "", "rate_limited", "rate_limited — ", 0},
		{"common name", "", "rate_limit_exceeded", "rate_limited — ", 0},
		{"common name upper case", "", "RATE_LIMIT_EXCEEDED", "rate_limited — ", 0},
		{"status name", "", "too_many_requests", "rate_limited — ", 0},
		{"status number", "", "401", "authentication_required — ", 0},
		{"common name in a seed catalog", "../../examples/fax/errors.yaml", "unauthorized", "api_key_missing — ", 0},
		{"typo", "", "not_fund", `did you mean "not_found"?`, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"explain", tc.arg}
			if tc.catalog != "" {
				args = append(args, "--catalog", tc.catalog)
			}
			r := cliRun(t, "", args...)
			if r.code != tc.code || !strings.Contains(r.stdout+r.stderr, tc.want) {
				t.Errorf("exit %d, want %d; output lacks %q:\n%s%s", r.code, tc.code, tc.want, r.stdout, r.stderr)
			}
		})
	}
}
