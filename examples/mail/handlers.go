package mail

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/bind"
	"github.com/apierr/apierr/examples/internal/respond"
	"github.com/apierr/apierr/ratelimit"
)

func itoa(n int) string { return strconv.Itoa(n) }

type credentials struct {
	Address  string `json:"address" validate:"required,email"`
	Password string `json:"password" validate:"required,min=6"`
}

// limitReached turns a quota refusal into the page's own code for that
// limit (403); any other error passes unchanged.
func limitReached(err error, code string) error {
	var e *apierr.Error
	if errors.As(err, &e) && e.Condition == apierr.CondQuotaExceeded {
		return apierr.New(code).With("limit", e.Context["limit"])
	}
	return err
}

func (s *Server) createAccount(w http.ResponseWriter, r *http.Request) error {
	var req credentials
	if err := bind.JSON(r, &req); err != nil {
		return err
	}
	addr := strings.ToLower(req.Address)
	_, dom, _ := strings.Cut(addr, "@")
	s.mu.Lock()
	d := s.domains[dom]
	s.mu.Unlock()
	if !slices.Contains(s.cfg.Domains, dom) && (d == nil || !d.Verified) {
		return apierr.New("invalid_domain").With("domain", dom)
	}
	s.mu.Lock()
	_, taken := s.accounts[addr]
	s.mu.Unlock()
	if taken {
		return apierr.New("address_taken")
	}
	client := ratelimit.ByIP(r)
	if _, err := s.accountQuota.Use(r.Context(), client, 1); err != nil {
		return limitReached(err, "account_limit_reached")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.accounts[addr]; taken { // lost a race for the address
		_ = s.accountQuota.Release(r.Context(), client, 1)
		return apierr.New("address_taken")
	}
	s.seq++
	a := &account{ID: "acc_" + itoa(s.seq), Address: addr, password: passwordDigest(req.Password)}
	s.accounts[addr] = a
	s.byID[a.ID] = a
	return respond.JSON(w, http.StatusCreated, map[string]any{"id": a.ID, "address": a.Address})
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Address  string `json:"address" validate:"required"`
		Password string `json:"password" validate:"required"`
	}
	if err := bind.JSON(r, &req); err != nil {
		return err
	}
	s.mu.Lock()
	a := s.accounts[strings.ToLower(req.Address)]
	s.mu.Unlock()
	if a == nil || !a.checkPassword(req.Password) {
		return apierr.New("invalid_credentials")
	}
	return respond.JSON(w, http.StatusOK, map[string]any{"token": s.tokens.issue(a.ID), "expiresIn": int(s.cfg.TokenTTL.Seconds())})
}

// message returns the caller's message id, or not_found / expired.
func (s *Server) message(r *http.Request) (*Message, error) {
	p := apierr.PrincipalFrom(r.Context())
	id := r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.messages[id]
	if m == nil || s.byID[p.Tenant] == nil || s.byID[p.Tenant].Address != m.to {
		return nil, apierr.New("not_found")
	}
	// An expired message stays known by ID, so the caller learns it expired
	// (410) rather than that it never existed (404); its content is gone.
	if !s.cfg.Now().Before(m.Received.Add(s.cfg.Retention)) {
		m.Body, m.Attachments = "", nil
		return nil, apierr.New("expired")
	}
	return m, nil
}

func (s *Server) listMessages(w http.ResponseWriter, r *http.Request) error {
	p := apierr.PrincipalFrom(r.Context())
	out := []*Message{}
	s.mu.Lock()
	addr := s.byID[p.Tenant].Address
	now := s.cfg.Now()
	for _, m := range s.messages {
		if m.to == addr && now.Before(m.Received.Add(s.cfg.Retention)) {
			out = append(out, m)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b *Message) int { return a.Received.Compare(b.Received) })
	return respond.JSON(w, http.StatusOK, out)
}

func (s *Server) getMessage(w http.ResponseWriter, r *http.Request) error {
	m, err := s.message(r)
	if err != nil {
		return err
	}
	return respond.JSON(w, http.StatusOK, m)
}

func (s *Server) getAttachment(w http.ResponseWriter, r *http.Request) error {
	m, err := s.message(r)
	if err != nil {
		return err
	}
	i, err := strconv.Atoi(r.PathValue("index"))
	if err != nil || i < 0 || i >= len(m.Attachments) {
		return apierr.New("invalid_index").With("count", len(m.Attachments))
	}
	data, err := s.cfg.Attachments(r.Context(), m.ID, i)
	if err != nil {
		return fmt.Errorf("mail: read attachment %d of %s: %w", i, m.ID, err)
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(data)
	return nil
}

func (s *Server) addDomain(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Domain string `json:"domain" validate:"required,fqdn"`
	}
	if err := bind.JSON(r, &req); err != nil {
		return err
	}
	name := strings.ToLower(req.Domain)
	p := apierr.PrincipalFrom(r.Context())
	s.mu.Lock()
	_, exists := s.domains[name]
	s.mu.Unlock()
	if exists || slices.Contains(s.cfg.Domains, name) {
		return apierr.New("domain_already_exists")
	}
	if _, err := s.domainQuota.Use(r.Context(), p.Tenant, 1); err != nil {
		return limitReached(err, "domain_limit_reached")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, exists := s.domains[name]; exists {
		_ = s.domainQuota.Release(r.Context(), p.Tenant, 1)
		return apierr.New("domain_already_exists")
	}
	s.domains[name] = &domain{Name: name, Owner: p.Tenant, Created: s.cfg.Now()}
	return respond.JSON(w, http.StatusCreated, map[string]any{"domain": name, "verified": false,
		"verifyBy": s.cfg.Now().Add(s.cfg.VerifyWindow).UTC()})
}

func (s *Server) verifyDomain(w http.ResponseWriter, r *http.Request) error {
	p := apierr.PrincipalFrom(r.Context())
	name := strings.ToLower(r.PathValue("domain"))
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.domains[name]
	if d == nil || d.Owner != p.Tenant {
		return apierr.New("not_found")
	}
	if !d.Verified && !s.cfg.Now().Before(d.Created.Add(s.cfg.VerifyWindow)) {
		return apierr.New("domain_expired")
	}
	d.Verified = true
	return respond.JSON(w, http.StatusOK, map[string]any{"domain": name, "verified": true})
}

func (s *Server) addWebhook(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		URL string `json:"url" validate:"required,url"`
	}
	if err := bind.JSON(r, &req); err != nil {
		return err
	}
	p := apierr.PrincipalFrom(r.Context())
	if _, err := s.webhookQuota.Use(r.Context(), p.Tenant, 1); err != nil {
		return limitReached(err, "webhook_limit_reached")
	}
	s.mu.Lock()
	s.webhooks[p.Tenant] = append(s.webhooks[p.Tenant], req.URL)
	s.mu.Unlock()
	return respond.JSON(w, http.StatusCreated, map[string]any{"url": req.URL})
}

// passwordDigest is how the demo keeps passwords: a digest, never the text.
// A real service would use a slow password hash (bcrypt, argon2id).
func passwordDigest(pw string) [sha256.Size]byte { return sha256.Sum256([]byte("mail-demo:" + pw)) }

func (a *account) checkPassword(pw string) bool {
	d := passwordDigest(pw)
	return subtle.ConstantTimeCompare(a.password[:], d[:]) == 1
}
