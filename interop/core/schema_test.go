package core_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/apierr/apierr"
)

// compileSchema compiles apierr.CatalogSchema with a real JSON Schema
// (2020-12) validator.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(apierr.CatalogSchema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("errors.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("errors.schema.json")
	if err != nil {
		t.Fatalf("the catalog schema does not compile: %v", err)
	}
	return sch
}

// yamlInstance decodes a YAML catalog into the JSON values a schema
// validator takes (maps with string keys, numbers as float64 or int).
func yamlInstance(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return jsonShape(v)
}

func jsonShape(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = jsonShape(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = jsonShape(e)
		}
		return x
	}
	return v
}

// TestExampleCatalogsMatchTheSchema: every catalog this repository ships
// (the examples, the quickstart, the embedded default) validates against
// the schema editors are given.
func TestExampleCatalogsMatchTheSchema(t *testing.T) {
	sch := compileSchema(t)
	files, _ := filepath.Glob("../../examples/*/errors.yaml")
	files = append(files, "../../default.yaml")
	if len(files) < 6 {
		t.Fatalf("only %d catalogs found", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(filepath.Dir(f)), func(t *testing.T) {
			data := readFile(t, f)
			if err := sch.Validate(yamlInstance(t, data)); err != nil {
				t.Errorf("%s: %v", f, err)
			}
		})
	}
}

// TestSchemaRejectsWhatTheLoaderRejects: typical authoring mistakes fail the
// schema too (so an editor flags them), naming the key.
func TestSchemaRejectsWhatTheLoaderRejects(t *testing.T) {
	sch := compileSchema(t)
	for _, tc := range []struct{ name, yaml, want string }{
		{"misspelt key", "codes:\n  a: {stauts: 400, message: m}\n", "stauts"},
		{"status out of range", "codes:\n  a: {status: 302, message: m}\n", "302"},
		{"unknown condition", "codes:\n  a: {status: 429, message: m, condition: rate_limit}\n", "rate_limit"},
		{"no codes", "name: x\n", "codes"},
		{"context type", "codes:\n  a: {status: 400, message: m, context: {n: {type: int}}}\n", "int"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := apierr.Load([]byte(tc.yaml), "x.yaml"); err == nil {
				t.Fatalf("the loader accepts %q", tc.yaml)
			}
			err := sch.Validate(yamlInstance(t, []byte(tc.yaml)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("schema error %v, want one naming %q", err, tc.want)
			}
		})
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
