package main

import (
	"flag"
	"io"
	"os"
	"path/filepath"

	"github.com/apierr/apierr/docgen"
)

const genTSHelp = `usage: apierr gen ts FILE -o DIR

Writes a dependency-free TypeScript client for the catalog FILE (- for stdin)
into DIR (created if missing):

  DIR/apierr.ts   the runtime, the same for every catalog: ApiError; decode,
                  which reads any API's error response (this catalog's format,
                  RFC 9457, and the common shapes of other APIs); and
                  retryingFetch, which retries only what is safe, as the Go
                  client does (idempotent methods, or a POST/PATCH it gives an
                  Idempotency-Key; a capped Retry-After; jittered backoff;
                  the caller's AbortSignal and deadline; a retry budget)
  DIR/errors.ts   generated: the union of the codes, an interface per code
                  for its documented context, a type guard per code, the
                  table of codes, and decode/retryingFetch bound to the
                  catalog's format; it re-exports apierr.ts

Import DIR/errors.js. It needs only fetch, AbortController and
crypto.randomUUID: browsers and Node 18+. It typechecks under tsc --strict.

Exit status: 0 on success, 1 when the catalog does not load or the output
cannot be written, 2 on a usage error.

flags:`

func runGenTS(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen ts", flag.ContinueOnError)
	out := fs.String("o", "", "output `DIR` (required)")
	pos, err := preamble(fs, genTSHelp, args, 1, "catalog FILE", stdout, stderr)
	if err != nil {
		return err
	}
	if *out == "" || *out == "-" {
		return usageError("gen ts needs -o DIR: it writes two files, apierr.ts and errors.ts")
	}
	cat, err := loadFile(pos[0], stdin, stderr)
	if err != nil {
		return err
	}
	files, err := docgen.TypeScript(cat)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return &exitError{code: 1, err: err}
	}
	for _, f := range files {
		if err := writeOutput(filepath.Join(*out, f.Path), f.Data, stdout); err != nil {
			return err
		}
	}
	return nil
}
