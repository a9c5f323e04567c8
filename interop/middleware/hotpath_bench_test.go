//go:build unix

package middleware_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/middleware"
)

// BenchmarkHotPath measures, in one run, the error path and the unknown-path
// path of the full runtime (middleware.Stack around a ServeMux) beside the
// floor (the same ServeMux with a hand-written net/http handler) and huma's
// default error path, each request answered into a fresh
// httptest.ResponseRecorder (allocs/op counts it: 3 of the floor's).
//
//   - 402/*: the catalog's insufficient_balance with two context fields.
//     nethttp-encoder is the floor: json.Encoder of an equivalent struct;
//     nethttp-encoder-6headers also sets the six headers apierr sends.
//     apierr-stack logs its record to slog.DiscardHandler,
//     apierr-stack-jsonlog-discard to a JSON handler writing io.Discard (the
//     record's formatting) and apierr-stack-jsonlog-file to one writing an
//     *os.File, with the default sampling (a flood of one code: after the
//     first five records of a window, the rest are counted, not written);
//     apierr-stack-jsonlog-file-every writes every record (sampling off:
//     the formatting and the write(2) of each). apierr-stack-de asks for
//     the catalog's German text (Accept-Language).
//   - 404/*: a path no route matches. servemux is ServeMux's own plain-text
//     404; nethttp-catchall-json a hand-written "/" route encoding the same
//     JSON 404 with the same six headers; apierr-stack renders
//     endpoint_not_found in its place.
//   - nethttp-contract (402) and nethttp-contract-catchall (404): the
//     cheapest hand-written net/http that keeps the same contract: a fresh
//     request ID per request, the same six headers assigned as shared
//     prebuilt values (no canonicalising, no allocation but the ID's), the
//     same body with its request_id, json.Encoder. What no error library
//     can undercut while the response stays the same. nethttp-normalizer
//     (404) is the unknown path's: floorNormalizer's hand-written wrapper
//     replacing ServeMux's 404 with the same JSON error.
//
// Ratios, not absolute times: see BENCHMARKS.md (hot path) for the command.
func BenchmarkHotPath(b *testing.B) {
	cat := faxCatalog(b)
	discard := slog.New(slog.DiscardHandler)
	f, err := os.Create(filepath.Join(b.TempDir(), "log.json"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	file := slog.New(slog.NewJSONHandler(f, nil))
	jsonDiscard := slog.New(slog.NewJSONHandler(io.Discard, nil))

	every := middleware.WithSampling(middleware.Sampling{First: -1})
	stack := func(l *slog.Logger, mux http.Handler, opts ...middleware.Option) http.Handler {
		return middleware.Stack(cat, append(opts, middleware.WithLogger(l))...)(mux)
	}
	floor := floorMux()
	app := apierrMux()
	b.Run("402/nethttp-encoder", func(b *testing.B) { runRecorder(b, floor, "/fax", 402) })
	b.Run("402/nethttp-encoder-6headers", func(b *testing.B) { runRecorder(b, floorHeadersMux(), "/fax", 402) })
	b.Run("402/nethttp-contract", func(b *testing.B) { runRecorder(b, floorContractMux(), "/fax", 402) })
	b.Run("402/apierr-stack", func(b *testing.B) { runRecorder(b, stack(discard, app), "/fax", 402) })
	b.Run("402/apierr-stack-jsonlog-discard", func(b *testing.B) { runRecorder(b, stack(jsonDiscard, app), "/fax", 402) })
	b.Run("402/apierr-stack-jsonlog-file", func(b *testing.B) { runRecorder(b, stack(file, app), "/fax", 402) })
	b.Run("402/apierr-stack-jsonlog-file-every", func(b *testing.B) { runRecorder(b, stack(file, app, every), "/fax", 402) })
	b.Run("402/apierr-stack-de", func(b *testing.B) { runRecorder(b, stack(discard, app), "/fax", 402, "Accept-Language", "de") })
	b.Run("402/huma-default", func(b *testing.B) { runRecorder(b, humaMux(), "/fax", 402) })
	b.Run("404/servemux", func(b *testing.B) { runRecorder(b, floor, "/nowhere", 404) })
	b.Run("404/nethttp-catchall-json", func(b *testing.B) { runRecorder(b, floorJSON404Mux(), "/nowhere", 404) })
	b.Run("404/nethttp-contract-catchall", func(b *testing.B) { runRecorder(b, floorContractMux(), "/nowhere", 404) })
	b.Run("404/nethttp-normalizer", func(b *testing.B) { runRecorder(b, floorNormalizer(floor), "/nowhere", 404) })
	b.Run("404/apierr-stack", func(b *testing.B) { runRecorder(b, stack(discard, app), "/nowhere", 404) })
	b.Run("404/apierr-stack-jsonlog-file", func(b *testing.B) { runRecorder(b, stack(file, app), "/nowhere", 404) })
}

// runRecorder serves one reused POST request to path per iteration into a
// fresh httptest.ResponseRecorder and checks the first answer's status.
func runRecorder(b *testing.B, h http.Handler, path string, want int, header ...string) {
	b.Helper()
	req := httptest.NewRequest("POST", "http://api.test"+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != want {
		b.Fatalf("status %d, want %d: %s", w.Code, want, w.Body)
	}
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
}

type floorContext struct {
	Available int `json:"available"`
	Required  int `json:"required"`
}

type floorError struct {
	Error   string       `json:"error"`
	Message string       `json:"message"`
	Action  string       `json:"action"`
	Docs    string       `json:"docs"`
	Context floorContext `json:"context"`
}

// floorMux is the hand-written equivalent of the 402: a ServeMux route that
// encodes the same body with json.Encoder.
func floorMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /fax", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusPaymentRequired)
		_ = json.NewEncoder(w).Encode(floorError{
			Error: "insufficient_balance", Message: "Not enough credits to complete this operation.",
			Action: "top_up_balance", Docs: "https://mintfax.com/docs/errors/insufficient-balance",
			Context: floorContext{Available: 3, Required: 5},
		})
	})
	return mux
}

