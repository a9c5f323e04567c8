package apierr

import (
	_ "embed"
	"sync"
)

//go:embed default.yaml
var defaultYAML []byte

// DefaultYAML returns the default catalog's source, a starting point for a
// new catalog.
func DefaultYAML() []byte { return append([]byte(nil), defaultYAML...) }

var defaultCatalog = sync.OnceValue(func() *Catalog {
	spec, ps, err := parse(defaultYAML, "default.yaml")
	if err != nil {
		panic(err)
	}
	c, err := buildWith(spec, "default.yaml", ps, nil, nil)
	if err != nil {
		panic(err)
	}
	return c
})

// Default returns the embedded default catalog. It binds a code to every
// condition; other catalogs fall back to its codes for the conditions they
// leave unbound. Write uses it for requests that carry no catalog.
func Default() *Catalog { return defaultCatalog() }
