package apierr

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"golang.org/x/text/language"
)

// A catalog speaks one language, its base language (Spec.Language, the
// file's `language:` key; "en" when it says none), and may carry
// translations into others. A translation holds only words: the title,
// message, detail, docs sections and example text of codes, the catalog's
// name and description, and its field messages. Statuses, actions, context,
// conditions, rules and docs slugs come from the catalog and never change
// with the language.
//
// In files, a translation sits beside the catalog and names its language
// twice, in its file name and in its `language:` key:
//
//	errors.yaml      # the catalog (language: en, or no language key)
//	errors.de.yaml   # language: de, codes: {insufficient_balance: {title: …, message: …}}
//
// LoadFile reads every such sibling; Load, which is given bytes, reads the
// translations given WithTranslations (an fs.FS, e.g. an embed.FS holding
// errors*.yaml) or WithTranslation. Each text a translation leaves out
// falls back to the catalog's own.

// Translation is one language's words for a catalog.
type Translation struct {
	// Language is the translation's BCP 47 tag, e.g. "de" or "pt-BR".
	Language string
	// Name and Description translate the catalog's ("" keeps the catalog's).
	Name        string
	Description string
	// Codes translates codes by id: the catalog's own and the fallbacks it
	// renders for conditions it binds no code to.
	Codes map[string]CodeText
	// FieldMessages translates the catalog's field messages, by the same keys.
	FieldMessages map[string]string

	file string
	ps   translationPositions
}

// CodeText is the translatable text of one code. An empty member keeps the
// catalog's text.
type CodeText struct {
	Title   string
	Message string
	Detail  string
	Docs    Docs
	Example *ExampleText
}

// ExampleText translates a code's documented example: its message, detail
// and field messages (each field's messages in the catalog's order).
type ExampleText struct {
	Message string
	Detail  string
	Fields  []FieldError
}

// translationPositions remembers where a translation file said what, for
// load errors and lint findings.
type translationPositions struct {
	language  pos
	codesKey  pos
	fieldsKey pos
	codes     map[string]pos // code id → its key
	fields    map[string]pos // field message key → its value
}

// WithTranslations loads, beside the catalog, every translation file at the
// root of fsys named like the catalog with a language tag before its
// extension: errors.de.yaml, errors.pt-BR.yaml for errors.yaml. It is how a
// program that embeds its catalog loads its translations:
//
//	//go:embed errors*.yaml
//	var catalogFS embed.FS
//
//	data, _ := catalogFS.ReadFile("errors.yaml")
//	cat, err := apierr.Load(data, "errors.yaml", apierr.WithTranslations(catalogFS))
//
// LoadFile does the same with the catalog's directory on its own.
func WithTranslations(fsys fs.FS) Option {
	return func(o *loadOptions) { o.translationFS = append(o.translationFS, fsys) }
}

// WithTranslation loads one translation file's data; filename is used in
// error messages and, when it has a language tag before its extension
// (errors.de.yaml), must agree with the file's `language:` key.
func WithTranslation(data []byte, filename string) Option {
	return func(o *loadOptions) {
		o.translationFiles = append(o.translationFiles, translationFile{filename, data})
	}
}

type translationFile struct {
	name string
	data []byte
}

// siblingTag returns the language tag of name when name is a translation of
// the catalog file catalog: errors.de.yaml for errors.yaml yields "de".
func siblingTag(catalog, name string) (string, bool) {
	base := path.Base(catalog)
	ext := path.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	if ext == "" || !strings.HasPrefix(name, stem+".") || !strings.HasSuffix(name, ext) {
		return "", false
	}
	tag := strings.TrimSuffix(strings.TrimPrefix(name, stem+"."), ext)
	if tag == "" || strings.Contains(tag, ".") || len(name) <= len(stem)+len(ext)+1 {
		return "", false
	}
	return tag, true
}

