package apierr

import (
	"fmt"
	"net/textproto"
	"slices"
	"strings"
)

// Catalog is the one declaration of every error an API returns. Load it from
// YAML (Load, LoadFile) or build it in Go (NewCatalog). A Catalog is immutable
// once built and safe for concurrent use: its settings are read through
// methods, so the permalinks computed when it was built cannot go stale. To
// change a setting, build another from Spec.
type Catalog struct {
	name            string
	description     string
	docsURL         string
	slug            SlugRule
	requestIDHeader string
	foreignResource Condition

	codes   []*Code // declared codes, then fallbacks, in order
	byID    map[string]*Code
	byCond  map[Condition]*Code
	byRule  map[string]*Code
	formats []Format // formats[0] is the default
	// contentTypes[i] is formats[i]'s Content-Type header value, shared by
	// every response (len == cap: an Add copies).
	contentTypes [][]string
	style        caseStyle
	// requestIDKey is RequestIDHeader in canonical form, for allocation-free header access.
	requestIDKey string
	file         string

	ops      []Operation // resolved: common codes included, sorted
	declared []Operation // as declared, for Spec
	common   []string
	opPos    []pos // where each operation was declared
	// Languages (translation.go): lang is the language of this catalog's
	// text; a catalog holds langs (lang first), views (views[i] reads in
	// langs[i], views[0] is the catalog) and the negotiation cache; a view
	// made by Localized points at its catalog with base.
	lang          string
	langs         []string
	views         []*Catalog
	langHeader    []string // Content-Language's value, shared: setting it does not allocate
	base          *Catalog
	matcher       *langMatcher
	fieldMessages map[string]string
	translations  []Translation
}

// SlugRule turns a code id into the slug of its docs URL.
type SlugRule string

// Slug rules.
const (
	SlugHyphen     SlugRule = "hyphen"     // insufficient_balance → insufficient-balance (default)
	SlugUnderscore SlugRule = "underscore" // INSUFFICIENT_BALANCE → insufficient_balance
	SlugExact      SlugRule = "exact"      // the id as is
)

// Apply returns the slug of id.
func (s SlugRule) Apply(id string) string {
	switch s {
	case SlugExact:
		return id
	case SlugUnderscore:
		return strings.ToLower(strings.ReplaceAll(id, "-", "_"))
	default:
		var b strings.Builder
		b.Grow(len(id) + 4)
		for i := 0; i < len(id); i++ {
			c := id[i]
			switch {
			case c == '_' || c == '.' || c == ' ':
				b.WriteByte('-')
			case c >= 'A' && c <= 'Z':
				// camelCase: a hyphen before an upper-case letter that follows a lower-case one.
				if i > 0 && id[i-1] >= 'a' && id[i-1] <= 'z' {
					b.WriteByte('-')
				}
				b.WriteByte(c + 'a' - 'A')
			default:
				b.WriteByte(c)
			}
		}
		return b.String()
	}
}

// Name is the API's name, used in docs.
func (c *Catalog) Name() string { return c.name }

// Description is the docs' introduction.
func (c *Catalog) Description() string { return c.description }

// DocsURL is the permalink template ("" when the catalog has no docs):
// "{slug}" and "{code}" are replaced; without a placeholder, "#"+slug is
// appended. DocsFor applies it.
func (c *Catalog) DocsURL() string { return c.docsURL }

// Slug is the rule that turns an id into the slug of its docs URL
// (SlugHyphen unless the catalog names another).
func (c *Catalog) Slug() SlugRule { return c.slug }

// RequestIDHeader is the response header that carries the request ID
// ("X-Request-ID" unless the catalog names another).
func (c *Catalog) RequestIDHeader() string { return c.requestIDHeader }

// ForeignResource says what a resource owned by another tenant yields:
// CondNotFound (the default: no existence leak) or CondForbidden.
func (c *Catalog) ForeignResource() Condition { return c.foreignResource }

