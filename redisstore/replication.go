package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultWaitTimeout is how long Acquire and Complete wait for replicas
// when IdempotencyConfig.WaitReplicas is set and WaitTimeout is not.
const DefaultWaitTimeout = 100 * time.Millisecond

// NotReplicatedError is returned when a write reached the master but fewer
// replicas than IdempotencyConfig.WaitReplicas acknowledged it within
// WaitTimeout: a failover now could lose it.
type NotReplicatedError struct {
	Op     string // "acquire" or "complete"
	Acked  int64
	Wanted int
}

func (e *NotReplicatedError) Error() string {
	return fmt.Sprintf("redisstore: idempotency %s: %d of %d replicas acknowledged the write", e.Op, e.Acked, e.Wanted)
}

// waitWrite sends write and WAIT numreplicas timeout together, one round
// trip on one connection to the key's master (WAIT covers the writes made
// on its own connection). On a cluster the master is the key's slot owner
// as the client last saw it; a MOVED or ASK reply (a failover moved the
// slot) or a dead master makes the client reload the slot map, and is
// returned as is: the request fails (503) and its retry finds the new master.
func (s *IdempotencyStore) waitWrite(ctx context.Context, key string, write func(p redis.Pipeliner) redis.Cmder) (redis.Cmder, int64, error) {
	var node redis.Cmdable = s.client
	cc, cluster := s.client.(*redis.ClusterClient)
	if cluster {
		c, err := cc.MasterForKey(ctx, key)
		if err != nil {
			return nil, 0, err
		}
		node = c
	}
	p := node.Pipeline()
	cmd := write(p)
	wait := p.Do(ctx, "WAIT", s.waitReplicas, s.waitTimeout.Milliseconds())
	_, _ = p.Exec(ctx)
	err := cmd.Err()
	if cluster && err != nil && !errors.Is(err, redis.Nil) {
		// Bypassing the cluster client's routing, this call must tell it
		// what it met: a redirect, or a master gone (failover under way).
		cc.ReloadState(ctx)
	}
	if err != nil && !errors.Is(err, redis.Nil) {
		return cmd, 0, err
	}
	acked, werr := wait.Int64()
	if werr != nil {
		return cmd, 0, werr
	}
	return cmd, acked, err
}
