package apierr

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// NewCatalog builds a catalog in Go. It applies the same checks as Load and
// returns LoadErrors (without positions) when the spec is wrong.
func NewCatalog(spec Spec, opts ...Option) (*Catalog, error) {
	return build(spec, "", specPositions{}, opts)
}

var placeholder = regexp.MustCompile(`\{[^{}]*\}`)

func build(s Spec, file string, ps specPositions, opts []Option) (*Catalog, error) {
	return buildWith(s, file, ps, opts, Default().fallbacks())
}

func buildWith(s Spec, file string, ps specPositions, opts []Option, fallbacks []*Code) (*Catalog, error) {
	var o loadOptions
	for _, opt := range opts {
		opt(&o)
	}
	ck := &checker{file: file, ps: ps}
	ck.settings(s)
	formats := ck.formats(s, o)
	style := ck.codes(s.Codes)
	lang := ck.language(s.Language)
	ck.fieldMessages(s.FieldMessages)
	ownErrs := len(ck.errs)
	translations := ck.readTranslations(s.Translations, file, o)
	if ownErrs > 0 {
		return nil, ck.errs
	}

	c := &Catalog{
		name:            s.Name,
		description:     s.Description,
		docsURL:         s.DocsURL,
		slug:            s.Slug,
		requestIDHeader: s.RequestIDHeader,
		foreignResource: s.ForeignResource,
		formats:         formats,
		contentTypes:    contentTypesOf(formats),
		style:           style,
		file:            file,
		lang:            lang,
		fieldMessages:   s.FieldMessages,
	}
	if c.style == styleUnknown {
		c.style = styleLowerSnake
	}
	for i := range s.Codes {
		code := s.Codes[i]
		code.pos = ps.code(i).id
		code.Rules = append([]string(nil), code.Rules...)
		code.Also = append([]Condition(nil), code.Also...)
		c.codes = append(c.codes, &code)
	}
	c.index(fallbacks)
	ck.partialTranslations(c)
	if len(s.Operations) > 0 || len(s.CommonCodes) > 0 {
		// A mistake under operations: is reported with the translations'
		// (checked below whatever it is), not instead of them.
		c.ops = ck.operations(c, s)
		for i, o := range s.Operations {
			o.Codes = slices.Clone(o.Codes)
			c.declared = append(c.declared, o)
			c.opPos = append(c.opPos, ps.op(i).key)
		}
	}
	ck.translations(c, translations)
	if len(ck.errs) > 0 {
		return nil, ck.errs
	}
	c.translations = translations
	c.localize(translations)
	return c, nil
}

// checker collects every problem of a spec, each at its position.
type checker struct {
	file    string
	ps      specPositions
	errs    LoadErrors
	partial []Translation // translations that did not load, as far as they were read
}

func (ck *checker) errorf(at pos, format string, args ...any) {
	ck.errs = append(ck.errs, &LoadError{File: ck.file, Line: at.line, Column: at.col, Msg: fmt.Sprintf(format, args...)})
}

// top is the position of a top-level key's value.
func (ck *checker) top(key string) pos { return ck.ps.catalog[key] }

// code returns the positions of the i-th code (none for a spec built in Go).
func (ps specPositions) code(i int) codePositions {
	if i < len(ps.codes) {
		return ps.codes[i]
	}
	return codePositions{}
}

// settings checks the catalog-wide keys.
func (ck *checker) settings(s Spec) {
	if s.DocsURL != "" {
		if msg := checkDocsURL(s.DocsURL); msg != "" {
			ck.errorf(ck.top("docs_url"), "docs_url %q: %s", s.DocsURL, msg)
		}
	}
	switch s.Slug {
	case "", SlugHyphen, SlugUnderscore, SlugExact:
	default:
		ck.errorf(ck.top("slug"), "unknown slug rule %q (known: hyphen, underscore, exact)", s.Slug)
	}
	switch s.ForeignResource {
	case "", CondNotFound, CondForbidden:
	default:
		ck.errorf(ck.top("foreign_resource"), "foreign_resource must be %q or %q, not %q", CondNotFound, CondForbidden, s.ForeignResource)
	}
	if s.RequestIDHeader != "" && !validHeaderName(s.RequestIDHeader) {
		ck.errorf(ck.top("request_id_header"), "request_id_header %q is not a valid header name", s.RequestIDHeader)
	}
}

// formats resolves the default format and the offered ones by name: the
// built-in ones, those given WithFormats (the last of a name wins), then
// WithUnknownFormats' stand-ins.
func (ck *checker) formats(s Spec, o loadOptions) []Format {
	known := append(append([]Format(nil), builtinFormats...), o.formats...)
	find := func(name string) Format {
		for i := len(known) - 1; i >= 0; i-- {
			if known[i].Name() == name {
				return known[i]
			}
		}
		if o.unknown != nil && name != "" {
			if f := o.unknown(name); f != nil {
				known = append(known, f)
				return f
			}
		}
		return nil
	}
	names := func() string {
		var n []string
		for _, f := range known {
			n = append(n, f.Name())
		}
		return strings.Join(n, ", ")
	}
	defName := s.Format
	if defName == "" {
		defName = Envelope.Name()
	}
	var formats []Format
	if f := find(defName); f != nil {
		formats = append(formats, f)
	} else {
		ck.errorf(ck.top("format"), "unknown format %q (known: %s; register others with apierr.WithFormats)", defName, names())
	}
	offered := s.Formats
	if offered == nil {
		offered = []string{Problem.Name()}
	}
	for _, name := range offered {
		f := find(name)
		if f == nil {
			ck.errorf(ck.top("formats"), "unknown format %q in formats (known: %s)", name, names())
			continue
		}
		if name != defName && !containsFormat(formats, name) {
			formats = append(formats, f)
		}
	}
	return formats
}