// floorHeadersMux is floorMux setting the six headers the catalog error
// carries (Content-Type, X-Request-Id, Cache-Control, X-Content-Type-Options,
// Content-Language, Vary): what those headers cost on their own.
func floorHeadersMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /fax", func(w http.ResponseWriter, r *http.Request) {
		setSixHeaders(w.Header())
		w.WriteHeader(http.StatusPaymentRequired)
		_ = json.NewEncoder(w).Encode(floorError{
			Error: "insufficient_balance", Message: "Not enough credits to complete this operation.",
			Action: "top_up_balance", Docs: "https://mintfax.com/docs/errors/insufficient-balance",
			Context: floorContext{Available: 3, Required: 5},
		})
	})
	return mux
}

// setSixHeaders sets, by hand, the six headers a catalog error carries.
func setSixHeaders(h http.Header) {
	h.Set("Content-Type", "application/json")
	h.Set("X-Request-Id", "7h6tge3y7y6y32a8kgsybx86m4")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Language", "en")
	h.Set("Vary", "Accept, Accept-Language")
}

// floorJSON404Mux is floorHeadersMux with what a net/http user writes to
// answer an unknown path in JSON: a catch-all "/" route encoding the same
// endpoint_not_found body, with the same six headers.
func floorJSON404Mux() *http.ServeMux {
	mux := floorHeadersMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		setSixHeaders(w.Header())
		w.WriteHeader(http.StatusNotFound)
		_ = json.NewEncoder(w).Encode(floorNotFound{
			Error: "endpoint_not_found", Message: "No endpoint matches this path.", Action: "check_url",
			Docs: "https://mintfax.com/docs/errors/endpoint-not-found", RequestID: "7h6tge3y7y6y32a8kgsybx86m4",
		})
	})
	return mux
}

