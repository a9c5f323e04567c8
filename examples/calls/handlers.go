package calls

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/bind"
	"github.com/apierr/apierr/examples/internal/respond"
)

// startRequest is POST /api/v1/call's body.
type startRequest struct {
	AgentID     string `json:"agentId" validate:"required,uuid"`
	Participant struct {
		Number string `json:"number" validate:"required,e164"`
	} `json:"participant"`
}

// fieldMessages words field errors as the page does; the catalog picks the
// code from the first error's rule (e164 → INVALID_FORMAT, uuid → INVALID_UUID).
func fieldMessages(err error) error {
	e, ok := err.(*apierr.Error)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	e.Message = "" // the catalog's: "Validation failed"
	for i := range e.Fields {
		f := &e.Fields[i]
		name := f.Field[strings.LastIndexByte(f.Field, '.')+1:]
		switch f.Rule {
		case "required":
			f.Message = "The " + name + " field is required"
		case "e164":
			f.Message = "Phone number must be in E.164 format (e.g., +1234567890)"
		case "uuid", "uuid4":
			f.Message = name + " must be a valid UUID"
		}
	}
	return e
}

func (s *Server) startCall(w http.ResponseWriter, r *http.Request) error {
	var req startRequest
	if err := bind.JSON(r, &req); err != nil {
		return fieldMessages(err)
	}
	p := apierr.PrincipalFrom(r.Context())
	c := &Call{ID: s.newID(), AgentID: req.AgentID, Number: req.Participant.Number,
		Status: "queued", Created: s.cfg.Now().UTC(), tenant: p.Tenant}
	if err := s.cfg.Dial(r.Context(), c); err != nil {
		return fmt.Errorf("calls: dial %s: %w", c.ID, err)
	}
	s.mu.Lock()
	s.calls[c.ID] = c
	s.order = append(s.order, c.ID)
	s.mu.Unlock()
	return respond.JSON(w, http.StatusCreated, map[string]any{"success": true, "data": c})
}

func (s *Server) listCalls(w http.ResponseWriter, r *http.Request) error {
	p := apierr.PrincipalFrom(r.Context())
	out := []*Call{}
	s.mu.Lock()
	for _, id := range s.order {
		if c := s.calls[id]; c.tenant == p.Tenant {
			out = append(out, c)
		}
	}
	s.mu.Unlock()
	return respond.JSON(w, http.StatusOK, map[string]any{"success": true, "data": out})
}

func (s *Server) getCall(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	p := apierr.PrincipalFrom(r.Context())
	s.mu.Lock()
	c := s.calls[id]
	s.mu.Unlock()
	// A call of another workspace is as absent as one that never existed.
	if c == nil || c.tenant != p.Tenant {
		return apierr.New("RESOURCE_NOT_FOUND").WithDetail("Call with ID '"+id+"' not found").With("id", id)
	}
	return respond.JSON(w, http.StatusOK, map[string]any{"success": true, "data": c})
}
