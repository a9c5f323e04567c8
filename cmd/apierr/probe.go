package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/apierr/apierr/probe"
)

const probeHelp = `usage: apierr probe BASE_URL [options]
       apierr probe [BASE_URL] --openapi URL|FILE [options]

Sends a bounded battery of requests that must fail (unknown endpoint, wrong
method, missing or malformed credentials, unknown key, malformed JSON, wrong
content type, oversized body, long header, odd Accept; a burst to 429 and a
reused Idempotency-Key when asked: --flood, --idempotency) and checks every answer: status, JSON
content type, decodable body, code in the catalog, docs URL, request ID in
header and body, Retry-After / WWW-Authenticate / Allow, and no stack trace,
file path, SQL or echoed key.

With --openapi (the API's OpenAPI 3.0 or 3.1 document, as apierr openapi
--merge writes it: a URL or a file, - for stdin), each operation of the
document also gets the requests that must fail: no credentials (when it is
secured), malformed JSON and a text/plain body (when it reads JSON), an
unknown id (when its path has a parameter); the answer's code must be one
the operation declares (the enums of its error responses' code member).
Without BASE_URL, the API is the document's first server, read relative to
the document's URL.

The probe talks to BASE_URL's scheme and host only: it follows no redirect
and fetches docs URLs only on that host (others are checked for form).

Exit status: 0 when every check passes, 1 when one fails, 2 on a usage error
or when nothing answers at BASE_URL (no check could be made).

options:`

func runProbe(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	catalog := fs.String("catalog", "", "the API's catalog `file`: every code must be in it (- for stdin)")
	key := fs.String("key", "", "a valid API `key` for the authenticated checks (default $APIERR_PROBE_KEY)")
	post := fs.String("post", "", "a POST route `path`, relative to BASE_URL, for the body, method and idempotency checks")
	data := fs.String("data", "", "`JSON` body the POST route accepts, or @file, for --idempotency (default {})")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	quiet := fs.Bool("quiet", false, "list only the failed and skipped checks (the summary still counts all)")
	burst := fs.Int("flood", 0, fmt.Sprintf("send up to `N` requests (max %d) to reach a 429 and check it", probe.MaxBurst))
	// --burst was this flag's first name; demo's --burst is the rate limit's
	// burst size, so probe's is now --flood. The old name still works.
	fs.Func("burst", "deprecated: the old name of --flood", func(v string) error {
		fmt.Fprintln(stderr, "apierr: notice: probe --burst is now --flood (demo's --burst is the rate limit's burst size)")
		return fs.Set("flood", v)
	})
	idem := fs.Bool("idempotency", false, "reuse an Idempotency-Key with another body on --post (the first POST may create a resource)")
	timeout := fs.Duration("timeout", probe.DefaultTimeout, "bound on the whole run")
	reqTimeout := fs.Duration("request-timeout", probe.DefaultRequestTimeout, "bound on each request, body included")
	openapi := fs.String("openapi", "", "the API's OpenAPI `document` (URL, file or -): probe each operation and check its codes are declared")
	pos, err := parseFlags(fs, probeHelp, args, stdout, stderr)
	if err != nil {
		return err
	}
	if len(pos) > 1 || len(pos) == 0 && *openapi == "" {
		return usageError("probe needs exactly one BASE_URL (or --openapi URL), got %d arguments (see apierr probe --help)", len(pos))
	}
	var ops []probe.Operation
	if *openapi != "" {
		var base string
		ops, base, err = readOpenAPIOps(ctx, *openapi, stdin)
		if err != nil {
			return err
		}
		if len(pos) == 0 {
			if base == "" {
				return usageError("--openapi %s: give BASE_URL: a document read from a file names no server to probe", *openapi)
			}
			pos = []string{base}
		}
	}
	switch {
	case *burst < 0 || *burst > probe.MaxBurst:
		return usageError("--flood %d: must be between 0 and %d", *burst, probe.MaxBurst)
	case *timeout <= 0 || *reqTimeout <= 0:
		return usageError("--timeout and --request-timeout must be positive")
	}
	cfg := probe.Config{
		BaseURL:        pos[0],
		Key:            *key,
		PostPath:       *post,
		Burst:          *burst,
		Idempotency:    *idem,
		Timeout:        *timeout,
		RequestTimeout: *reqTimeout,
		Operations:     ops,
	}
	if cfg.Key == "" {
		cfg.Key = os.Getenv("APIERR_PROBE_KEY")
	}
	if *data != "" {
		b := []byte(*data)
		if strings.HasPrefix(*data, "@") {
			var err error
			if b, err = readInput(strings.TrimPrefix(*data, "@"), stdin); err != nil {
				return usageError("--data: %v", err)
			}
		}
		if !json.Valid(b) {
			return usageError("--data is not JSON")
		}
		cfg.Data = b
	}
	if *catalog != "" {
		cat, err := loadFile(*catalog, stdin, stderr)
		if err != nil {
			return err
		}
		cfg.Catalog = cat
	}
	cfg.Progress = progressLine(stderr)
	rep, err := probe.Run(ctx, cfg)
	endProgress(stderr)
	var ce *probe.ConfigError
	var ue *probe.UnreachableError
	switch {
	case errors.As(err, &ce):
		return usageError("%s", strings.TrimPrefix(ce.Error(), "probe: "))
	case errors.As(err, &ue):
		// Nothing was checked: not a broken contract (1), a run that could not start (2).
		return &exitError{code: 2, err: errors.New(strings.TrimPrefix(ue.Error(), "probe: "))}
	case err != nil:
		return err
	}
	if *quiet {
		kept := rep.Results[:0:0]
		for _, r := range rep.Results {
			if r.Result != probe.Pass {
				kept = append(kept, r)
			}
		}
		short := *rep
		short.Results = kept
		rep = &short
	}
	if *asJSON {
		err = rep.WriteJSON(stdout)
	} else {
		err = rep.WriteTable(stdout)
	}
	if err != nil {
		return err
	}
	if !rep.OK() {
		return findings()
	}
	return nil
}

