package docgen_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/docgen"
)

// validate loads an OpenAPI document with kin-openapi and validates it,
// examples included (checked against their schemas by default).
func validate(t *testing.T, data []byte) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("validate: %v", err)
	}
	return doc
}

func TestOpenAPIValidates(t *testing.T) {
	for _, ex := range exampleCatalogs(t) {
		for _, format := range []string{"yaml", "json"} {
			t.Run(ex.name+"/"+format, func(t *testing.T) {
				out, err := docgen.OpenAPI(ex.cat, format)
				if err != nil {
					t.Fatal(err)
				}
				if format == "yaml" {
					// The golden file docgen's own test keeps equal to this output.
					sameAsGolden(t, ex.name+"/openapi.yaml", out)
				}
				doc := validate(t, out)
				if !doc.IsOpenAPI31OrLater() {
					t.Errorf("openapi %q, want 3.1", doc.OpenAPI)
				}
				// One response per status, one example per code and format.
				statuses := map[int]bool{}
				for _, c := range ex.cat.Codes() {
					statuses[c.Status] = true
					if doc.Components.Examples[c.ID] == nil {
						t.Errorf("no example for %s", c.ID)
					}
				}
				if len(doc.Components.Responses) != len(statuses) {
					t.Errorf("%d responses for %d statuses", len(doc.Components.Responses), len(statuses))
				}
				for st := range statuses {
					r := doc.Components.Responses["Error"+itoaStatus(st)]
					if r == nil || r.Value == nil {
						t.Errorf("no response Error%d", st)
						continue
					}
					for ct, mt := range r.Value.Content {
						if mt.Schema == nil || len(mt.Examples) == 0 {
							t.Errorf("Error%d %s: no schema or examples", st, ct)
						}
					}
				}
			})
		}
	}
}

// TestOpenAPIExamplesAreChecked shows the validator does check examples
// against the schemas: a body that breaks its schema is refused.
func TestOpenAPIExamplesAreChecked(t *testing.T) {
	for _, ex := range exampleCatalogs(t) {
		t.Run(ex.name, func(t *testing.T) {
			out, err := docgen.OpenAPI(ex.cat, "json")
			if err != nil {
				t.Fatal(err)
			}
			// Every body carries its message as a string; make one a number.
			broken := strings.Replace(string(out), `"message": "`, `"message": 12, "was": "`, 1)
			if broken == string(out) {
				t.Skip("no message member to break")
			}
			doc, err := openapi3.NewLoader().LoadFromData([]byte(broken))
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			if err := doc.Validate(context.Background()); err == nil {
				t.Fatal("an example that breaks its schema validated")
			}
		})
	}
}

func itoaStatus(st int) string {
	return string([]byte{byte('0' + st/100), byte('0' + st/10%10), byte('0' + st%10)})
}

// TestOpenAPIProblemDefault covers a catalog whose default format is RFC
// 9457 and which offers the envelope too.
func TestOpenAPIProblemDefault(t *testing.T) {
	cat, err := apierr.Load([]byte(`name: Shop
docs_url: /errors/{slug}
format: problem
formats: [envelope]
codes:
  out_of_stock:
    status: 409
    message: Out of stock.
    action: wait
    example:
      context: {sku: A-1}
  bad_input:
    status: 422
    message: Bad input.
    condition: validation_failed
    example:
      fields: [{field: sku, rule: required, message: sku is required}]
`), "shop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"yaml", "json"} {
		out, err := docgen.OpenAPI(cat, format)
		if err != nil {
			t.Fatal(err)
		}
		doc := validate(t, out)
		for _, name := range []string{"Problem", "FieldError", "Error", "FieldErrors"} {
			if doc.Components.Schemas[name] == nil {
				t.Errorf("%s: no %s schema", format, name)
			}
		}
		r := doc.Components.Responses["Error422"].Value
		if r.Content["application/problem+json"] == nil || r.Content["application/json"] == nil {
			t.Errorf("%s: Error422 lacks a media type: %v", format, r.Content)
		}
	}
	if !strings.Contains(string(docgen.HTML(cat)), "<code>instance</code>") {
		t.Error("the reference page does not describe the problem members")
	}
}

// TestOpenAPIFuzzCorpusValidates gives kin-openapi the document generated
// from every catalog in docgen's FuzzGenerators seed corpus that loads (the
// fuzz target itself, in the library module, checks only that it is JSON).
func TestOpenAPIFuzzCorpusValidates(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(root, "docgen/testdata/fuzz/FuzzGenerators/*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	loaded := 0
	for _, f := range files {
		data := corpusBytes(t, f)
		cat, err := apierr.Load(data, "fuzz.yaml", apierr.WithFormats(exampleFormats...))
		if err != nil {
			continue
		}
		loaded++
		out, err := docgen.OpenAPI(cat, "json")
		if err != nil {
			t.Fatal(err)
		}
		validate(t, out)
	}
	if loaded == 0 {
		t.Fatal("no catalog of the corpus loads")
	}
}

// corpusBytes reads the one []byte value of a `go test fuzz v1` file.
func corpusBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(b), "\n", 3)
	if len(lines) < 2 || !strings.HasPrefix(lines[1], "[]byte(") {
		t.Fatalf("%s: not a one-[]byte corpus file", path)
	}
	s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return []byte(s)
}
