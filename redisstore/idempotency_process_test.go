package redisstore_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/idempotency"
	"github.com/apierr/apierr/idempotency/idempotencytest"
	"github.com/apierr/apierr/internal/redistest"
	"github.com/apierr/apierr/redisstore"
)

// The multi-process tests re-run this test binary as API servers that share
// one Redis. The entry point is a test function, not TestMain, so it cannot
// collide with a TestMain another file of this package may need.

const idemHelperEnv = "APIERR_IDEM_HELPER_PROCESS"

// TestIdempotencyHelperProcess is the server process of the multi-process
// tests; run directly it skips. It serves POST /faxes behind the idempotency
// middleware on a Redis store, counts handler runs in Redis ({prefix}runs),
// prints "IDEM_ADDR host:port" and serves until killed or its stdin closes.
// IDEM_MODE "gate" makes the handler wait for an item on {prefix}gate;
// "block" makes it hang forever (a worker to kill).
func TestIdempotencyHelperProcess(t *testing.T) {
	if os.Getenv(idemHelperEnv) != "1" {
		t.Skip("helper process for the multi-process idempotency tests")
	}
	client, err := redistest.ParseURL(os.Getenv("IDEM_REDIS_URL"))
	if err != nil {
		t.Fatal(err)
	}
	prefix, mode := os.Getenv("IDEM_PREFIX"), os.Getenv("IDEM_MODE")
	lease, err := time.ParseDuration(os.Getenv("IDEM_LEASE"))
	if err != nil {
		t.Fatal(err)
	}
	store := redisstore.NewIdempotencyStore(client, redisstore.IdempotencyConfig{Timeout: testIdemTimeout, Prefix: prefix + "idem:"})
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		run, err := client.Incr(r.Context(), prefix+"runs").Result()
		if err != nil {
			apierr.Write(w, r, err)
			return
		}
		switch mode {
		case "gate":
			if err := client.BLPop(r.Context(), time.Minute, prefix+"gate").Err(); err != nil {
				apierr.Write(w, r, err)
				return
			}
		case "block":
			select {}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"run":%d,"pid":%d}`, run, os.Getpid())
	})
	mux := http.NewServeMux()
	mux.Handle("POST /faxes", idempotency.New(idempotency.Config{Store: store, Lease: lease})(handler))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("IDEM_ADDR %s\n", ln.Addr())
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0) // the parent test is gone
	}()
	_ = http.Serve(ln, idempotencytest.WithTenant(apierr.Default())(mux))
}

// idemProc is a running helper server process.
type idemProc struct {
	url string
	cmd *exec.Cmd
}

func idemStartServer(t *testing.T, redisURL, prefix, mode string, lease time.Duration) *idemProc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestIdempotencyHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), idemHelperEnv+"=1", "IDEM_REDIS_URL="+redisURL,
		"IDEM_PREFIX="+prefix, "IDEM_MODE="+mode, "IDEM_LEASE="+lease.String())
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "IDEM_ADDR "); ok {
				addr <- a
			}
		}
	}()
	select {
	case a := <-addr:
		return &idemProc{url: "http://" + a, cmd: cmd}
	case <-time.After(60 * time.Second):
		t.Fatal("helper server did not print its address within 60s")
		return nil
	}
}

func TestIdempotencyTwoProcesses(t *testing.T) {
	redistest.Each(t, func(t *testing.T, srv *redistest.Server) {
		client := srv.Client()
		prefix := srv.Prefix()
		procs := []*idemProc{
			idemStartServer(t, srv.URL, prefix, "gate", time.Minute),
			idemStartServer(t, srv.URL, prefix, "gate", time.Minute),
		}
		const n = 1000
		var once sync.Once
		res := idempotencytest.Fire(t, idempotencytest.Client(), n, func(i int) *http.Request {
			return idemRequest(t, procs[i%2].url+"/faxes", "acme", "two-procs", `{"amount":100}`)
		}, func(done int) {
			if done >= n/2 {
				once.Do(func() { client.RPush(context.Background(), prefix+"gate", "go") })
			}
		})
		body, replays, inUse := idempotencytest.CheckOnce(t, res, 201)
		runs, err := client.Get(context.Background(), prefix+"runs").Int()
		if err != nil || runs != 1 {
			t.Fatalf("handler runs across both processes = %d (%v); want 1", runs, err)
		}
		// Both processes replay the same bytes.
		for _, p := range procs {
			resp, err := http.DefaultClient.Do(idemRequest(t, p.url+"/faxes", "acme", "two-procs", `{"amount":100}`))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(b) != string(body) || resp.Header.Get(idempotency.ReplayedHeader) != "true" {
				t.Fatalf("%s replayed %q; want %q", p.url, b, body)
			}
		}
		t.Logf("%d requests over 2 processes: 1 run (%s), %d replays, %d in-use", n, body, replays, inUse)
	})
}

func TestIdempotencyKilledWorker(t *testing.T) {
	redistest.Each(t, func(t *testing.T, srv *redistest.Server) {
		client := srv.Client()
		prefix := srv.Prefix()
		const lease = 3 * time.Second
		doomed := idemStartServer(t, srv.URL, prefix, "block", lease)
		survivor := idemStartServer(t, srv.URL, prefix, "", lease)
		send := func(p *idemProc) (*http.Response, error) {
			return http.DefaultClient.Do(idemRequest(t, p.url+"/faxes", "acme", "killed", `{"amount":100}`))
		}
		go func() {
			if resp, err := send(doomed); err == nil {
				resp.Body.Close() // not expected: the worker dies first
			}
		}()
		runs := func() int {
			n, _ := client.Get(context.Background(), prefix+"runs").Int()
			return n
		}
		idemWaitFor(t, func() bool { return runs() == 1 }) // the doomed handler is running
		if err := doomed.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_, _ = doomed.cmd.Process.Wait()

		// Until the dead worker's lease expires, retries are told to wait; then
		// exactly one retry runs.
		conflicts := 0
		var body string
		idemWaitFor(t, func() bool {
			resp, err := send(survivor)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			switch resp.StatusCode {
			case http.StatusConflict:
				conflicts++
				return false
			case http.StatusCreated:
				body = string(b)
				return true
			}
			t.Fatalf("retry got %d %s; want 409 or 201", resp.StatusCode, b)
			return false
		})
		if !strings.Contains(body, `"run":2`) || !strings.Contains(body, `"pid":`+strconv.Itoa(survivor.cmd.Process.Pid)) {
			t.Fatalf("retry after the lease = %s; want run 2 in the surviving process", body)
		}
		resp, err := send(survivor)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != body || resp.Header.Get(idempotency.ReplayedHeader) != "true" {
			t.Fatalf("second retry = %d %s; want the replay of %s", resp.StatusCode, b, body)
		}
		if r := runs(); r != 2 {
			t.Fatalf("runs = %d; want 2 (the killed one and one retry)", r)
		}
		t.Logf("%d retries answered 409 while the dead worker's lease ran out", conflicts)
	})
}
