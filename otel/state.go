package apierrotel

import (
	"net/http"

	"github.com/apierr/apierr"
)

// rendered returns the catalog error the request's State says was sent, nil
// when none.
func rendered(st *apierr.State) *apierr.Error {
	return st.Err()
}

// routeOf returns the matched route pattern: the State's (a router adapter
// may have recorded it), else the pattern ServeMux set on r.
func routeOf(st *apierr.State, r *http.Request) string {
	if route := st.Route(); route != "" {
		return route
	}
	return r.Pattern
}
