// Command bench re-measures the hot-path table of issue 23 in one command:
// the 402 through the stack against net/http + json.Encoder and huma, the
// unknown path against ServeMux's own 404, the JSON log line's cost, the
// rate limiter's check against its store and go-limiter at 1 key and 1M
// keys, and, when wrk is installed, the demo against a bare net/http server
// doing the same work. Run it from anywhere inside the repository:
//
//	go run ./internal/cmd/bench            # 6 interleaved rounds, wrk if found
//	go run ./internal/cmd/bench -rounds 10 -wrk=false
//	go run ./internal/cmd/bench -go=false -rounds 10   # the wrk rounds alone
//
// Each round runs every benchmark binary once (their order rotated from round
// to round) and, with wrk, every server and route once, so a load spike on a
// shared machine hits every contender alike. The table gives medians over
// the rounds and, for each ratio, the median of the per-round ratios: the
// paired benchmarks (…Ratio) time both sides in alternating blocks inside
// one run and report the ratio of their process CPU time (x-ref-cpu), the
// steadiest figure on a busy machine. It takes 10–20 minutes and is not part
// of CI.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// suite is one benchmark binary run with one -bench pattern.
type suite struct {
	pkg, bench, benchtime string
}

var suites = []suite{
	{"./interop/middleware", `^BenchmarkHotPath$/^(402|404)$/^(nethttp-encoder|nethttp-encoder-6headers|nethttp-catchall-json|nethttp-contract|nethttp-contract-catchall|nethttp-normalizer|apierr-stack|apierr-stack-jsonlog-file|apierr-stack-jsonlog-file-every|huma-default|servemux)$`, ""},
	{"./interop/middleware", `^BenchmarkHotPathRatio$/^(402|404)$/^(stack-vs-floor|floor-6headers-vs-floor|contract-vs-floor|stack-vs-contract|stack-vs-huma|contract-vs-huma|stack-vs-servemux|stack-vs-catchall-json|normalizer-vs-servemux|stack-vs-normalizer|jsonlog-file-vs-nolog)$`, ""},
	{"./interop/middleware", `^BenchmarkHotPathServerRatio$/^(402|404)$/^(stack-vs-floor|stack-vs-floor-6headers|contract-vs-floor|stack-vs-contract|stack-vs-huma|contract-vs-huma|stack-vs-servemux|stack-vs-catchall-json|normalizer-vs-servemux|stack-vs-normalizer|jsonlog-file-vs-nolog)$`, ""},
	{"./interop/core", `^BenchmarkErrorPath$/^(apierr|handwritten)$/^(envelope|json.Marshal)$`, ""},
	{"./interop/ratelimit", `^BenchmarkCheck$/^keys=1$/^(middleware|middleware-2policies|store|go-limiter)$`, ""},
	{"./interop/ratelimit", `^BenchmarkCheckRatio$/^keys=1$/`, ""},
	{"./interop/ratelimit", `^BenchmarkCheckRatio$/^keys=1M$/`, "300000x"},
}

// samples holds, per benchmark name and unit, one value per round.
type samples map[string]map[string][]float64