// first is where an id, condition or rule was first seen.
type first struct {
	id string
	at pos
}

// codes checks every code and returns the id case style they share.
func (ck *checker) codes(codes []Code) caseStyle {
	ids := map[string]first{}
	conds := map[Condition]first{}
	rules := map[string]first{}
	styles := uint8(0xff)
	var styleFirst first
	for i := range codes {
		c := &codes[i]
		cp := ck.ps.code(i)
		switch st := styleOf(c.ID); {
		case c.ID == "":
			ck.errorf(cp.id, "a code has an empty id")
		case st == 0:
			ck.errorf(cp.id, "code id %q is not a word in a known case style (letters, digits, and one kind of separator: _ - or .)", c.ID)
		case styles&st == 0:
			ck.errorf(cp.id, "code %q is %s, but %q (at %d:%d) is %s: keep one case style for every id",
				c.ID, pick(st), styleFirst.id, styleFirst.at.line, styleFirst.at.col, pick(styles))
		default:
			if styles == 0xff {
				styleFirst = first{c.ID, cp.id}
			}
			styles &= st
		}
		if f, dup := ids[c.ID]; dup && c.ID != "" {
			ck.errorf(cp.id, "duplicate code %q (first at %d:%d)", c.ID, f.at.line, f.at.col)
		} else {
			ids[c.ID] = first{c.ID, cp.id}
		}
		if c.Status != -1 && (c.Status < 400 || c.Status > 599) {
			ck.errorf(cp.status, "code %q: status %d is outside 400–599", c.ID, c.Status)
		}
		if strings.TrimSpace(c.Message) == "" {
			ck.errorf(cp.message, "code %q has no message", c.ID)
		}
		ck.conditions(c, cp, conds)
		ck.rules(c, cp, rules)
	}
	return pick(styles)
}

// conditions checks that c's conditions exist and are bound once.
func (ck *checker) conditions(c *Code, cp codePositions, seen map[Condition]first) {
	for j, cond := range append([]Condition{c.Condition}, c.Also...) {
		if cond == "" {
			continue
		}
		at := cp.condition
		if j < len(cp.condAt) {
			at = cp.condAt[j]
		}
		if !cond.Valid() {
			if near := suggestCondition(cond); near != "" {
				ck.errorf(at, "code %q: unknown condition %q (did you mean %q?)", c.ID, cond, near)
			} else {
				ck.errorf(at, "code %q: unknown condition %q (known: %s)", c.ID, cond, conditionList())
			}
		} else if f, dup := seen[cond]; dup {
			ck.errorf(at, "condition %q is bound twice: by %q (at %d:%d) and by %q", cond, f.id, f.at.line, f.at.col, c.ID)
		} else {
			seen[cond] = first{c.ID, at}
		}
	}
}

// rules checks that c's validation rules are bound once.
func (ck *checker) rules(c *Code, cp codePositions, seen map[string]first) {
	for j, r := range c.Rules {
		at := cp.rules
		if j < len(cp.ruleAt) {
			at = cp.ruleAt[j]
		}
		if f, dup := seen[r]; dup {
			ck.errorf(at, "validation rule %q is bound twice: by %q (at %d:%d) and by %q", r, f.id, f.at.line, f.at.col, c.ID)
		} else {
			seen[r] = first{c.ID, at}
		}
	}
}

func containsFormat(fs []Format, name string) bool {
	for _, f := range fs {
		if f.Name() == name {
			return true
		}
	}
	return false
}

// suggestCondition returns the built-in condition closest to a misspelt
// one, or "".
func suggestCondition(cond Condition) string {
	names := make([]string, len(Conditions))
	for i, c := range Conditions {
		names[i] = string(c)
	}
	return suggest(string(cond), names)
}

func conditionList() string {
	var b strings.Builder
	for i, c := range Conditions {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(c))
	}
	return b.String()
}

// checkDocsURL returns what is wrong with a docs URL template, or "".
func checkDocsURL(tmpl string) string {
	for _, ph := range placeholder.FindAllString(tmpl, -1) {
		if ph != "{slug}" && ph != "{code}" {
			return fmt.Sprintf("unknown placeholder %s (use {slug} or {code})", ph)
		}
	}
	if strings.ContainsAny(tmpl, " \t\r\n") {
		return "contains whitespace"
	}
	u, err := url.Parse(placeholder.ReplaceAllString(tmpl, "x"))
	if err != nil {
		return "not a URL: " + strings.TrimPrefix(err.Error(), "parse ")
	}
	if strings.HasPrefix(tmpl, "/") && u.Host == "" {
		return "" // served by the API itself
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "must be an absolute http(s) URL or a path starting with /"
	}
	if u.Host == "" {
		return "has no host"
	}
	return ""
}

func validHeaderName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return s != ""
}

// fallbacks returns the codes this (default) catalog binds to conditions.
func (c *Catalog) fallbacks() []*Code {
	var out []*Code
	for _, code := range c.codes {
		if code.Condition != "" {
			out = append(out, code)
		}
	}
	return out
}
