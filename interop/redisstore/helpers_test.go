package redisstore_test

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/apierr/apierr/internal/redistest"
)

// rlClient is a go-redis client on srv (a cluster client on a cluster)
// with room for the benchmarks' callers: 64 connections per node.
func rlClient(t testing.TB, srv *redistest.Server) redis.UniversalClient {
	t.Helper()
	return srv.Client()
}

func rlProcs() int { return runtime.GOMAXPROCS(0) }

// rlRoundTrips counts what a client sends to Redis: one round trip per
// command or pipeline (on a cluster, a pipeline's commands for different
// nodes go out in parallel, counted once), and the script calls among them.
// The handshake a new pooled connection makes (HELLO, CLIENT SETINFO) is not
// a check's cost and is counted apart.
type rlRoundTrips struct{ n, scripts, handshake atomic.Int64 }

func rlIsHandshake(name string) bool {
	return name == "hello" || name == "client" || name == "auth" || name == "select"
}

func rlIsScript(name string) bool { return name == "evalsha" || name == "eval" }

func (h *rlRoundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *rlRoundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		switch name := cmd.Name(); {
		case rlIsHandshake(name):
			h.handshake.Add(1)
		default:
			h.n.Add(1)
			if rlIsScript(name) {
				h.scripts.Add(1)
			}
		}
		return next(ctx, cmd)
	}
}
func (h *rlRoundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		for _, c := range cmds {
			if rlIsHandshake(c.Name()) {
				h.handshake.Add(1)
				return next(ctx, cmds)
			}
		}
		h.n.Add(1)
		for _, c := range cmds {
			if rlIsScript(c.Name()) {
				h.scripts.Add(1)
			}
		}
		return next(ctx, cmds)
	}
}

// TestMain stops the Redis servers the benchmarks share.
func TestMain(m *testing.M) { redistest.Main(m) }