// floorContractMux is the cheapest hand-written net/http answering the 402
// and the unknown path with the same response as the stack, byte for byte
// but for the request ID's value and the order of the header lines.
func floorContractMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /fax", func(w http.ResponseWriter, r *http.Request) {
		id := contractHeaders(w.Header())
		w.WriteHeader(http.StatusPaymentRequired)
		_ = json.NewEncoder(w).Encode(floorContractError{
			Error: "insufficient_balance", Message: "Not enough credits to complete this operation.",
			Action: "top_up_balance", Docs: "https://mintfax.com/docs/errors/insufficient-balance",
			Context: floorContext{Available: 3, Required: 5}, RequestID: id,
		})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		id := contractHeaders(w.Header())
		w.WriteHeader(http.StatusNotFound)
		_ = json.NewEncoder(w).Encode(floorNotFound{
			Error: "endpoint_not_found", Message: "No endpoint matches this path.", Action: "check_url",
			Docs: "https://mintfax.com/docs/errors/endpoint-not-found", RequestID: id,
		})
	})
	return mux
}

// floorNormalizer is the cheapest hand-written way to keep the unknown
// path's contract without a catch-all route (which would turn every 405
// into a 404): the ServeMux answers, and a wrapper around its writer gives
// every response a fresh request ID and replaces a 404 the mux writes with
// the JSON error and its six headers, dropping the mux's text. No State, no
// context value, no request copy, no log: what any normalizing runtime
// must do at the least.
func floorNormalizer(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		nw := &normalizingWriter{ResponseWriter: w, id: newRequestID()}
		w.Header()["X-Request-Id"] = []string{nw.id} // on every response, as the stack's
		mux.ServeHTTP(nw, r)
	})
}

type normalizingWriter struct {
	http.ResponseWriter
	id       string
	wrote    bool
	replaced bool
}

func (w *normalizingWriter) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.wrote = true
	if code != http.StatusNotFound {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.replaced = true
	contractHeaders404(w.Header(), w.id)
	w.ResponseWriter.WriteHeader(code)
	_ = json.NewEncoder(w.ResponseWriter).Encode(floorNotFound{
		Error: "endpoint_not_found", Message: "No endpoint matches this path.", Action: "check_url",
		Docs: "https://mintfax.com/docs/errors/endpoint-not-found", RequestID: w.id,
	})
}

func (w *normalizingWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if w.replaced {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// contractHeaders404 sets the error's headers over what http.Error left
// (its text/plain Content-Type among them).
func contractHeaders404(h http.Header, id string) {
	h["Content-Type"] = ctJSON
	h["Cache-Control"] = ccNoStore
	h["X-Content-Type-Options"] = xctoNosniff
	h["Content-Language"] = clEn
	h["Vary"] = varyBoth
}

// newRequestID is a request ID as the stack makes one: 26 base-32
// characters of two runtime-random words.
func newRequestID() string {
	const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
	var b [26]byte
	hi, lo := rand.Uint64(), rand.Uint64()
	for i := range 13 {
		b[i], b[13+i] = alphabet[hi&31], alphabet[lo&31]
		hi, lo = hi>>5, lo>>5
	}
	return string(b[:])
}

type floorContractError struct {
	Error     string       `json:"error"`
	Message   string       `json:"message"`
	Action    string       `json:"action"`
	Docs      string       `json:"docs"`
	Context   floorContext `json:"context"`
	RequestID string       `json:"request_id"`
}

// The contract floor's constant header values, shared by every response.
var (
	ctJSON      = []string{"application/json"}
	ccNoStore   = []string{"no-store"}
	xctoNosniff = []string{"nosniff"}
	clEn        = []string{"en"}
	varyBoth    = []string{"Accept", "Accept-Language"}
)

// contractHeaders assigns the six headers the cheapest way http.Header
// allows (canonical keys, shared values) and returns the request's new ID.
func contractHeaders(h http.Header) string {
	id := newRequestID()
	h["Content-Type"] = ctJSON
	h["X-Request-Id"] = []string{id}
	h["Cache-Control"] = ccNoStore
	h["X-Content-Type-Options"] = xctoNosniff
	h["Content-Language"] = clEn
	h["Vary"] = varyBoth
	return id
}

type floorNotFound struct {
	Error     string `json:"error"`
	Message   string `json:"message"`
	Action    string `json:"action"`
	Docs      string `json:"docs"`
	RequestID string `json:"request_id"`
}

// apierrMux is the same route returning the catalog error.
func apierrMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("POST /fax", apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return apierr.New("insufficient_balance").With("available", 3).With("required", 5)
	}))
	return mux
}

