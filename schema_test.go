package apierr

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"slices"
	"testing"
)

// TestSchemaIsTheLoadersVocabulary holds the loader's key lists to the
// schema's table: a key the loader accepts is documented, and a documented
// key is accepted.
func TestSchemaIsTheLoadersVocabulary(t *testing.T) {
	for _, tc := range []struct {
		object string
		loader []string
	}{
		{"", catalogKeys}, {"code", codeKeys}, {"operation", opKeys}, {"docs", docsKeys},
		{"contextKey", ctxKeyKeys}, {"example", exampleKeys}, {"fieldError", fieldKeys},
	} {
		got := slices.Sorted(slices.Values(schemaKeys(tc.object)))
		want := slices.Sorted(slices.Values(tc.loader))
		if !slices.Equal(got, want) {
			t.Errorf("object %q: schema declares %v, the loader accepts %v", tc.object, got, want)
		}
	}
}

func TestCatalogSchemaIsJSON(t *testing.T) {
	var v map[string]any
	if err := json.Unmarshal(CatalogSchema(), &v); err != nil {
		t.Fatal(err)
	}
	defs, _ := v["$defs"].(map[string]any)
	cond, _ := defs["condition"].(map[string]any)
	if enum, _ := cond["enum"].([]any); len(enum) != len(Conditions) {
		t.Errorf("condition enum %v, want every built-in condition", cond["enum"])
	}
}

var updateSchema = flag.Bool("update", false, "rewrite schema/errors.schema.json from CatalogSchema")

// TestSchemaFile keeps the committed schema/errors.schema.json (the file
// editors point at) equal to CatalogSchema; -update rewrites it.
func TestSchemaFile(t *testing.T) {
	const path = "schema/errors.schema.json"
	got := CatalogSchema()
	if *updateSchema {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s is stale: run go test . -run TestSchemaFile -update", path)
	}
}

func TestTranslationSchemaIsTheLoadersVocabulary(t *testing.T) {
	keys := func(name string) []string {
		for _, o := range translationSchema {
			if o.name == name {
				var out []string
				for _, p := range o.props {
					out = append(out, p.name)
				}
				return slices.Sorted(slices.Values(out))
			}
		}
		return nil
	}
	for _, tc := range []struct {
		object string
		loader []string
	}{
		{"", translationKeys}, {"codeText", codeTextKeys}, {"docs", docsKeys},
		{"exampleText", exampleTextKeys}, {"fieldError", fieldKeys},
	} {
		if got, want := keys(tc.object), slices.Sorted(slices.Values(tc.loader)); !slices.Equal(got, want) {
			t.Errorf("translation object %q: schema declares %v, the loader accepts %v", tc.object, got, want)
		}
	}
	var v map[string]any
	if err := json.Unmarshal(TranslationSchema(), &v); err != nil {
		t.Fatal(err)
	}
}

// TestTranslationSchemaFile keeps schema/errors.translation.schema.json
// equal to TranslationSchema; -update rewrites it.
func TestTranslationSchemaFile(t *testing.T) {
	const path = "schema/errors.translation.schema.json"
	got := TranslationSchema()
	if *updateSchema {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s is stale: run go test . -run TestTranslationSchemaFile -update", path)
	}
}
