package inbox

import (
	_ "embed"
	"sync"

	"github.com/apierr/apierr"
)

//go:embed errors.yaml
var catalogYAML []byte

// Catalog returns the inbox API's catalog (errors.yaml), structured bodies
// by default, with a malformed Authorization header reported as
// invalid_api_key.
func Catalog() *apierr.Catalog { return catalog() }

var catalog = sync.OnceValue(func() *apierr.Catalog {
	return apierr.MustLoad(catalogYAML, "examples/inbox/errors.yaml", apierr.WithFormats(Format, SimpleFormat)).
		MustAlias("invalid_api_key", apierr.CondAuthMalformed)
})
