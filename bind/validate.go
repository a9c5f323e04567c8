package bind

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"sync"

	"github.com/apierr/apierr"
	ut "github.com/go-playground/universal-translator"
	"github.com/go-playground/validator/v10"
)

var (
	e164Pattern = regexp.MustCompile(`^\+[1-9]\d{1,14}$`)
	uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// Config configures a Binder. Its zero value is the default Binder's
// configuration: every zero field has the default its comment gives.
type Config struct {
	// Enums adds one rule per entry: the tag accepts exactly the values,
	// e.g. {"fax_quality": {"standard", "fine"}} for `validate:"fax_quality"`;
	// its message lists them. None by default.
	Enums map[string][]string
	// Rules adds validation rules of one's own by tag (validator.Func is
	// go-playground/validator's). None by default; "e164" and "uuid" are
	// always there and may not be replaced.
	Rules map[string]validator.Func
	// MaxBytes is the largest body read (default DefaultMaxBytes).
	MaxBytes int64
	// MaxDepth is how deeply objects and arrays may nest (default
	// DefaultMaxDepth).
	MaxDepth int
	// DisallowUnknownFields makes a member that matches no field of the
	// target a malformed body (default: such members are ignored, as
	// encoding/json does).
	DisallowUnknownFields bool
}

// Binder decodes and validates JSON request bodies. Its rules are fixed when
// New makes it, so it is safe for concurrent use with no start-up ordering
// to get right. It has the rules "e164" (^\+[1-9]\d{1,14}$), "uuid"
// (canonical 8-4-4-4-12 hex, any version), go-playground/validator's own and
// those of its Config, and names fields by their JSON names.
type Binder struct {
	validate    *validator.Validate
	enums       map[string][]string
	defaults    options
	translators map[string]ut.Translator // by BCP 47 tag: see validatorLanguages
}

// New returns a Binder configured by cfg. It fails when a rule cannot be
// registered (an empty tag, a tag of e164 or uuid, an enum without values).
func New(cfg Config) (*Binder, error) {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(jsonName)
	builtin := map[string]validator.Func{
		"e164": func(fl validator.FieldLevel) bool { return e164Pattern.MatchString(fl.Field().String()) },
		"uuid": func(fl validator.FieldLevel) bool { return uuidPattern.MatchString(fl.Field().String()) },
	}
	for tag, fn := range builtin {
		if err := v.RegisterValidation(tag, fn); err != nil {
			return nil, fmt.Errorf("bind: register rule %q: %w", tag, err)
		}
	}
	for tag, fn := range cfg.Rules {
		if builtin[tag] != nil {
			return nil, fmt.Errorf("bind: rule %q is built in", tag)
		}
		if err := v.RegisterValidation(tag, fn); err != nil {
			return nil, fmt.Errorf("bind: register rule %q: %w", tag, err)
		}
	}
	b := &Binder{validate: v, enums: make(map[string][]string, len(cfg.Enums)),
		defaults: options{maxBytes: cfg.MaxBytes, maxDepth: cfg.MaxDepth, disallowUnknown: cfg.DisallowUnknownFields}}
	for tag, values := range cfg.Enums {
		if builtin[tag] != nil || cfg.Rules[tag] != nil {
			return nil, fmt.Errorf("bind: enum %q has the name of a rule", tag)
		}
		if len(values) == 0 {
			return nil, fmt.Errorf("bind: enum %q has no values", tag)
		}
		set := make(map[string]bool, len(values))
		for _, s := range values {
			set[s] = true
		}
		err := v.RegisterValidation(tag, func(fl validator.FieldLevel) bool {
			return set[fl.Field().String()]
		})
		if err != nil {
			return nil, fmt.Errorf("bind: register enum %q: %w", tag, err)
		}
		b.enums[tag] = append([]string(nil), values...)
	}
	var err error
	if b.translators, err = registerTranslations(v); err != nil {
		return nil, fmt.Errorf("bind: register the validator's translations: %w", err)
	}
	if b.defaults.maxBytes <= 0 {
		b.defaults.maxBytes = DefaultMaxBytes
	}
	if b.defaults.maxDepth <= 0 {
		b.defaults.maxDepth = DefaultMaxDepth
	}
	return b, nil
}

// defaultBinder is the Binder of JSON and Validate: the zero Config, which
// nothing can change after it is built.
var defaultBinder = sync.OnceValue(func() *Binder {
	b, err := New(Config{})
	if err != nil {
		panic(err) // the built-in rules always register
	}
	return b
})

// Validator returns the go-playground validator b uses, for code that
// validates with it directly (v.Struct). Its rules are b's; registering
// more on it while b serves requests is a data race: give them to New.
func (b *Binder) Validator() *validator.Validate { return b.validate }

// jsonName names a struct field as the client sees it.
func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	if tag == "-" {
		return ""
	}
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		return f.Name
	}
	return name
}

