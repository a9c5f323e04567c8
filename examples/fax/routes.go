package fax

import (
	"net/http"

	"github.com/apierr/apierr"
)

// routes wires the API: outermost the per-request state (request ID) and
// panic recovery, then per route authentication, rate limiting and, on the
// POST routes that create faxes, idempotency keys.
func (s *Server) routes() http.Handler {
	h := func(f func(http.ResponseWriter, *http.Request) error) http.Handler { return apierr.HandlerFunc(f) }
	limit := s.rateLimit()
	api := func(next http.Handler) http.Handler { return s.auth(limit(next)) }

	mux := http.NewServeMux()
	mux.Handle("POST /fax", api(s.idempotent(h(s.createFax))))
	mux.Handle("GET /fax/{id}", api(h(s.getFax)))
	mux.Handle("DELETE /fax/{id}", api(h(s.deleteFax)))
	mux.Handle("POST /fax/{id}/resend", api(s.idempotent(h(s.resendFax))))
	mux.Handle("GET /fax/{id}/image", api(h(s.faxImage)))
	mux.Handle("GET /account/balance", api(h(s.accountBalance)))
	mux.Handle("GET "+s.docsPath(), s.docs())
	mux.Handle("/", h(func(w http.ResponseWriter, r *http.Request) error {
		return apierr.Cond(apierr.CondEndpointNotFound)
	}))
	return requestState(s.cat)(recoverer(mux))
}
