package inbox

import (
	_ "embed"
	"sync"

	"github.com/apierr/apierr"
)

//go:embed errors.yaml
var catalogYAML []byte

// Catalog returns the inbox API's catalog, loaded from the embedded
// errors.yaml, with structured bodies by default (see Simple for the other).
func Catalog() *apierr.Catalog { return catalog() }

var catalog = sync.OnceValue(func() *apierr.Catalog {
	return apierr.MustLoad(catalogYAML, "examples/inbox/errors.yaml", apierr.WithFormats(Format, SimpleFormat))
})
