package idempotency

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrStoreFull is returned by MemoryStore.Acquire (and Complete) when the
// store is at MaxEntries and the caller scope holding the most records holds
// nothing but running requests' leases, which are never evicted. The
// middleware answers it like any store failure (503 with Retry-After, or
// apierr.FailOpen).
var ErrStoreFull = errors.New("idempotency: memory store full of running requests' leases")

// MemoryConfig configures a MemoryStore. The zero value works.
type MemoryConfig struct {
	// MaxEntries bounds the number of records kept (default 100,000).
	// When full, the caller scope holding the most records gives one up:
	// its expired leases first, then its oldest stored response. So one
	// caller sending fresh keys pushes out its own records, never those of
	// a caller holding fewer; and a running request's lease is never
	// evicted (its duplicate would run beside it): if the largest scope
	// holds only leases, Acquire fails with ErrStoreFull. Size it above
	// the keys a TTL sees: a retry of an evicted completed key runs again.
	MaxEntries int
	// MaxBytes bounds the bytes of the stored responses (bodies, headers
	// and a fixed overhead per record; default 256 MiB). When over, the
	// scope holding the most bytes gives up its oldest stored responses
	// (never a running request's lease): without it, one caller sending
	// fresh keys to a route with large responses could make the store hold
	// MaxEntries × Config.MaxResponseBytes.
	MaxBytes int64
	// Now is the clock (default time.Now); tests inject one to expire
	// leases without sleeping.
	Now func() time.Time
}

// MemoryStore is a Store for one process: a bounded map whose records
// expire, bounded per caller scope as MemoryConfig describes. Keys built by
// the middleware start with their scope (see Store); other keys share one
// scope. It is safe for concurrent use; every method holds one mutex, which
// makes each call atomic as the Store contract requires.
type MemoryStore struct {
	mu sync.Mutex
	m  map[string]*memEntry
	// all links every record in insertion (or last renewal) order, so the
	// oldest expired ones are swept without a background goroutine.
	all    memEntry
	scopes map[string]*memScope
	// byCount and byBytes order the scopes by records and by bytes held:
	// the top of each pays for the bound it is over.
	byCount, byBytes scopeHeap
	max              int
	bytes, maxBytes  int64
	now              func() time.Time
}

var _ Store = (*MemoryStore)(nil)

type memEntry struct {
	key     string
	scope   *memScope
	rec     *Record
	size    int64 // recordSize(rec)
	expires time.Time
	// prev, next link the entry in its scope's leases or done ring;
	// gprev, gnext in the store's ring of all records.
	prev, next   *memEntry
	gprev, gnext *memEntry
}

// memScope holds one caller's records: leases (in flight) and done
// (completed) rings, each oldest first.
type memScope struct {
	name           string
	leases, done   memEntry // ring sentinels
	n              int
	bytes          int64
	countAt, bytAt int // positions in the store's heaps
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
	s := &MemoryStore{m: make(map[string]*memEntry), scopes: make(map[string]*memScope),
		max: cfg.MaxEntries, maxBytes: cfg.MaxBytes, now: cfg.Now}
	s.all.gprev, s.all.gnext = &s.all, &s.all
	s.byCount = scopeHeap{
		larger: func(a, b *memScope) bool { return a.n > b.n },
		at:     func(sc *memScope) *int { return &sc.countAt },
	}
	s.byBytes = scopeHeap{
		larger: func(a, b *memScope) bool { return a.bytes > b.bytes },
		at:     func(sc *memScope) *int { return &sc.bytAt },
	}
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
	if err := s.insert(key, rec, now.Add(lease), now); err != nil {
		return nil, err
	}
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
		return s.insert(key, rec, now.Add(ttl), now)
	}
	if e.rec.Status != InFlight || e.rec.Token != rec.Token {
		return ErrLeaseLost
	}
	// Same entry, new record: it moves to the young end of its scope's
	// done ring and of the store's ring, and the byte bound now weighs the
	// stored response.
	sc := e.scope
	unlink(e)
	gunlink(e)
	size := recordSize(rec)
	s.addBytes(sc, size-e.size)
	e.rec, e.size, e.expires = rec, size, now.Add(ttl)
	link(&sc.done, e)
	glink(&s.all, e)
	for s.bytes > s.maxBytes && s.evictFrom(s.byBytes.top(), now) {
	}
	return nil
}

// Renew implements Store.
func (s *MemoryStore) Renew(_ context.Context, key string, token Token, lease time.Duration) error {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.m[key]
	if e == nil || !now.Before(e.expires) || e.rec.Status != InFlight || e.rec.Token != token {
		return ErrLeaseLost
	}
	e.expires = now.Add(lease)
	unlink(e)
	link(&e.scope.leases, e)
	gunlink(e)
	glink(&s.all, e)
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
		e := s.all.gnext
		if e == &s.all || now.Before(e.expires) {
			return
		}
		s.remove(e)
	}
}

