package redistest

import (
	"slices"
	"testing"
	"time"
)

// Every master of a new cluster names a replica online in its INFO
// replication, and ReplicaOf answers with that node, which the cluster's
// own view (CLUSTER NODES) agrees is a replica.
func TestReplicaOfEveryMaster(t *testing.T) {
	s := NewCluster(t)
	s.WaitHealthy(60 * time.Second)
	nodes, err := s.clusterNodes()
	if err != nil {
		t.Fatal(err)
	}
	masters := s.Masters()
	if len(masters) != 3 {
		t.Fatalf("masters %v", masters)
	}
	for _, m := range masters {
		r := s.ReplicaOf(m)
		if r == "" || slices.Contains(masters, r) {
			t.Errorf("ReplicaOf(%s) = %q", m, r)
		}
		deadline := time.Now().Add(30 * time.Second)
		for s.onlineReplica(m) == "" && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		if got := s.onlineReplica(m); got == "" {
			t.Errorf("%s reports no online replica: %s", m, s.replicationInfo(m))
		}
		known := false
		for _, n := range nodes {
			known = known || n.addr == r
		}
		if !known {
			t.Errorf("replica %s of %s is not in CLUSTER NODES %v", r, m, nodes)
		}
	}
	if failed("myself,master,nofailover") || !failed("slave,fail?") || !failed("master,fail") {
		t.Error("failed misreads the flags")
	}
}
