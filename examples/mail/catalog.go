package mail

import (
	_ "embed"
	"sync"

	"github.com/apierr/apierr"
)

//go:embed errors.yaml
var catalogYAML []byte

// Catalog returns the mail API's catalog, loaded from the embedded errors.yaml.
func Catalog() *apierr.Catalog { return catalog() }

var catalog = sync.OnceValue(func() *apierr.Catalog {
	return apierr.MustLoad(catalogYAML, "examples/mail/errors.yaml", apierr.WithFormats(Format))
})
