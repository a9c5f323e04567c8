// Command bigfax measures the memory the demo fax API takes under large
// keyed submissions: it starts an apierr binary's demo on a free loopback
// port, sends N concurrent POST /fax of a SIZE-byte PDF (base64 in JSON,
// each with its own Idempotency-Key), samples the demo's resident memory
// from /proc while they run, and prints the answers and the peak.
//
//	go build -o /tmp/apierr ./cmd/apierr
//	go run ./internal/bigfax -bin /tmp/apierr -n 20 -size 10000000
//	go run ./internal/bigfax -bin /tmp/apierr -n 20 -demo-args "--max-submissions -1"
//
// Linux only (it reads /proc/PID/status).
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bigfax:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("bigfax", flag.ContinueOnError)
	bin := fs.String("bin", "", "apierr binary to run `apierr demo` from (required)")
	n := fs.Int("n", 20, "concurrent submissions")
	size := fs.Int("size", 10_000_000, "PDF size in bytes (base64 makes the body a third bigger)")
	key := fs.String("key", "fx_test_acme_4f9c2b7e1d8a6035", "API key (the demo's sandbox key)")
	waves := fs.Int("waves", 1, "times to send the N submissions, one wave after another")
	retry := fs.Bool("retry", false, "resend a submission answered 429 after its Retry-After, as a client should, until it is created")
	extra := fs.String("demo-args", "", "more `flags` for apierr demo, space-separated (e.g. \"--max-submissions -1\")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *bin == "" {
		return errors.New("-bin is required")
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
	pid := cmd.Process.Pid

	body := faxBody(*size)
	time.Sleep(300 * time.Millisecond) // let the demo settle before the baseline
	idle, _ := memStatus(pid, "VmRSS")
	fmt.Fprintf(out, "demo pid %d at %s; idle RSS %s; %d × %d waves of POST /fax, body %.1f MB\n",
		pid, base, mb(idle), *n, *waves, float64(len(body))/1e6)

	stop := make(chan struct{})
	var peakRSS int64
	var sampler sync.WaitGroup
	sampler.Add(1)
	go func() {
		defer sampler.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			if v, err := memStatus(pid, "VmRSS"); err == nil && v > peakRSS {
				peakRSS = v
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()

	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: *n, MaxIdleConnsPerHost: *n}, Timeout: 2 * time.Minute}
	statuses := map[string]int{}
	retries := 0
	var mu sync.Mutex
	start := time.Now()
	for w := 0; w < *waves; w++ {
		var wg sync.WaitGroup
		for i := 0; i < *n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				idemKey := fmt.Sprintf("bigfax-%d-%d-%d", start.UnixNano(), w, i)
				label := ""
				for attempt := 0; attempt < 100; attempt++ {
					req, _ := http.NewRequestWithContext(ctx, "POST", base+"/fax", bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+*key)
					req.Header.Set("Idempotency-Key", idemKey)
					resp, err := client.Do(req)
					if err != nil {
						label = "transport error"
						break
					}
					b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
					resp.Body.Close()
					label = strconv.Itoa(resp.StatusCode) + " " + code(b)
					if !*retry || resp.StatusCode != http.StatusTooManyRequests {
						break
					}
					mu.Lock()
					retries++
					mu.Unlock()
					secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
					time.Sleep(time.Duration(max(secs, 1)) * time.Second)
				}
				mu.Lock()
				statuses[label]++
				mu.Unlock()
			}()
		}
		wg.Wait()
	}
	elapsed := time.Since(start)
	time.Sleep(100 * time.Millisecond)
	close(stop)
	sampler.Wait()
	hwm, _ := memStatus(pid, "VmHWM")
	after, _ := memStatus(pid, "VmRSS")
	var labels []string
	for l := range statuses {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	for _, l := range labels {
		fmt.Fprintf(out, "  %3d × %s\n", statuses[l], l)
	}
	if *retry {
		fmt.Fprintf(out, "  (%d resends after a 429)\n", retries)
	}
	fmt.Fprintf(out, "in %v: peak RSS %s (VmHWM %s), RSS after %s\n", elapsed.Round(time.Millisecond), mb(peakRSS), mb(hwm), mb(after))
	return nil
}

// listenURL reads the demo's banner up to its base URL.
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

// faxBody is a JSON submission of a one-page PDF padded to size bytes.
func faxBody(size int) []byte {
	pdf := []byte("%PDF-1.4\n1 0 obj <</Type /Page>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n")
	line := []byte("%padding padding padding padding padding padding padding padding\n")
	pad := bytes.Repeat(line, size/len(line)+1)
	doc := append(pdf, pad...)[:size]
	return []byte(`{"to":"+14155550123","file":"` + base64.StdEncoding.EncodeToString(doc) + `"}`)
}

// code is the "error" member of an error body, or "" for a success.
func code(b []byte) string {
	s := string(b)
	if i := strings.Index(s, `"error":"`); i >= 0 {
		s = s[i+len(`"error":"`):]
		if j := strings.IndexByte(s, '"'); j >= 0 {
			return s[:j]
		}
	}
	return ""
}

// memStatus reads a kB field of /proc/PID/status, in bytes.
func memStatus(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

func mb(b int64) string { return fmt.Sprintf("%.0f MB", float64(b)/(1<<20)) }
