package redisstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/apierr/apierr/internal/redistest"
	"github.com/apierr/apierr/redisstore"
	"github.com/redis/go-redis/v9"
)

func TestNewClientFromURL(t *testing.T) {
	t.Run("forms", func(t *testing.T) {
		tests := []struct {
			name, url string
			cluster   bool
			addrs     []string
		}{
			{"single node", "redis://:secret@127.0.0.1:6390/2", false, []string{"127.0.0.1:6390"}},
			{"cluster seeds", "redis://10.0.0.1:7000?addr=10.0.0.2:7000&addr=10.0.0.3:7000", true,
				[]string{"10.0.0.1:7000", "10.0.0.2:7000", "10.0.0.3:7000"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c, err := redisstore.NewClientFromURL(tt.url)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				switch o := c.(type) {
				case *redis.Client:
					if tt.cluster || o.Options().Addr != tt.addrs[0] || o.Options().DB != 2 || !o.Options().ContextTimeoutEnabled {
						t.Errorf("single-node options %+v", o.Options())
					}
				case *redis.ClusterClient:
					if !tt.cluster || strings.Join(o.Options().Addrs, ",") != strings.Join(tt.addrs, ",") || !o.Options().ContextTimeoutEnabled {
						t.Errorf("cluster options %+v", o.Options())
					}
				default:
					t.Errorf("client %T", c)
				}
			})
		}
	})
	t.Run("bad URLs", func(t *testing.T) {
		for _, u := range []string{"http://127.0.0.1:6379", "redis://h:1?addr=h2:2&bogus=1", "://"} {
			if c, err := redisstore.NewClientFromURL(u); err == nil || !strings.HasPrefix(err.Error(), "redisstore: ") {
				if c != nil {
					c.Close()
				}
				t.Errorf("%q: err = %v", u, err)
			}
		}
	})
	redistest.Each(t, func(t *testing.T, s *redistest.Server) {
		c, err := redisstore.NewClientFromURL(s.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := c.Ping(ctx).Err(); err != nil {
			t.Fatalf("%s: %v", s.URL, err)
		}
	})
}
