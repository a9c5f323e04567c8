//go:build unix

package middleware_test

import (
	"bytes"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/apierr/apierr/middleware"
)

// BenchmarkHotPathServer is BenchmarkHotPath's 402 and unknown path with the
// writer a user's handler really gets: an http.Server serving one
// keep-alive HTTP/1.1 connection held in memory (no kernel, no network), the
// client's requests pipelined into it. Each op is a whole request as
// net/http serves it: the request read and parsed, the handler, the status
// line and header lines written, the response flushed. It is what the stack
// adds to a real server's request; BenchmarkHotPath's recorder counts
// allocations the way issue 23's goals do.
func BenchmarkHotPathServer(b *testing.B) {
	cat := faxCatalog(b)
	discard := slog.New(slog.DiscardHandler)
	stack := middleware.Stack(cat, middleware.WithLogger(discard))(apierrMux())
	floor := floorMux()
	b.Run("402/nethttp-encoder", func(b *testing.B) { runServer(b, floor, "/fax", 402) })
	b.Run("402/nethttp-encoder-6headers", func(b *testing.B) { runServer(b, floorHeadersMux(), "/fax", 402) })
	b.Run("402/nethttp-contract", func(b *testing.B) { runServer(b, floorContractMux(), "/fax", 402) })
	b.Run("402/apierr-stack", func(b *testing.B) { runServer(b, stack, "/fax", 402) })
	b.Run("402/huma-default", func(b *testing.B) { runServer(b, humaMux(), "/fax", 402) })
	b.Run("404/servemux", func(b *testing.B) { runServer(b, floor, "/nowhere", 404) })
	b.Run("404/nethttp-catchall-json", func(b *testing.B) { runServer(b, floorJSON404Mux(), "/nowhere", 404) })
	b.Run("404/nethttp-contract-catchall", func(b *testing.B) { runServer(b, floorContractMux(), "/nowhere", 404) })
	b.Run("404/apierr-stack", func(b *testing.B) { runServer(b, stack, "/nowhere", 404) })
	b.Run("404/nethttp-normalizer", func(b *testing.B) { runServer(b, floorNormalizer(floor), "/nowhere", 404) })
}

// BenchmarkHotPathServerRatio pairs them as BenchmarkHotPathRatio does
// (alternating blocks, x-ref-cpu the process CPU time of a over ref), with
// the real server's writer:
//
//   - 402/stack-vs-floor, 402/stack-vs-huma, 404/stack-vs-servemux,
//     404/stack-vs-catchall-json: as in BenchmarkHotPathRatio;
//   - 402/stack-vs-floor-6headers: against the floor that sets the six
//     headers the catalog error carries (the same response, byte for byte
//     but for the request ID's value and the order of the headers);
//   - 402/contract-vs-floor, 402/stack-vs-contract, 402/contract-vs-huma,
//     404/contract-vs-servemux, 404/stack-vs-contract: the contract floor
//     (floorContractMux, the same response hand-written the cheapest way)
//     as in BenchmarkHotPathRatio;
//   - 402/jsonlog-file-vs-nolog: the stack writing every record (sampling
//     off) as JSON to an *os.File against no log: x-ref − 1 is what the log
//     line costs in responses as a server answers them (goal ≤ 1);
//   - 402/jsonlog-file-sampled-vs-nolog: the same with the default sampling.
func BenchmarkHotPathServerRatio(b *testing.B) {
	cat := faxCatalog(b)
	discard, file := benchLoggers(b)
	every := middleware.WithSampling(middleware.Sampling{First: -1})
	stack := func(l *slog.Logger, opts ...middleware.Option) http.Handler {
		return middleware.Stack(cat, append(opts, middleware.WithLogger(l))...)(apierrMux())
	}
	floor := floorMux()
	b.Run("402/stack-vs-floor", func(b *testing.B) { runServerPair(b, stack(discard), floor, "/fax", 402) })
	b.Run("402/stack-vs-floor-6headers", func(b *testing.B) { runServerPair(b, stack(discard), floorHeadersMux(), "/fax", 402) })
	b.Run("402/contract-vs-floor", func(b *testing.B) { runServerPair(b, floorContractMux(), floor, "/fax", 402) })
	b.Run("402/stack-vs-contract", func(b *testing.B) { runServerPair(b, stack(discard), floorContractMux(), "/fax", 402) })
	b.Run("402/stack-vs-huma", func(b *testing.B) { runServerPair(b, stack(discard), humaMux(), "/fax", 402) })
	b.Run("402/contract-vs-huma", func(b *testing.B) { runServerPair(b, floorContractMux(), humaMux(), "/fax", 402) })
	b.Run("404/stack-vs-servemux", func(b *testing.B) { runServerPair(b, stack(discard), floor, "/nowhere", 404) })
	b.Run("404/stack-vs-catchall-json", func(b *testing.B) { runServerPair(b, stack(discard), floorJSON404Mux(), "/nowhere", 404) })
	b.Run("404/contract-vs-servemux", func(b *testing.B) { runServerPair(b, floorContractMux(), floor, "/nowhere", 404) })
	b.Run("404/stack-vs-contract", func(b *testing.B) { runServerPair(b, stack(discard), floorContractMux(), "/nowhere", 404) })
	b.Run("404/normalizer-vs-servemux", func(b *testing.B) { runServerPair(b, floorNormalizer(floor), floor, "/nowhere", 404) })
	b.Run("404/stack-vs-normalizer", func(b *testing.B) { runServerPair(b, stack(discard), floorNormalizer(floor), "/nowhere", 404) })
	b.Run("402/jsonlog-file-vs-nolog", func(b *testing.B) { runServerPair(b, stack(file, every), stack(discard), "/fax", 402) })
	b.Run("402/jsonlog-file-sampled-vs-nolog", func(b *testing.B) { runServerPair(b, stack(file), stack(discard), "/fax", 402) })
}

