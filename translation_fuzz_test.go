package apierr

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// FuzzParseTranslation: no translation file makes the loader panic; every
// failure is a LoadError naming the file; a translation that loads yields
// a view that renders valid JSON for every code in every format, answers
// Accept-Language with its language, and lints.
func FuzzParseTranslation(f *testing.F) {
	for _, name := range []string{"errors.de.yaml", "errors.fr.yaml"} {
		data, err := os.ReadFile("testdata/i18n/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("language: de\ncodes:\n  out_of_stock:\n    example: {fields: [{field: sku, message: x}]}\n"))
	f.Add([]byte("language: de\nfield_messages: {required: \"{field} {param}\"}\n"))
	f.Add([]byte("language: x-private\n"))
	f.Add([]byte("language: &a de\nname: *a\n"))
	base, err := os.ReadFile("testdata/i18n/errors.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := ParseTranslation(data, "errors.de.yaml"); err != nil && !strings.HasPrefix(err.Error(), "apierr: errors.de.yaml") {
			t.Fatalf("error without file: %v", err)
		}
		c, err := Load(base, "errors.yaml", WithTranslation(data, "errors.de.yaml"))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "apierr: errors.") {
				t.Fatalf("error without file: %v", err)
			}
			return
		}
		v, ok := c.Localized("de")
		if !ok || len(c.Languages()) != 2 {
			t.Fatalf("loaded, but languages %v", c.Languages())
		}
		for _, code := range v.Codes() {
			for _, f := range v.Formats() {
				if b := v.Render(f, code.ExampleError()); !json.Valid(b) {
					t.Fatalf("code %q format %s: invalid JSON %s", code.ID, f.Name(), b)
				}
			}
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Language", "de")
		w := httptest.NewRecorder()
		c.Write(w, r, New("out_of_stock"))
		if w.Header().Get("Content-Language") != "de" || !json.Valid(w.Body.Bytes()) || w.Code != http.StatusConflict {
			t.Fatalf("Write in de: %d %v %s", w.Code, w.Header(), w.Body)
		}
		_ = c.Lint()
	})
}
