package redisstore

import (
	"fmt"
	"net/url"

	"github.com/redis/go-redis/v9"
)

// NewClientFromURL returns a go-redis client for u, in go-redis's URL forms:
//
//	redis://[user:password@]host:port[/db][?dial_timeout=3s…]   one node (rediss:// for TLS, unix:// for a socket)
//	redis://h1:p1?addr=h2:p2&addr=h3:p3                          a Redis Cluster, from its seed nodes
//
// A URL with one or more addr parameters is a cluster (name a single seed
// as redis://h1:p1?addr=h1:p1). The client honours context deadlines
// (ContextTimeoutEnabled), which the stores' timeouts rely on. It does not
// connect until first used; the caller closes it. Programs that build
// their stores from configuration use it so that only this package imports
// go-redis.
func NewClientFromURL(u string) (redis.UniversalClient, error) {
	pu, err := url.Parse(u)
	if err != nil {
		return nil, fmt.Errorf("redisstore: %v", err)
	}
	if pu.Query().Has("addr") {
		o, err := redis.ParseClusterURL(u)
		if err != nil {
			return nil, fmt.Errorf("redisstore: %v", err)
		}
		o.ContextTimeoutEnabled = true
		return redis.NewClusterClient(o), nil
	}
	o, err := redis.ParseURL(u)
	if err != nil {
		return nil, fmt.Errorf("redisstore: %v", err)
	}
	o.ContextTimeoutEnabled = true
	return redis.NewClient(o), nil
}
