package ratelimit

import (
	"sync/atomic"
	"time"
)

// rlClock is an injectable clock: tests move it, never sleep on it.
type rlClock struct{ ns atomic.Int64 }

func rlNewClock() *rlClock {
	c := &rlClock{}
	c.ns.Store(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC).UnixNano())
	return c
}

func (c *rlClock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *rlClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }
func (c *rlClock) Set(t time.Time)         { c.ns.Store(t.UnixNano()) }
