// Package redistest gives tests a real Redis: $REDIS_URL when set, else a
// redis-server from PATH started on a free port for the test. Without either
// the test is skipped with a message, unless APIERR_REQUIRE_REDIS=1 (set by
// CI), which turns the skip into a failure.
package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Server is a Redis the test can use.
type Server struct {
	// URL is the redis:// URL of the server.
	URL string
	// Addr is host:port.
	Addr string

	t      testing.TB
	cmd    *exec.Cmd
	dir    string
	port   int
	owned  bool
	prefix string
}

// Require reports whether Redis tests must not be skipped.
func Require() bool { return os.Getenv("APIERR_REQUIRE_REDIS") == "1" }

func skip(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if Require() {
		t.Fatalf("redis required (APIERR_REQUIRE_REDIS=1): %s", msg)
	}
	t.Skipf("skipping Redis test: %s (set REDIS_URL or install redis-server)", msg)
}

// New returns a Redis for t, flushing nothing: tests should use Prefix for keys.
// A server started by New is stopped when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, prefix: fmt.Sprintf("test:%s:%d:", t.Name(), time.Now().UnixNano())}
	if u := os.Getenv("REDIS_URL"); u != "" {
		opt, err := redis.ParseURL(u)
		if err != nil {
			t.Fatalf("REDIS_URL: %v", err)
		}
		s.URL, s.Addr = u, opt.Addr
		c := redis.NewClient(opt)
		defer c.Close()
		if err := c.Ping(context.Background()).Err(); err != nil {
			skip(t, "REDIS_URL %s does not answer: %v", u, err)
		}
		return s
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		skip(t, "no REDIS_URL and no redis-server on PATH")
	}
	s.owned = true
	s.dir = t.TempDir()
	s.port = freePort(t)
	s.Addr = "127.0.0.1:" + strconv.Itoa(s.port)
	s.URL = "redis://" + s.Addr
	s.start(bin)
	t.Cleanup(s.Stop)
	return s
}

// Prefix is a key prefix unique to this test.
func (s *Server) Prefix() string { return s.prefix }

// Client returns a new go-redis client for the server, closed when the test ends.
func (s *Server) Client() *redis.Client {
	opt, err := redis.ParseURL(s.URL)
	if err != nil {
		s.t.Fatalf("parse %s: %v", s.URL, err)
	}
	c := redis.NewClient(opt)
	s.t.Cleanup(func() { _ = c.Close() })
	return c
}

// Owned reports whether the test started this server (and so may stop it).
func (s *Server) Owned() bool { return s.owned }

func (s *Server) start(bin string) {
	s.t.Helper()
	s.cmd = exec.Command(bin, "--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir, "--logfile", filepath.Join(s.dir, "redis.log"))
	if err := s.cmd.Start(); err != nil {
		skip(s.t, "cannot start redis-server: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", s.Addr, 100*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatalf("redis-server on %s did not start within 5s", s.Addr)
}

// Stop kills a server the test started (for outage tests). It is a no-op for
// an external REDIS_URL.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// Restart starts a stopped server again on the same port.
func (s *Server) Restart() {
	s.t.Helper()
	if !s.owned {
		s.t.Skip("cannot restart an external REDIS_URL server")
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		s.t.Fatal(err)
	}
	s.start(bin)
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
