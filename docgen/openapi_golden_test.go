package docgen_test

import (
	"encoding/json"
	"testing"

	"github.com/apierr/apierr/docgen"
)

// TestOpenAPIGolden keeps `apierr openapi`'s output for every example catalog
// byte-equal to testdata/<api>/openapi.yaml; the JSON form must be JSON. The
// documents are validated with kin-openapi (a test-only dependency) in
// interop/docgen, and Redocly lints the golden files in .ci/run.
func TestOpenAPIGolden(t *testing.T) {
	for _, ex := range exampleCatalogs(t) {
		t.Run(ex.name, func(t *testing.T) {
			out, err := docgen.OpenAPI(ex.cat, "yaml")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, ex.name+"/openapi.yaml", out)
			js, err := docgen.OpenAPI(ex.cat, "json")
			if err != nil {
				t.Fatal(err)
			}
			var v map[string]any
			if err := json.Unmarshal(js, &v); err != nil || v["openapi"] != "3.1.0" {
				t.Fatalf("JSON form is not an OpenAPI 3.1 document: %v", err)
			}
		})
	}
}
