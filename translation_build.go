package apierr

import (
	"cmp"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// language checks the catalog's base language and returns its canonical tag.
func (ck *checker) language(tag string) string {
	if tag == "" {
		return "en"
	}
	canon, err := parseTag(tag)
	if err != nil {
		ck.errorf(ck.top("language"), "language %q is not a BCP 47 language tag (e.g. en, pt-BR): %v", tag, err)
		return "en"
	}
	return canon
}

// fieldMessages checks the keys of the catalog's field messages.
func (ck *checker) fieldMessages(m map[string]string) {
	keys := slices.Sorted(maps.Keys(m))
	for _, k := range keys {
		if msg := checkFieldMessageKey(k); msg != "" {
			ck.errorf(ck.top("field_messages"), "field_messages: key %q %s", k, msg)
		} else if strings.TrimSpace(m[k]) == "" {
			ck.errorf(ck.top("field_messages"), "field_messages: %q has no message", k)
		}
	}
}

// checkFieldMessageKey returns what is wrong with a field message key, or "".
func checkFieldMessageKey(k string) string {
	if k == "" || strings.ContainsAny(k, " \t\r\n{}") {
		return "must be a rule (e164) or a field path and a rule (to.required), without spaces or braces"
	}
	i := strings.LastIndexByte(k, '.')
	if i == 0 || i == len(k)-1 {
		return "must be a rule (e164) or a field path and a rule (to.required)"
	}
	return ""
}

// readTranslations gathers the spec's translations and those of the load
// options (parsed here, so their errors join the catalog's), and the
// sibling files of a catalog LoadFile read (o.siblings).
func (ck *checker) readTranslations(spec []Translation, file string, o loadOptions) []Translation {
	out := make([]Translation, 0, len(spec))
	for _, t := range spec {
		out = append(out, t.clone())
	}
	files := o.translationFiles
	for _, fsys := range o.translationFS {
		fs, err := readTranslations(fsys, file, "")
		if err != nil {
			ck.errs = append(ck.errs, &LoadError{File: file, Msg: err.Error()})
			continue
		}
		files = append(files, fs...)
	}
	for _, f := range files {
		t, err := ParseTranslation(f.data, f.name)
		if err != nil {
			if les, ok := err.(LoadErrors); ok {
				ck.errs = append(ck.errs, les...)
			} else {
				ck.errs = append(ck.errs, &LoadError{File: f.name, Msg: err.Error()})
			}
			// What could be read is still checked against the catalog, so
			// that one run reports every problem.
			ck.partial = append(ck.partial, t)
			continue
		}
		out = append(out, t)
	}
	return out
}

// partialTranslations checks the codes and field messages of translations
// that did not load against the catalog c.
func (ck *checker) partialTranslations(c *Catalog) {
	for i := range ck.partial {
		ck.translationKeys(c, &ck.partial[i])
	}
}

// translations checks each translation against the built catalog c: a
// language that parses, is not c's own and is translated once; codes c
// renders; field messages c has. It sorts them by language.
func (ck *checker) translations(c *Catalog, ts []Translation) {
	for i := range ts {
		t := &ts[i]
		canon, err := parseTag(t.Language)
		if err != nil {
			ck.errs = append(ck.errs, &LoadError{File: t.file, Line: t.ps.language.line, Column: t.ps.language.col,
				Msg: fmt.Sprintf("language %q is not a BCP 47 language tag (e.g. de, pt-BR): %v", t.Language, err)})
			continue
		}
		t.Language = canon
	}
	slices.SortStableFunc(ts, func(a, b Translation) int { return cmp.Compare(a.Language, b.Language) })
	seen := map[string]string{}
	for i := range ts {
		t := &ts[i]
		errorf := func(at pos, format string, args ...any) {
			ck.errs = append(ck.errs, &LoadError{File: t.file, Line: at.line, Column: at.col, Msg: fmt.Sprintf(format, args...)})
		}
		canon := t.Language
		where := t.file
		if where == "" {
			where = "Spec.Translations"
		}
		switch first, dup := seen[canon]; {
		case canon == c.lang:
			errorf(t.ps.language, "language %q is the catalog's own (language: %s): a translation is into another language", canon, c.lang)
		case dup:
			errorf(t.ps.language, "language %q is translated twice: in %s and in %s", canon, first, where)
		default:
			seen[canon] = where
		}
		ck.translationKeys(c, t)
	}
}

// translationKeys checks that t translates codes and field messages c has.
func (ck *checker) translationKeys(c *Catalog, t *Translation) {
	errorf := func(at pos, format string, args ...any) {
		ck.errs = append(ck.errs, &LoadError{File: t.file, Line: at.line, Column: at.col, Msg: fmt.Sprintf(format, args...)})
	}
	{
		for _, id := range slices.Sorted(maps.Keys(t.Codes)) {
			if c.byID[id] != nil {
				continue
			}
			at := t.ps.codes[id]
			if s := c.Suggest(id); s != "" {
				errorf(at, "translation of code %q, which the catalog does not have (did you mean %q?)", id, s)
			} else {
				errorf(at, "translation of code %q, which the catalog does not have", id)
			}
		}
		for _, k := range slices.Sorted(maps.Keys(t.FieldMessages)) {
			if _, ok := c.fieldMessages[k]; !ok {
				errorf(t.ps.fields[k], "field_messages: %q is not one of the catalog's field messages", k)
			}
		}
	}
}

// clone returns a deep copy of t.
func (t Translation) clone() Translation {
	out := t
	if t.Codes != nil {
		out.Codes = make(map[string]CodeText, len(t.Codes))
		for id, ct := range t.Codes {
			if ct.Example != nil {
				x := *ct.Example
				x.Fields = append([]FieldError(nil), x.Fields...)
				ct.Example = &x
			}
			out.Codes[id] = ct
		}
	}
	if t.FieldMessages != nil {
		out.FieldMessages = make(map[string]string, len(t.FieldMessages))
		for k, v := range t.FieldMessages {
			out.FieldMessages[k] = v
		}
	}
	return out
}

// siblingTranslations returns the option that loads the translation files
// beside the catalog file path (errors.de.yaml beside errors.yaml).
func siblingTranslations(path string) (Option, error) {
	dir := filepath.Dir(path)
	files, err := readTranslations(os.DirFS(dir), filepath.Base(path), dir)
	if err != nil {
		return nil, err
	}
	return func(o *loadOptions) { o.translationFiles = append(o.translationFiles, files...) }, nil
}
