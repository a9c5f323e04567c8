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
