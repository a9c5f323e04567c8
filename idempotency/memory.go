package idempotency

import (
	"context"
	"sync"
	"time"
)

// MemoryConfig configures a MemoryStore. The zero value works.
type MemoryConfig struct {
	// MaxEntries bounds the number of records kept (default 100,000). When
	// full, the oldest record is evicted: a retry of an evicted completed key
	// runs again, so size it above the keys a TTL sees.
	MaxEntries int
	// MaxBytes bounds the bytes of the stored responses (bodies, headers
	// and a fixed overhead per record; default 256 MiB). When over, the
	// oldest completed records are evicted (never a running request's
	// lease): without it, one caller
	// sending fresh keys to a route with large responses could make the
	// store hold MaxEntries × Config.MaxResponseBytes.
	MaxBytes int64
	// Now is the clock (default time.Now); tests inject one to expire
	// leases without sleeping.
	Now func() time.Time
}

// MemoryStore is a Store for one process: a bounded map whose records expire.
// It is safe for concurrent use; every method holds one mutex, which makes
// each call atomic as the Store contract requires.
type MemoryStore struct {
	mu   sync.Mutex
	m    map[string]*memEntry
	head memEntry // sentinel of a ring in insertion order: head.next is the oldest
	max  int
	// bytes is the size of every record held; maxBytes bounds it.
	bytes, maxBytes int64
	now             func() time.Time
}

var _ Store = (*MemoryStore)(nil)

type memEntry struct {
	key        string
	rec        *Record
	size       int64 // recordSize(rec)
	expires    time.Time
	prev, next *memEntry
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore(cfg MemoryConfig) *MemoryStore {
	if cfg.MaxEntries <= 0 {
		cfg.MaxEntries = 100_000
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = 256 << 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &MemoryStore{m: make(map[string]*memEntry), max: cfg.MaxEntries, maxBytes: cfg.MaxBytes, now: cfg.Now}
	s.head.prev, s.head.next = &s.head, &s.head
	return s
}

// Len returns the number of records held, expired ones included until they
// are swept.
func (s *MemoryStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

// Acquire implements Store.
func (s *MemoryStore) Acquire(_ context.Context, key string, rec *Record, lease time.Duration) (*Record, error) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now)
	if e := s.m[key]; e != nil {
		if now.Before(e.expires) {
			return e.rec, nil
		}
		s.remove(e)
	}
	s.insert(key, rec, now.Add(lease))
	return nil, nil
}

// Complete implements Store.
func (s *MemoryStore) Complete(_ context.Context, key string, rec *Record, ttl time.Duration) error {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.m[key]
	if e == nil || !now.Before(e.expires) {
		if e != nil {
			s.remove(e)
		}
		s.insert(key, rec, now.Add(ttl))
		return nil
	}
	if e.rec.Status != InFlight || e.rec.Token != rec.Token {
		return ErrLeaseLost
	}
	// Same entry, new record; it moves to the young end of the ring, and
	// the byte bound now weighs the stored response.
	size := recordSize(rec)
	s.bytes += size - e.size
	e.rec, e.size, e.expires = rec, size, now.Add(ttl)
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = s.head.prev, &s.head
	s.head.prev.next = e
	s.head.prev = e
	for s.bytes > s.maxBytes && s.evictStored() {
	}
	return nil
}

// Release implements Store.
func (s *MemoryStore) Release(_ context.Context, key string, token Token) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.m[key]; e != nil && e.rec.Status == InFlight && e.rec.Token == token {
		s.remove(e)
	}
	return nil
}

// sweep drops up to two expired records from the old end, so expired keys
// leave without a background goroutine.
func (s *MemoryStore) sweep(now time.Time) {
	for i := 0; i < 2; i++ {
		e := s.head.next
		if e == &s.head || now.Before(e.expires) {
			return
		}
		s.remove(e)
	}
}

func (s *MemoryStore) insert(key string, rec *Record, expires time.Time) {
	size := recordSize(rec)
	for len(s.m) >= s.max && s.head.next != &s.head {
		s.remove(s.head.next)
	}
	for s.bytes+size > s.maxBytes && s.evictStored() {
	}
	s.bytes += size
	e := &memEntry{key: key, rec: rec, size: size, expires: expires}
	e.prev, e.next = s.head.prev, &s.head
	s.head.prev.next = e
	s.head.prev = e
	s.m[key] = e
}

// evictStored removes the oldest record that is not a live lease and
// reports whether there was one. The byte bound never evicts a lease (a
// duplicate of the request holding it would run beside it): leases are
// small and few, one per running request; stored responses are what weigh.
func (s *MemoryStore) evictStored() bool {
	now := s.now()
	for e := s.head.next; e != &s.head; e = e.next {
		if e.rec.Status != InFlight || !now.Before(e.expires) {
			s.remove(e)
			return true
		}
	}
	return false
}

func (s *MemoryStore) remove(e *memEntry) {
	s.bytes -= e.size
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
	delete(s.m, e.key)
}

// recordSize estimates the memory a record holds: its body and headers plus
// a fixed overhead for the record, the entry and the map slot.
func recordSize(rec *Record) int64 {
	n := int64(256 + len(rec.Body) + len(rec.ErrorCode))
	for k, vs := range rec.Header {
		n += int64(len(k)) + 16
		for _, v := range vs {
			n += int64(len(v)) + 16
		}
	}
	return n
}
