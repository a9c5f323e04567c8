package mail

import (
	_ "embed"
	"sync"

	"github.com/apierr/apierr"
)

//go:embed errors.yaml
var catalogYAML []byte

// Catalog returns the mail API's catalog (errors.yaml) with the aliases its
// page implies: invalid_token for a missing or malformed token too, and
// bad_request for failed validation and an unsupported Content-Type.
func Catalog() *apierr.Catalog { return catalog() }

var catalog = sync.OnceValue(func() *apierr.Catalog {
	return apierr.MustLoad(catalogYAML, "examples/mail/errors.yaml", apierr.WithFormats(Format)).
		MustAlias("invalid_token", apierr.CondAuthMissing, apierr.CondAuthMalformed).
		MustAlias("bad_request", apierr.CondValidationFailed, apierr.CondUnsupportedMediaType)
})