// Spec returns a spec that builds the same catalog with NewCatalog: its
// settings, its formats by name (pass WithFormats for any that are not
// built in) and its own codes (not the fallbacks), each a copy. It is how a
// program derives a catalog that differs in one setting, e.g. a docs URL
// pointed at the server itself.
func (c *Catalog) Spec() Spec {
	c = c.root()
	s := Spec{
		Language:        c.lang,
		Name:            c.name,
		Description:     c.description,
		DocsURL:         c.docsURL,
		Slug:            c.slug,
		Format:          c.formats[0].Name(),
		Formats:         []string{},
		RequestIDHeader: c.requestIDHeader,
		ForeignResource: c.foreignResource,
	}
	for _, f := range c.formats[1:] {
		s.Formats = append(s.Formats, f.Name())
	}
	for _, code := range c.codes {
		if code.Fallback {
			continue
		}
		cp := *code
		cp.Also = append([]Condition(nil), code.Also...)
		cp.Rules = append([]string(nil), code.Rules...)
		cp.ContextKeys = append([]ContextKey(nil), code.ContextKeys...)
		cp.docs = ""
		s.Codes = append(s.Codes, cp)
	}
	s.CommonCodes = slices.Clone(c.common)
	for _, o := range c.declared {
		o.Codes = slices.Clone(o.Codes)
		s.Operations = append(s.Operations, o)
	}
	if len(c.fieldMessages) > 0 {
		s.FieldMessages = make(map[string]string, len(c.fieldMessages))
		for k, v := range c.fieldMessages {
			s.FieldMessages[k] = v
		}
	}
	for _, t := range c.translations {
		s.Translations = append(s.Translations, t.clone())
	}
	return s
}

// Codes returns every code the catalog renders: its own, then the fallbacks
// for the conditions it leaves unbound. The codes are the catalog's own,
// read by every request it renders: treat them as read-only. A change
// would race with rendering and miss what the catalog derived from them
// when it was built (docs links, translations); to change a catalog, edit
// its Spec and build another with NewCatalog.
func (c *Catalog) Codes() []*Code { return c.codes }

// Lookup returns the code with id, or nil. Like Codes', the code is the
// catalog's own: read it, never modify it.
func (c *Catalog) Lookup(id string) *Code { return c.byID[id] }

// Suggest returns the catalog's code id closest to id, for a "did you
// mean" after a misspelling (case and separators ignored), or "" when none
// is close.
func (c *Catalog) Suggest(id string) string {
	norm := func(s string) string {
		return strings.ToLower(strings.NewReplacer("-", "_", ".", "_", " ", "_").Replace(s))
	}
	ids := make([]string, 0, len(c.codes))
	byNorm := map[string]string{}
	for _, k := range c.codes {
		n := norm(k.ID)
		ids = append(ids, n)
		byNorm[n] = k.ID
	}
	return byNorm[suggest(norm(id), ids)]
}

// ForCondition returns the code bound to cond (its own or the fallback).
func (c *Catalog) ForCondition(cond Condition) *Code { return c.byCond[cond] }

// ForRule returns the code bound to a validation rule, or nil.
func (c *Catalog) ForRule(rule string) *Code { return c.byRule[rule] }

// Formats returns the formats the catalog offers; the first is the default.
func (c *Catalog) Formats() []Format { return c.formats }

// File is the file the catalog was loaded from ("" when built in Go).
func (c *Catalog) File() string { return c.file }

// DocsFor returns the docs permalink of id.
func (c *Catalog) DocsFor(id string) string {
	if code := c.byID[id]; code != nil && code.ID == id && code.docs != "" {
		return code.docs
	}
	return c.docsFor(id)
}

func (c *Catalog) docsFor(id string) string {
	if c.docsURL == "" {
		return ""
	}
	slug := c.slug.Apply(id)
	if strings.Contains(c.docsURL, "{") {
		return strings.NewReplacer("{slug}", slug, "{code}", id).Replace(c.docsURL)
	}
	return c.docsURL + "#" + slug
}

// Err returns a fresh *Error for the code id with the catalog's defaults. An
// unknown id yields the internal condition, its cause naming the id.
func (c *Catalog) Err(id string) *Error {
	code := c.byID[id]
	if code == nil {
		e := c.byCond[CondInternal].Error()
		e.cause = fmt.Errorf("apierr: unknown code %q", id)
		e.Docs = c.DocsFor(e.Code)
		e.resolved = true
		return e
	}
	e := code.Error()
	e.Docs = c.DocsFor(code.ID)
	e.resolved = true
	return e
}

