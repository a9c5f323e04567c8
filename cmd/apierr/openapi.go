package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/apierr/apierr/docgen"
)

const openapiHelp = `usage: apierr openapi FILE [--merge SPEC] [--format yaml|json] [-o FILE]

Writes OpenAPI 3.1 components for the errors of the catalog FILE (- for
stdin): the error schema of each format the catalog offers (for a custom
format, derived from the rendered examples), the field-error schemas, the
request-ID and Retry-After headers, one response per status
(components.responses.Error404, ...) and one example per code and format
(components.examples). They sit in a minimal valid document (openapi, info,
components): merge the components into your spec and reference them:

  responses:
    "402": {$ref: "#/components/responses/Error402"}

The document also lists every response under one placeholder operation
(paths./apierr-errors, marked x-apierr-placeholder) so that generators which
drop the components no operation uses (oapi-codegen does by default) keep
them; leave it out when you copy the components.

With --merge SPEC (- for stdin), writes instead your OpenAPI 3.0 or 3.1
document SPEC (YAML or JSON; the output is in the same format unless
--format says otherwise) with each operation the catalog declares given
its error responses by $ref: per status, a schema that admits only that
operation's codes (one schema per code, the code member an enum, the
context member the code's documented context), an example per code, and
the headers the runtime sends (WWW-Authenticate on 401; Retry-After and
RateLimit, RateLimit-Policy on 429; Retry-After on 503). Your document is
otherwise kept as it is, in its order: a status an operation already
answers is not replaced, operations the catalog says nothing about are left
alone, and a component name the document already uses is not overwritten;
each of these is reported on stderr as a notice.

Exit status: 0 on success, 1 when the catalog does not load, SPEC is not an
OpenAPI 3.0 or 3.1 document or the output cannot be written, 2 on a usage
error.

flags:`

func runOpenAPI(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("openapi", flag.ContinueOnError)
	out := fs.String("o", "-", "output `FILE` (- for stdout)")
	format := fs.String("format", "yaml", "`yaml` or json (with --merge: the input's)")
	merge := fs.String("merge", "", "your OpenAPI 3.0 or 3.1 `SPEC` (YAML or JSON, - for stdin) to add each operation's errors to")
	pos, err := preamble(fs, openapiHelp, args, 1, "catalog FILE", stdout, stderr)
	if err != nil {
		return err
	}
	if *format != "yaml" && *format != "json" {
		return usageError("openapi: --format must be yaml or json, not %q", *format)
	}
	if *merge == "-" && pos[0] == "-" {
		return usageError("openapi: the catalog and --merge cannot both be stdin")
	}
	cat, err := loadFile(pos[0], stdin, stderr)
	if err != nil {
		return err
	}
	if *merge != "" {
		spec, err := readInput(*merge, stdin)
		if err != nil {
			return &exitError{code: 1, err: err}
		}
		opts := docgen.MergeOptions{}
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "format" {
				opts.Format = *format
			}
		})
		merged, err := docgen.MergeOpenAPI(cat, spec, opts)
		if err != nil {
			return &exitError{code: 1, err: fmt.Errorf("%s: %s", inputName(*merge), strings.TrimPrefix(err.Error(), "docgen: "))}
		}
		for _, n := range merged.Notices {
			fmt.Fprintf(stderr, "apierr: notice: %s\n", n)
		}
		fmt.Fprintf(stderr, "apierr: %d error responses added to %s (OpenAPI %s)\n", merged.Responses, inputName(*merge), merged.Version)
		return writeOutput(*out, merged.Data, stdout)
	}
	data, err := docgen.OpenAPI(cat, *format)
	if err != nil {
		return err
	}
	return writeOutput(*out, data, stdout)
}
