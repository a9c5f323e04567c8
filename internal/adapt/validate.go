package adapt

import (
	"errors"
	"reflect"
	"strings"

	"github.com/apierr/apierr"
	"github.com/go-playground/validator/v10"
)

// Message writes the English message of one violation of the field named
// as the client sent it.
type Message func(field string, fe validator.FieldError) string

// ValidationError returns CondValidationFailed with every violation in
// verrs, or nil when err holds no validator.ValidationErrors. Fields are
// named by JSON path: through root's json tags when root (the type that was
// validated) is known, else by the namespace without its root, which is
// already the JSON path for a validator that names fields by their json tag.
func ValidationError(err error, root reflect.Type, msg Message) *apierr.Error {
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) || len(verrs) == 0 {
		return nil
	}
	e := apierr.Cond(apierr.CondValidationFailed).WithCause(err)
	e.Fields = make([]apierr.FieldError, 0, len(verrs))
	for _, fe := range verrs {
		var path string
		if root != nil {
			_, rest, _ := strings.Cut(fe.StructNamespace(), ".")
			path = JSONPath(root, rest)
		} else {
			_, path, _ = strings.Cut(fe.Namespace(), ".")
		}
		if path == "" {
			path = fe.Field()
		}
		e.Fields = append(e.Fields, apierr.FieldError{Field: path, Rule: fe.Tag(), Message: msg(path, fe)})
	}
	return Summary(e)
}