func (s samples) add(name, unit string, v float64) {
	if s[name] == nil {
		s[name] = map[string][]float64{}
	}
	s[name][unit] = append(s[name][unit], v)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rounds := fs.Int("rounds", 6, "interleaved rounds")
	benchtime := fs.String("benchtime", "200ms", "-benchtime of each benchmark")
	useWrk := fs.Bool("wrk", true, "run the wrk rounds when wrk is on PATH")
	useGo := fs.Bool("go", true, "run the go test benchmarks (-go=false: the wrk rounds alone)")
	wrkDur := fs.Duration("wrk-duration", 5*time.Second, "length of each wrk run")
	wrkConns := fs.Int("wrk-connections", 32, "wrk connections (2 threads)")
	raw := fs.String("raw", "", "also write every benchmark and wrk output line to `FILE`")
	table := fs.String("table", "", "measure nothing: print the table of the rounds a -raw `FILE` holds (of a run cut short, say)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *table != "" {
		b, err := os.ReadFile(*table)
		if err != nil {
			return err
		}
		got, n := parseRaw(b)
		printTable(stdout, got, n, got["wrk/success/demo"] != nil)
		return nil
	}
	root, err := repoRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "apierr-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var rawOut io.Writer = io.Discard
	if *raw != "" {
		f, err := os.Create(*raw)
		if err != nil {
			return err
		}
		defer f.Close()
		rawOut = f
	}

	run := suites
	if !*useGo {
		run = nil
	}
	bins := map[string]string{}
	for _, s := range run {
		if bins[s.pkg] != "" {
			continue
		}
		bin := filepath.Join(tmp, strings.ReplaceAll(strings.TrimPrefix(s.pkg, "./"), "/", "_")+".test")
		fmt.Fprintf(stderr, "building %s\n", s.pkg)
		if err := goCmd(ctx, root, stderr, "test", "-c", "-o", bin, s.pkg); err != nil {
			return err
		}
		bins[s.pkg] = bin
	}
	var wrkPath string
	if *useWrk {
		if wrkPath, err = exec.LookPath("wrk"); err != nil {
			fmt.Fprintln(stderr, "wrk not found on PATH: the wrk rounds are skipped (Debian: apt-get install wrk)")
			wrkPath = ""
		}
	}
	var demo *demoSet
	if wrkPath != "" {
		bin := filepath.Join(tmp, "apierr")
		fmt.Fprintln(stderr, "building ./cmd/apierr")
		if err := goCmd(ctx, root, stderr, "build", "-o", bin, "./cmd/apierr"); err != nil {
			return err
		}
		if demo, err = startDemos(ctx, bin, tmp); err != nil {
			return err
		}
		defer demo.stop()
	}

	got := samples{}
	for r := range *rounds {
		fmt.Fprintf(stderr, "round %d/%d\n", r+1, *rounds)
		for i := range run {
			s := run[(i+r)%len(run)]
			bt := s.benchtime
			if bt == "" {
				bt = *benchtime
			}
			cmd := exec.CommandContext(ctx, bins[s.pkg], "-test.run", "^$", "-test.bench", s.bench,
				"-test.benchmem", "-test.benchtime", bt, "-test.count", "1")
			cmd.Dir = filepath.Join(root, s.pkg) // as go test runs it: testdata paths are relative
			out, err := cmd.CombinedOutput()
			if err != nil {
				return fmt.Errorf("%s %s: %v\n%s", s.pkg, s.bench, err, out)
			}
			_, _ = rawOut.Write(out)
			parseBench(out, got)
		}
		if demo != nil {
			if err := demo.round(ctx, wrkPath, r, *wrkDur, *wrkConns, got, rawOut); err != nil {
				return err
			}
		}
	}
	printTable(stdout, got, *rounds, demo != nil)
	return nil
}

// repoRoot is the directory of the go.work of module github.com/apierr/apierr.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.Contains(b, []byte("module github.com/apierr/apierr\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run inside the apierr repository (no go.mod of github.com/apierr/apierr above the current directory)")
		}
		dir = parent
	}
}

func goCmd(ctx context.Context, dir string, stderr io.Writer, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, stderr, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s: %v", strings.Join(args, " "), err)
	}
	return nil
}

var procSuffix = regexp.MustCompile(`-\d+$`)

// parseBench adds every "BenchmarkX/y-2  N  v unit  v unit …" line of out.
func parseBench(out []byte, got samples) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := procSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
		for i := 2; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				got.add(name, f[i+1], v)
			}
		}
	}
}

// demoSet is the servers of the wrk rounds.
type demoSet struct {
	procs []*exec.Cmd
	addrs map[string]string // server name → host:port
	pids  map[string]int    // server name → process ID
}

// The wrk contenders: the demo with its JSON log on a file (default
// sampling, and every record), the bare server doing the same work (its
// JSON log on a file too) and the bare floor doing almost nothing. Limits
// are raised so that nothing is refused; the limiters still run.
var servers = []struct{ name, flags string }{
	{"demo", "--log-format json --log-file LOG"},
	{"demo-log-every", "--log-format json --log-file LOG --log-every"},
	{"bare-work", "--bare-work --log-format json --log-file LOG"},
	{"bare", "--bare"},
}

var routes = []struct{ name, path string }{
	{"success", "/account/balance"},
	{"unknown", "/no/such/endpoint"},
}

const demoKey = "fx_test_acme_4f9c2b7e1d8a6035" // fax.DemoSandboxKey

