// Package adapt holds what the framework adapters (adapters/echo,
// adapters/gin, adapters/huma) share: turning the errors a framework's own
// binding produces (encoding/json's, go-playground/validator's named by Go
// struct fields) into the catalog errors apierr's bind package returns for
// the same mistakes. It lives in the root module, internal, so the adapters
// agree without a public API that only they need.
package adapt

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/apierr/apierr"
)

// DecodeError returns the catalog error for an error a framework's JSON
// decoding returned (a *json.SyntaxError, a *json.UnmarshalTypeError, an
// empty or cut body, a body over a limit), or nil when err is none of those.
// The body is gone by then, so a syntax error has no line and column: its
// detail says what encoding/json said, which never quotes the body.
func DecodeError(err error) *apierr.Error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &mbe):
		return apierr.Cond(apierr.CondPayloadTooLarge).With("limit_bytes", mbe.Limit).WithCause(err)
	case errors.As(err, &syn):
		return malformed("The request body is not valid JSON: " + syn.Error() + ".").WithCause(err)
	case errors.As(err, &typ):
		expected := JSONType(typ.Type)
		e := malformed("").With("expected", expected).WithCause(err)
		name := typ.Field
		if name == "" {
			name = "The body"
		} else {
			e.With("field", typ.Field)
		}
		got := typ.Value
		if strings.HasPrefix(got, "number ") {
			return e.WithDetail(name + " is out of range for " + Article(expected) + ".")
		}
		return e.WithDetail(name + " must be " + Article(expected) + ", not " + Article(got) + ".")
	case errors.Is(err, io.EOF):
		return malformed("The request body is empty; send a JSON document.").WithCause(err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return malformed("The request body is not valid JSON: the document ends too early.").WithCause(err)
	}
	return nil
}

func malformed(detail string) *apierr.Error {
	return apierr.Cond(apierr.CondMalformedBody).WithDetail(detail)
}

// Article puts "a" or "an" before a JSON type's name as DecodeError and
// bind word it ("an integer", "a string"; "a value" for none).
func Article(t string) string {
	switch t {
	case "":
		return "a value"
	case "integer", "array", "object":
		return "an " + t
	case "null":
		return "null"
	case "bool":
		return "a boolean"
	}
	return "a " + t
}

var textUnmarshaler = reflect.TypeFor[interface{ UnmarshalText([]byte) error }]()

// JSONType names the JSON type a Go type decodes from.
func JSONType(t reflect.Type) string {
	if t == nil {
		return ""
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(textUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
		return "string"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "string"
		}
		return "array"
	case reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	}
	return ""
}

// JSONPath turns a validator's struct namespace without its root
// ("Participant.Number", "Items[2].SKU") into the path the client wrote
// ("participant.number", "items[2].sku") by following root's fields and
// their json tags. A segment that matches no field is kept as it is.
func JSONPath(root reflect.Type, structPath string) string {
	t := root
	var b strings.Builder
	for seg := range strings.SplitSeq(structPath, ".") {
		name, index, _ := strings.Cut(seg, "[")
		if index != "" {
			index = "[" + index
		}
		json := name
		if t != nil {
			for t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
			if t.Kind() == reflect.Struct {
				if f, ok := t.FieldByName(name); ok {
					json = jsonName(f)
					t = f.Type
					// Each [i] or [key] steps into an element.
					for range strings.Count(index, "[") {
						for t.Kind() == reflect.Pointer {
							t = t.Elem()
						}
						if k := t.Kind(); k == reflect.Slice || k == reflect.Array || k == reflect.Map {
							t = t.Elem()
						}
					}
				} else {
					t = nil
				}
			} else {
				t = nil
			}
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(json)
		b.WriteString(index)
	}
	return b.String()
}

// jsonName names a struct field as the client sees it (encoding/json's rule).
func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	name, _, _ := strings.Cut(tag, ",")
	if name == "" || name == "-" {
		return f.Name
	}
	return name
}

// Summary sets e's message to the first field error's, with how many more
// follow, as bind does ("The to field is required. (and 1 more error)").
func Summary(e *apierr.Error) *apierr.Error {
	if len(e.Fields) == 0 {
		return e
	}
	e.Message = e.Fields[0].Message
	if n := len(e.Fields) - 1; n == 1 {
		e.Message += " (and 1 more error)"
	} else if n > 1 {
		e.Message += " (and " + strconv.Itoa(n) + " more errors)"
	}
	return e
}