// humaMux is the route on huma v2 (humago on a ServeMux) returning huma's
// default error (application/problem+json with two details).
func humaMux() http.Handler {
	mux := http.NewServeMux()
	cfg := huma.DefaultConfig("bench", "1.0.0")
	cfg.DocsPath, cfg.OpenAPIPath, cfg.SchemasPath = "", "", ""
	api := humago.New(mux, cfg)
	huma.Register(api, huma.Operation{OperationID: "send-fax", Method: http.MethodPost, Path: "/fax"},
		func(ctx context.Context, _ *struct{}) (*struct{}, error) {
			return nil, huma.NewError(http.StatusPaymentRequired, "Not enough credits to complete this operation.",
				&huma.ErrorDetail{Location: "available", Value: 3, Message: "available"},
				&huma.ErrorDetail{Location: "required", Value: 5, Message: "required"})
		})
	return mux
}

// BenchmarkHotPathRatio runs each path of BenchmarkHotPath against its
// reference in alternating blocks of requests (ABBA) inside one benchmark and
// reports the ratio of the time they took as x-ref (wall) and x-ref-cpu
// (process CPU time): on a shared machine whose load changes from one second
// to the next, both sides of a ratio see the same load. ns/op is the first
// side's alone; B/op and allocs/op, if asked for, are of both sides
// together. Take the median over -count rounds (BENCHMARKS.md, hot path).
//
//   - 402/stack-vs-floor: Stack + ServeMux against net/http + json.Encoder
//     (goal ≤ 1.2);
//   - 402/floor-6headers-vs-floor: the floor setting the catalog error's six
//     headers against the floor's one (what the headers alone cost);
//   - 402/contract-vs-floor: the contract floor (floorContractMux: the same
//     response hand-written the cheapest way) against the bare floor: what
//     the contract itself costs, under any library;
//   - 402/stack-vs-contract: the stack against the contract floor: what
//     apierr adds to a response it must send anyway;
//   - 402/stack-vs-huma: the same against huma's default error (goal ≤ 0.5);
//   - 402/contract-vs-huma: the contract floor against huma's default error;
//   - 404/stack-vs-servemux: an unknown path through Stack against ServeMux's
//     own 404 (goal ≤ 1.3);
//   - 404/stack-vs-catchall-json: the same against a hand-written catch-all
//     route answering the same JSON 404 with the same six headers;
//   - 404/contract-vs-servemux, 404/stack-vs-contract: the contract floor's
//     catch-all against ServeMux's 404, and the stack against it;
//   - 402/jsonlog-file-vs-nolog: the stack logging every record (sampling
//     off) as JSON to an *os.File against the stack with
//     slog.DiscardHandler: x-ref − 1 is the log line's cost in responses
//     (goal ≤ 1, so x-ref ≤ 2);
//   - 402/jsonlog-discard-vs-nolog: the same with the JSON handler writing
//     io.Discard: the record's formatting without the write(2);
//   - 402/jsonlog-file-sampled-vs-nolog: the file with the default
//     sampling, as a flood of one code is logged.
func BenchmarkHotPathRatio(b *testing.B) {
	cat := faxCatalog(b)
	discard, file := benchLoggers(b)
	jsonDiscard := slog.New(slog.NewJSONHandler(io.Discard, nil))
	every := middleware.WithSampling(middleware.Sampling{First: -1})
	stack := func(l *slog.Logger, opts ...middleware.Option) http.Handler {
		return middleware.Stack(cat, append(opts, middleware.WithLogger(l))...)(apierrMux())
	}
	floor := floorMux()
	b.Run("402/stack-vs-floor", func(b *testing.B) { runPair(b, stack(discard), floor, "/fax", 402) })
	b.Run("402/floor-6headers-vs-floor", func(b *testing.B) { runPair(b, floorHeadersMux(), floor, "/fax", 402) })
	b.Run("402/contract-vs-floor", func(b *testing.B) { runPair(b, floorContractMux(), floor, "/fax", 402) })
	b.Run("402/stack-vs-contract", func(b *testing.B) { runPair(b, stack(discard), floorContractMux(), "/fax", 402) })
	b.Run("402/stack-vs-huma", func(b *testing.B) { runPair(b, stack(discard), humaMux(), "/fax", 402) })
	b.Run("402/contract-vs-huma", func(b *testing.B) { runPair(b, floorContractMux(), humaMux(), "/fax", 402) })
	b.Run("404/stack-vs-servemux", func(b *testing.B) { runPair(b, stack(discard), floor, "/nowhere", 404) })
	b.Run("404/stack-vs-catchall-json", func(b *testing.B) { runPair(b, stack(discard), floorJSON404Mux(), "/nowhere", 404) })
	b.Run("404/contract-vs-servemux", func(b *testing.B) { runPair(b, floorContractMux(), floor, "/nowhere", 404) })
	b.Run("404/stack-vs-contract", func(b *testing.B) { runPair(b, stack(discard), floorContractMux(), "/nowhere", 404) })
	b.Run("404/normalizer-vs-servemux", func(b *testing.B) { runPair(b, floorNormalizer(floor), floor, "/nowhere", 404) })
	b.Run("404/stack-vs-normalizer", func(b *testing.B) { runPair(b, stack(discard), floorNormalizer(floor), "/nowhere", 404) })
	b.Run("402/jsonlog-file-vs-nolog", func(b *testing.B) { runPair(b, stack(file, every), stack(discard), "/fax", 402) })
	b.Run("402/jsonlog-discard-vs-nolog", func(b *testing.B) { runPair(b, stack(jsonDiscard, every), stack(discard), "/fax", 402) })
	b.Run("402/jsonlog-file-sampled-vs-nolog", func(b *testing.B) { runPair(b, stack(file), stack(discard), "/fax", 402) })
}