func startDemos(ctx context.Context, bin, tmp string) (*demoSet, error) {
	d := &demoSet{addrs: map[string]string{}, pids: map[string]int{}}
	for _, s := range servers {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		addr := ln.Addr().String()
		ln.Close()
		args := []string{"demo", "--addr", addr, "--rate", "1000000000", "--burst", "1000000000"}
		for _, f := range strings.Fields(s.flags) {
			args = append(args, strings.ReplaceAll(f, "LOG", filepath.Join(tmp, s.name+".log.json")))
		}
		cmd := exec.CommandContext(ctx, bin, args...)
		if err := cmd.Start(); err != nil {
			d.stop()
			return nil, err
		}
		d.procs = append(d.procs, cmd)
		d.addrs[s.name] = addr
		d.pids[s.name] = cmd.Process.Pid
	}
	deadline := time.Now().Add(30 * time.Second)
	for _, addr := range d.addrs {
		for {
			c, err := net.Dial("tcp", addr)
			if err == nil {
				c.Close()
				break
			}
			if time.Now().After(deadline) {
				d.stop()
				return nil, fmt.Errorf("the demo on %s did not start: %v", addr, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return d, nil
}

func (d *demoSet) stop() {
	for _, p := range d.procs {
		_ = p.Process.Kill()
		_ = p.Wait()
	}
}

var reqPerSec = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)

// round runs wrk once per route and server, servers in a rotated order.
func (d *demoSet) round(ctx context.Context, wrk string, r int, dur time.Duration, conns int, got samples, raw io.Writer) error {
	for _, rt := range routes {
		for i := range servers {
			s := servers[(i+r)%len(servers)]
			cpu0, cpuErr := procCPU(d.pids[s.name])
			out, err := exec.CommandContext(ctx, wrk, "-t2", "-c"+strconv.Itoa(conns), "-d"+dur.String(),
				"-H", "Authorization: Bearer "+demoKey, "http://"+d.addrs[s.name]+rt.path).CombinedOutput()
			if err != nil {
				return fmt.Errorf("wrk %s %s: %v\n%s", s.name, rt.path, err, out)
			}
			fmt.Fprintf(raw, "wrk %s %s\n%s", s.name, rt.path, out)
			m := reqPerSec.FindSubmatch(out)
			if m == nil {
				return fmt.Errorf("wrk %s %s: no Requests/sec in\n%s", s.name, rt.path, out)
			}
			v, _ := strconv.ParseFloat(string(m[1]), 64)
			got.add("wrk/"+rt.name+"/"+s.name, "req/s", v)
			// The server's own CPU time per request: what the other
			// processes on a shared machine do to wrk's req/s, they do
			// far less to this.
			cpu1, cpuErr1 := procCPU(d.pids[s.name])
			if n := requestsDone.FindSubmatch(out); n != nil && cpuErr == nil && cpuErr1 == nil {
				if reqs, _ := strconv.ParseFloat(string(n[1]), 64); reqs > 0 {
					us := (cpu1 - cpu0).Seconds() * 1e6 / reqs
					fmt.Fprintf(raw, "server-cpu %s %s %.4f\n", s.name, rt.path, us)
					got.add("wrk/"+rt.name+"/"+s.name, "cpu-us/req", us)
				}
			}
		}
	}
	return nil
}

var requestsDone = regexp.MustCompile(`(\d+) requests in`)

// procCPU is the user + system CPU time process pid has used, from
// /proc/PID/stat (Linux; in USER_HZ ticks, 100 a second).
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name (field 2) is parenthesised and may hold spaces: count
	// from the last ')'. utime and stime are fields 14 and 15.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, errors.New("no ) in /proc/PID/stat")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("short /proc/PID/stat")
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, errors.New("bad utime/stime in /proc/PID/stat")
	}
	return time.Duration(ut+st) * (time.Second / 100), nil
}

// parseRaw reads back a -raw file: its benchmark lines, and the
// Requests/sec of each "wrk SERVER PATH" section. n is the number of
// rounds (the most samples of any figure).
func parseRaw(b []byte) (got samples, n int) {
	got = samples{}
	parseBench(b, got)
	var name string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if f := strings.Fields(line); len(f) == 3 && f[0] == "wrk" {
			name = ""
			for _, rt := range routes {
				if rt.path == f[2] {
					name = "wrk/" + rt.name + "/" + f[1]
				}
			}
			continue
		}
		if f := strings.Fields(line); len(f) == 4 && f[0] == "server-cpu" {
			for _, rt := range routes {
				if rt.path == f[2] {
					v, _ := strconv.ParseFloat(f[3], 64)
					got.add("wrk/"+rt.name+"/"+f[1], "cpu-us/req", v)
				}
			}
			continue
		}
		if m := reqPerSec.FindStringSubmatch(line); m != nil && name != "" {
			v, _ := strconv.ParseFloat(m[1], 64)
			got.add(name, "req/s", v)
			name = ""
		}
	}
	for _, units := range got {
		for _, v := range units {
			n = max(n, len(v))
		}
	}
	return got, n
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

// ratios is a[i]/b[i] per round.
func ratios(a, b []float64) []float64 {
	out := make([]float64, 0, min(len(a), len(b)))
	for i := range min(len(a), len(b)) {
		if b[i] != 0 {
			out = append(out, a[i]/b[i])
		}
	}
	return out
}

func printTable(w io.Writer, got samples, rounds int, withWrk bool) {
	ns := func(name string) string {
		v := got[name]["ns/op"]
		if v == nil {
			return "—"
		}
		s := fmt.Sprintf("%.0f ns", median(v))
		if c := got[name]["cpu-ns/op"]; c != nil {
			s += fmt.Sprintf(" (cpu %.0f)", median(c))
		}
		if a := got[name]["allocs/op"]; a != nil {
			s += fmt.Sprintf(", %.0f allocs", median(a))
		}
		return s
	}
	// pairNs is the first side's wall ns per request of a paired benchmark
	// (its allocs/op are of both sides together, so they are not shown).
	pairNs := func(name string) string {
		v := got[name]["ns/op"]
		if v == nil {
			return "—"
		}
		return fmt.Sprintf("%.0f ns", median(v))
	}
	paired := func(name string) (string, float64) {
		v := got[name]["x-ref-cpu"]
		if v == nil {
			return "—", 0
		}
		m := median(v)
		return fmt.Sprintf("%.2f× cpu (wall %.2f×) [%.2f–%.2f]", m, median(got[name]["x-ref"]), slices.Min(v), slices.Max(v)), m
	}
	verdict := func(ok bool, have bool) string {
		switch {
		case !have:
			return "not measured"
		case ok:
			return "met"
		}
		return "**not met**"
	}
	fmt.Fprintf(w, "Medians of %d interleaved rounds; ratios: the median of the per-round ratios [min–max].\n\n", rounds)
	fmt.Fprintln(w, "| path | apierr | floor / peer | ratio | goal | |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	row := func(path, a, b, ratio, goal, v string) {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", path, a, b, ratio, goal, v)
	}

	// A CPU-ratio goal is met, not met, or out of reach: when the contract
	// floor (the same response hand-written the cheapest way, or the least
	// a check sending the same fields does) is itself above the goal, no
	// implementation that keeps the contract can meet it.
	goalVerdict := func(m, floor, goal float64) string {
		switch {
		case m == 0:
			return "not measured"
		case m <= goal:
			return "met"
		case floor > goal:
			return fmt.Sprintf("**out of reach**: the contract floor is %.2f×", floor)
		}
		return "**not met**"
	}
	r, m := paired("HotPathRatio/402/stack-vs-floor")
	_, fl := paired("HotPathRatio/402/contract-vs-floor")
	al := median(got["HotPath/402/apierr-stack"]["allocs/op"])
	v := goalVerdict(m, fl, 1.2)
	if al > 14 {
		v = "**not met** (allocs)"
	}
	row("402 through middleware.Stack + ServeMux (ResponseRecorder)", ns("HotPath/402/apierr-stack"), "net/http + json.Encoder: "+ns("HotPath/402/nethttp-encoder"),
		r, "≤ 1.2×, ≤ 14 allocs", v)
	r, _ = paired("HotPathRatio/402/contract-vs-floor")
	row("… the contract floor: the same response hand-written the cheapest way (fresh ID, six shared header values, json.Encoder)", ns("HotPath/402/nethttp-contract"), "net/http + json.Encoder", r, "—", "")
	r, _ = paired("HotPathRatio/402/stack-vs-contract")
	row("… the stack against the contract floor (what apierr adds)", "", "contract floor", r, "—", "")
	r, _ = paired("HotPathRatio/402/floor-6headers-vs-floor")
	row("… the floor setting the six headers with Header.Set", ns("HotPath/402/nethttp-encoder-6headers"), "net/http + json.Encoder", r, "—", "")
	r, m = paired("HotPathRatio/402/stack-vs-huma")
	_, fl = paired("HotPathRatio/402/contract-vs-huma")
	row("402, against huma", ns("HotPath/402/apierr-stack"), "huma default: "+ns("HotPath/402/huma-default"), r, "≤ 0.5×", goalVerdict(m, fl, 0.5))
	r, _ = paired("HotPathRatio/402/contract-vs-huma")
	row("… the contract floor against huma", "", "huma default", r, "—", "")
	env, hw := got["ErrorPath/apierr/envelope"]["ns/op"], got["ErrorPath/handwritten/json.Marshal"]["ns/op"]
	rr := ratios(env, hw)
	row("402 via Catalog.Write alone", ns("ErrorPath/apierr/envelope"), "json.Marshal: "+ns("ErrorPath/handwritten/json.Marshal"),
		fmt.Sprintf("%.2f× (wall)", median(rr)), "—", "")
	r, m = paired("HotPathRatio/404/stack-vs-servemux")
	_, fl = paired("HotPathRatio/404/normalizer-vs-servemux")
	row("unknown path through the stack", ns("HotPath/404/apierr-stack"), "ServeMux's 404: "+ns("HotPath/404/servemux"), r, "≤ 1.3×", goalVerdict(m, fl, 1.3))
	r, _ = paired("HotPathRatio/404/normalizer-vs-servemux")
	row("… the contract floor: a hand-written wrapper replacing ServeMux's 404 with the JSON error (fresh ID, six headers)", ns("HotPath/404/nethttp-normalizer"), "ServeMux's 404", r, "—", "")
	r, _ = paired("HotPathRatio/404/stack-vs-normalizer")
	row("… the stack against that floor (what apierr adds)", "", "contract floor", r, "—", "")
	r, _ = paired("HotPathRatio/404/stack-vs-catchall-json")
	row("… against a hand-written catch-all JSON 404 (no 405s)", ns("HotPath/404/apierr-stack"),
		"catch-all: "+ns("HotPath/404/nethttp-catchall-json"), r, "—", "")
	r, m = paired("HotPathServerRatio/402/stack-vs-floor")
	_, fl = paired("HotPathServerRatio/402/contract-vs-floor")
	row("402 through the stack, real http.Server writer (in-memory connection)", pairNs("HotPathServerRatio/402/stack-vs-floor"), "net/http + json.Encoder", r, "≤ 1.2×", goalVerdict(m, fl, 1.2))
	r, _ = paired("HotPathServerRatio/402/contract-vs-floor")
	row("… the contract floor", "", "net/http + json.Encoder", r, "—", "")
	r, _ = paired("HotPathServerRatio/402/stack-vs-contract")
	row("… the stack against the contract floor", "", "contract floor", r, "—", "")
	r, _ = paired("HotPathServerRatio/402/stack-vs-floor-6headers")
	row("… against the floor setting the six headers with Header.Set", "", "net/http + json.Encoder, six headers", r, "—", "")
	r, m = paired("HotPathServerRatio/402/stack-vs-huma")
	_, fl = paired("HotPathServerRatio/402/contract-vs-huma")
	row("… against huma", "", "huma default", r, "≤ 0.5×", goalVerdict(m, fl, 0.5))
	r, _ = paired("HotPathServerRatio/402/contract-vs-huma")
	row("… the contract floor against huma", "", "huma default", r, "—", "")
	r, m = paired("HotPathServerRatio/404/stack-vs-servemux")
	_, fl = paired("HotPathServerRatio/404/normalizer-vs-servemux")
	row("unknown path, real http.Server writer", pairNs("HotPathServerRatio/404/stack-vs-servemux"), "ServeMux's 404", r, "≤ 1.3×", goalVerdict(m, fl, 1.3))
	r, _ = paired("HotPathServerRatio/404/normalizer-vs-servemux")
	row("… the contract floor (hand-written normalizing wrapper)", "", "ServeMux's 404", r, "—", "")
	r, _ = paired("HotPathServerRatio/404/stack-vs-normalizer")
	row("… the stack against that floor", "", "contract floor", r, "—", "")
	r, _ = paired("HotPathServerRatio/404/stack-vs-catchall-json")
	row("… against the hand-written catch-all JSON 404 (no 405s)", "", "catch-all, six headers", r, "—", "")
	r, m = paired("HotPathServerRatio/402/jsonlog-file-vs-nolog")
	row("402 with every record as JSON to a file, real http.Server writer", "", "no log", r, "≤ 2× (the line ≤ the response)", verdict(m <= 2, m > 0))
	r, m = paired("HotPathRatio/402/jsonlog-file-vs-nolog")
	row("402 with a JSON log record to a file (every record), against no log", ns("HotPath/402/apierr-stack-jsonlog-file-every"), "no log: "+ns("HotPath/402/apierr-stack"),
		r, "≤ 2× (the line ≤ the response)", verdict(m <= 2, m > 0))
	r, m = paired("CheckRatio/keys=1/middleware-vs-store")
	_, fl = paired("CheckRatio/keys=1/contract-vs-store")
	al = median(got["Check/keys=1/middleware"]["allocs/op"])
	v = goalVerdict(m, fl, 1.5)
	if al > 0 {
		v = "**not met** (allocs)"
	}
	row("rate-limit check as the middleware makes it, 1 key", ns("Check/keys=1/middleware"), "Memory store: "+ns("Check/keys=1/store"),
		r, "0 allocs, ≤ 1.5×", v)
	r, _ = paired("CheckRatio/keys=1/contract-vs-store")
	row("… the contract floor: the store, then both fields assigned as shared values", "", "Memory store", r, "—", "")
	r, _ = paired("CheckRatio/keys=1/middleware-vs-contract")
	row("… the middleware against that floor", "", "contract floor", r, "—", "")
	r, _ = paired("CheckRatio/keys=1/middleware-2policies-vs-store-2policies")
	row("… with a day policy (RateLimit value new every check)", ns("Check/keys=1/middleware-2policies"), "—", r, "—", "")
	r, m = paired("CheckRatio/keys=1/store-vs-go-limiter")
	row("Memory store, 1 key", ns("Check/keys=1/store"), "go-limiter: "+ns("Check/keys=1/go-limiter"), r, "≤ 1×", verdict(m <= 1, m > 0))
	r, m = paired("CheckRatio/keys=1M/store-vs-go-limiter")
	row("Memory store, 1M keys", "—", "go-limiter", r, "≤ 1×", verdict(m <= 1, m > 0))
	r, m = paired("CheckRatio/keys=1M/middleware-vs-store")
	row("rate-limit check as the middleware makes it, 1M keys", "—", "Memory store", r, "≤ 1.5×", verdict(m <= 1.5, m > 0))
	if !withWrk {
		fmt.Fprintln(w, "\n(wrk rounds skipped)")
		return
	}
	rps := func(name string) string {
		v := got[name]["req/s"]
		if len(v) == 0 {
			return "—"
		}
		return fmt.Sprintf("%.0f req/s [%.0f–%.0f]", median(v), slices.Min(v), slices.Max(v))
	}
	cpuReq := func(name string) string {
		v := got[name]["cpu-us/req"]
		if len(v) == 0 {
			return "—"
		}
		return fmt.Sprintf("%.1f µs CPU/req [%.1f–%.1f]", median(v), slices.Min(v), slices.Max(v))
	}
	for _, rt := range routes {
		for _, s := range []string{"demo", "demo-log-every"} {
			if rt.name == "success" && s == "demo-log-every" {
				continue // a success writes no record: the same server twice
			}
			rr := ratios(got["wrk/"+rt.name+"/"+s]["req/s"], got["wrk/"+rt.name+"/bare-work"]["req/s"])
			if len(rr) == 0 {
				continue
			}
			m := median(rr)
			row(fmt.Sprintf("wrk, %s route, %s (JSON log to a file)", rt.name, s), rps("wrk/"+rt.name+"/"+s), "bare net/http, same work: "+rps("wrk/"+rt.name+"/bare-work"),
				fmt.Sprintf("%.2f× [%.2f–%.2f]", m, slices.Min(rr), slices.Max(rr)), "≥ 0.9×", verdict(m >= 0.9, true))
			// Requests per CPU second: the bare server's CPU per request
			// over the demo's, the throughput each would reach on the
			// same CPU.
			cr := ratios(got["wrk/"+rt.name+"/bare-work"]["cpu-us/req"], got["wrk/"+rt.name+"/"+s]["cpu-us/req"])
			if len(cr) > 0 {
				m := median(cr)
				row(fmt.Sprintf("… requests per server CPU second, %s", s), cpuReq("wrk/"+rt.name+"/"+s), "bare net/http, same work: "+cpuReq("wrk/"+rt.name+"/bare-work"),
					fmt.Sprintf("%.2f× [%.2f–%.2f]", m, slices.Min(cr), slices.Max(cr)), "≥ 0.9×", verdict(m >= 0.9, true))
			}
		}
		rr := ratios(got["wrk/"+rt.name+"/demo"]["req/s"], got["wrk/"+rt.name+"/bare"]["req/s"])
		row(fmt.Sprintf("wrk, %s route, demo against the bare floor (no work)", rt.name), rps("wrk/"+rt.name+"/demo"), "bare: "+rps("wrk/"+rt.name+"/bare"),
			fmt.Sprintf("%.2f×", median(rr)), "—", "")
	}
}
