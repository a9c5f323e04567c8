package redisstore

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierr/apierr/internal/redistest"
	"github.com/apierr/apierr/ratelimit"
)

// pipeCounter counts round trips that call scripts (a command or a
// pipeline) and the script calls in them.
type pipeCounter struct{ trips, scripts atomic.Int64 }

func (h *pipeCounter) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *pipeCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if n := cmd.Name(); n == "evalsha" || n == "eval" {
			h.trips.Add(1)
			h.scripts.Add(1)
		}
		return next(ctx, cmd)
	}
}
func (h *pipeCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		n := int64(0)
		for _, c := range cmds {
			if name := c.Name(); name == "evalsha" || name == "eval" {
				n++
			}
		}
		if n > 0 { // not a new connection's handshake
			h.trips.Add(1)
			h.scripts.Add(n)
		}
		return next(ctx, cmds)
	}
}

// TestRateLimitPipelined: while the one round trip allowed is held up
// (Redis paused), 63 more checks queue; when Redis answers they go out as
// one pipeline, each still one script call, and the decisions are exactly
// those of 64 checks one at a time (a burst of 40 admits 40).
func TestRateLimitPipelined(t *testing.T) {
	srv := redistest.New(t)
	client := srv.Client()
	hook := &pipeCounter{}
	client.AddHook(hook)
	s := NewRateLimitStore(client, RateLimitConfig{Prefix: srv.Prefix(), Timeout: 30 * time.Second, Pipelines: 1})
	pols := []ratelimit.Policy{ratelimit.PerDay(1).WithBurst(40)}
	ctx := context.Background()
	admin := srv.Client()
	if _, err := s.Allow(ctx, "warm-up", 1, pols, make([]ratelimit.Status, 1)); err != nil {
		t.Fatal(err)
	}
	hook.trips.Store(0)
	hook.scripts.Store(0)
	if err := admin.Do(ctx, "CLIENT", "PAUSE", 60000, "WRITE").Err(); err != nil {
		t.Fatal(err)
	}
	var admitted atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 64; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.Allow(ctx, "pipelined", 1, pols, make([]ratelimit.Status, 1))
			if err != nil {
				t.Error(err)
			}
			if ok {
				admitted.Add(1)
			}
		}()
	}
	for queued := 0; queued < 63; {
		s.call.batch.mu.Lock()
		queued = len(s.call.batch.queue)
		s.call.batch.mu.Unlock()
		time.Sleep(time.Millisecond) // waiting for goroutines to queue, not for a clock
	}
	if err := admin.Do(ctx, "CLIENT", "UNPAUSE").Err(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if admitted.Load() != 40 {
		t.Fatalf("admitted %d of 64, want the burst, 40", admitted.Load())
	}
	if hook.trips.Load() != 2 || hook.scripts.Load() != 64 {
		t.Fatalf("%d round trips, %d script calls; want 2 (the lone call, then one pipeline of 63) and 64", hook.trips.Load(), hook.scripts.Load())
	}
}

// TestRateLimitPipelineNoScript: a pipeline sent after Redis lost its
// scripts (SCRIPT FLUSH, a restart, a new cluster node) sends the refused
// calls again as EVAL and loses none.
func TestRateLimitPipelineNoScript(t *testing.T) {
	redistest.Each(t, func(t *testing.T, srv *redistest.Server) {
		client := srv.Client()
		hook := &pipeCounter{}
		client.AddHook(hook)
		s := NewRateLimitStore(client, RateLimitConfig{Prefix: srv.Prefix(), Timeout: 30 * time.Second})
		if err := client.ScriptFlush(context.Background()).Err(); err != nil {
			t.Fatal(err)
		}
		pols := []ratelimit.Policy{ratelimit.PerDay(1).WithBurst(3)}
		args := append([]any{int64(1)}, s.args.get(pols)...)
		batch := make([]*rlScript, 5)
		for i := range batch {
			batch[i] = &rlScript{script: rlGCRAScript, keys: []string{srv.Prefix() + "{noscript}:day"}, args: args,
				ctx: context.Background(), done: make(chan struct{}, 1)}
		}
		s.call.batch.flush(batch)
		admitted := 0
		for i, c := range batch {
			if c.err != nil {
				t.Fatalf("call %d: %v", i, c.err)
			}
			admitted += int(rlInt(c.res[0]))
		}
		if admitted != 3 {
			t.Fatalf("admitted %d of 5, want 3", admitted)
		}
		if hook.scripts.Load() != 10 {
			t.Fatalf("%d script calls, want 10 (5 EVALSHA refused, 5 EVAL)", hook.scripts.Load())
		}
	})
}