// Validate checks v with the default Binder. See Binder.Validate.
func Validate(v any) error { return defaultBinder().Validate(v) }

// Validate checks v (a struct or a pointer to one) and returns nil or
// CondValidationFailed with every violation. JSON calls it after decoding;
// call it directly for values that do not come from a JSON body (query
// parameters bound by hand, for example).
func (b *Binder) Validate(v any) error { return b.check(v, nil) }

// check is Validate with messages worded for the catalog lc (nil:
// English, the Binder's own).
func (b *Binder) check(v any, lc *apierr.Catalog) error {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil
	}
	err := b.validate.Struct(v)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return apierr.Internal(err)
	}
	e := apierr.Cond(apierr.CondValidationFailed)
	e.Fields = make([]apierr.FieldError, 0, len(verrs))
	for _, fe := range verrs {
		path := fe.Namespace()
		if _, rest, ok := strings.Cut(path, "."); ok {
			path = rest
		}
		e.Fields = append(e.Fields, apierr.FieldError{Field: path, Rule: fe.Tag(), Message: b.fieldMessage(lc, path, fe)})
	}
	// The message is the first violation, as seed 000 shows it; the others
	// are in the fields.
	e.Message = e.Fields[0].Message
	if n := len(e.Fields) - 1; n > 0 {
		e.Message += moreErrors(lc, n)
	}
	return e
}

// Message returns the English message Validate gives the violation fe of
// the field named field (as the client sent it). It is for violations
// another validator reports, a framework's own (gin's, with its binding
// tags), so that they read as this Binder's do.
func (b *Binder) Message(field string, fe validator.FieldError) string {
	return b.ruleMessage(field, fe)
}

// Message is the default Binder's Binder.Message.
func Message(field string, fe validator.FieldError) string {
	return defaultBinder().ruleMessage(field, fe)
}

// ruleMessage is the English message of one violation.
func (b *Binder) ruleMessage(f string, fe validator.FieldError) string {
	p := fe.Param()
	kind := fe.Kind()
	size := func(verb, cmp string) string {
		switch kind {
		case reflect.String:
			return f + " must be " + cmp + " " + p + " characters long."
		case reflect.Slice, reflect.Array, reflect.Map:
			return f + " must contain " + cmp + " " + p + " items."
		}
		return f + " must be " + verb + " " + p + "."
	}
	switch tag := fe.Tag(); tag {
	case "required", "required_if", "required_unless", "required_with", "required_with_all",
		"required_without", "required_without_all":
		return "The " + f + " field is required."
	case "excluded_if", "excluded_unless", "excluded_with", "excluded_without":
		return "The " + f + " field must not be sent with these other fields."
	case "e164":
		return f + " must be in E.164 format (e.g. +1234567890)."
	case "uuid", "uuid3", "uuid4", "uuid5", "uuid_rfc4122", "uuid3_rfc4122", "uuid4_rfc4122", "uuid5_rfc4122":
		return f + " must be a valid UUID (e.g. 123e4567-e89b-12d3-a456-426614174000)."
	case "oneof":
		return f + " must be one of: " + strings.Join(strings.Fields(p), ", ") + "."
	case "email":
		return f + " must be a valid email address."
	case "url", "http_url", "uri", "https_url":
		return f + " must be a valid URL."
	case "min", "gte":
		return size("at least", "at least")
	case "max", "lte":
		return size("at most", "at most")
	case "gt":
		return size("greater than", "more than")
	case "lt":
		return size("less than", "fewer than")
	case "len":
		return size("exactly", "exactly")
	case "eq":
		return f + " must be " + p + "."
	case "ne":
		return f + " must not be " + p + "."
	case "alpha":
		return f + " must contain only letters."
	case "alphanum":
		return f + " must contain only letters and digits."
	case "numeric", "number":
		return f + " must contain only digits."
	case "boolean":
		return f + " must be true or false."
	case "datetime":
		return f + " must be a date and time in the layout " + p + "."
	case "unique":
		return f + " must not contain duplicates."
	case "iso3166_1_alpha2":
		return f + " must be a two-letter country code."
	case "iso4217":
		return f + " must be a currency code such as USD."
	default:
		if v, ok := b.enums[tag]; ok {
			return f + " must be one of: " + strings.Join(v, ", ") + "."
		}
		return f + " is not valid (rule " + tag + ")."
	}
}
