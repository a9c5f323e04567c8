package auth

import (
	"net/http"

	"github.com/apierr/apierr"
)

// Owned reports whether the resource owned by ownerTenant may be shown to
// the request's caller: nil when the caller's tenant owns it, else the
// condition the catalog's ForeignResource names (CondNotFound by default, so
// the resource's existence does not leak; CondForbidden where the catalog
// says so, as seeds 000 and 004 do). A request without a principal gets the
// same answer as a foreign one.
//
//	fax, ok := store.Get(id)
//	if !ok {
//		return apierr.New("not_found")
//	}
//	if err := auth.Owned(r, fax.Workspace); err != nil {
//		return err
//	}
func Owned(r *http.Request, ownerTenant string) error {
	p := apierr.PrincipalFrom(r.Context())
	if p != nil && p.Tenant != "" && p.Tenant == ownerTenant {
		return nil
	}
	cond := apierr.CatalogFrom(r.Context()).ForeignResource()
	if cond == "" {
		cond = apierr.CondNotFound
	}
	return apierr.Cond(cond)
}
