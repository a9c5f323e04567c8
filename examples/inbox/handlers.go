package inbox

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/bind"
	"github.com/apierr/apierr/examples/internal/respond"
)

func tenantOf(r *http.Request) string { return apierr.PrincipalFrom(r.Context()).Tenant }

// planLimit words a quota refusal as the page says: the message names the
// limit that was reached.
func planLimit(err error, what string) error {
	var e *apierr.Error
	if errors.As(err, &e) && e.Condition == apierr.CondQuotaExceeded {
		e.WithMessage(fmt.Sprintf("Plan limit reached: %s (%v)", what, e.Context["limit"]))
		e.With("quota", strings.ReplaceAll(what, " ", "_"))
		return e
	}
	return err
}

func (s *Server) createTenant(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Slug string `json:"slug" validate:"required,min=3,max=40"`
		Name string `json:"name" validate:"required"`
	}
	if err := bind.JSON(r, &req); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.slugs[req.Slug]; taken {
		return apierr.New("tenant_slug_taken").With("slug", req.Slug)
	}
	t := &tenant{ID: s.uuid(), Slug: req.Slug, Name: req.Name, Active: true}
	s.tenants[t.ID], s.slugs[t.Slug] = t, t.ID
	return respond.JSON(w, http.StatusCreated, map[string]any{"id": t.ID, "slug": t.Slug, "name": t.Name})
}

func (s *Server) createInbox(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Name           string   `json:"name" validate:"required,max=100"`
		AllowedSenders []string `json:"allowed_senders" validate:"omitempty,dive,email"`
	}
	if err := bind.JSON(r, &req); err != nil {
		return err
	}
	t := tenantOf(r)
	if _, err := s.inboxQuota.Use(r.Context(), t, 1); err != nil {
		return planLimit(err, "max inboxes")
	}
	s.mu.Lock()
	in := &Inbox{ID: s.uuid(), Name: req.Name, AllowedSenders: req.AllowedSenders, tenant: t}
	s.inboxes[in.ID] = in
	s.mu.Unlock()
	return respond.JSON(w, http.StatusCreated, in)
}

// inbox returns the caller's inbox named in the path. Another tenant's inbox
// is "not found" too: its existence is not the caller's business.
func (s *Server) inbox(r *http.Request) (*Inbox, error) {
	s.mu.Lock()
	in := s.inboxes[r.PathValue("inbox_id")]
	s.mu.Unlock()
	if in == nil || in.tenant != tenantOf(r) {
		return nil, apierr.New("not_found").WithMessage("Inbox not found")
	}
	return in, nil
}

func (s *Server) getInbox(w http.ResponseWriter, r *http.Request) error {
	in, err := s.inbox(r)
	if err != nil {
		return err
	}
	return respond.JSON(w, http.StatusOK, in)
}

func (s *Server) createItem(w http.ResponseWriter, r *http.Request) error {
	in, err := s.inbox(r)
	if err != nil {
		return err
	}
	var req struct {
		Sender  string `json:"sender" validate:"required,email"`
		Subject string `json:"subject" validate:"max=200"`
		Body    string `json:"body"`
	}
	if err := bind.JSON(r, &req); err != nil {
		return err
	}
	if len(in.AllowedSenders) > 0 && !slices.Contains(in.AllowedSenders, strings.ToLower(req.Sender)) {
		return apierr.New("sender_not_allowed").With("sender", req.Sender)
	}
	it := &Item{InboxID: in.ID, Sender: req.Sender, Subject: req.Subject, Body: req.Body, tenant: in.tenant}
	if err := s.cfg.Scan(r.Context(), it); err != nil {
		return fmt.Errorf("inbox: scan item: %w", err)
	}
	if _, err := s.itemsMo.Use(r.Context(), in.tenant, 1); err != nil {
		return planLimit(err, "items per month")
	}
	s.mu.Lock()
	it.ID = s.uuid()
	j := &Job{ID: s.uuid(), ItemID: it.ID, Status: "queued", tenant: in.tenant}
	it.JobID = j.ID
	s.items[it.ID], s.jobs[j.ID] = it, j
	s.mu.Unlock()
	return respond.JSON(w, http.StatusCreated, it)
}

func (s *Server) getItem(w http.ResponseWriter, r *http.Request) error {
	in, err := s.inbox(r)
	if err != nil {
		return err
	}
	id := r.PathValue("item_id")
	s.mu.Lock()
	it := s.items[id]
	s.mu.Unlock()
	if it == nil || it.InboxID != in.ID {
		return apierr.New("not_found").WithMessage("Item " + id + " not found")
	}
	return respond.JSON(w, http.StatusOK, it)
}

func (s *Server) job(r *http.Request) (*Job, error) {
	id := r.PathValue("job_id")
	s.mu.Lock()
	j := s.jobs[id]
	s.mu.Unlock()
	if j == nil || j.tenant != tenantOf(r) {
		return nil, apierr.New("not_found").WithMessage("Job " + id + " not found")
	}
	return j, nil
}

func (s *Server) getJob(w http.ResponseWriter, r *http.Request) error {
	j, err := s.job(r)
	if err != nil {
		return err
	}
	s.mu.Lock()
	body := *j
	s.mu.Unlock()
	return respond.JSON(w, http.StatusOK, body)
}

func (s *Server) cancelJob(w http.ResponseWriter, r *http.Request) error {
	j, err := s.job(r)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if j.Status != "queued" && j.Status != "running" {
		return apierr.New("job_not_cancellable").With("status", j.Status)
	}
	j.Status = "cancelled"
	return respond.JSON(w, http.StatusOK, *j)
}

func (s *Server) getDelivery(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("delivery_id")
	s.mu.Lock()
	d := s.deliveries[id]
	var body Delivery
	if d != nil {
		body = *d
	}
	s.mu.Unlock()
	if d == nil || d.tenant != tenantOf(r) {
		return apierr.New("not_found").WithMessage("Delivery " + id + " not found")
	}
	return respond.JSON(w, http.StatusOK, body)
}

func (s *Server) invite(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Email string `json:"email" validate:"required,email"`
	}
	if err := bind.JSON(r, &req); err != nil {
		return err
	}
	email, t := strings.ToLower(req.Email), tenantOf(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, inv := range s.invitations {
		if inv.Tenant == t && inv.Email == email {
			return apierr.New("duplicate_invite")
		}
	}
	inv := &invitation{Token: "inv_" + strings.ReplaceAll(s.uuid(), "-", ""), Tenant: t, Email: email}
	s.invitations[inv.Token] = inv
	return respond.JSON(w, http.StatusCreated, map[string]any{"token": inv.Token, "email": inv.Email})
}

func (s *Server) acceptInvitation(w http.ResponseWriter, r *http.Request) error {
	p := apierr.PrincipalFrom(r.Context())
	s.mu.Lock()
	defer s.mu.Unlock()
	inv := s.invitations[r.PathValue("token")]
	if inv == nil {
		return apierr.New("invalid_invitation_token")
	}
	if !strings.EqualFold(p.Subject, inv.Email) {
		return apierr.New("invitation_email_mismatch")
	}
	delete(s.invitations, inv.Token)
	return respond.JSON(w, http.StatusOK, map[string]any{"tenant_id": inv.Tenant, "email": inv.Email})
}
