// Package logsample bounds the log records of repeated events. Per key (an
// error code, a store) and per interval, the first few events are let
// through to be logged in full and the rest are only counted; once the
// interval is over, one Summary per key reports how many were left out.
//
// The middleware's error-response records and apierr.FailurePolicy's
// store-failure records share it, so a flood of 429s or an outage of Redis
// writes a bounded number of lines whatever the traffic.
//
// Windows are aligned on multiples of the interval since the Unix epoch,
// so every key's window ends at the same instant and one timer flushes
// them all. A summary is emitted by whichever comes first: the next event
// (of any key) in a later window, the timer armed for the window's end, or
// Flush. The timer exists only while a summary is pending and is never
// re-armed by itself, so an idle sampler holds no goroutine and no timer.
package logsample

import (
	"strconv"
	"sync"
	"time"
	"weak"
)

// Config configures a Sampler. Its zero value lets no event through.
type Config struct {
	// First is how many events of each key each interval lets through.
	First int
	// Interval is the window length (must be positive).
	Interval time.Duration
	// AfterFunc runs f after d and returns a function that cancels it
	// (default: time.AfterFunc and its Timer's Stop). It is the seam tests
	// use to fire the end of a window themselves.
	AfterFunc func(d time.Duration, f func()) (stop func() bool)
	// MaxKeys bounds the keys tracked (default 1024); events of further
	// keys are sampled together under the zero key.
	MaxKeys int
}

// Summary reports the events of one key that a window left out.
type Summary[K comparable, V any] struct {
	Key        K
	Suppressed int64         // events counted, not let through
	Last       V             // the value of the last of them
	Start      time.Time     // the window's start
	Interval   time.Duration // the window's length
}

// Sampler decides, per key and window, which events are let through. It is
// safe for concurrent use. Allow does not allocate once a key is known.
type Sampler[K comparable, V any] struct {
	first     int
	interval  int64 // ns
	maxKeys   int
	afterFunc func(d time.Duration, f func()) (stop func() bool)
	emit      func(Summary[K, V])

	mu      sync.Mutex
	buckets map[K]*bucket[V]
	latest  int64 // the latest window seen: windows never go back
	pending bool  // some bucket of window `latest` holds suppressed events
	stop    func() bool
}

type bucket[V any] struct {
	window     int64
	logged     int
	suppressed int64
	last       V
}

// New returns a Sampler that calls emit with each summary, outside its
// lock (emit may log; it must be safe for concurrent use).
func New[K comparable, V any](cfg Config, emit func(Summary[K, V])) *Sampler[K, V] {
	if cfg.Interval <= 0 {
		panic("logsample: Interval must be positive")
	}
	if cfg.AfterFunc == nil {
		cfg.AfterFunc = func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }
	}
	if cfg.MaxKeys <= 0 {
		cfg.MaxKeys = 1024
	}
	s := &Sampler[K, V]{first: cfg.First, interval: int64(cfg.Interval), maxKeys: cfg.MaxKeys,
		afterFunc: cfg.AfterFunc, emit: emit, buckets: make(map[K]*bucket[V])}
	register(entry[K, V]{weak.Make(s)})
	return s
}

// The samplers alive, for FlushAll: held weakly, so a sampler no longer
// used is collected as if it had never been registered.
var registry struct {
	mu      sync.Mutex
	entries []flusher
	pruned  int // len(entries) after the last pruning
}

type flusher interface {
	flush() (alive bool)
	alive() bool
}

type entry[K comparable, V any] struct{ p weak.Pointer[Sampler[K, V]] }

func (e entry[K, V]) flush() bool {
	s := e.p.Value()
	if s == nil {
		return false
	}
	s.Flush()
	return true
}

func (e entry[K, V]) alive() bool { return e.p.Value() != nil }

func register(f flusher) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	registry.entries = append(registry.entries, f)
	if len(registry.entries) > 2*max(registry.pruned, 32) {
		pruneLocked() // amortised: the list at most doubles between prunings
	}
}

// pruneLocked drops the entries of the samplers collected; registry.mu is
// held.
func pruneLocked() {
	live := registry.entries[:0]
	for _, e := range registry.entries {
		if e.alive() {
			live = append(live, e)
		}
	}
	clear(registry.entries[len(live):])
	registry.entries = live
	registry.pruned = len(live)
}

// FlushAll emits every pending summary of every Sampler now: what a process
// that shuts down calls last, so that the counts of its last window are not
// lost with it.
func FlushAll() {
	registry.mu.Lock()
	entries := append([]flusher(nil), registry.entries...)
	registry.mu.Unlock()
	for _, e := range entries {
		e.flush()
	}
}

// Allow records an event of key at now, carrying v, and reports whether it
// is one of the first of its key in its window (to be logged in full).
// Summaries of an earlier window still pending are emitted first.
func (s *Sampler[K, V]) Allow(key K, now time.Time, v V) bool {
	w := now.UnixNano() / s.interval
	s.mu.Lock()
	var due []Summary[K, V]
	if w > s.latest {
		if s.pending {
			due = s.collectLocked()
		}
		s.latest = w
	} else {
		w = s.latest
	}
	b := s.buckets[key]
	if b == nil {
		if len(s.buckets) >= s.maxKeys {
			var zero K
			key = zero
			b = s.buckets[key]
		}
		if b == nil {
			b = &bucket[V]{window: w}
			s.buckets[key] = b
		}
	}
	if b.window != w {
		b.window, b.logged = w, 0
	}
	ok := b.logged < s.first
	if ok {
		b.logged++
	} else {
		b.suppressed++
		b.last = v
		if !s.pending {
			s.pending = true
			end := time.Unix(0, (w+1)*s.interval)
			s.stop = s.afterFunc(end.Sub(now), s.Flush)
		}
	}
	s.mu.Unlock()
	s.send(due)
	return ok
}

// Flush emits every pending summary now (at a window's end, or when the
// process shuts down) and cancels the pending timer.
func (s *Sampler[K, V]) Flush() {
	s.mu.Lock()
	var due []Summary[K, V]
	if s.pending {
		due = s.collectLocked()
	}
	s.mu.Unlock()
	s.send(due)
}

// collectLocked takes the suppressed counts of the pending window and
// cancels its timer.
func (s *Sampler[K, V]) collectLocked() []Summary[K, V] {
	var due []Summary[K, V]
	var zero V
	for k, b := range s.buckets {
		if b.suppressed == 0 {
			continue
		}
		due = append(due, Summary[K, V]{Key: k, Suppressed: b.suppressed, Last: b.last,
			Start: time.Unix(0, b.window*s.interval), Interval: time.Duration(s.interval)})
		b.suppressed, b.last = 0, zero
	}
	s.pending = false
	if s.stop != nil {
		s.stop() // a no-op when the timer is what called Flush
		s.stop = nil
	}
	return due
}

func (s *Sampler[K, V]) send(due []Summary[K, V]) {
	for _, d := range due {
		s.emit(d)
	}
}

// Thousands formats n with a comma every three digits: 12,345.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	b := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	return sign + string(b)
}
