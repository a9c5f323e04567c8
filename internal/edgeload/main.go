// Command edgeload measures how the demo fax API holds its edges under
// abuse (issue 14, items 6 and 7). It starts an apierr binary's demo on a
// free loopback port and runs one of two loads against it:
//
//	go build -o /tmp/apierr ./cmd/apierr
//	go run ./internal/edgeload -bin /tmp/apierr guess -d 10s -c 32
//	go run ./internal/edgeload -bin /tmp/apierr -demo-args "--auth-failures -1" guess
//	go run ./internal/edgeload -bin /tmp/apierr slowbody -n 1000
//
// guess: C workers send GET /account/balance with random API keys for D,
// and it prints the requests a second, the answers by status, and the
// guesses a second that were checked (answered 401: the key was looked
// up) rather than refused unread (429).
//
// slowbody: N connections each start a POST /fax (a valid key, or none
// with -nokey) declaring a 1,000-byte body and send it one byte every 2 s;
// meanwhile a normal GET /account/balance every 100 ms. It prints when the
// server closed the slow connections, the normal requests' latency, and the
// most file descriptors the demo held.
//
// Linux only (it reads /proc/PID/fd).
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const sandboxKey = "fx_test_acme_4f9c2b7e1d8a6035"

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "edgeload:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("edgeload", flag.ContinueOnError)
	bin := fs.String("bin", "", "apierr binary to run `apierr demo` from (required)")
	extra := fs.String("demo-args", "", "more `flags` for apierr demo, space-separated")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *bin == "" || fs.NArg() == 0 {
		return errors.New("usage: edgeload -bin APIERR [-demo-args FLAGS] guess|slowbody [flags]")
	}
	cmd := exec.CommandContext(ctx, *bin, append([]string{"demo", "--addr", "127.0.0.1:0", "--quiet", "--rate", "-1"}, strings.Fields(*extra)...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	base, err := listenURL(stdout)
	if err != nil {
		return err
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	switch fs.Arg(0) {
	case "guess":
		return guess(ctx, base, fs.Args()[1:], out)
	case "slowbody":
		return slowBody(ctx, base, cmd.Process.Pid, fs.Args()[1:], out)
	}
	return fmt.Errorf("unknown load %q", fs.Arg(0))
}

func guess(ctx context.Context, base string, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("guess", flag.ContinueOnError)
	d := fs.Duration("d", 10*time.Second, "how long")
	c := fs.Int("c", 32, "concurrent workers")
	if err := fs.Parse(args); err != nil {
		return err
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *c}, Timeout: 30 * time.Second}
	var mu sync.Mutex
	statuses := map[int]int{}
	deadline := time.Now().Add(*d)
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < *c; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := map[int]int{}
			var b [16]byte
			for time.Now().Before(deadline) {
				rand.Read(b[:])
				req, _ := http.NewRequestWithContext(ctx, "GET", base+"/account/balance", nil)
				req.Header.Set("Authorization", "Bearer fx_test_"+hex.EncodeToString(b[:]))
				resp, err := client.Do(req)
				if err != nil {
					local[0]++
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				local[resp.StatusCode]++
			}
			mu.Lock()
			for k, v := range local {
				statuses[k] += v
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	el := time.Since(start).Seconds()
	total := 0
	for _, v := range statuses {
		total += v
	}
	fmt.Fprintf(out, "%d requests in %.1f s (%.0f/s) from one address, %d workers: %v\n", total, el, float64(total)/el, *c, statuses)
	fmt.Fprintf(out, "guesses checked (401): %d, %.1f/s; refused unread (429): %d\n", statuses[401], float64(statuses[401])/el, statuses[429])
	return nil
}

func slowBody(ctx context.Context, base string, pid int, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("slowbody", flag.ContinueOnError)
	n := fs.Int("n", 1000, "slow connections")
	noKey := fs.Bool("nokey", false, "send the slow requests without an API key")
	every := fs.Duration("every", 2*time.Second, "one body byte per")
	limit := fs.Duration("limit", 60*time.Second, "give up waiting for the server to close them after")
	if err := fs.Parse(args); err != nil {
		return err
	}
	addr := strings.TrimPrefix(base, "http://")
	auth := "Authorization: Bearer " + sandboxKey + "\r\n"
	if *noKey {
		auth = ""
	}
	head := "POST /fax HTTP/1.1\r\nHost: " + addr + "\r\n" + auth + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
	start := time.Now()
	var closed atomic.Int64
	var closeTimes []time.Duration
	var mu sync.Mutex
	var wg sync.WaitGroup
	opened := 0
	for i := 0; i < *n; i++ {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			fmt.Fprintf(out, "dial %d: %v (stopping at %d connections)\n", i, err, opened)
			break
		}
		opened++
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer conn.Close()
			done := make(chan struct{})
			go func() { // the server's answer or close
				defer close(done)
				_, _ = io.Copy(io.Discard, conn)
			}()
			if _, err := io.WriteString(conn, head); err != nil {
				return
			}
			t := time.NewTicker(*every)
			defer t.Stop()
			give := time.After(*limit)
			for sent := 0; sent < 1000; sent++ {
				select {
				case <-done:
					mu.Lock()
					closeTimes = append(closeTimes, time.Since(start))
					mu.Unlock()
					closed.Add(1)
					return
				case <-give:
					return
				case <-t.C:
					if _, err := conn.Write([]byte{' '}); err != nil {
						<-done
						mu.Lock()
						closeTimes = append(closeTimes, time.Since(start))
						mu.Unlock()
						closed.Add(1)
						return
					}
				}
			}
		}()
	}
	// Normal requests meanwhile, and the demo's descriptors.
	stop := make(chan struct{})
	var lat []time.Duration
	fails := 0
	maxFD := 0
	var side sync.WaitGroup
	side.Add(1)
	go func() {
		defer side.Done()
		client := &http.Client{Timeout: 30 * time.Second}
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			if fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid)); err == nil && len(fds) > maxFD {
				maxFD = len(fds)
			}
			req, _ := http.NewRequestWithContext(ctx, "GET", base+"/account/balance", nil)
			req.Header.Set("Authorization", "Bearer "+sandboxKey)
			t0 := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				fails++
				continue
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				fails++
				continue
			}
			lat = append(lat, time.Since(t0))
		}
	}()
	wg.Wait()
	close(stop)
	side.Wait()
	sort.Slice(closeTimes, func(i, j int) bool { return closeTimes[i] < closeTimes[j] })
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(s []time.Duration, p float64) time.Duration {
		if len(s) == 0 {
			return 0
		}
		return s[min(len(s)-1, int(float64(len(s))*p))]
	}
	fmt.Fprintf(out, "%d slow connections (one byte per %v, key: %v): %d closed by the server; first at %v, median %v, last %v\n",
		opened, *every, !*noKey, closed.Load(), pct(closeTimes, 0).Round(time.Millisecond), pct(closeTimes, 0.5).Round(time.Millisecond), pct(closeTimes, 1).Round(time.Millisecond))
	fmt.Fprintf(out, "normal GET meanwhile: %d answered 200, %d failed; latency p50 %v, p99 %v, max %v; demo held at most %d file descriptors\n",
		len(lat), fails, pct(lat, 0.5).Round(10*time.Microsecond), pct(lat, 0.99).Round(10*time.Microsecond), pct(lat, 1).Round(10*time.Microsecond), maxFD)
	return nil
}

func listenURL(r io.Reader) (string, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "listening on "); i >= 0 {
			u := strings.Fields(line[i+len("listening on "):])[0]
			return strings.TrimSuffix(u, ";"), nil
		}
	}
	return "", errors.New("the demo printed no address")
}
