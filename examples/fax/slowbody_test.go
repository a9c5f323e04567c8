package fax

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// stall sends a request whose body declares declared bytes but carries
// only sent, then waits (up to a minute) for the answer.
func (e *env) stall(method, path, key string, declared int, sent string) response {
	e.t.Helper()
	conn, err := net.Dial("tcp", e.http.Listener.Addr().String())
	if err != nil {
		e.t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Minute))
	auth := ""
	if key != "" {
		auth = "Authorization: Bearer " + key + "\r\n"
	}
	fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: fax\r\n%sContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", method, path, auth, declared, sent)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		e.t.Fatalf("no answer to a stalled body: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	if resp.Close { // ReadResponse takes "Connection: close" out of the header
		resp.Header.Set("Connection", "close")
	}
	return response{resp.StatusCode, resp.Header, b}
}

// requestTimeoutCase is the seed case of request_timeout: a body that
// stops after 10 of its 100 bytes gets 408 once the grace has passed, and
// the connection is closed.
func requestTimeoutCase() seedCase {
	return seedCase{
		name: "request_timeout: a body that stops arriving",
		cfg:  Config{BodyGrace: 300 * time.Millisecond},
		send: func(e *env) response {
			return e.stall("POST", "/fax", DemoSandboxKey, 100, `{"to":"+14`)
		},
		status: 408,
		want: `{"error":"request_timeout","message":"The request body did not arrive in time.","action":"retry_later",
			"docs":"` + docs + `request-timeout","context":{"min_rate":1024}}`,
		header: map[string]string{"Connection": "close"},
	}
}

// A request refused before its body is read (no key) is answered once the
// grace has passed and its connection closed: the server's drain of the
// unread body has the guard's deadline.
func TestStalledBodyWithoutKeyIsCutOff(t *testing.T) {
	e := newEnv(t, Config{BodyGrace: 300 * time.Millisecond})
	r := e.stall("POST", "/fax", "", 100, `{"to":"+14`)
	if r.Status != 401 || r.Header.Get("Connection") != "close" {
		t.Fatalf("stalled body without a key: %d %v %s, want 401 and the connection closed", r.Status, r.Header, r.Body)
	}
}

// slowConns is how many slow-body connections fit the descriptor limit:
// each takes two (client and server side) in this process.
func slowConns(t *testing.T, want int) int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return want
	}
	fit := (int(lim.Cur) - 200) / 2
	if fit < want {
		t.Logf("RLIMIT_NOFILE %d: %d slow connections instead of %d", lim.Cur, fit, want)
		return max(fit, 10)
	}
	return want
}

// TestSlowBodiesAreClosed: 1,000 connections send a body one byte every
// 2 s (half with a valid key, half with none). The server closes every one
// (408 or 401, then the close) and meanwhile answers normal requests.
// Timing is logged, never asserted: the generous limit only stops a hang.
// APIERR_SLOWBODY_N sets the number of connections (a heavier run).
func TestSlowBodiesAreClosed(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: 1,000 slow connections for a few seconds")
	}
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("APIERR_SLOWBODY_N")); err == nil && v > 0 {
		n = v
	}
	n = slowConns(t, n)
	grace := 2 * time.Second
	e := newEnv(t, Config{BodyGrace: grace, RatePerSecond: -1, MaxSubmissions: -1})
	addr := e.http.Listener.Addr().String()
	start := time.Now()
	var closed atomic.Int64
	var mu sync.Mutex
	var closedAt []time.Duration
	statuses := map[string]int{}
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		conn, err := net.DialTimeout("tcp", addr, 30*time.Second)
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		auth := ""
		if i%2 == 0 {
			auth = "Authorization: Bearer " + DemoSandboxKey + "\r\n"
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(2 * time.Minute)) // a hang fails the test, it does not block it
			done := make(chan string, 1)
			go func() {
				status := "no answer"
				if resp, err := http.ReadResponse(bufio.NewReader(conn), nil); err == nil {
					status = strconv.Itoa(resp.StatusCode)
					_, _ = io.Copy(io.Discard, resp.Body) // to the server's close
				}
				done <- status
			}()
			fmt.Fprintf(conn, "POST /fax HTTP/1.1\r\nHost: fax\r\n%sContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n", auth)
			tick := time.NewTicker(2 * time.Second)
			defer tick.Stop()
			for {
				select {
				case s := <-done:
					mu.Lock()
					statuses[s]++
					closedAt = append(closedAt, time.Since(start))
					mu.Unlock()
					closed.Add(1)
					return
				case <-tick.C:
					_, _ = conn.Write([]byte{' '}) // fails once the server has closed: done follows
				}
			}
		}()
	}
	// A normal request every 100 ms meanwhile.
	stop := make(chan struct{})
	var lat []time.Duration
	var failed []string
	var side sync.WaitGroup
	side.Add(1)
	go func() {
		defer side.Done()
		c := &http.Client{Timeout: 30 * time.Second}
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			req, _ := http.NewRequest("GET", e.http.URL+"/account/balance", nil)
			req.Header.Set("Authorization", "Bearer "+DemoSandboxKey)
			t0 := time.Now()
			resp, err := c.Do(req)
			if err != nil {
				failed = append(failed, err.Error())
				continue
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				failed = append(failed, resp.Status)
				continue
			}
			lat = append(lat, time.Since(t0))
		}
	}()
	wg.Wait()
	close(stop)
	side.Wait()
	if int(closed.Load()) != n {
		t.Fatalf("%d of %d slow connections closed", closed.Load(), n)
	}
	if statuses["408"]+statuses["401"] != n || statuses["408"] != (n+1)/2 {
		t.Fatalf("answers %v, want %d × 408 (with a key) and the rest 401", statuses, (n+1)/2)
	}
	if len(failed) > 0 || len(lat) == 0 {
		t.Fatalf("normal requests meanwhile: %d answered, failures %v", len(lat), failed)
	}
	sort.Slice(closedAt, func(i, j int) bool { return closedAt[i] < closedAt[j] })
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	t.Logf("%d slow connections (grace %v): all closed, the last after %v (median %v); %d normal requests meanwhile: p50 %v, p99 %v, max %v",
		n, grace, closedAt[n-1].Round(time.Millisecond), closedAt[n/2].Round(time.Millisecond), len(lat),
		lat[len(lat)/2].Round(10*time.Microsecond), lat[len(lat)*99/100].Round(10*time.Microsecond), lat[len(lat)-1].Round(10*time.Microsecond))
}
