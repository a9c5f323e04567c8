package client

import (
	"context"
	"sync"
	"time"
)

// PaceStore keeps the send schedules a Pacer paces requests by, one per
// key (a scope and a policy). A store shared by several processes
// (redisstore.PaceStore) paces all of them as one client.
//
// Reserve books the next send slot of key and returns how long after s.Now
// the request may be sent. It is GCRA run as a reservation: with tat the
// key's theoretical arrival time (zero for a new key),
//
//	tat  = max(tat, s.Now + s.NotBefore, s.Now)
//	at   = max(s.Now, tat − (s.Burst−1)·s.Interval)
//	wait = at − s.Now
//	if s.MaxWait > 0 && wait > s.MaxWait: book nothing, return wait, false
//	tat  = tat + s.Interval; return wait, true
//
// so up to Burst requests go at once and then one per Interval. A store may
// measure time on a clock of its own (Redis's TIME), in which case it
// ignores s.Now and takes NotBefore as an offset from its own now.
// Implementations must be safe for concurrent use, and may forget a key
// once its tat has passed.
type PaceStore interface {
	Reserve(ctx context.Context, key string, s PaceSlot) (wait time.Duration, ok bool, err error)
}

// PaceSlot is one reservation's terms.
type PaceSlot struct {
	// Now is the caller's clock.
	Now time.Time
	// Interval is the spacing of requests in the long run (the policy's
	// window over its quota, slowed by PaceConfig.Margin); 0 means no
	// spacing, only NotBefore.
	Interval time.Duration
	// Burst is how many requests may go at once (the policy's quota); at
	// least 1.
	Burst int64
	// NotBefore raises the schedule to at least Now+NotBefore: what the
	// server's last RateLimit field says is already used (by other clients
	// too).
	NotBefore time.Duration
	// MaxWait, when positive, is the longest wait worth booking.
	MaxWait time.Duration
}

// MemoryPaceStore is a PaceStore in this process's memory. Its zero value is
// ready to use.
type MemoryPaceStore struct {
	mu    sync.Mutex
	tat   map[string]time.Time
	sweep int // size at which the next sweep runs
}

var _ PaceStore = (*MemoryPaceStore)(nil)

// Reserve implements PaceStore on s.Now's clock.
func (m *MemoryPaceStore) Reserve(_ context.Context, key string, s PaceSlot) (time.Duration, bool, error) {
	burst := max(s.Burst, 1)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tat == nil {
		m.tat = make(map[string]time.Time)
	}
	tat := m.tat[key]
	if fl := s.Now.Add(s.NotBefore); tat.Before(fl) {
		tat = fl
	}
	if tat.Before(s.Now) {
		tat = s.Now
	}
	at := tat.Add(-time.Duration(burst-1) * s.Interval)
	if at.Before(s.Now) {
		at = s.Now
	}
	wait := at.Sub(s.Now)
	if s.MaxWait > 0 && wait > s.MaxWait {
		return wait, false, nil
	}
	m.tat[key] = tat.Add(s.Interval)
	if len(m.tat) >= max(m.sweep, 64) {
		for k, t := range m.tat {
			if !t.After(s.Now) {
				delete(m.tat, k)
			}
		}
		m.sweep = 2 * len(m.tat)
	}
	return wait, true, nil
}
