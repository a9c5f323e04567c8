package apierr

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func loadShop(t *testing.T) *Catalog {
	t.Helper()
	c, err := LoadFile("testdata/i18n/errors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLoadFileReadsTranslationsBesideIt(t *testing.T) {
	c := loadShop(t)
	if got := c.Language(); got != "en" {
		t.Errorf("Language() = %q, want en", got)
	}
	if got := c.Languages(); !slices.Equal(got, []string{"en", "de", "fr"}) {
		t.Errorf("Languages() = %v, want [en de fr]", got)
	}
	de, ok := c.Localized("de")
	if !ok {
		t.Fatal("no de view")
	}
	if de.Language() != "de" || !slices.Equal(de.Languages(), c.Languages()) {
		t.Errorf("view language %q, languages %v", de.Language(), de.Languages())
	}
	if de.Name() != "Shop-API" || de.Description() != c.Description() {
		t.Errorf("view name %q description %q", de.Name(), de.Description())
	}
	en, de1 := c.Lookup("out_of_stock"), de.Lookup("out_of_stock")
	if de1.Title != "Nicht vorrätig" || de1.Message != "Der Artikel ist nicht vorrätig." ||
		de1.Docs.When != "Eine Bestellung nennt einen Artikel ohne Bestand." {
		t.Errorf("translated code %+v", de1)
	}
	// Per field fallback: the docs sections the translation leaves out.
	if de1.Docs.Cause != en.Docs.Cause || de1.Docs.Next != en.Docs.Next {
		t.Errorf("untranslated docs did not fall back: %+v", de1.Docs)
	}
	// What is not words is the catalog's.
	if de1.ID != en.ID || de1.Status != en.Status || de1.Action != en.Action ||
		de.DocsFor("out_of_stock") != c.DocsFor("out_of_stock") {
		t.Errorf("view changed more than words: %+v", de1)
	}
	x := de1.ExampleError()
	if x.Message != "Artikel 42 ist nicht vorrätig." || len(x.Fields) != 1 || x.Fields[0].Message != "Das Feld sku ist erforderlich." {
		t.Errorf("translated example %+v", x)
	}
	if en.ExampleError().Message != "Item 42 is out of stock." {
		t.Error("the view changed the catalog's own example")
	}
	// A code the translation leaves out reads as the catalog's.
	if got := de.Lookup("card_declined").Message; got != "The card was declined." {
		t.Errorf("untranslated code: %q", got)
	}
	// A fallback code may be translated too.
	if got := de.ForCondition(CondNotFound).Message; got != "Nicht gefunden." {
		t.Errorf("fallback not_found in de: %q", got)
	}
	if de.ForCondition(CondNotFound) != de.Lookup("not_found") {
		t.Error("view's condition index does not point at its own codes")
	}
	fr, _ := c.Localized("fr")
	if got := fr.Lookup("card_declined").Title; got != "Carte refusée" {
		t.Errorf("fr title %q", got)
	}
}

func TestLocalizedTags(t *testing.T) {
	c := loadShop(t)
	for _, tc := range []struct {
		tag  string
		want string // "" for none
	}{
		{"de", "de"}, {"DE", "de"}, {"en", "en"}, {"fr", "fr"}, {"es", ""}, {"de-AT", ""}, {"not a tag!", ""},
	} {
		v, ok := c.Localized(tc.tag)
		switch {
		case tc.want == "" && ok:
			t.Errorf("Localized(%q) = %q, want none", tc.tag, v.Language())
		case tc.want != "" && (!ok || v.Language() != tc.want):
			t.Errorf("Localized(%q) = %v, %v; want %q", tc.tag, v, ok, tc.want)
		}
	}
	if v, _ := c.Localized("en"); v != c {
		t.Error("Localized(base) is not the catalog itself")
	}
	de, _ := c.Localized("de")
	if v, _ := de.Localized("fr"); v == nil || v.Language() != "fr" {
		t.Error("a view's Localized does not reach the other languages")
	}
}

func TestWithTranslationsFS(t *testing.T) {
	data, err := os.ReadFile("testdata/i18n/errors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	de, _ := os.ReadFile("testdata/i18n/errors.de.yaml")
	fsys := fstest.MapFS{
		"errors.yaml":    {Data: data},
		"errors.de.yaml": {Data: de},
		"other.fr.yaml":  {Data: []byte("not: read")},
		"errors.yaml.go": {Data: []byte("not read")},
	}
	c, err := Load(data, "errors.yaml", WithTranslations(fsys))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Languages(); !slices.Equal(got, []string{"en", "de"}) {
		t.Errorf("Languages() = %v", got)
	}
	// The Spec carries the translations: a catalog rebuilt from it (as the
	// fax demo does to change its docs URL) speaks the same languages.
	spec := c.Spec()
	spec.DocsURL = "/errors/{slug}"
	again, err := NewCatalog(spec)
	if err != nil {
		t.Fatal(err)
	}
	v, ok := again.Localized("de")
	if !ok || v.Lookup("out_of_stock").Title != "Nicht vorrätig" || v.DocsFor("out_of_stock") != "/errors/out-of-stock" {
		t.Errorf("rebuilt catalog lost its translation: %v", again.Languages())
	}
}

func TestTranslationLoadErrors(t *testing.T) {
	base, err := os.ReadFile("testdata/i18n/errors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, file, data string
		want             string
	}{
		{"no language", "errors.de.yaml", "codes: {}\n", "errors.de.yaml:1:1: translation has no language: key"},
		{"tag that does not parse", "errors.de.yaml", "language: deutsch!\n", `errors.de.yaml:1:11: language "deutsch!" is not a BCP 47 language tag`},
		{"tag that differs from the file name's", "errors.de.yaml", "language: fr\n", `errors.de.yaml:1:11: language "fr" does not match the file name's "de"`},
		{"file name tag that does not parse", "errors.e1.yaml", "language: fr\n", `errors.e1.yaml:1:11: file name errors.e1.yaml: "e1" is not a BCP 47 language tag`},
		{"the catalog's own language", "errors.en.yaml", "language: en\n", `errors.en.yaml:1:11: language "en" is the catalog's own`},
		{"unknown code", "errors.de.yaml", "language: de\ncodes:\n  out_of_stok:\n    title: x\n", `errors.de.yaml:3:3: translation of code "out_of_stok", which the catalog does not have (did you mean "out_of_stock"?)`},
		{"a key that is not words", "errors.de.yaml", "language: de\ncodes:\n  out_of_stock:\n    status: 410\n", `errors.de.yaml:4:5: translation of code "out_of_stock": "status" is not translated`},
		{"an unknown key", "errors.de.yaml", "language: de\ncodes:\n  out_of_stock:\n    titel: x\n", `errors.de.yaml:4:5: unknown key "titel" in translation of code "out_of_stock" (did you mean "title"?)`},
		{"an unknown top-level key", "errors.de.yaml", "language: de\ndocs_url: /x\n", `errors.de.yaml:2:1: unknown key "docs_url" in translation`},
		{"an unknown field message", "errors.de.yaml", "language: de\nfield_messages:\n  e164: x\n", `errors.de.yaml:3:9: field_messages: "e164" is not one of the catalog's field messages`},
		{"invalid YAML", "errors.de.yaml", "language: de\ncodes: [\n", `errors.de.yaml:3:1: invalid YAML`},
		{"example context", "errors.de.yaml", "language: de\ncodes:\n  out_of_stock:\n    example: {context: {a: 1}}\n", `errors.de.yaml:4:15: translation of code "out_of_stock": example: "context" is not translated`},
		{"a list", "errors.de.yaml", "- language: de\n", `errors.de.yaml:1:1: translation must be a mapping`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(base, "errors.yaml", WithTranslation([]byte(tc.data), tc.file))
			if err == nil {
				t.Fatalf("loaded; want %s", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error:\n%v\nwant it to contain\n%s", err, tc.want)
			}
			var le *LoadError
			if !errors.As(err, &le) {
				t.Errorf("%T is not a *LoadError", err)
			}
		})
	}
	t.Run("the same language twice", func(t *testing.T) {
		_, err := Load(base, "errors.yaml", WithTranslation([]byte("language: de\n"), "a.de.yaml"),
			WithTranslation([]byte("language: DE\n"), "b.de.yaml"))
		if err == nil || !strings.Contains(err.Error(), `language "de" is translated twice: in a.de.yaml and in b.de.yaml`) {
			t.Errorf("error %v", err)
		}
	})
	t.Run("a mistake under operations and one in a translation", func(t *testing.T) {
		// Both are reported: the operations' does not hide the translation's.
		cat := append(append([]byte(nil), base...), "operations:\n  GET /items: [out_of_stok]\n"...)
		_, err := Load(cat, "errors.yaml", WithTranslation([]byte("language: de\ncodes:\n  no_such_code:\n    title: x\n"), "errors.de.yaml"))
		var les LoadErrors
		if !errors.As(err, &les) || len(les) != 2 ||
			!strings.Contains(err.Error(), `unknown code "out_of_stok"`) || !strings.Contains(err.Error(), `errors.de.yaml:3:3: translation of code "no_such_code"`) {
			t.Errorf("error %v; want the operation's unknown code and the translation's, both", err)
		}
	})
	t.Run("catalog language that does not parse", func(t *testing.T) {
		_, err := Load(append([]byte("language: english!\n"), base...), "errors.yaml")
		if err == nil || !strings.Contains(err.Error(), `errors.yaml:1:11: language "english!" is not a BCP 47 language tag`) {
			t.Errorf("error %v", err)
		}
	})
}

func TestCatalogLanguageKey(t *testing.T) {
	base, _ := os.ReadFile("testdata/i18n/errors.yaml")
	c, err := Load(append([]byte("language: de-de\n"), base...), "errors.yaml",
		WithTranslation([]byte("language: en\ncodes: {out_of_stock: {title: Sold out}}\n"), "errors.en.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Languages(); !slices.Equal(got, []string{"de-DE", "en"}) {
		t.Errorf("Languages() = %v", got)
	}
	if en, ok := c.Localized("en"); !ok || en.Lookup("out_of_stock").Title != "Sold out" {
		t.Error("no en view")
	}
}
