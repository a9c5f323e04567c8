package fax

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
)

// caller returns the authenticated workspace and environment.
func caller(r *http.Request) (workspace string, env Env) {
	p := apierr.PrincipalFrom(r.Context())
	if p == nil {
		return "", ""
	}
	return p.Tenant, Env(p.Environment)
}

// cost prices a document of pages pages.
func (s *Server) cost(pages int) int64 {
	if s.cfg.FlatRate > 0 {
		return s.cfg.FlatRate
	}
	return int64(pages) * s.cfg.PricePerPage
}

// createFax is POST /fax.
func (s *Server) createFax(w http.ResponseWriter, r *http.Request) error {
	ws, env := caller(r)
	sub, err := s.readSubmission(w, r)
	if err != nil {
		return err
	}
	if env == Sandbox && strings.HasSuffix(sub.to, SandboxErrorSuffix) {
		return apierr.Internal(errors.New("fax: sandbox number ending in " + SandboxErrorSuffix + ": simulated backend failure"))
	}
	if env == Sandbox && strings.HasSuffix(sub.to, SandboxFlakySuffix) && s.flaky.firstAttempt(r, ws, env) {
		return apierr.Internal(errors.New("fax: sandbox number ending in " + SandboxFlakySuffix + ": simulated transient failure (first attempt of this Idempotency-Key)"))
	}
	sub.workspace, sub.env = ws, env
	sub.pages = countPages(sub.mediaType, sub.doc)
	sub.cost = s.cost(sub.pages)
	f, err := s.store.submit(sub)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/fax/"+f.ID)
	return writeJSON(w, http.StatusCreated, f)
}

// visible returns the fax named in the path if the caller may see it:
// not_found when it does not exist in the caller's environment, the
// catalog's foreign-resource answer (forbidden) when another workspace owns it.
func (s *Server) visible(r *http.Request) (Fax, error) {
	_, env := caller(r)
	f, err := s.store.lookup(env, r.PathValue("id"))
	if err != nil {
		return Fax{}, err
	}
	if err := auth.Owned(r, f.workspace); err != nil {
		return Fax{}, err
	}
	return f, nil
}

// getFax is GET /fax/{id}.
func (s *Server) getFax(w http.ResponseWriter, r *http.Request) error {
	f, err := s.visible(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, f)
}

// deleteFax is DELETE /fax/{id}: only a delivered or failed fax can go.
func (s *Server) deleteFax(w http.ResponseWriter, r *http.Request) error {
	f, err := s.visible(r)
	if err != nil {
		return err
	}
	if err := s.store.remove(f.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// resendFax is POST /fax/{id}/resend: a new fax with the same document and
// number, priced and held like a new one.
func (s *Server) resendFax(w http.ResponseWriter, r *http.Request) error {
	f, err := s.visible(r)
	if err != nil {
		return err
	}
	doc, mediaType, err := s.store.document(f.ID)
	if err != nil {
		return err
	}
	pages := countPages(mediaType, doc)
	nf, err := s.store.submit(submission{workspace: f.workspace, env: f.Environment, to: f.To,
		doc: doc, mediaType: mediaType, pages: pages, cost: s.cost(pages), resentFrom: f.ID})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/fax/"+nf.ID)
	return writeJSON(w, http.StatusCreated, nf)
}

// faxImage is GET /fax/{id}/image: the document as sent, while it is kept.
func (s *Server) faxImage(w http.ResponseWriter, r *http.Request) error {
	f, err := s.visible(r)
	if err != nil {
		return err
	}
	doc, mediaType, err := s.store.document(f.ID)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", mediaType)
	h.Set("Content-Length", strconv.Itoa(len(doc)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(doc)
	}
	return nil
}

// accountBalance is GET /account/balance.
func (s *Server) accountBalance(w http.ResponseWriter, r *http.Request) error {
	ws, env := caller(r)
	return writeJSON(w, http.StatusOK, s.store.balance(ws, env))
}

// jsonType is shared by every JSON response: setting it allocates nothing.
var jsonType = []string{"application/json"}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writeJSON writes v as the response body. net/http sets Content-Length
// itself for a body written at once.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	buf := bufPool.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 64<<10 {
			buf.Reset()
			bufPool.Put(buf)
		}
	}()
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		return apierr.Internal(err)
	}
	w.Header()["Content-Type"] = jsonType
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
}
