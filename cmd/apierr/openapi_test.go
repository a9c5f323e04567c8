package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestOpenAPICommand(t *testing.T) {
	catalog := cliFile(t, "errors.yaml", cleanCatalog)
	t.Run("yaml on stdout validates", func(t *testing.T) {
		r := cliRun(t, "", "openapi", catalog)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "openapi: 3.1.0") {
			t.Fatalf("exit %d, stdout %.40q, stderr %s", r.code, r.stdout, r.stderr)
		}
		doc, err := openapi3.NewLoader().LoadFromData([]byte(r.stdout))
		if err != nil {
			t.Fatal(err)
		}
		if err := doc.Validate(context.Background()); err != nil {
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