// insert adds a record, first making room under MaxEntries and MaxBytes.
func (s *MemoryStore) insert(key string, rec *Record, expires, now time.Time) error {
	size := recordSize(rec)
	for len(s.m) >= s.max {
		if !s.evictFrom(s.byCount.top(), now) {
			return ErrStoreFull
		}
	}
	for s.bytes+size > s.maxBytes && s.evictFrom(s.byBytes.top(), now) {
	}
	name := scopeOf(key)
	sc := s.scopes[name]
	if sc == nil {
		sc = &memScope{name: name}
		sc.leases.prev, sc.leases.next = &sc.leases, &sc.leases
		sc.done.prev, sc.done.next = &sc.done, &sc.done
		s.scopes[name] = sc
		s.byCount.push(sc)
		s.byBytes.push(sc)
	}
	e := &memEntry{key: key, scope: sc, rec: rec, size: size, expires: expires}
	if rec.Status == InFlight {
		link(&sc.leases, e)
	} else {
		link(&sc.done, e)
	}
	glink(&s.all, e)
	s.m[key] = e
	sc.n++
	s.byCount.fix(sc)
	s.addBytes(sc, size)
	return nil
}

// evictFrom removes the scope's oldest record that is not a live lease (an
// expired lease, else its oldest stored response) and reports whether there
// was one.
func (s *MemoryStore) evictFrom(sc *memScope, now time.Time) bool {
	if sc == nil {
		return false
	}
	if e := sc.leases.next; e != &sc.leases && !now.Before(e.expires) {
		s.remove(e)
		return true
	}
	if e := sc.done.next; e != &sc.done {
		s.remove(e)
		return true
	}
	return false
}

func (s *MemoryStore) remove(e *memEntry) {
	sc := e.scope
	unlink(e)
	gunlink(e)
	delete(s.m, e.key)
	sc.n--
	s.addBytes(sc, -e.size)
	if sc.n == 0 {
		s.byCount.remove(sc)
		s.byBytes.remove(sc)
		delete(s.scopes, sc.name)
		return
	}
	s.byCount.fix(sc)
}

func (s *MemoryStore) addBytes(sc *memScope, d int64) {
	sc.bytes += d
	s.bytes += d
	if sc.n > 0 {
		s.byBytes.fix(sc)
	}
}

func link(head, e *memEntry) {
	e.prev, e.next = head.prev, head
	head.prev.next = e
	head.prev = e
}

func unlink(e *memEntry) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
}

func glink(head, e *memEntry) {
	e.gprev, e.gnext = head.gprev, head
	head.gprev.gnext = e
	head.gprev = e
}

func gunlink(e *memEntry) {
	e.gprev.gnext, e.gnext.gprev = e.gnext, e.gprev
	e.gprev, e.gnext = nil, nil
}

// scopeOf returns the caller scope of a key the middleware built
// (len(scope) ":" scope ":" key), or "" for any other key.
func scopeOf(key string) string {
	n, i := 0, 0
	for ; i < len(key) && i < 8 && key[i] >= '0' && key[i] <= '9'; i++ {
		n = n*10 + int(key[i]-'0')
	}
	if i == 0 || i >= len(key) || key[i] != ':' || len(key) < i+1+n+1 || key[i+1+n] != ':' {
		return ""
	}
	return key[i+1 : i+1+n]
}

// scopeHeap is a max-heap of scopes by one measure, each scope knowing its
// position so a change of measure is fixed in O(log scopes).
type scopeHeap struct {
	s      []*memScope
	larger func(a, b *memScope) bool
	at     func(*memScope) *int
}

func (h *scopeHeap) top() *memScope {
	if len(h.s) == 0 {
		return nil
	}
	return h.s[0]
}

func (h *scopeHeap) push(sc *memScope) {
	*h.at(sc) = len(h.s)
	h.s = append(h.s, sc)
	h.up(len(h.s) - 1)
}

func (h *scopeHeap) remove(sc *memScope) {
	i, last := *h.at(sc), len(h.s)-1
	if i != last {
		h.swap(i, last)
	}
	h.s[last] = nil
	h.s = h.s[:last]
	if i != last {
		h.fixAt(i)
	}
}

func (h *scopeHeap) fix(sc *memScope) { h.fixAt(*h.at(sc)) }

func (h *scopeHeap) fixAt(i int) {
	if !h.down(i) {
		h.up(i)
	}
}

func (h *scopeHeap) swap(i, j int) {
	h.s[i], h.s[j] = h.s[j], h.s[i]
	*h.at(h.s[i]) = i
	*h.at(h.s[j]) = j
}

func (h *scopeHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.larger(h.s[i], h.s[p]) {
			return
		}
		h.swap(i, p)
		i = p
	}
}

// down sifts i down and reports whether it moved.
func (h *scopeHeap) down(i int) bool {
	start := i
	for {
		l := 2*i + 1
		if l >= len(h.s) {
			break
		}
		c := l
		if r := l + 1; r < len(h.s) && h.larger(h.s[r], h.s[l]) {
			c = r
		}
		if !h.larger(h.s[c], h.s[i]) {
			break
		}
		h.swap(i, c)
		i = c
	}
	return i > start
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
