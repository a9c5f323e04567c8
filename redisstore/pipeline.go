package redisstore

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultPipelines is how many round trips a store keeps in flight at once
// before it coalesces further checks into pipelines (see
// RateLimitConfig.Pipelines).
const DefaultPipelines = 4

// rlMaxBatch bounds one pipeline, so one round trip's reply stays small and
// a caller never waits behind thousands of others.
const rlMaxBatch = 128

// rlBatcher coalesces script calls from concurrent callers (auto-pipelining).
// A call runs at once, alone, on the caller's goroutine while fewer than
// limit round trips are in flight; otherwise it is queued, and the next
// round trip to finish takes every queued call and sends them as one
// pipeline. Each call is still exactly one EVALSHA of its own script, atomic
// on its own: the pipeline only shares the network round trip (and Redis's
// read and write system calls), so semantics do not change. A lone caller
// pays nothing for it: no queue, no goroutine hop.
type rlBatcher struct {
	client  redis.UniversalClient
	limit   int
	timeout time.Duration

	mu     sync.Mutex
	active int         // round trips in flight
	queue  []*rlScript // calls waiting for one
}

// rlScript is one queued script call and, once done is closed, its reply.
type rlScript struct {
	script *redis.Script
	keys   []string
	args   []any
	ctx    context.Context
	res    []any
	err    error
	done   chan struct{}
}

var rlScriptPool = sync.Pool{New: func() any { return &rlScript{done: make(chan struct{}, 1)} }}

// do runs script for the caller, alone (c.direct, when a slot is free) or
// in a pipeline with others.
func (b *rlBatcher) do(ctx context.Context, c *rlCaller, script *redis.Script, keys []string, args []any) ([]any, error) {
	b.mu.Lock()
	if b.active < b.limit {
		b.active++
		b.mu.Unlock()
		v, err := c.direct(ctx, script, keys, args)
		b.release()
		return v, err
	}
	q := rlScriptPool.Get().(*rlScript)
	q.script, q.keys, q.args, q.ctx = script, keys, args, ctx
	b.queue = append(b.queue, q)
	b.mu.Unlock()
	select {
	case <-q.done:
		v, err := q.res, q.err
		*q = rlScript{done: q.done}
		rlScriptPool.Put(q)
		return v, err
	case <-ctx.Done():
		// The call may still run: a timed-out check may have been charged,
		// as with any request whose reply is lost. q is not reused.
		return nil, fmt.Errorf("redisstore: %w", ctx.Err())
	}
}

// release ends a round trip: it hands its slot to the queued calls, if any,
// on a goroutine of their own, so the caller returns at once.
func (b *rlBatcher) release() {
	b.mu.Lock()
	if len(b.queue) == 0 {
		b.active--
		b.mu.Unlock()
		return
	}
	batch := b.take()
	b.mu.Unlock()
	go b.drain(batch)
}

// take removes up to rlMaxBatch queued calls; b.mu is held.
func (b *rlBatcher) take() []*rlScript {
	n := min(len(b.queue), rlMaxBatch)
	batch := make([]*rlScript, n)
	copy(batch, b.queue)
	rest := copy(b.queue, b.queue[n:])
	clear(b.queue[rest:])
	b.queue = b.queue[:rest]
	return batch
}

// drain sends pipelines while calls are queued, then frees its slot.
func (b *rlBatcher) drain(batch []*rlScript) {
	for {
		b.flush(batch)
		b.mu.Lock()
		if len(b.queue) == 0 {
			b.active--
			b.mu.Unlock()
			return
		}
		batch = b.take()
		b.mu.Unlock()
	}
}

// flush sends batch as one pipeline of EVALSHAs. A script Redis does not
// have (NOSCRIPT: a restarted server, a new cluster node, SCRIPT FLUSH) is
// sent again as EVAL, which also caches it.
func (b *rlBatcher) flush(batch []*rlScript) {
	// One caller's cancelled request must not fail the others' checks: the
	// pipeline has the store's timeout of its own (each caller still stops
	// waiting at its own deadline).
	ctx, cancel := context.WithTimeout(context.WithoutCancel(batch[0].ctx), b.timeout)
	defer cancel()
	cmds := make([]*redis.Cmd, len(batch))
	_, _ = b.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, c := range batch {
			cmds[i] = c.script.EvalSha(ctx, p, c.keys, c.args...)
		}
		return nil
	})
	var again []int
	for i, cmd := range cmds {
		if err := cmd.Err(); err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT") {
			again = append(again, i)
		}
	}
	if len(again) > 0 {
		_, _ = b.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, i := range again {
				cmds[i] = batch[i].script.Eval(ctx, p, batch[i].keys, batch[i].args...)
			}
			return nil
		})
	}
	for i, c := range batch {
		c.res, c.err = rlSlice(cmds[i])
		c.done <- struct{}{}
	}
}
