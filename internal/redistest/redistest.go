// Package redistest gives tests a real Redis: a single node and a Redis
// Cluster (three masters, one replica each), both on loopback.
//
//   - New starts a single redis-server for one test (it may Stop, Pause or
//     Restart it); $REDIS_URL is used instead when set.
//   - Shared and Cluster return a single node and a cluster started once per
//     test binary and shared by its tests (each test gets its own Prefix);
//     $REDIS_URL and $REDIS_CLUSTER_URL are used instead when set.
//   - Each runs a test body on both, as subtests "single" and "cluster".
//   - NewCluster starts a cluster for one test (failover: KillNode).
//
// Servers come from $APIERR_REDIS_SERVER (default redis-server on PATH; set
// it to valkey-server to test Valkey) and clusters are joined with the
// matching CLI ($APIERR_REDIS_CLI, default redis-cli or valkey-cli beside
// the server). Without a server a test is skipped with a message, unless
// APIERR_REQUIRE_REDIS=1 (set by CI) turns the skip into a failure.
//
// Servers started here die with the test binary (on Linux, by a parent-death
// signal), so a crashed or timed-out test leaves no redis-server behind;
// Main also stops them and removes their files when the tests end.
package redistest

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Server is a Redis (a single node or a cluster) the test can use.
type Server struct {
	// URL is the server's redis:// URL; for a cluster it is go-redis's
	// cluster form, redis://h1:p1?addr=h2:p2&addr=h3:p3, naming the masters.
	URL string
	// Addr is host:port of the single node, or of the cluster's first master.
	Addr string
	// Cluster reports a Redis Cluster.
	Cluster bool

	t      testing.TB
	prefix string
	owned  bool // started by this package (so it may be stopped)
	shared bool // shared by the test binary: never stopped by a test
	nodes  []*node
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

func newPrefix(t testing.TB) string {
	return fmt.Sprintf("test:%s:%d:", strings.NewReplacer("{", "(", "}", ")").Replace(t.Name()), time.Now().UnixNano())
}

// New returns a single Redis node for t alone, flushing nothing: tests
// should use Prefix for keys. A server started by New is stopped when the
// test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, prefix: newPrefix(t)}
	if u := os.Getenv("REDIS_URL"); u != "" {
		if err := s.external(u, false); err != nil {
			skip(t, "%v", err)
		}
		return s
	}
	bin, err := serverBinary()
	if err != nil {
		skip(t, "%v", err)
	}
	n, err := startNode(bin, t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	s.owned = true
	s.nodes = []*node{n}
	s.Addr = n.addr
	s.URL = "redis://" + n.addr
	t.Cleanup(s.stopAll)
	return s
}

func (s *Server) external(u string, cluster bool) error {
	s.URL, s.Cluster = u, cluster
	c, err := ParseURL(u)
	if err != nil {
		return fmt.Errorf("redistest: %s: %v", u, err)
	}
	defer c.Close()
	switch o := c.(type) {
	case *redis.Client:
		s.Addr = o.Options().Addr
	case *redis.ClusterClient:
		s.Addr = o.Options().Addrs[0]
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("%s does not answer: %v", u, err)
	}
	return nil
}

// ParseURL returns a client for a redis:// URL, a cluster client when the
// URL names more than one address (addr=host:port parameters, go-redis's
// cluster form). Tests use it for URLs they pass to other processes.
func ParseURL(u string) (redis.UniversalClient, error) {
	pu, err := url.Parse(u)
	if err != nil {
		return nil, err
	}
	if pu.Query().Has("addr") {
		o, err := redis.ParseClusterURL(u)
		if err != nil {
			return nil, err
		}
		return redis.NewClusterClient(o), nil
	}
	o, err := redis.ParseURL(u)
	if err != nil {
		return nil, err
	}
	return redis.NewClient(o), nil
}

// Prefix is a key prefix unique to this test (no braces: it is not a hash tag).
func (s *Server) Prefix() string { return s.prefix }

// Name is "cluster" or "single".
func (s *Server) Name() string {
	if s.Cluster {
		return "cluster"
	}
	return "single"
}

// Client returns a new go-redis client for the server (a *redis.ClusterClient
// for a cluster), closed when the test ends. It honours context deadlines
// (ContextTimeoutEnabled) and pools up to 64 connections per node.
func (s *Server) Client() redis.UniversalClient {
	return s.ClientWith(nil)
}

// ClientWith is Client with options adjusted by edit before the client is
// made (edit may be nil).
func (s *Server) ClientWith(edit func(*redis.UniversalOptions)) redis.UniversalClient {
	s.t.Helper()
	o := &redis.UniversalOptions{ContextTimeoutEnabled: true, PoolSize: 64}
	if s.Cluster {
		co, err := redis.ParseClusterURL(s.URL)
		if err != nil {
			s.t.Fatalf("parse %s: %v", s.URL, err)
		}
		o.Addrs, o.Username, o.Password, o.TLSConfig = co.Addrs, co.Username, co.Password, co.TLSConfig
		o.IsClusterMode = true
	} else {
		so, err := redis.ParseURL(s.URL)
		if err != nil {
			s.t.Fatalf("parse %s: %v", s.URL, err)
		}
		o.Addrs, o.Username, o.Password, o.DB, o.TLSConfig = []string{so.Addr}, so.Username, so.Password, so.DB, so.TLSConfig
	}
	if edit != nil {
		edit(o)
	}
	var c redis.UniversalClient
	if o.IsClusterMode {
		c = redis.NewClusterClient(o.Cluster())
	} else {
		c = redis.NewClient(o.Simple())
	}
	s.t.Cleanup(func() { _ = c.Close() })
	return c
}

// Keys returns the keys matching pattern on every master (KEYS is per node).
func (s *Server) Keys(pattern string) []string {
	s.t.Helper()
	c := s.Client()
	ctx := context.Background()
	var mu sync.Mutex
	var out []string
	collect := func(ctx context.Context, c *redis.Client) error {
		keys, err := c.Keys(ctx, pattern).Result()
		mu.Lock()
		out = append(out, keys...)
		mu.Unlock()
		return err
	}
	var err error
	if cc, ok := c.(*redis.ClusterClient); ok {
		err = cc.ForEachMaster(ctx, collect)
	} else {
		err = collect(ctx, c.(*redis.Client))
	}
	if err != nil {
		s.t.Fatalf("KEYS %s: %v", pattern, err)
	}
	return out
}

// Owned reports whether the test may stop this server: New or NewCluster
// started it for this test.
func (s *Server) Owned() bool { return s.owned && !s.shared }

// Version is the server's INFO server line redis_version (Valkey reports
// its compatible Redis version there too, and valkey_version beside it).
func (s *Server) Version() string {
	s.t.Helper()
	c := s.Client()
	info, err := c.Info(context.Background(), "server").Result()
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	var redisV, valkeyV string
	for _, line := range strings.Split(info, "\n") {
		line = strings.TrimSpace(line)
		if v, ok := strings.CutPrefix(line, "redis_version:"); ok {
			redisV = v
		}
		if v, ok := strings.CutPrefix(line, "valkey_version:"); ok {
			valkeyV = v
		}
	}
	if valkeyV != "" {
		return "valkey " + valkeyV
	}
	return "redis " + redisV
}

func (s *Server) mustOwn(what string) {
	s.t.Helper()
	if !s.Owned() {
		s.t.Fatalf("redistest: %s needs a server this test started (New or NewCluster)", what)
	}
}

// Stop kills every process of a server the test started (for outage tests).
func (s *Server) Stop() {
	s.t.Helper()
	s.mustOwn("Stop")
	s.stopAll()
}

func (s *Server) stopAll() {
	for _, n := range s.nodes {
		n.kill()
	}
}

// Restart starts a stopped single node again on the same port, empty.
func (s *Server) Restart() {
	s.t.Helper()
	s.mustOwn("Restart")
	for _, n := range s.nodes {
		if err := n.start(); err != nil {
			s.t.Fatal(err)
		}
	}
}

// Pause stops every process of the server with SIGSTOP: Redis stalls, its
// connections stay open and nothing answers, as in a long GC-like pause or
// a hung host. Resume undoes it; the test's end resumes it too.
func (s *Server) Pause() {
	s.t.Helper()
	s.mustOwn("Pause")
	for _, n := range s.nodes {
		n.signal(syscall.SIGSTOP)
	}
	s.t.Cleanup(s.Resume)
}

// Resume continues a paused server.
func (s *Server) Resume() {
	for _, n := range s.nodes {
		n.signal(syscall.SIGCONT)
	}
}

func serverBinary() (string, error) {
	name := os.Getenv("APIERR_REDIS_SERVER")
	if name == "" {
		name = "redis-server"
	}
	bin, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("no REDIS_URL and no %s on PATH", name)
	}
	return bin, nil
}

