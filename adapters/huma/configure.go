package apierrhuma

import (
	"github.com/apierr/apierr"
	"github.com/danielgtaylor/huma/v2"
)

// Configure returns config set up for apierr with cat: its transformers
// render catalog errors, its OpenAPI components hold the catalog's error
// schemas, and huma's error constructors (huma.NewError,
// huma.NewErrorWithContext, package variables) return *Error from now on.
// Make the API with the result:
//
//	api := humago.New(mux, apierrhuma.Configure(huma.DefaultConfig("Fax API", "1.0.0"), cat))
//
// huma's constructors serve every API of the process, and so does the last
// catalog configured for the status and schema of errors; each request's
// body still comes from its own catalog (its apierr.State).
func Configure(config huma.Config, cat *apierr.Catalog) huma.Config {
	if cat == nil {
		cat = apierr.Default()
	}
	configured.Store(cat)
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		return newError(Convert(status, msg, errs...))
	}
	huma.NewErrorWithContext = func(_ huma.Context, status int, msg string, errs ...error) huma.StatusError {
		return newError(Convert(status, msg, errs...))
	}
	config.Transformers = append(config.Transformers, transform)
	if config.OpenAPI != nil && config.Components != nil && config.Components.Schemas != nil {
		registerSchemas(config.Components.Schemas, cat)
	}
	return config
}
