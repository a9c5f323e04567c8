package bind

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/apierr/apierr"
	"github.com/go-playground/locales"
	"github.com/go-playground/locales/de"
	"github.com/go-playground/locales/es"
	"github.com/go-playground/locales/fr"
	"github.com/go-playground/locales/it"
	"github.com/go-playground/locales/ja"
	"github.com/go-playground/locales/nl"
	"github.com/go-playground/locales/pt"
	"github.com/go-playground/locales/pt_BR"
	"github.com/go-playground/locales/ru"
	"github.com/go-playground/locales/zh"
	ut "github.com/go-playground/universal-translator"
	"github.com/go-playground/validator/v10"
	de_tr "github.com/go-playground/validator/v10/translations/de"
	es_tr "github.com/go-playground/validator/v10/translations/es"
	fr_tr "github.com/go-playground/validator/v10/translations/fr"
	it_tr "github.com/go-playground/validator/v10/translations/it"
	ja_tr "github.com/go-playground/validator/v10/translations/ja"
	nl_tr "github.com/go-playground/validator/v10/translations/nl"
	pt_tr "github.com/go-playground/validator/v10/translations/pt"
	pt_BR_tr "github.com/go-playground/validator/v10/translations/pt_BR"
	ru_tr "github.com/go-playground/validator/v10/translations/ru"
	zh_tr "github.com/go-playground/validator/v10/translations/zh"
)

// A Binder words field errors in the language of the request (see
// ValidateFor): the catalog's own field message for the rule where the
// catalog has one (apierr.Catalog.FieldMessage, translated like the rest of
// the catalog), else go-playground/validator's own translation into that
// language, else the Binder's English message.

// validatorLanguages are the languages whose validator translations a
// Binder registers: BCP 47 tag, CLDR locale, and the validator's
// registration.
var validatorLanguages = []struct {
	tag      string
	locale   func() locales.Translator
	register func(*validator.Validate, ut.Translator) error
}{
	{"de", de.New, de_tr.RegisterDefaultTranslations},
	{"es", es.New, es_tr.RegisterDefaultTranslations},
	{"fr", fr.New, fr_tr.RegisterDefaultTranslations},
	{"it", it.New, it_tr.RegisterDefaultTranslations},
	{"ja", ja.New, ja_tr.RegisterDefaultTranslations},
	{"nl", nl.New, nl_tr.RegisterDefaultTranslations},
	{"pt", pt.New, pt_tr.RegisterDefaultTranslations},
	{"pt-BR", pt_BR.New, pt_BR_tr.RegisterDefaultTranslations},
	{"ru", ru.New, ru_tr.RegisterDefaultTranslations},
	{"zh", zh.New, zh_tr.RegisterDefaultTranslations},
}

// registerTranslations registers every validator translation on v. It runs
// in New: registering while v validates would be a data race.
func registerTranslations(v *validator.Validate) (map[string]ut.Translator, error) {
	out := make(map[string]ut.Translator, len(validatorLanguages))
	for _, l := range validatorLanguages {
		loc := l.locale()
		tr, _ := ut.New(loc, loc).GetTranslator(loc.Locale())
		if err := l.register(v, tr); err != nil {
			return nil, err
		}
		out[l.tag] = tr
	}
	return out, nil
}

// translator returns the validator's translator for tag (pt-BR, then pt),
// or nil.
func (b *Binder) translator(tag string) ut.Translator {
	if tr := b.translators[tag]; tr != nil {
		return tr
	}
	if base, _, ok := strings.Cut(tag, "-"); ok {
		return b.translators[base]
	}
	return nil
}

// ValidateFor checks v as Validate does and words its messages in the
// language r asks for (Accept-Language, negotiated by the catalog that
// renders r's errors: apierr.CatalogFor).
func (b *Binder) ValidateFor(r *http.Request, v any) error {
	return b.check(v, apierr.CatalogFor(r))
}

// ValidateFor checks v with the default Binder. See Binder.ValidateFor.
func ValidateFor(r *http.Request, v any) error { return defaultBinder().ValidateFor(r, v) }

// fieldMessage words one violation for the catalog lc (nil: English, the
// Binder's own).
func (b *Binder) fieldMessage(lc *apierr.Catalog, path string, fe validator.FieldError) string {
	if lc == nil {
		return b.ruleMessage(path, fe)
	}
	if m, ok := lc.FieldMessage(path, fe.Tag(), "param", fe.Param()); ok {
		return m
	}
	if tr := b.translator(lc.Language()); tr != nil {
		if m := fe.Translate(tr); m != fe.Error() {
			return m
		}
	}
	return b.ruleMessage(path, fe)
}

// moreErrors words " (and n more errors)" in the language of lc, for the
// languages whose field errors a Binder words; in others the message is the
// first violation alone.
func moreErrors(lc *apierr.Catalog, n int) string {
	lang := "en"
	if lc != nil {
		lang, _, _ = strings.Cut(lc.Language(), "-")
	}
	one, many := moreErrorsText[lang][0], moreErrorsText[lang][1]
	if n == 1 {
		return one
	}
	return strings.Replace(many, "#", strconv.Itoa(n), 1)
}

var moreErrorsText = map[string][2]string{
	"en": {" (and 1 more error)", " (and # more errors)"},
	"de": {" (und 1 weiterer Fehler)", " (und # weitere Fehler)"},
	"es": {" (y 1 error más)", " (y # errores más)"},
	"fr": {" (et 1 autre erreur)", " (et # autres erreurs)"},
	"it": {" (e 1 altro errore)", " (e altri # errori)"},
	"nl": {" (en nog 1 fout)", " (en nog # fouten)"},
	"pt": {" (e mais 1 erro)", " (e mais # erros)"},
}
