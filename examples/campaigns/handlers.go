package campaigns

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/bind"
	"github.com/apierr/apierr/examples/internal/respond"
)

// campaignFor returns the caller's campaign named in the path: NOT_FOUND when
// there is none, FORBIDDEN when it belongs to another workspace (the
// catalog's foreign_resource).
func (s *Server) campaignFor(r *http.Request) (*campaign, error) {
	s.mu.Lock()
	c := s.campaigns[r.PathValue("id")]
	s.mu.Unlock()
	if c == nil {
		return nil, apierr.New("NOT_FOUND").WithDetail("No campaign has this ID.")
	}
	if err := auth.Owned(r, c.Workspace); err != nil {
		return nil, err
	}
	return c, nil
}

func (s *Server) listFor(r *http.Request) (*list, error) {
	s.mu.Lock()
	l := s.lists[r.PathValue("id")]
	s.mu.Unlock()
	if l == nil {
		return nil, apierr.New("NOT_FOUND").WithDetail("No list has this ID.")
	}
	if err := auth.Owned(r, l.Workspace); err != nil {
		return nil, err
	}
	return l, nil
}

// charge spends n credits of the caller's workspace, or says how many remain.
func (s *Server) charge(r *http.Request, n int64) error {
	p := apierr.PrincipalFrom(r.Context())
	u, err := s.credits.Use(r.Context(), "t:"+p.Tenant, n)
	var e *apierr.Error
	if errors.As(err, &e) && e.Condition == apierr.CondQuotaExceeded {
		return e.WithMessage(fmt.Sprintf("You have %d credits remaining. Please upgrade your plan.", max(u.Limit-u.Used, 0)))
	}
	return err
}

func (s *Server) generate(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Lead *Lead `json:"lead" validate:"required"`
	}
	if err := bind.JSON(r, &req); err != nil {
		return err
	}
	c, err := s.campaignFor(r)
	if err != nil {
		return err
	}
	if err := s.charge(r, 1); err != nil {
		return err
	}
	text, err := s.cfg.Generate(r.Context(), c.Name, *req.Lead)
	if err != nil {
		p := apierr.PrincipalFrom(r.Context())
		_ = s.credits.Release(r.Context(), "t:"+p.Tenant, 1)
		return fmt.Errorf("campaigns: generate for %s: %w", c.ID, err)
	}
	return respond.JSON(w, http.StatusOK, Email{Lead: *req.Lead, Email: text})
}

func (s *Server) generateBatch(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Leads []Lead `json:"leads" validate:"required,min=1,dive"`
	}
	if err := bind.JSON(r, &req); err != nil {
		return err
	}
	c, err := s.campaignFor(r)
	if err != nil {
		return err
	}
	p := apierr.PrincipalFrom(r.Context())
	release, err := s.jobs.Acquire(r.Context(), "t:"+p.Tenant)
	if err != nil {
		return err
	}
	if err := s.charge(r, int64(len(req.Leads))); err != nil {
		release()
		return err
	}
	s.mu.Lock()
	s.seq++
	l := &list{ID: "list_" + strconv.Itoa(s.seq), Campaign: c.ID, Workspace: c.Workspace, Status: "processing"}
	s.lists[l.ID] = l
	s.mu.Unlock()
	// The job outlives the request: it holds the workspace's slot until done.
	s.cfg.Async(func() {
		defer release()
		var out []Email
		for _, lead := range req.Leads {
			text, err := s.cfg.Generate(context.Background(), c.Name, lead)
			if err != nil {
				text = ""
			}
			out = append(out, Email{Lead: lead, Email: text})
		}
		s.mu.Lock()
		l.Emails, l.Status = out, "completed"
		s.mu.Unlock()
	})
	return respond.JSON(w, http.StatusAccepted, map[string]any{"list_id": l.ID, "status": "processing"})
}

func (s *Server) getList(w http.ResponseWriter, r *http.Request) error {
	l, err := s.listFor(r)
	if err != nil {
		return err
	}
	s.mu.Lock()
	body := map[string]any{"id": l.ID, "campaign_id": l.Campaign, "status": l.Status}
	s.mu.Unlock()
	return respond.JSON(w, http.StatusOK, body)
}

func (s *Server) exportList(w http.ResponseWriter, r *http.Request) error {
	l, err := s.listFor(r)
	if err != nil {
		return err
	}
	s.mu.Lock()
	status, emails := l.Status, l.Emails
	s.mu.Unlock()
	if status != "completed" {
		return apierr.New("NOT_READY").WithDetail("List " + l.ID + " is " + status + ".")
	}
	return respond.JSON(w, http.StatusOK, map[string]any{"id": l.ID, "emails": emails})
}
