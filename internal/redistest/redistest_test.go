package redistest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/apierr/apierr/internal/redistest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// TestEach: both servers answer, and the cluster is a real one: a script
// whose keys hash to different slots is refused with CROSSSLOT, the error
// every store test on the cluster would meet if a check's keys spanned
// slots.
func TestEach(t *testing.T) {
	redistest.Each(t, func(t *testing.T, s *redistest.Server) {
		t.Logf("%s: %s at %s", s.Name(), s.Version(), s.URL)
		c := s.Client()
		ctx := context.Background()
		if err := c.Set(ctx, s.Prefix()+"k", "v", 0).Err(); err != nil {
			t.Fatal(err)
		}
		if keys := s.Keys(s.Prefix() + "*"); len(keys) != 1 {
			t.Fatalf("Keys = %v, want the one key set", keys)
		}
		script := redis.NewScript(`return redis.call('MGET', KEYS[1], KEYS[2])`)
		err := script.Run(ctx, c, []string{s.Prefix() + "a", s.Prefix() + "b"}).Err()
		if s.Cluster {
			if err == nil || !strings.Contains(err.Error(), "CROSSSLOT") {
				t.Fatalf("a script over two slots: %v, want CROSSSLOT", err)
			}
		} else if err != nil {
			t.Fatal(err)
		}
		if err := script.Run(ctx, c, []string{s.Prefix() + "{t}a", s.Prefix() + "{t}b"}).Err(); err != nil {
			t.Fatalf("a script over one hash tag: %v", err)
		}
	})
}
