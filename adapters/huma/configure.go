package apierrhuma

import (
	"io"
	"maps"
	"strings"
	"sync"

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
	config.Formats = withCatalogFormats(config.Formats, cat)
	if config.OpenAPI != nil && config.Components != nil && config.Components.Schemas != nil {
		registerSchemas(config.Components.Schemas, cat)
	}
	return config
}

// withCatalogFormats returns a copy of formats (huma.DefaultConfig shares
// huma.DefaultFormats) in which each media type of the catalog's formats
// writes an *Error's body as it is, without encoding/json re-reading it;
// every other value goes to the format huma would have used.
func withCatalogFormats(formats map[string]huma.Format, cat *apierr.Catalog) map[string]huma.Format {
	out := maps.Clone(formats)
	if out == nil {
		out = map[string]huma.Format{}
	}
	for _, f := range cat.Formats() {
		ct := f.ContentType()
		orig, ok := formats[ct]
		if !ok {
			if _, suffix, found := strings.Cut(ct, "+"); found {
				orig, ok = formats[suffix]
			}
		}
		if !ok {
			orig = huma.DefaultJSONFormat
		}
		out[ct] = huma.Format{Marshal: marshalError(orig.Marshal), Unmarshal: orig.Unmarshal}
	}
	return out
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func marshalError(next func(io.Writer, any) error) func(io.Writer, any) error {
	return func(w io.Writer, v any) error {
		e, ok := v.(*Error)
		if !ok {
			return next(w, v)
		}
		bp := bufPool.Get().(*[]byte)
		body := e.f.AppendBody((*bp)[:0], &e.res)
		_, err := w.Write(body)
		if cap(body) <= 64<<10 {
			*bp = body[:0]
			bufPool.Put(bp)
		}
		return err
	}
}
