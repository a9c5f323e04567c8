package apierr

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// lintTranslations reports, for each translation, what it leaves in the
// catalog's language and what it words differently from the catalog in a
// way a client would notice: a code of the catalog's own (or a field
// message) with no translation or with some of its text untranslated, and
// text whose {placeholders} differ from the catalog's (a {field} dropped or
// a path /fax/{id} rewritten is a bug the reader of the translation cannot
// see).
func (c *Catalog) lintTranslations(add func(f Finding)) {
	for i := range c.translations {
		t := &c.translations[i]
		finding := func(at pos, code, rule string, sev Severity, format string, args ...any) {
			add(Finding{File: t.file, Line: at.line, Column: at.col, Code: code, Rule: rule, Severity: sev,
				Message: t.Language + ": " + fmt.Sprintf(format, args...)})
		}
		for _, code := range c.codes {
			text, ok := t.Codes[code.ID]
			if code.Fallback {
				if ok {
					c.lintPlaceholders(finding, t, code, text)
				}
				continue
			}
			if !ok {
				finding(t.ps.codesKey, code.ID, "translation-missing", SeverityWarning,
					"code %q is not translated: its text stays in %s", code.ID, c.lang)
				continue
			}
			if missing := missingText(code, text); len(missing) > 0 {
				finding(t.ps.codes[code.ID], code.ID, "translation-incomplete", SeverityWarning,
					"code %q: %s not translated (the %s text is sent)", code.ID, strings.Join(missing, ", "), c.lang)
			}
			c.lintPlaceholders(finding, t, code, text)
		}
		for _, k := range slices.Sorted(maps.Keys(c.fieldMessages)) {
			tr, ok := t.FieldMessages[k]
			if !ok {
				at := t.ps.fieldsKey
				if at == (pos{}) {
					at = t.ps.language
				}
				finding(at, "", "translation-missing", SeverityWarning,
					"field message %q is not translated: it stays in %s", k, c.lang)
				continue
			}
			if d := placeholderDiff(c.fieldMessages[k], tr); d != "" {
				finding(t.ps.fields[k], "", "translation-placeholders", SeverityWarning, "field message %q: %s", k, d)
			}
		}
	}
}

// missingText lists the texts code has that text does not translate.
func missingText(code *Code, text CodeText) []string {
	var missing []string
	check := func(name, base, tr string) {
		if base != "" && tr == "" {
			missing = append(missing, name)
		}
	}
	check("title", code.Title, text.Title)
	check("message", code.Message, text.Message)
	check("detail", code.Detail, text.Detail)
	check("docs.when", code.Docs.When, text.Docs.When)
	check("docs.cause", code.Docs.Cause, text.Docs.Cause)
	check("docs.next", code.Docs.Next, text.Docs.Next)
	if x := code.Example; x != nil {
		var tx ExampleText
		if text.Example != nil {
			tx = *text.Example
		}
		check("example.message", x.Message, tx.Message)
		check("example.detail", x.Detail, tx.Detail)
		if len(x.Fields) > 0 && len(tx.Fields) != len(x.Fields) {
			missing = append(missing, fmt.Sprintf("example.fields (%d of %d messages)", len(tx.Fields), len(x.Fields)))
		}
	}
	return missing
}

// lintPlaceholders compares the placeholders of each text of code with
// its translation's.
func (c *Catalog) lintPlaceholders(finding func(pos, string, string, Severity, string, ...any), t *Translation, code *Code, text CodeText) {
	pairs := [][3]string{
		{"title", code.Title, text.Title}, {"message", code.Message, text.Message}, {"detail", code.Detail, text.Detail},
		{"docs.when", code.Docs.When, text.Docs.When}, {"docs.cause", code.Docs.Cause, text.Docs.Cause},
		{"docs.next", code.Docs.Next, text.Docs.Next},
	}
	if x, tx := code.Example, text.Example; x != nil && tx != nil {
		pairs = append(pairs, [3]string{"example.message", x.Message, tx.Message}, [3]string{"example.detail", x.Detail, tx.Detail})
		tr := translateFields(x.Fields, tx.Fields)
		for i := range x.Fields {
			pairs = append(pairs, [3]string{"example.fields." + x.Fields[i].Field, x.Fields[i].Message, tr[i].Message})
		}
	}
	for _, p := range pairs {
		if p[2] == "" {
			continue
		}
		if d := placeholderDiff(p[1], p[2]); d != "" {
			finding(t.ps.codes[code.ID], code.ID, "translation-placeholders", SeverityWarning, "code %q: %s %s", code.ID, p[0], d)
		}
	}
}

// placeholderDiff says how the {placeholders} of tr differ from base's, or "".
func placeholderDiff(base, tr string) string {
	b, t := placeholders(base), placeholders(tr)
	if slices.Equal(b, t) {
		return ""
	}
	var lost, added []string
	for _, p := range b {
		if !slices.Contains(t, p) {
			lost = append(lost, p)
		}
	}
	for _, p := range t {
		if !slices.Contains(b, p) {
			added = append(added, p)
		}
	}
	var parts []string
	if len(lost) > 0 {
		parts = append(parts, "drops "+strings.Join(lost, ", "))
	}
	if len(added) > 0 {
		parts = append(parts, "adds "+strings.Join(added, ", "))
	}
	return "has other placeholders than the original: " + strings.Join(parts, "; ")
}
