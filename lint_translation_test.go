package apierr

import (
	"os"
	"strings"
	"testing"
)

func TestLintTranslations(t *testing.T) {
	c := loadShop(t)
	var got []string
	for _, f := range c.Lint() {
		if strings.HasPrefix(f.Rule, "translation-") {
			got = append(got, f.String())
		}
	}
	want := []string{
		`testdata/i18n/errors.de.yaml:3:1: warning: de: field message "sku.pattern" is not translated: it stays in en [translation-missing]`,
		`testdata/i18n/errors.de.yaml:5:1: warning: de: code "card_declined" is not translated: its text stays in en [translation-missing]`,
		`testdata/i18n/errors.de.yaml:6:3: warning: de: code "out_of_stock": docs.cause, docs.next not translated (the en text is sent) [translation-incomplete]`,
		`testdata/i18n/errors.fr.yaml:1:11: warning: fr: field message "required" is not translated: it stays in en [translation-missing]`,
		`testdata/i18n/errors.fr.yaml:1:11: warning: fr: field message "sku.pattern" is not translated: it stays in en [translation-missing]`,
		`testdata/i18n/errors.fr.yaml:2:1: warning: fr: code "out_of_stock" is not translated: its text stays in en [translation-missing]`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestLintTranslationPlaceholders(t *testing.T) {
	base, err := os.ReadFile("testdata/i18n/errors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	de := `language: de
field_messages:
  required: Das Feld ist erforderlich.
  sku.pattern: "{field} muss wie {param} aussehen ({extra})."
codes:
  out_of_stock:
    title: Nicht vorrätig
    message: Der Artikel {sku} ist nicht vorrätig.
    docs: {when: x, cause: y, next: z}
    example:
      message: Artikel 42 ist nicht vorrätig.
      fields: {sku: ["{field} fehlt."]}
  card_declined: {title: Karte abgelehnt, message: Die Karte wurde abgelehnt.}
`
	c, err := Load(base, "errors.yaml", WithTranslation([]byte(de), "errors.de.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range c.Lint() {
		if strings.HasPrefix(f.Rule, "translation-") {
			got = append(got, f.String())
		}
	}
	want := []string{
		`errors.de.yaml:3:13: warning: de: field message "required": has other placeholders than the original: drops {field} [translation-placeholders]`,
		`errors.de.yaml:4:16: warning: de: field message "sku.pattern": has other placeholders than the original: adds {extra} [translation-placeholders]`,
		`errors.de.yaml:6:3: warning: de: code "out_of_stock": message has other placeholders than the original: adds {sku} [translation-placeholders]`,
		`errors.de.yaml:6:3: warning: de: code "out_of_stock": example.fields.sku has other placeholders than the original: adds {field} [translation-placeholders]`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
