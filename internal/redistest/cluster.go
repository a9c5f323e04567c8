package redistest

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// shared is a server started at most once per test binary.
type shared struct {
	once sync.Once
	srv  *Server // template: t and prefix are set per test
	dir  string
	err  error // why it could not start (a skip, or a failure under Require)
}

var sharedSingle, sharedCluster shared

// Shared returns the test binary's single Redis node ($REDIS_URL when set),
// started on first use and shared by every test; keys must carry Prefix.
func Shared(t testing.TB) *Server {
	t.Helper()
	sharedSingle.once.Do(func() {
		s := &Server{shared: true}
		if u := os.Getenv("REDIS_URL"); u != "" {
			sharedSingle.srv, sharedSingle.err = s, s.external(u, false)
			return
		}
		bin, err := serverBinary()
		if err != nil {
			sharedSingle.err = err
			return
		}
		if sharedSingle.dir, err = os.MkdirTemp("", "redistest-single-"); err != nil {
			sharedSingle.err = err
			return
		}
		n, err := startNode(bin, sharedSingle.dir, false)
		if err != nil {
			sharedSingle.err = err
			return
		}
		s.owned, s.nodes, s.Addr, s.URL = true, []*node{n}, n.addr, "redis://"+n.addr
		sharedSingle.srv = s
	})
	return sharedSingle.use(t)
}

// Cluster returns the test binary's Redis Cluster ($REDIS_CLUSTER_URL when
// set, in go-redis's cluster URL form): three masters with one replica each,
// started on first use (a few seconds) and shared by every test; keys must
// carry Prefix.
func Cluster(t testing.TB) *Server {
	t.Helper()
	sharedCluster.once.Do(func() {
		if u := os.Getenv("REDIS_CLUSTER_URL"); u != "" {
			s := &Server{shared: true}
			sharedCluster.srv, sharedCluster.err = s, s.external(u, true)
			return
		}
		var err error
		if sharedCluster.dir, err = os.MkdirTemp("", "redistest-cluster-"); err != nil {
			sharedCluster.err = err
			return
		}
		s, err := startCluster(sharedCluster.dir)
		if s != nil {
			s.shared = true
		}
		sharedCluster.srv, sharedCluster.err = s, err
	})
	return sharedCluster.use(t)
}

func (sh *shared) use(t testing.TB) *Server {
	t.Helper()
	if sh.err != nil {
		skip(t, "%v", sh.err)
	}
	s := *sh.srv
	s.t, s.prefix = t, newPrefix(t)
	return &s
}

// NewCluster starts a Redis Cluster (three masters, one replica each) for t
// alone, stopped when the test ends: for tests that kill nodes.
func NewCluster(t testing.TB) *Server {
	t.Helper()
	s, err := startCluster(t.TempDir())
	if s != nil {
		t.Cleanup(s.stopAll)
	}
	if err != nil {
		skip(t, "%v", err)
	}
	s.t, s.prefix = t, newPrefix(t)
	return s
}

// Each runs f as two subtests, "single" on Shared and "cluster" on Cluster:
// every store test holds on both, and a script whose keys spanned hash
// slots fails on the cluster with CROSSSLOT.
func Each(t *testing.T, f func(t *testing.T, s *Server)) {
	t.Helper()
	t.Run("single", func(t *testing.T) { f(t, Shared(t)) })
	t.Run("cluster", func(t *testing.T) { f(t, Cluster(t)) })
}

// Main runs the tests, then stops the shared servers and removes their
// files. Use it from TestMain in packages that call Shared or Cluster:
//
//	func TestMain(m *testing.M) { redistest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	for _, sh := range []*shared{&sharedSingle, &sharedCluster} {
		if sh.srv != nil {
			sh.srv.stopAll()
		}
		if sh.dir != "" {
			_ = os.RemoveAll(sh.dir)
		}
	}
	os.Exit(code)
}

