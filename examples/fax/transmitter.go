package fax

import (
	"context"
	"strings"
	"time"
)

// Sandbox destination numbers decide what happens to a fax, so every path can
// be tried without a phone line. In the live environment every fax is
// delivered (the demo has no real carrier).
const (
	// SandboxFailSuffix: a sandbox fax to a number ending in 0000 fails
	// (failure_reason "no_answer"); its hold is released, nothing is charged.
	SandboxFailSuffix = "0000"
	// SandboxErrorSuffix: POST /fax to a number ending in 0500 in the sandbox
	// answers 500 internal_server_error, so clients can test their retries.
	SandboxErrorSuffix = "0500"
)

// Outcome decides a fax's terminal state when it leaves in_progress.
type Outcome func(f Fax) (status Status, failureReason string)

// SandboxOutcome is the default Outcome: sandbox numbers ending in
// SandboxFailSuffix fail, everything else is delivered.
func SandboxOutcome(f Fax) (Status, string) {
	if f.Environment == Sandbox && strings.HasSuffix(f.To, SandboxFailSuffix) {
		return Failed, "no_answer"
	}
	return Delivered, ""
}

// Advance moves every fax in flight one state on (queued → submitted →
// in_progress → delivered or failed), settles the credit of the faxes that
// finish, and purges documents whose retention has passed. It returns how
// many faxes are still in flight. The transmitter calls it on every tick;
// tests call it directly.
func (s *Server) Advance() int { return s.store.advance(s.outcome) }

// Drain advances until no fax is in flight: three steps for faxes submitted
// before the call.
func (s *Server) Drain() {
	for s.Advance() > 0 {
	}
}

// Run is the background transmitter: it calls Advance on every tick until
// ctx is done. Ticks come from Config.Ticks when set (tests), else from a
// ticker of Config.TickInterval.
func (s *Server) Run(ctx context.Context) {
	ticks := s.cfg.Ticks
	if ticks == nil {
		t := time.NewTicker(s.cfg.TickInterval)
		defer t.Stop()
		ticks = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
			s.Advance()
		}
	}
}

// Start runs the transmitter in a goroutine; stop ends it and waits for it.
func (s *Server) Start() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}