func runServer(b *testing.B, h http.Handler, path string, want int) {
	b.Helper()
	c := startConnServer(b, h, path, want)
	b.ReportAllocs()
	b.ResetTimer()
	const block = 128
	for n := 0; n < b.N; n += block {
		c.serve(min(block, b.N-n))
	}
}

func runServerPair(b *testing.B, a, ref http.Handler, path string, want int) {
	b.Helper()
	ca := startConnServer(b, a, path, want)
	cr := startConnServer(b, ref, path, want)
	const block = 128
	var wall, cpu [2]time.Duration
	run := func(i int, c *memConn) {
		c0, t0 := cpuTime(), time.Now()
		c.serve(block)
		wall[i] += time.Since(t0)
		cpu[i] += cpuTime() - c0
	}
	b.ResetTimer()
	for i := 0; i*block < b.N; i++ {
		if i%2 == 0 {
			run(0, ca)
			run(1, cr)
		} else {
			run(1, cr)
			run(0, ca)
		}
	}
	n := (b.N + block - 1) / block * block
	b.ReportMetric(float64(wall[0].Nanoseconds())/float64(n), "ns/op")
	b.ReportMetric(float64(wall[0])/float64(wall[1]), "x-ref")
	b.ReportMetric(float64(cpu[0])/float64(cpu[1]), "x-ref-cpu")
}

// startConnServer starts an http.Server on h with one in-memory connection,
// checks the status of a first request to path and returns the connection.
func startConnServer(b *testing.B, h http.Handler, path string, want int) *memConn {
	b.Helper()
	req := "POST " + path + " HTTP/1.1\r\nHost: api.test\r\nUser-Agent: bench\r\nAccept: */*\r\nContent-Length: 0\r\n\r\n"
	c := newMemConn([]byte(req))
	srv := &http.Server{Handler: h, ErrorLog: nil}
	ln := &memListener{c: c, closed: make(chan struct{})}
	go func() { _ = srv.Serve(ln) }()
	b.Cleanup(func() { _ = srv.Close() })
	c.serve(1)
	first := c.lastResponse()
	if !bytes.HasPrefix(first, []byte("HTTP/1.1 "+strconv.Itoa(want)+" ")) {
		b.Fatalf("want %d, got %q", want, first)
	}
	return c
}

// memConn is one client connection held in memory: Read hands the server
// copies of one request, as many as serve granted; Write counts the
// responses (net/http flushes each response in one write, which begins
// with the status line).
type memConn struct {
	req  []byte
	mu   sync.Mutex
	cond *sync.Cond

	granted int  // requests not yet read
	off     int  // bytes of the current request already read
	expired bool // read deadline in the past
	closed  bool

	target, responses int
	done              chan struct{}
	last              []byte
}

func newMemConn(req []byte) *memConn {
	c := &memConn{req: req, done: make(chan struct{}, 1)}
	c.cond = sync.NewCond(&c.mu)
	return c
}

// serve grants n requests and waits for their n responses.
func (c *memConn) serve(n int) {
	c.mu.Lock()
	c.target = c.responses + n
	c.granted += n
	c.cond.Broadcast()
	c.mu.Unlock()
	<-c.done
}

func (c *memConn) lastResponse() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

func (c *memConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.granted == 0 && !c.expired && !c.closed {
		c.cond.Wait()
	}
	switch {
	case c.closed:
		return 0, net.ErrClosed
	case c.granted == 0:
		return 0, os.ErrDeadlineExceeded
	}
	n := 0
	for n < len(p) && c.granted > 0 {
		k := copy(p[n:], c.req[c.off:])
		n += k
		if c.off += k; c.off == len(c.req) {
			c.off = 0
			c.granted--
		}
	}
	return n, nil
}

func (c *memConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return 0, net.ErrClosed
	}
	if bytes.HasPrefix(p, []byte("HTTP/1.1 ")) {
		c.responses++
		if c.last == nil {
			c.last = append([]byte(nil), p...)
		}
	}
	hit := c.responses == c.target
	c.mu.Unlock()
	if hit {
		c.done <- struct{}{}
	}
	return len(p), nil
}

func (c *memConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	c.expired = !t.IsZero() && !t.After(time.Now())
	c.cond.Broadcast()
	c.mu.Unlock()
	return nil
}

func (c *memConn) Close() error {
	c.mu.Lock()
	c.closed = true
	c.cond.Broadcast()
	c.mu.Unlock()
	return nil
}

func (c *memConn) SetDeadline(t time.Time) error    { return c.SetReadDeadline(t) }
func (c *memConn) SetWriteDeadline(time.Time) error { return nil }
func (c *memConn) LocalAddr() net.Addr              { return memAddr{} }
func (c *memConn) RemoteAddr() net.Addr             { return memAddr{} }

type memAddr struct{}

func (memAddr) Network() string { return "tcp" }
func (memAddr) String() string  { return "192.0.2.1:1234" }

// memListener accepts its one connection, then waits to be closed.
type memListener struct {
	c      *memConn
	once   sync.Once
	given  bool
	closed chan struct{}
}

func (l *memListener) Accept() (net.Conn, error) {
	if !l.given {
		l.given = true
		return l.c, nil
	}
	<-l.closed
	return nil, errors.New("listener closed")
}

func (l *memListener) Close() error   { l.once.Do(func() { close(l.closed) }); return nil }
func (l *memListener) Addr() net.Addr { return memAddr{} }
