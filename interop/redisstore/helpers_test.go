package redisstore_test

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/apierr/apierr/internal/redistest"
)

// rlClient is a go-redis client on srv with room for the benchmarks' callers.
func rlClient(t testing.TB, srv *redistest.Server) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	opt.ContextTimeoutEnabled = true
	opt.PoolSize = 64
	c := redis.NewClient(opt)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func rlProcs() int { return runtime.GOMAXPROCS(0) }

// rlRoundTrips counts what a client sends to Redis: one per command, one per
// pipeline. The handshake a new pooled connection makes (HELLO, CLIENT
// SETINFO) is not a check's cost and is counted apart.
type rlRoundTrips struct{ n, handshake atomic.Int64 }

func (h *rlRoundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *rlRoundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		switch cmd.Name() {
		case "hello", "client", "auth", "select":
			h.handshake.Add(1)
		default:
			h.n.Add(1)
		}
		return next(ctx, cmd)
	}
}
func (h *rlRoundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		for _, c := range cmds {
			if n := c.Name(); n == "hello" || n == "client" || n == "auth" || n == "select" {
				h.handshake.Add(1)
				return next(ctx, cmds)
			}
		}
		h.n.Add(1)
		return next(ctx, cmds)
	}
}
