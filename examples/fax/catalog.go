package fax

import (
	"embed"
	"sync"

	"github.com/apierr/apierr"
)

//go:embed errors.yaml
var catalogYAML []byte

// catalogFS holds errors.yaml and its translations (errors.de.yaml,
// errors.fr.yaml): the demo answers in the client's Accept-Language.
//
//go:embed errors*.yaml
var catalogFS embed.FS

// DocsURL is the catalog's docs_url: the permalinks in error bodies point at
// the seed's own site unless the server is given another (see NewCatalog).
const DocsURL = "https://mintfax.com/docs/errors/{slug}"

var baseCatalog = sync.OnceValues(func() (*apierr.Catalog, error) {
	return apierr.Load(catalogYAML, "examples/fax/errors.yaml", apierr.WithTranslations(catalogFS))
})

// NewCatalog returns the fax API's catalog (errors.yaml) with its
// translations (errors.de.yaml, errors.fr.yaml). With docsURL empty
// it is the file as written, whose docs links are seed 000's
// (https://mintfax.com/docs/errors/{slug}). A non-empty docsURL (a template
// with {slug}, e.g. "http://127.0.0.1:8080/docs/errors/{slug}") replaces the
// file's docs_url, so the `docs` member of every error body resolves on the
// server that sent it; the demo does this. The catalog is rebuilt through
// apierr.NewCatalog from the loaded one's Spec, so it is checked like the file.
func NewCatalog(docsURL string) (*apierr.Catalog, error) {
	c, err := baseCatalog()
	if err != nil || docsURL == "" {
		return c, err
	}
	spec := c.Spec()
	spec.DocsURL = docsURL
	return apierr.NewCatalog(spec)
}
