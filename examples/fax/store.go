package fax

import (
	"crypto/rand"
	"encoding/hex"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/apierr/apierr"
)

// Env is an environment: every key, balance and fax belongs to one.
type Env string

// The two environments. A key's prefix names its environment.
const (
	Sandbox Env = "test" // keys fx_test_…; outcomes follow the destination number
	Live    Env = "live" // keys fx_live_…
)

// Status is a fax's state. queued → submitted → in_progress → delivered or
// failed; the last two are terminal.
type Status string

// Fax states.
const (
	Queued     Status = "queued"
	Submitted  Status = "submitted"
	InProgress Status = "in_progress"
	Delivered  Status = "delivered"
	Failed     Status = "failed"
)

// Terminal reports whether s is a final state.
func (s Status) Terminal() bool { return s == Delivered || s == Failed }

// Workspace is a customer account. Each environment of a workspace has its
// own credit balance.
type Workspace struct {
	// ID identifies the workspace; it is the principal's tenant.
	ID string
	// Name is for people.
	Name string
	// Inactive workspaces get workspace_inactive on every request.
	Inactive bool
	// ZeroFootprint deletes a fax's document as soon as the fax is terminal.
	ZeroFootprint bool
	// Retention is how long a terminal fax's document is kept; 0 means the
	// store's default (Config.Retention).
	Retention time.Duration
}

// Fax is what GET /fax/{id} returns: the metadata, which outlives the document.
type Fax struct {
	ID            string     `json:"id"`                       // fax_ and 24 hex digits
	Status        Status     `json:"status"`                   // queued … delivered or failed
	To            string     `json:"to"`                       // E.164 destination
	Pages         int        `json:"pages"`                    // counted from the document
	Cost          int64      `json:"cost"`                     // credits held, then charged on delivery
	MediaType     string     `json:"media_type"`               // application/pdf, image/tiff or image/jpeg
	Environment   Env        `json:"environment"`              // test or live, the key's
	CreatedAt     time.Time  `json:"created_at"`               // submission time
	UpdatedAt     time.Time  `json:"updated_at"`               // last state change
	CompletedAt   *time.Time `json:"completed_at,omitempty"`   // when it became terminal
	FailureReason string     `json:"failure_reason,omitempty"` // for failed faxes, e.g. no_answer
	DataPurged    bool       `json:"data_purged"`              // the document is gone; metadata stays
	ResentFrom    string     `json:"resent_from,omitempty"`    // the fax this one resends

	workspace string
	doc       []byte
}

// Balance is what GET /account/balance returns, for the key's environment.
type Balance struct {
	Environment Env    `json:"environment"` // test or live
	Balance     int64  `json:"balance"`     // credits owned
	Holds       int64  `json:"holds"`       // credits held by faxes in flight
	Available   int64  `json:"available"`   // Balance − Holds: what a new fax may cost
	Currency    string `json:"currency"`    // always "credits"
}

type acctKey struct {
	workspace string
	env       Env
}

type account struct{ balance, holds int64 }

// store holds workspaces, balances and faxes in memory. One mutex guards it
// all, so a balance check and the hold it places are one atomic step: 200
// concurrent submissions against credit for 50 admit exactly 50.
type store struct {
	mu         sync.Mutex
	now        func() time.Time
	retention  time.Duration
	workspaces map[string]*Workspace
	accounts   map[acctKey]*account
	faxes      map[string]*Fax
	inflight   map[string]*Fax // not yet terminal
	retained   map[string]*Fax // terminal, document not yet purged
}

func newStore(now func() time.Time, retention time.Duration) *store {
	return &store{
		now:        now,
		retention:  retention,
		workspaces: map[string]*Workspace{},
		accounts:   map[acctKey]*account{},
		faxes:      map[string]*Fax{},
		inflight:   map[string]*Fax{},
		retained:   map[string]*Fax{},
	}
}

func (s *store) addWorkspace(w Workspace) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cp := w
	s.workspaces[w.ID] = &cp
	for _, env := range []Env{Sandbox, Live} {
		if s.accounts[acctKey{w.ID, env}] == nil {
			s.accounts[acctKey{w.ID, env}] = &account{}
		}
	}
}

func (s *store) setActive(id string, active bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.workspaces[id]
	if w == nil {
		return false
	}
	w.Inactive = !active
	return true
}

func (s *store) active(id string) (known, active bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.workspaces[id]
	return w != nil, w != nil && !w.Inactive
}

func (s *store) credit(id string, env Env, amount int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[acctKey{id, env}]
	if a == nil {
		a = &account{}
		s.accounts[acctKey{id, env}] = a
	}
	a.balance += amount
}

func (s *store) balance(id string, env Env) Balance {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[acctKey{id, env}]
	if a == nil {
		a = &account{}
	}
	return Balance{Environment: env, Balance: a.balance, Holds: a.holds,
		Available: a.balance - a.holds, Currency: "credits"}
}