func cliBinary(server string) (string, error) {
	name := os.Getenv("APIERR_REDIS_CLI")
	if name == "" {
		name = "redis-cli"
		if strings.HasPrefix(filepath.Base(server), "valkey") {
			name = "valkey-cli"
		}
		if p := filepath.Join(filepath.Dir(server), name); fileExists(p) {
			return p, nil
		}
	}
	bin, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("no %s on PATH to create a cluster", name)
	}
	return bin, nil
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// node is one redis-server process this package started.
type node struct {
	bin, dir  string
	port, bus int
	addr      string
	cluster   bool
	mu        sync.Mutex
	cmd       *exec.Cmd
	exited    chan struct{}
}

// startNode starts a redis-server on a free loopback port in dir, retrying
// with another port if the one picked was taken meanwhile.
func startNode(bin, dir string, cluster bool) (*node, error) {
	var last error
	for try := 0; try < 4; try++ {
		n := &node{bin: bin, dir: dir, cluster: cluster}
		n.port, last = freePort()
		if last != nil {
			continue
		}
		if cluster {
			if n.bus, last = freePort(); last != nil {
				continue
			}
		}
		n.addr = "127.0.0.1:" + strconv.Itoa(n.port)
		if last = n.start(); last == nil {
			return n, nil
		}
	}
	return nil, last
}