// benchLoggers returns the loggers the benchmarks compare: one whose
// handler takes no record, and JSON lines to a file in b's temporary
// directory (closed when b ends).
func benchLoggers(b *testing.B) (discard, file *slog.Logger) {
	b.Helper()
	f, err := os.Create(filepath.Join(b.TempDir(), "log.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	return slog.New(slog.DiscardHandler), slog.New(slog.NewJSONHandler(f, nil))
}

// runPair serves path with a and ref alternately, a fresh recorder per
// request, and reports a's ns/op, a's wall time over ref's as x-ref and a's
// process CPU time (user + system, getrusage: the GC's work included, the
// time other processes held the CPU excluded) over ref's as x-ref-cpu.
func runPair(b *testing.B, a, ref http.Handler, path string, want int) {
	b.Helper()
	req := httptest.NewRequest("POST", "http://api.test"+path, nil)
	for _, h := range []http.Handler{a, ref} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != want {
			b.Fatalf("status %d, want %d: %s", w.Code, want, w.Body)
		}
	}
	const block = 128
	var wall, cpu [2]time.Duration
	run := func(i int, h http.Handler) {
		c0, t0 := cpuTime(), time.Now()
		for range block {
			h.ServeHTTP(httptest.NewRecorder(), req)
		}
		wall[i] += time.Since(t0)
		cpu[i] += cpuTime() - c0
	}
	b.ResetTimer()
	for i := 0; i*block < b.N; i++ {
		if i%2 == 0 {
			run(0, a)
			run(1, ref)
		} else {
			run(1, ref)
			run(0, a)
		}
	}
	n := (b.N + block - 1) / block * block
	b.ReportMetric(float64(wall[0].Nanoseconds())/float64(n), "ns/op")
	b.ReportMetric(float64(wall[0])/float64(wall[1]), "x-ref")
	b.ReportMetric(float64(cpu[0])/float64(cpu[1]), "x-ref-cpu")
}

// cpuTime is the process's user + system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