// startCluster starts six nodes, joins them with redis-cli --cluster create
// (three masters, one replica each) and waits until every node reports
// cluster_state:ok and every replica is in sync. A node that dies as the
// cluster forms (a port another process took meanwhile) makes it start
// over on fresh ports, up to three times.
func startCluster(dir string) (*Server, error) {
	var err error
	for try := 0; try < 3; try++ {
		var s *Server
		s, err = startClusterOnce(filepath.Join(dir, fmt.Sprintf("try%d", try)))
		if err == nil {
			return s, nil
		}
		if s != nil {
			s.stopAll()
		}
	}
	return nil, err
}

func startClusterOnce(dir string) (*Server, error) {
	bin, err := serverBinary()
	if err != nil {
		return nil, err
	}
	cli, err := cliBinary(bin)
	if err != nil {
		return nil, err
	}
	s := &Server{Cluster: true, owned: true}
	nodes := make([]*node, 6)
	errs := make([]error, 6)
	var wg sync.WaitGroup
	for i := range nodes {
		d := filepath.Join(dir, fmt.Sprintf("node%d", i))
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
		wg.Add(1)
		go func() { defer wg.Done(); nodes[i], errs[i] = startNode(bin, d, true) }()
	}
	wg.Wait()
	for i := range nodes {
		if nodes[i] != nil {
			s.nodes = append(s.nodes, nodes[i])
		}
	}
	for _, err := range errs {
		if err != nil {
			return s, err
		}
	}
	args := []string{"--cluster", "create"}
	for _, n := range nodes {
		args = append(args, n.addr)
	}
	args = append(args, "--cluster-replicas", "1", "--cluster-yes")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput(); err != nil {
		return s, fmt.Errorf("redistest: %s --cluster create: %v: %s", filepath.Base(cli), err, lastLines(string(out), 5))
	}
	if err := s.waitHealthy(30 * time.Second); err != nil {
		return s, err
	}
	masters, err := s.masters()
	if err != nil {
		return s, err
	}
	s.Addr = masters[0]
	s.URL = "redis://" + masters[0] + "?addr=" + strings.Join(masters[1:], "&addr=")
	return s, nil
}

// WaitHealthy waits until every running node of a cluster this test
// started reports cluster_state:ok with every slot served, and every
// replica is in sync with its master (after a failover, say).
func (s *Server) WaitHealthy(timeout time.Duration) {
	s.t.Helper()
	if err := s.waitHealthy(timeout); err != nil {
		s.t.Fatal(err)
	}
}

func (s *Server) waitHealthy(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var why string
	for {
		why = ""
		for _, n := range s.nodes {
			if !n.running() {
				continue
			}
			if w := n.health(); w != "" {
				why = n.addr + ": " + w
				break
			}
		}
		if why == "" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redistest: cluster not healthy after %v: %s", timeout, why)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// health is "" when the node is a healthy cluster member, else why not.
func (n *node) health() string {
	c := redis.NewClient(&redis.Options{Addr: n.addr, DialTimeout: time.Second, ReadTimeout: time.Second, MaxRetries: -1})
	defer c.Close()
	ctx := context.Background()
	info, err := c.ClusterInfo(ctx).Result()
	if err != nil {
		return err.Error()
	}
	fields := infoFields(info)
	if fields["cluster_state"] != "ok" || fields["cluster_slots_ok"] != "16384" {
		return "cluster_state:" + fields["cluster_state"] + " cluster_slots_ok:" + fields["cluster_slots_ok"]
	}
	repl, err := c.Info(ctx, "replication").Result()
	if err != nil {
		return err.Error()
	}
	rf := infoFields(repl)
	if rf["role"] == "slave" && rf["master_link_status"] != "up" {
		return "replica link " + rf["master_link_status"]
	}
	// This node's view of the others has caught up: right after the
	// cluster is made, gossip may still show a replica as a master that
	// owns no slot, and Masters would name it.
	nodes, err := c.ClusterNodes(ctx).Result()
	if err != nil {
		return err.Error()
	}
	for _, line := range strings.Split(strings.TrimSpace(nodes), "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && !failed(f[2]) && strings.Contains(f[2], "master") && len(f) <= 8 {
			return "sees " + f[1] + " as a master without slots"
		}
	}
	return ""
}

func infoFields(info string) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(info))
	for sc.Scan() {
		if k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), ":"); ok {
			m[k] = v
		}
	}
	return m
}

