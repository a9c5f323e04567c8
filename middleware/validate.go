package middleware

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/apierr/apierr"
	"github.com/go-playground/validator/v10"
)

var (
	e164Pattern = regexp.MustCompile(`^\+[1-9]\d{1,14}$`)
	uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

	enums sync.Map // tag → []string
)

var validate = sync.OnceValue(func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(jsonName)
	must(v.RegisterValidation("e164", func(fl validator.FieldLevel) bool {
		return e164Pattern.MatchString(fl.Field().String())
	}))
	must(v.RegisterValidation("uuid", func(fl validator.FieldLevel) bool {
		return uuidPattern.MatchString(fl.Field().String())
	}))
	return v
})

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// Validator returns the one validator Bind uses, so an application can
// register its own rules (RegisterValidation) at start-up, before serving.
// It has the rules "e164" (^\+[1-9]\d{1,14}$), "uuid" (canonical 8-4-4-4-12
// hex, any version) and every enum registered with RegisterEnum, and names
// fields by their JSON names.
func Validator() *validator.Validate { return validate() }

// RegisterEnum adds a validation rule named tag that accepts exactly values,
// e.g. RegisterEnum("fax_quality", "standard", "fine") for
// `validate:"fax_quality"`. Its message lists the values. Call it at
// start-up, before serving: the validator is not safe for registration
// concurrent with validation.
func RegisterEnum(tag string, values ...string) error {
	set := make(map[string]bool, len(values))
	for _, v := range values {
		set[v] = true
	}
	err := validate().RegisterValidation(tag, func(fl validator.FieldLevel) bool {
		return set[fl.Field().String()]
	})
	if err != nil {
		return fmt.Errorf("middleware: register enum %q: %w", tag, err)
	}
	enums.Store(tag, append([]string(nil), values...))
	return nil
}

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

// Validate checks v (a struct or a pointer to one) with the package's
// validator and returns nil or CondValidationFailed with every violation.
// Bind calls it after decoding; call it directly for values that do not come
// from a JSON body (query parameters bound by hand, for example).
func Validate(v any) error { return validateValue(v) }

func validateValue(v any) error {
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
	err := validate().Struct(v)
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
		e.Fields = append(e.Fields, apierr.FieldError{Field: path, Rule: fe.Tag(), Message: ruleMessage(path, fe)})
	}
	// The message is the first violation, as seed 000 shows it; the others
	// are in the fields.
	e.Message = e.Fields[0].Message
	if n := len(e.Fields) - 1; n == 1 {
		e.Message += " (and 1 more error)"
	} else if n > 1 {
		e.Message += " (and " + strconv.Itoa(n) + " more errors)"
	}
	return e
}

// ruleMessage is the English message of one violation.
func ruleMessage(f string, fe validator.FieldError) string {
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
		if v, ok := enums.Load(tag); ok {
			return f + " must be one of: " + strings.Join(v.([]string), ", ") + "."
		}
		return f + " is not valid (rule " + tag + ")."
	}
}
