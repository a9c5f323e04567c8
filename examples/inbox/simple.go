package inbox

import (
	"net/http"
	"sync"

	"github.com/apierr/apierr"
)

// Simple makes the errors of the routes it wraps FastAPI's plain
// {"detail": message} body instead of the structured one. The page says some
// errors come back that way; which routes do is the service's choice (here,
// the invitation routes). It swaps the request's catalog for one with the
// same codes whose format is SimpleFormat, so codes, statuses and headers are
// unchanged: only the body's shape differs. Install it outside Auth so that
// authentication errors on those routes are simple too.
func Simple(next http.Handler) http.Handler {
	cat := simpleCatalog()
	// A pass-through Raiser: apierr.Routes still sees the route's middleware.
	return apierr.RaisingHandler(next, nil, func(w http.ResponseWriter, r *http.Request) {
		apierr.StateFrom(r.Context()).SetCatalog(cat)
		next.ServeHTTP(w, r)
	})
}

// SimpleCatalog returns the inbox catalog with SimpleFormat as its format.
func SimpleCatalog() *apierr.Catalog { return simpleCatalog() }

var simpleCatalog = sync.OnceValue(func() *apierr.Catalog {
	spec := Catalog().Spec()
	spec.Format, spec.Formats = SimpleFormat.Name(), []string{}
	sc, err := apierr.NewCatalog(spec, apierr.WithFormats(SimpleFormat))
	if err != nil {
		panic(err)
	}
	return sc
})