// Masters returns the addresses of the cluster's masters now, as a running
// node sees them: the nodes that serve hash slots (after a failover, a
// former replica is among them).
func (s *Server) Masters() []string {
	s.t.Helper()
	m, err := s.masters()
	if err != nil {
		s.t.Fatal(err)
	}
	return m
}

// ReplicaOf returns the address of a replica of the master at addr.
// It asks the master itself first (INFO replication lists the replicas
// that hold a link to it), then the cluster's view (CLUSTER NODES of the
// first node that answers), which gossip may bring late on a loaded
// machine; it asks again for up to 60 s, and on failure says what both
// answered.
func (s *Server) ReplicaOf(addr string) string {
	s.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if r := s.onlineReplica(addr); r != "" {
			return r
		}
		nodes, err := s.clusterNodes()
		if err != nil {
			s.t.Fatal(err)
		}
		var id string
		for _, n := range nodes {
			if n.addr == addr {
				id = n.id
			}
		}
		for _, n := range nodes {
			if n.master == id && id != "" && !failed(n.flags) {
				return n.addr
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("redistest: no replica of %s (id %q); CLUSTER NODES: %v; its INFO replication: %s", addr, id, nodes, s.replicationInfo(addr))
			return ""
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// failed reports whether a node's CLUSTER NODES flags mark it failing
// ("fail" or "fail?"; not "nofailover").
func failed(flags string) bool {
	for _, f := range strings.Split(flags, ",") {
		if f == "fail" || f == "fail?" {
			return true
		}
	}
	return false
}

// replicationInfo is the master at addr's INFO replication, or the error
// asking for it.
func (s *Server) replicationInfo(addr string) string {
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer c.Close()
	out, err := c.Info(context.Background(), "replication").Result()
	if err != nil {
		return err.Error()
	}
	return out
}

// onlineReplica returns the address of a replica the master at addr
// reports online in INFO replication ("slave0:ip=…,port=…,state=online"),
// or "".
func (s *Server) onlineReplica(addr string) string {
	for _, line := range strings.Split(s.replicationInfo(addr), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok || !strings.HasPrefix(k, "slave") {
			continue
		}
		var ip, port string
		online := false
		for _, kv := range strings.Split(v, ",") {
			name, val, _ := strings.Cut(kv, "=")
			switch name {
			case "ip":
				ip = val
			case "port":
				port = val
			case "state":
				online = val == "online"
			}
		}
		if online && ip != "" && port != "" {
			return net.JoinHostPort(ip, port)
		}
	}
	return ""
}

// KillNode kills the node at addr (SIGKILL), as a crashed host would.
func (s *Server) KillNode(addr string) {
	s.t.Helper()
	s.mustOwn("KillNode")
	for _, n := range s.nodes {
		if n.addr == addr {
			n.kill()
			return
		}
	}
	s.t.Fatalf("redistest: no node %s", addr)
}

type clusterNode struct {
	id, addr, flags, master string
	slots                   bool // it serves hash slots
}

func (s *Server) clusterNodes() ([]clusterNode, error) {
	var last error
	for _, n := range s.nodes {
		if !n.running() {
			continue
		}
		c := redis.NewClient(&redis.Options{Addr: n.addr, MaxRetries: -1})
		out, err := c.ClusterNodes(context.Background()).Result()
		c.Close()
		if err != nil {
			last = err
			continue
		}
		var nodes []clusterNode
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			f := strings.Fields(line)
			if len(f) < 4 {
				continue
			}
			addr, _, _ := strings.Cut(f[1], "@")
			nodes = append(nodes, clusterNode{id: f[0], addr: addr, flags: f[2], master: f[3], slots: len(f) > 8})
		}
		return nodes, nil
	}
	return nil, fmt.Errorf("redistest: no cluster node answers CLUSTER NODES: %v", last)
}

func (s *Server) masters() ([]string, error) {
	nodes, err := s.clusterNodes()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range nodes {
		if strings.Contains(n.flags, "master") && !failed(n.flags) && n.slots {
			out = append(out, n.addr)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("redistest: the cluster has no master")
	}
	return out, nil
}
