package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/apierr/apierr/idempotency"
	"github.com/apierr/apierr/internal/redistest"
	"github.com/apierr/apierr/redisstore"
)

// Renew sets the lease's PX anew for its owner only.
func TestIdempotencyStoreRenewSetsPX(t *testing.T) {
	srv := redistest.New(t)
	client := srv.Client()
	s := redisstore.NewIdempotencyStore(client, redisstore.IdempotencyConfig{Prefix: srv.Prefix()})
	ctx := context.Background()
	a := &idempotency.Record{Status: idempotency.InFlight, Token: idempotency.NewToken()}
	if prev, err := s.Acquire(ctx, "k", a, 2*time.Second); err != nil || prev != nil {
		t.Fatalf("Acquire = %v, %v", prev, err)
	}
	if err := s.Renew(ctx, "k", a.Token, time.Hour); err != nil {
		t.Fatalf("Renew: %v", err)
	}
	if ttl, err := client.PTTL(ctx, srv.Prefix()+"k").Result(); err != nil || ttl < 59*time.Minute {
		t.Fatalf("PTTL after Renew = %v, %v; want about an hour", ttl, err)
	}
	if err := s.Renew(ctx, "k", idempotency.NewToken(), 24*time.Hour); !errors.Is(err, idempotency.ErrLeaseLost) {
		t.Fatalf("a stranger's Renew = %v; want ErrLeaseLost", err)
	}
	if ttl, _ := client.PTTL(ctx, srv.Prefix()+"k").Result(); ttl > time.Hour {
		t.Fatalf("PTTL = %v: a stranger extended the lease", ttl)
	}
}
