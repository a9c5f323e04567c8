package middleware

import (
	"log/slog"
	"time"

	"github.com/apierr/apierr/internal/logsample"
)

// LevelFunc is the level of the record of a client error (a 4xx response)
// with its status and catalog code; LevelOff drops the record. Server
// errors (5xx) are always logged at slog.LevelError.
type LevelFunc func(status int, code string) slog.Level

// LevelOff, returned by a LevelFunc, logs no record for the response.
const LevelOff slog.Level = 1 << 30

// DefaultLevel is the LevelFunc of Stack and Logger: every client error at
// slog.LevelInfo. A 4xx is the client's mistake or the API's policy doing
// its job (a 429 is a limit holding); it is worth a record to trace a
// request by, not an operator's warning. Repeats are sampled (Sampling).
func DefaultLevel(status int, code string) slog.Level { return slog.LevelInfo }

// ClientErrorLevels returns a LevelFunc that logs 429 responses at limited
// and every other 4xx at client (either may be LevelOff).
func ClientErrorLevels(client, limited slog.Level) LevelFunc {
	return func(status int, _ string) slog.Level {
		if status == 429 {
			return limited
		}
		return client
	}
}

// WithLevels sets the level of each client error's record (default
// DefaultLevel).
func WithLevels(f LevelFunc) Option { return func(c *config) { c.level = f } }

// Sampling bounds the records of repeated error responses. Per catalog code
// (and status) and per Interval, the first First responses are logged in
// full; the rest are counted, and when the interval ends one record per
// code says how many were left out:
//
//	level=INFO msg="apierr: 12,345 more 429 rate_limited responses in the last 10s" code=rate_limited status=429 suppressed=12345 interval=10s since=… route="GET /fax/{id}"
//
// at the level the responses had, route being the last one's. So a flood of
// 429s, or of 503s while a store is down, writes a few lines per code per
// interval whatever the traffic. The summary is written by the next error
// response after the interval, or by a timer armed only while one is
// pending (no goroutine runs while nothing is). Server errors are sampled
// too: during a flood of one code the first few each interval keep their
// cause and stack.
type Sampling struct {
	// First is how many responses of each code each interval logs in full
	// (default DefaultSamplingFirst); negative logs every response.
	First int
	// Interval is the window (default DefaultSamplingInterval). Windows are
	// aligned on multiples of Interval, as clocks read them.
	Interval time.Duration
	// AfterFunc runs f after d and returns a function that cancels it
	// (default: time.AfterFunc and its Timer's Stop): the timer that writes
	// a summary when no response follows. Tests fire it themselves.
	AfterFunc func(d time.Duration, f func()) (stop func() bool)
}

// The defaults of Sampling.
const (
	DefaultSamplingFirst    = 5
	DefaultSamplingInterval = 10 * time.Second
)

// WithSampling sets how repeated error responses are logged (default: the
// zero Sampling, DefaultSamplingFirst a code every DefaultSamplingInterval).
// The clock is WithClock's.
func WithSampling(s Sampling) Option { return func(c *config) { c.sampling = s } }

type logSampler = logsample.Responses

// newLogSampler returns the sampler of a stack's records, nil when every
// record is to be logged.
func newLogSampler(cfg *config) *logSampler {
	s := cfg.sampling
	return logsample.NewResponses(s.First, DefaultSamplingFirst, s.Interval, DefaultSamplingInterval, s.AfterFunc, cfg.logger, cfg.level)
}

// levelOf is the level of a response's record, LevelOff for none.
func (s *stack) levelOf(status int, code string) slog.Level {
	if status >= 500 {
		return slog.LevelError
	}
	return s.cfg.level(status, code)
}
