package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestOpenAPICommand(t *testing.T) {
	catalog := cliFile(t, "errors.yaml", cleanCatalog)
	t.Run("yaml on stdout validates", func(t *testing.T) {
		r := cliRun(t, "", "openapi", catalog)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "openapi: 3.1.0") {
			t.Fatalf("exit %d, stdout %.40q, stderr %s", r.code, r.stdout, r.stderr)
		}
		// interop/docgen validates docgen's documents with kin-openapi.
		var doc struct {
			Components struct {
				Responses map[string]any `yaml:"responses"`
				Examples  map[string]any `yaml:"examples"`
			} `yaml:"components"`
		}
		if err := yaml.Unmarshal([]byte(r.stdout), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Components.Responses["Error409"] == nil || doc.Components.Examples["out_of_stock"] == nil {
			t.Error("no Error409 response or out_of_stock example")
		}
	})
	t.Run("json to a file from stdin", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "errors.json")
		r := cliRun(t, cleanCatalog, "openapi", "-", "--format", "json", "-o", out)
		if r.code != 0 || r.stdout != "" {
			t.Fatalf("exit %d, stdout %q, stderr %s", r.code, r.stdout, r.stderr)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := json.Unmarshal(b, &v); err != nil || v["openapi"] != "3.1.0" {
			t.Fatalf("not an OpenAPI 3.1 JSON document: %v", err)
		}
	})
}

// TestOpenAPIMergeCommand: apierr openapi --merge writes the spec back in
// its own format (YAML or JSON, --format overrides) with the operations'
// errors, says on stderr what it left alone, and refuses a document that is
// not OpenAPI 3.0/3.1 with exit 1 naming the problem.
func TestOpenAPIMergeCommand(t *testing.T) {
	dir := filepath.Join("..", "..", "docgen", "testdata", "merge")
	catalog := filepath.Join(t.TempDir(), "errors.yaml")
	cat, err := os.ReadFile(filepath.Join(dir, "petstore-errors.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cat = append(cat, []byte("common_codes: [unauthenticated, internal_error]\noperations:\n  POST /pets: [bad_request, validation_failed]\n  GET /pets/{petId}: [pet_not_found]\n")...)
	if err := os.WriteFile(catalog, cat, 0o600); err != nil {
		t.Fatal(err)
	}
	r := cliRun(t, "", "openapi", catalog, "--merge", filepath.Join(dir, "petstore31.yaml"))
	if r.code != 0 || !strings.HasPrefix(r.stdout, "openapi: 3.1.0\n# A petstore in OpenAPI 3.1") {
		t.Fatalf("exit %d, stdout %.80q, stderr %s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"$ref: '#/components/responses/CreatePetError422'", "$ref: '#/components/responses/ShowPetByIdError404'"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("no %s", want)
		}
	}
	for _, want := range []string{"apierr: notice: GET /health: the catalog declares no errors for it", "error responses added to"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	out := filepath.Join(t.TempDir(), "merged.json")
	r = cliRun(t, "", "openapi", catalog, "--merge", filepath.Join(dir, "petstore-expanded.json"), "-o", out)
	b, _ := os.ReadFile(out)
	var v map[string]any
	if r.code != 0 || json.Unmarshal(b, &v) != nil || v["openapi"] != "3.0.0" {
		t.Fatalf("JSON in, JSON out: exit %d, %s\n%.200s", r.code, r.stderr, b)
	}
	r = cliRun(t, "", "openapi", catalog, "--merge", filepath.Join(dir, "petstore-expanded.json"), "--format", "yaml")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "openapi: 3.0.0") {
		t.Fatalf("--format yaml: exit %d, %.40q", r.code, r.stdout)
	}
	notOpenAPI := cliFile(t, "swagger.yaml", "swagger: '2.0'\n")
	r = cliRun(t, "", "openapi", catalog, "--merge", notOpenAPI)
	if r.code != 1 || !strings.Contains(r.stderr, "Swagger 2.0") || r.stdout != "" {
		t.Errorf("Swagger 2.0: exit %d, stderr %s", r.code, r.stderr)
	}
	r = cliRun(t, "", "openapi", catalog, "--merge", filepath.Join(dir, "missing.yaml"))
	if r.code != 1 || !strings.Contains(r.stderr, "missing.yaml") {
		t.Errorf("missing spec: exit %d, stderr %s", r.code, r.stderr)
	}
	if r = cliRun(t, "", "openapi", "-", "--merge", "-"); r.code != 2 {
		t.Errorf("both stdin: exit %d", r.code)
	}
}