// Resolve fills dst from e and the catalog: the code (from the condition, or
// from the first field error's rule for a validation failure), then status,
// title, message, detail, action, docs and retryable where e leaves them
// empty. An unknown code becomes the internal condition, with a cause that
// names it. Resolve never changes e.
func (c *Catalog) Resolve(dst, e *Error) {
	*dst = *e
	if e.resolved {
		if c.base != nil {
			if code := c.byID[dst.Code]; code != nil {
				code.localizeKnown(dst)
			}
		}
		return
	}
	var code *Code
	if e.Code != "" {
		code = c.byID[e.Code]
		if code == nil {
			code = c.byCond[CondInternal]
			*dst = Error{Condition: CondInternal, RequestID: e.RequestID, Instance: e.Instance,
				cause: fmt.Errorf("apierr: code %q is not in catalog %q: %w", e.Code, c.name, errOrNil(e))}
		}
	} else {
		if e.Condition == CondValidationFailed && len(e.Fields) > 0 && e.Fields[0].Rule != "" {
			code = c.byRule[e.Fields[0].Rule]
		}
		if code == nil {
			code = c.byCond[e.Condition]
		}
		if code == nil {
			code = c.byCond[CondInternal]
		}
	}
	dst.Code = code.ID
	if dst.Condition == "" {
		dst.Condition = code.Condition
	}
	if dst.Status == 0 {
		dst.Status = code.Status
	}
	if dst.Title == "" {
		dst.Title = code.Title
	}
	if dst.Message == "" {
		dst.Message = code.Message
	}
	if dst.Detail == "" {
		dst.Detail = code.Detail
	}
	if dst.Action == "" {
		dst.Action = code.Action
	}
	if dst.Docs == "" {
		dst.Docs = code.docs
	}
	if !dst.Retryable {
		dst.Retryable = code.Retryable
	}
	dst.resolved = true
	code.localizeKnown(dst)
}

func errOrNil(e *Error) error {
	if e.cause != nil {
		return e.cause
	}
	return fmt.Errorf("raised as %q", e.Code)
}

// ConditionOf is a convenience for callers that need the status a condition
// renders with in this catalog.
func (c *Catalog) StatusOf(cond Condition) int {
	if code := c.byCond[cond]; code != nil {
		return code.Status
	}
	return 500
}

// index builds the lookup maps and adds fallbacks for unbound conditions.
func (c *Catalog) index(fallbacks []*Code) {
	c.byID = make(map[string]*Code, len(c.codes)+len(Conditions))
	c.byCond = make(map[Condition]*Code, len(Conditions))
	c.byRule = make(map[string]*Code)
	for _, code := range c.codes {
		c.byID[code.ID] = code
		if code.Condition != "" {
			c.byCond[code.Condition] = code
		}
		for _, cond := range code.Also {
			c.byCond[cond] = code
		}
		for _, r := range code.Rules {
			c.byRule[r] = code
		}
	}
	for _, fb := range fallbacks {
		if c.byCond[fb.Condition] != nil {
			continue
		}
		if broader, ok := refines[fb.Condition]; ok && c.byCond[broader] != nil && !c.byCond[broader].Fallback {
			// The catalog's own code for the broader condition covers it.
			c.byCond[fb.Condition] = c.byCond[broader]
			continue
		}
		cp := *fb
		cp.ID = c.style.convert(fb.ID)
		// An API may already use the fallback's id for another purpose.
		for c.byID[cp.ID] != nil {
			cp.ID = c.style.convert(fb.ID + "_error")
		}
		cp.Fallback = true
		code := &cp
		c.codes = append(c.codes, code)
		c.byID[code.ID] = code
		c.byCond[code.Condition] = code
	}
	if c.slug == "" {
		c.slug = SlugHyphen
	}
	if c.requestIDHeader == "" {
		c.requestIDHeader = "X-Request-ID"
	}
	if c.foreignResource == "" {
		c.foreignResource = CondNotFound
	}
	c.requestIDKey = textproto.CanonicalMIMEHeaderKey(c.requestIDHeader)
	// Permalinks are computed once: rendering must not build strings.
	for _, code := range c.codes {
		code.docs = c.docsFor(code.ID)
	}
}
