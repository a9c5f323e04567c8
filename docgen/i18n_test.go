package docgen

import (
	"reflect"
	"strings"
	"testing"

	"github.com/apierr/apierr"
)

// TestMemberTextsCoverFormats: every member the built-in formats describe
// has its description in every language docgen words pages in, so a member
// added to a format is not left in English on a German page unnoticed.
func TestMemberTextsCoverFormats(t *testing.T) {
	cat := apierr.MustLoad([]byte("codes:\n  a: {status: 400, message: m, action: fix}\n"), "x.yaml")
	for lang, byFormat := range memberTexts {
		for _, f := range []apierr.Format{apierr.Envelope, apierr.Problem} {
			texts := byFormat[f]
			for _, m := range f.(apierr.Describer).Members(cat) {
				if texts[m.Name] == "" {
					t.Errorf("%s: no description of %s's member %q", lang, f.Name(), m.Name)
				}
			}
			for name := range texts {
				found := false
				for _, m := range f.(apierr.Describer).Members(cat) {
					found = found || m.Name == name
				}
				if !found {
					t.Errorf("%s: %s has no member %q", lang, f.Name(), name)
				}
			}
		}
	}
}

// TestUIWordingComplete: each language's wording fills every field the
// English does (an empty one would print nothing on the page), and keeps
// the same format verbs.
func TestUIWordingComplete(t *testing.T) {
	en := uiFields(uiEnglish)
	for lang, ui := range map[string]*uiText{"de": uiGerman, "fr": uiFrench, "es": uiSpanish} {
		for name, v := range uiFields(ui) {
			if v == "" && en[name] != "" && name != "BodyRIDEnd" { // the header's name ends the German, French and Spanish clause
				t.Errorf("%s: %s is empty", lang, name)
			}
			if strings.Count(v, "%s") != strings.Count(en[name], "%s") {
				t.Errorf("%s: %s has %d %%s, the English %d", lang, name, strings.Count(v, "%s"), strings.Count(en[name], "%s"))
			}
		}
	}
	if uiFor("de-CH") != uiGerman || uiFor("FR") != uiFrench || uiFor("es-MX") != uiSpanish || uiFor("ja") != uiEnglish || uiFor("") != uiEnglish {
		t.Error("uiFor does not pick by primary language")
	}
	if languageName("de-CH") != "Deutsch (CH)" || languageName("x-klingon") != "x-klingon" || languageName("fr") != "Français" {
		t.Error("languageName")
	}
}

func uiFields(u *uiText) map[string]string {
	v := reflect.ValueOf(u).Elem()
	out := map[string]string{}
	for i := 0; i < v.NumField(); i++ {
		out[v.Type().Field(i).Name] = v.Field(i).String()
	}
	return out
}
