package core_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/apierr/apierr"
)

// TestTranslationsMatchTheSchema: every translation file this repository
// ships (the fax demo's errors.de.yaml and errors.fr.yaml, the loader's
// test catalogs) validates against apierr.TranslationSchema with a real
// JSON Schema validator, and what the loader refuses the schema refuses.
func TestTranslationsMatchTheSchema(t *testing.T) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(apierr.TranslationSchema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("errors.translation.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("errors.translation.schema.json")
	if err != nil {
		t.Fatalf("the translation schema does not compile: %v", err)
	}
	files, _ := filepath.Glob("../../examples/*/errors.*.yaml")
	more, _ := filepath.Glob("../../testdata/i18n/errors.*.yaml")
	files = append(files, more...)
	if len(files) < 4 {
		t.Fatalf("only %d translation files found", len(files))
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			if err := sch.Validate(yamlInstance(t, readFile(t, f))); err != nil {
				t.Errorf("%s: %v", f, err)
			}
		})
	}
	for name, bad := range map[string]string{
		"no language":         "codes: {}\n",
		"a status":            "language: de\ncodes: {x: {status: 400}}\n",
		"an unknown key":      "language: de\ndocs_url: /x\n",
		"an example context":  "language: de\ncodes: {x: {example: {context: {}}}}\n",
		"a language not text": "language: [de]\n",
	} {
		if err := sch.Validate(yamlInstance(t, []byte(bad))); err == nil {
			t.Errorf("%s: the schema accepts %q", name, bad)
		}
	}
}