// submission is a validated document on its way to a number.
type submission struct {
	workspace  string
	env        Env
	to         string
	doc        []byte
	mediaType  string
	pages      int
	cost       int64
	resentFrom string
}

// submit places a hold of sub.cost and queues the fax, or returns
// insufficient_balance when the available credit is short.
func (s *store) submit(sub submission) (Fax, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[acctKey{sub.workspace, sub.env}]
	if a == nil {
		a = &account{}
		s.accounts[acctKey{sub.workspace, sub.env}] = a
	}
	if avail := a.balance - a.holds; avail < sub.cost {
		return Fax{}, apierr.New("insufficient_balance").
			WithMessage("Insufficient balance for this operation.").
			With("available", avail).With("required", sub.cost)
	}
	a.holds += sub.cost
	now := s.now().UTC()
	f := &Fax{ID: newID(), Status: Queued, To: sub.to, Pages: sub.pages, Cost: sub.cost,
		MediaType: sub.mediaType, Environment: sub.env, CreatedAt: now, UpdatedAt: now,
		ResentFrom: sub.resentFrom, workspace: sub.workspace, doc: sub.doc}
	s.faxes[f.ID] = f
	s.inflight[f.ID] = f
	return *f, nil
}

// lookup returns the fax id as the caller may see it: not_found when it does
// not exist or lives in the other environment, and the owning workspace so
// the caller can check ownership.
func (s *store) lookup(env Env, id string) (Fax, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.faxes[id]
	if f == nil || f.Environment != env {
		return Fax{}, apierr.Cond(apierr.CondNotFound)
	}
	s.purgeDue(f, s.now())
	return *f, nil
}

// document returns the fax's document, or fax_data_purged.
func (s *store) document(id string) ([]byte, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.faxes[id]
	if f == nil {
		return nil, "", apierr.Cond(apierr.CondNotFound)
	}
	s.purgeDue(f, s.now())
	if f.DataPurged {
		return nil, "", apierr.New("fax_data_purged")
	}
	return f.doc, f.MediaType, nil
}

// remove deletes a terminal fax, or returns fax_not_terminal.
func (s *store) remove(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.faxes[id]
	if f == nil {
		return apierr.Cond(apierr.CondNotFound)
	}
	if !f.Status.Terminal() {
		return apierr.New("fax_not_terminal").With("status", string(f.Status))
	}
	delete(s.faxes, id)
	delete(s.retained, id)
	return nil
}

// advance moves every fax in flight one state on and purges documents whose
// retention has passed. It returns how many faxes are still in flight.
func (s *store) advance(outcome func(Fax) (Status, string)) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UTC()
	for id, f := range s.inflight {
		switch f.Status {
		case Queued:
			f.Status = Submitted
		case Submitted:
			f.Status = InProgress
		case InProgress:
			st, reason := outcome(*f)
			a := s.accounts[acctKey{f.workspace, f.Environment}]
			a.holds -= f.Cost
			if st == Delivered {
				a.balance -= f.Cost
			} else {
				st = Failed
				f.FailureReason = reason
			}
			f.Status = st
			t := now
			f.CompletedAt = &t
			delete(s.inflight, id)
			s.retained[id] = f
		}
		f.UpdatedAt = now
	}
	for _, f := range s.retained {
		s.purgeDue(f, now)
	}
	return len(s.inflight)
}

// purgeDue deletes f's document when f is terminal and its workspace's
// retention has passed (at once in zero-footprint mode). s.mu is held.
func (s *store) purgeDue(f *Fax, now time.Time) {
	if f.DataPurged || f.CompletedAt == nil {
		return
	}
	keep := s.retention
	if w := s.workspaces[f.workspace]; w != nil {
		if w.ZeroFootprint {
			keep = 0
		} else if w.Retention > 0 {
			keep = w.Retention
		}
	}
	if now.Before(f.CompletedAt.Add(keep)) {
		return
	}
	f.doc = nil
	f.DataPurged = true
	delete(s.retained, f.ID)
}

// seed stores a fax as is (demo data): a terminal one is already settled.
func (s *store) seed(f Fax, workspace string, doc []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cp := f
	cp.workspace, cp.doc = workspace, doc
	s.faxes[cp.ID] = &cp
	if cp.Status.Terminal() {
		if !cp.DataPurged {
			s.retained[cp.ID] = &cp
		}
		s.purgeDue(&cp, s.now())
		return
	}
	s.inflight[cp.ID] = &cp
	s.accounts[acctKey{workspace, cp.Environment}].holds += cp.Cost
}

// snapshot lists the faxes of a workspace and environment, oldest first (tests).
func (s *store) snapshot(workspace string, env Env) []Fax {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Fax
	for _, f := range s.faxes {
		if f.workspace == workspace && f.Environment == env {
			out = append(out, *f)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "fax_" + strings.ToLower(hex.EncodeToString(b[:]))
}
