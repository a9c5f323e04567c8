package redisstore_test

import (
	"testing"

	"github.com/apierr/apierr/internal/redistest"
)

// TestMain stops the Redis servers shared by this package's tests (a single
// node and a cluster, see redistest.Each) once they have run.
func TestMain(m *testing.M) { redistest.Main(m) }