// nameTag returns the tag a translation's file name carries before its
// extension ("de" for errors.de.yaml), or "".
func nameTag(filename string) string {
	base := path.Base(strings.ReplaceAll(filename, `\`, "/"))
	base = strings.TrimSuffix(base, path.Ext(base))
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		return base[i+1:]
	}
	return ""
}

// readTranslations reads the translation files of the catalog file catalog
// found in fsys. dir is prefixed to their names in errors.
func readTranslations(fsys fs.FS, catalog, dir string) ([]translationFile, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("apierr: read translations: %w", err)
	}
	var out []translationFile
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if _, ok := siblingTag(catalog, e.Name()); !ok {
			continue
		}
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, fmt.Errorf("apierr: read translation: %w", err)
		}
		name := e.Name()
		if dir != "" && dir != "." {
			name = path.Join(dir, name)
		}
		out = append(out, translationFile{name, data})
	}
	return out, nil
}

// parseTag parses a BCP 47 tag and returns its canonical form.
func parseTag(s string) (string, error) {
	t, err := language.Parse(s)
	if err != nil {
		return "", err
	}
	return t.String(), nil
}

// Language returns the language of the catalog's text, a BCP 47 tag ("en"
// unless the catalog says otherwise). For a view returned by Localized, it
// is the view's language.
func (c *Catalog) Language() string { return c.lang }

// Languages returns every language the catalog renders: its base language
// first, then its translations' in order. The slice must not be modified.
func (c *Catalog) Languages() []string { return c.root().langs }

// Localized returns the catalog as it reads in the language tag: a
// read-only view whose codes carry the translation's title, message,
// detail, docs and example text, each falling back to the catalog's own
// where the translation leaves it out; everything else (ids, statuses,
// actions, docs permalinks, context, conditions, rules) is the catalog's.
// tag must be one of Languages (in any case, e.g. "pt-br"); for the base
// language the catalog itself is returned. It reports false for a language
// the catalog has no translation into; NegotiateLanguage picks the best one
// for a client.
func (c *Catalog) Localized(tag string) (*Catalog, bool) {
	root := c.root()
	if tag == root.lang {
		return root, true
	}
	for i, l := range root.langs {
		if l == tag {
			return root.views[i], true
		}
	}
	canon, err := parseTag(tag)
	if err != nil {
		return nil, false
	}
	if i := slices.Index(root.langs, canon); i >= 0 {
		return root.views[i], true
	}
	return nil, false
}

// root returns the catalog a view was made from (c itself for a catalog).
func (c *Catalog) root() *Catalog {
	if c.base != nil {
		return c.base
	}
	return c
}

// localize builds the views of c, one per translation. c is fully built.
func (c *Catalog) localize(ts []Translation) {
	c.langs = []string{c.lang}
	c.views = []*Catalog{c}
	c.langHeader = []string{c.lang}
	for i := range ts {
		c.langs = append(c.langs, ts[i].Language)
		c.views = append(c.views, c.view(&ts[i]))
	}
	if len(c.langs) > 1 {
		c.matcher = newLangMatcher(c.langs)
	}
}

// view returns the catalog as t translates it.
func (c *Catalog) view(t *Translation) *Catalog {
	v := *c
	v.base = c
	v.lang = t.Language
	v.langHeader = []string{t.Language}
	v.langs, v.views = nil, nil
	v.matcher = nil
	if t.Name != "" {
		v.name = t.Name
	}
	if t.Description != "" {
		v.description = t.Description
	}
	v.fieldMessages = mergeFieldMessages(c.fieldMessages, t.FieldMessages)
	v.codes = make([]*Code, len(c.codes))
	v.byID = make(map[string]*Code, len(c.byID))
	translated := make(map[*Code]*Code, len(c.codes))
	for i, code := range c.codes {
		cp := *code
		cp.orig = code
		if text, ok := t.Codes[code.ID]; ok {
			cp.applyText(text)
		}
		v.codes[i] = &cp
		v.byID[cp.ID] = &cp
		translated[code] = &cp
	}
	v.byCond = make(map[Condition]*Code, len(c.byCond))
	for k, code := range c.byCond {
		v.byCond[k] = translated[code]
	}
	v.byRule = make(map[string]*Code, len(c.byRule))
	for k, code := range c.byRule {
		v.byRule[k] = translated[code]
	}
	return &v
}

// applyText replaces code's words with the translation's, where it gives them.
func (c *Code) applyText(t CodeText) {
	set := func(dst *string, s string) {
		if s != "" {
			*dst = s
		}
	}
	set(&c.Title, t.Title)
	set(&c.Message, t.Message)
	set(&c.Detail, t.Detail)
	set(&c.Docs.When, t.Docs.When)
	set(&c.Docs.Cause, t.Docs.Cause)
	set(&c.Docs.Next, t.Docs.Next)
	if c.Example == nil || t.Example == nil {
		return
	}
	x := *c.Example
	set(&x.Message, t.Example.Message)
	set(&x.Detail, t.Example.Detail)
	x.Fields = translateFields(x.Fields, t.Example.Fields)
	c.Example = &x
}

// translateFields returns fields with each message replaced by the
// translation's message of the same field at the same position among that
// field's messages.
func translateFields(fields, tr []FieldError) []FieldError {
	if len(tr) == 0 {
		return fields
	}
	out := append([]FieldError(nil), fields...)
	seen := map[string]int{}
	for i, f := range out {
		n := seen[f.Field]
		seen[f.Field] = n + 1
		for _, t := range tr {
			if t.Field != f.Field {
				continue
			}
			if n == 0 {
				if t.Message != "" {
					out[i].Message = t.Message
				}
				break
			}
			n--
		}
	}
	return out
}

func mergeFieldMessages(base, tr map[string]string) map[string]string {
	if len(tr) == 0 {
		return base
	}
	out := make(map[string]string, len(base))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range tr {
		if _, ok := base[k]; ok && v != "" {
			out[k] = v
		}
	}
	return out
}

// localizeKnown replaces, in dst, a title, message or detail that is one of
// the catalog's own texts for the code (its default or its example's) by
// the view's translation of it: a handler that sets the documented example
// message (WithMessage) is answered in the client's language too. Any other
// text, written by a handler, is sent as written.
func (code *Code) localizeKnown(dst *Error) {
	o := code.orig
	if o == nil {
		return
	}
	swap := func(s *string, from, to string) bool {
		if *s != "" && *s == from && from != to {
			*s = to
			return true
		}
		return false
	}
	swap(&dst.Title, o.Title, code.Title)
	if !swap(&dst.Message, o.Message, code.Message) && o.Example != nil && code.Example != nil {
		swap(&dst.Message, o.Example.Message, code.Example.Message)
	}
	if !swap(&dst.Detail, o.Detail, code.Detail) && o.Example != nil && code.Example != nil {
		swap(&dst.Detail, o.Example.Detail, code.Example.Detail)
	}
}