// progressLine reports each step on stderr: rewritten in place on a
// terminal, one line per step otherwise.
func progressLine(w io.Writer) func(probe.Progress) {
	tty := isTerminal(w)
	return func(p probe.Progress) {
		if tty {
			fmt.Fprintf(w, "\r\033[Kprobe [%d/%d] %s", p.Step, p.Steps, p.Request)
			return
		}
		fmt.Fprintf(w, "probe [%d/%d] %s\n", p.Step, p.Steps, p.Request)
	}
}

func endProgress(w io.Writer) {
	if isTerminal(w) {
		fmt.Fprint(w, "\r\033[K")
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// readOpenAPIOps reads the operations of the OpenAPI document at src (an
// http(s) URL, a file or -) and, for a URL, the base URL of the API it
// describes (its first server, read relative to the document's URL).
func readOpenAPIOps(ctx context.Context, src string, stdin io.Reader) ([]probe.Operation, string, error) {
	var doc []byte
	isURL := strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://")
	if isURL {
		ctx, cancel := context.WithTimeout(ctx, probe.DefaultRequestTimeout)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
		if err != nil {
			return nil, "", usageError("--openapi %q: %v", src, err)
		}
		req.Header.Set("Accept", "application/json, application/yaml;q=0.9, */*;q=0.1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, "", &exitError{code: 2, err: fmt.Errorf("--openapi: %v", err)}
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, "", &exitError{code: 2, err: fmt.Errorf("--openapi %s: answered %s", src, resp.Status)}
		}
		doc, err = io.ReadAll(io.LimitReader(resp.Body, 16<<20))
		if err != nil {
			return nil, "", &exitError{code: 2, err: fmt.Errorf("--openapi %s: %v", src, err)}
		}
	} else {
		var err error
		if doc, err = readInput(src, stdin); err != nil {
			return nil, "", usageError("--openapi: %v", err)
		}
	}
	ops, server, err := probe.ReadOpenAPI(doc)
	if err != nil {
		return nil, "", usageError("--openapi %s: %s", inputName(src), strings.TrimPrefix(err.Error(), "probe: "))
	}
	if !isURL {
		if u, err := url.Parse(server); err != nil || !u.IsAbs() {
			server = ""
		}
		return ops, server, nil
	}
	base, err := probe.ResolveServer(src, server)
	if err != nil {
		return nil, "", usageError("--openapi %s: %v", src, err)
	}
	return ops, base, nil
}
