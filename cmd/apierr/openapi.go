package main

import (
	"context"
	"flag"
	"io"

	"github.com/apierr/apierr/docgen"
)

const openapiHelp = `usage: apierr openapi FILE [--format yaml|json] [-o FILE]

Writes OpenAPI 3.1 components for the errors of the catalog FILE (- for
stdin): the error schema of each format the catalog offers (for a custom
format, derived from the rendered examples), the field-error schemas, the
request-ID and Retry-After headers, one response per status
(components.responses.Error404, ...) and one example per code and format
(components.examples). They sit in a minimal valid document (openapi, info,
components): merge the components into your spec and reference them:

  responses:
    "402": {$ref: "#/components/responses/Error402"}

Exit status: 0 on success, 1 when the catalog does not load or the output
cannot be written, 2 on a usage error.

flags:`

func runOpenAPI(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("openapi", flag.ContinueOnError)
	out := fs.String("o", "-", "output `FILE` (- for stdout)")
	format := fs.String("format", "yaml", "`yaml` or json")
	pos, err := preamble(fs, openapiHelp, args, 1, "catalog FILE", stdout, stderr)
	if err != nil {
		return err
	}
	if *format != "yaml" && *format != "json" {
		return usageError("openapi: --format must be yaml or json, not %q", *format)
	}
	cat, err := loadFile(pos[0], stdin, stderr)
	if err != nil {
		return err
	}
	data, err := docgen.OpenAPI(cat, *format)
	if err != nil {
		return err
	}
	return writeOutput(*out, data, stdout)
}
