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
}

func rlNewCaller(client redis.UniversalClient, timeout time.Duration) rlCaller {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return rlCaller{client: client, timeout: timeout, guard: !rlHonoursDeadlines(client)}
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

// run calls f with a context bounded by the timeout.
func (c *rlCaller) run(ctx context.Context, f func(ctx context.Context) *redis.Cmd) ([]any, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if !c.guard {
		return rlSlice(f(ctx))
	}
	type result struct {
		v   []any
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := rlSlice(f(ctx))
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
