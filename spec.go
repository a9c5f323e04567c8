package apierr

import "io/fs"

// Spec is a catalog built in Go; NewCatalog checks it as strictly as a file.
type Spec struct {
	Name            string
	Description     string
	DocsURL         string
	Slug            SlugRule
	Format          string   // the default format's name; "" means "envelope"
	Formats         []string // further formats offered by negotiation; nil means ["problem"]
	RequestIDHeader string
	ForeignResource Condition
	Codes           []Code
	// CommonCodes are the codes every operation can return (authentication,
	// rate limits, internal errors …), declared once.
	CommonCodes []string
	// Operations declares which codes each operation returns beyond
	// CommonCodes. Codes lists ids of Codes (or of the default catalog's
	// codes for conditions the catalog leaves unbound); the catalog's
	// Operations resolves them.
	Operations []Operation
	// Language is the BCP 47 tag of the language the catalog's text is
	// written in; "" means "en".
	Language string
	// FieldMessages are the catalog's own messages for validation rules, by
	// rule ("e164") or by field path and rule ("to.required"): see
	// Catalog.FieldMessage.
	FieldMessages map[string]string
	// Translations are the catalog's words in other languages.
	Translations []Translation
}

// Option configures loading.
type Option func(*loadOptions)

type loadOptions struct {
	formats          []Format
	unknown          func(name string) Format
	translationFS    []fs.FS
	translationFiles []translationFile
}

// WithFormats makes formats known by name to the catalog, beside the built-in
// "envelope" and "problem", so its `format:` key can name them.
func WithFormats(f ...Format) Option {
	return func(o *loadOptions) { o.formats = append(o.formats, f...) }
}

// WithUnknownFormats makes a format name the catalog uses but no format
// answers to load as fn(name) (typically Opaque(name)) instead of failing.
// It is for tools that read catalogs written for other programs; a server
// should register its formats with WithFormats. fn returning nil keeps the
// error.
func WithUnknownFormats(fn func(name string) Format) Option {
	return func(o *loadOptions) { o.unknown = fn }
}
