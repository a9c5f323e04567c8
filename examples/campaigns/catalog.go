package campaigns

import (
	_ "embed"
	"sync"

	"github.com/apierr/apierr"
)

//go:embed errors.yaml
var catalogYAML []byte

// Catalog returns the campaigns API's catalog (errors.yaml) with the aliases
// its page implies: UNAUTHORIZED for a missing, malformed or unknown key, and
// BAD_REQUEST for malformed JSON, an unsupported Content-Type and failed
// validation.
func Catalog() *apierr.Catalog { return catalog() }

var catalog = sync.OnceValue(func() *apierr.Catalog {
	return apierr.MustLoad(catalogYAML, "examples/campaigns/errors.yaml", apierr.WithFormats(Format)).
		MustAlias("UNAUTHORIZED", apierr.CondAuthMissing, apierr.CondAuthMalformed).
		MustAlias("BAD_REQUEST", apierr.CondMalformedBody, apierr.CondUnsupportedMediaType)
})