func (n *node) args() []string {
	a := []string{"--port", strconv.Itoa(n.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", n.dir,
		"--logfile", filepath.Join(n.dir, "redis.log"),
		// A replica syncs at once: Redis 7's diskless sync otherwise
		// waits 5 s for more replicas to join.
		"--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"}
	if n.cluster {
		a = append(a, "--cluster-enabled", "yes", "--cluster-config-file", filepath.Join(n.dir, "nodes.conf"),
			"--cluster-port", strconv.Itoa(n.bus),
			// A master silent for 2 s is failed over: failover tests stay short.
			"--cluster-node-timeout", "2000")
	}
	return a
}

func (n *node) start() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd != nil {
		return nil
	}
	cmd := exec.Command(n.bin, n.args()...)
	exited := make(chan struct{})
	if err := spawn(cmd); err != nil {
		return fmt.Errorf("redistest: cannot start %s: %v", n.bin, err)
	}
	go func() { _ = cmd.Wait(); close(exited) }()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			log, _ := os.ReadFile(filepath.Join(n.dir, "redis.log"))
			return fmt.Errorf("redistest: %s on %s exited at start: %s", filepath.Base(n.bin), n.addr, lastLines(string(log), 3))
		default:
		}
		if n.answers() {
			if pid := n.pid(); pid != cmd.Process.Pid {
				_ = cmd.Process.Kill()
				<-exited
				return fmt.Errorf("redistest: %s is served by another process (pid %d)", n.addr, pid)
			}
			n.cmd, n.exited = cmd, exited
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	<-exited
	return fmt.Errorf("redistest: %s on %s did not start within 10s", filepath.Base(n.bin), n.addr)
}

// answers reports whether the node's own process serves its port (PING,
// and the cluster bus port accepts connections): a port taken meanwhile by
// another process must not pass for our server.
func (n *node) answers() bool {
	c, err := net.DialTimeout("tcp", n.addr, 100*time.Millisecond)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	buf := make([]byte, 7)
	if k, err := c.Read(buf); err != nil || string(buf[:k]) != "+PONG\r\n" {
		return false
	}
	if n.cluster {
		b, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(n.bus), 100*time.Millisecond)
		if err != nil {
			return false
		}
		b.Close()
	}
	return true
}

// pid is the process_id the server on the node's port reports.
func (n *node) pid() int {
	c := redis.NewClient(&redis.Options{Addr: n.addr, MaxRetries: -1, DialTimeout: time.Second, ReadTimeout: time.Second})
	defer c.Close()
	info, err := c.Info(context.Background(), "server").Result()
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "process_id:"); ok {
			pid, _ := strconv.Atoi(v)
			return pid
		}
	}
	return -1
}

func (n *node) kill() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd == nil {
		return
	}
	_ = n.cmd.Process.Kill()
	<-n.exited
	n.cmd = nil
}

func (n *node) signal(sig syscall.Signal) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd != nil {
		_ = n.cmd.Process.Signal(sig)
	}
}

func (n *node) running() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.cmd != nil
}

func lastLines(s string, k int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > k {
		lines = lines[len(lines)-k:]
	}
	return strings.Join(lines, " | ")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
