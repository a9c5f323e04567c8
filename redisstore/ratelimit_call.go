package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultTimeout bounds every Redis call of the rate-limit, concurrency and
// quota stores when their config sets none.
const DefaultTimeout = 100 * time.Millisecond

// rlCaller bounds Redis calls by a timeout. go-redis honours a context
// deadline on the socket only with Options.ContextTimeoutEnabled; without it
// a hung Redis holds a call for ReadTimeout (3s by default) per retry. So for
// a client that does not honour deadlines the call runs on a goroutine the
// caller stops waiting for at the deadline: slower (a goroutine per call),
// but the API never hangs because Redis does.
type rlCaller struct {
	client  redis.UniversalClient
	timeout time.Duration
	guard   bool
	breaker *rlBreaker
	batch   *rlBatcher // nil: one round trip per call, never coalesced
}

// rlNewCaller returns a caller; pipelines is the config's Pipelines (0:
// DefaultPipelines, negative: no coalescing).
func rlNewCaller(client redis.UniversalClient, timeout, failFast time.Duration, breakAfter, pipelines int) rlCaller {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	c := rlCaller{client: client, timeout: timeout, guard: !rlHonoursDeadlines(client),
		breaker: newBreaker(failFast, breakAfter)}
	if pipelines == 0 {
		pipelines = DefaultPipelines
	}
	if pipelines > 0 {
		c.batch = &rlBatcher{client: client, limit: pipelines, timeout: timeout}
	}
	return c
}

func rlHonoursDeadlines(c redis.UniversalClient) bool {
	switch c := c.(type) {
	case *redis.Client:
		return c.Options().ContextTimeoutEnabled
	case *redis.ClusterClient:
		return c.Options().ContextTimeoutEnabled
	case *redis.Ring:
		return c.Options().ContextTimeoutEnabled
	}
	return false
}

// run runs script with a context bounded by the timeout, coalesced with
// concurrent calls into pipelines when the store has a batcher.
func (c *rlCaller) run(ctx context.Context, script *redis.Script, keys []string, args ...any) ([]any, error) {
	ok, probe := c.breaker.enter()
	if !ok {
		return nil, ErrFailingFast
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	var v []any
	var err error
	if c.batch == nil {
		v, err = c.direct(ctx, script, keys, args)
	} else {
		v, err = c.batch.do(ctx, c, script, keys, args)
	}
	cancel()
	c.exit(ctx, probe, err)
	return v, err
}

// exit records a call's outcome. A cluster client whose call failed for
// want of Redis is told to reload its slot map at once (it does so in the
// background, once): after a failover the first failures then bring the
// new master into use, where the client would otherwise keep dialling the
// dead one until its periodic reload.
func (c *rlCaller) exit(ctx context.Context, probe bool, err error) {
	c.breaker.exit(probe, err)
	if err != nil && rlWantOfRedis(err) {
		if cc, ok := c.client.(*redis.ClusterClient); ok {
			cc.ReloadState(context.WithoutCancel(ctx))
		}
	}
}

// direct runs script in a round trip of its own; ctx carries the deadline.
func (c *rlCaller) direct(ctx context.Context, script *redis.Script, keys []string, args []any) ([]any, error) {
	if !c.guard {
		return rlSlice(script.Run(ctx, c.client, keys, args...))
	}
	type result struct {
		v   []any
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := rlSlice(script.Run(ctx, c.client, keys, args...))
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("redisstore: %w", ctx.Err())
	}
}

func rlSlice(cmd *redis.Cmd) ([]any, error) {
	v, err := cmd.Slice()
	if err != nil {
		return nil, fmt.Errorf("redisstore: %w", err)
	}
	return v, nil
}

func rlInt(v any) int64 {
	n, _ := v.(int64)
	return n
}

// rlCheckPrefix rejects a prefix that would break hash tagging.
func rlCheckPrefix(p string) string {
	if strings.ContainsAny(p, "{}") {
		panic("redisstore: a key prefix must not contain '{' or '}': keys are hash-tagged")
	}
	return p
}

// rlLeasePrefix makes lease IDs unique across processes.
var rlLeasePrefix = func() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:]) + ":"
}()

// exec runs f, one Redis exchange, as run does a script: through the
// breaker, bounded by the timeout, on a goroutine of its own when the
// client ignores deadlines. f's results are valid only when exec returns nil
// or a reply error from Redis.
func (c *rlCaller) exec(ctx context.Context, f func(ctx context.Context) error) error {
	ok, probe := c.breaker.enter()
	if !ok {
		return ErrFailingFast
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var err error
	if !c.guard {
		err = f(ctx)
	} else {
		ch := make(chan error, 1)
		go func() { ch <- f(ctx) }()
		select {
		case err = <-ch:
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	c.exit(ctx, probe, err)
	return err
}
