package calls

import (
	_ "embed"
	"sync"

	"github.com/apierr/apierr"
)

//go:embed errors.yaml
var catalogYAML []byte

// Catalog returns the calls API's catalog (errors.yaml) with the aliases the
// page implies: a malformed Authorization header is INVALID_AUTH_TOKEN.
func Catalog() *apierr.Catalog { return catalog() }

var catalog = sync.OnceValue(func() *apierr.Catalog {
	return apierr.MustLoad(catalogYAML, "examples/calls/errors.yaml", apierr.WithFormats(Format)).
		MustAlias("INVALID_AUTH_TOKEN", apierr.CondAuthMalformed)
})
