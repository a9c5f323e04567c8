package main

import (
	"context"
	"flag"
	"io"

	"github.com/apierr/apierr"
)

const schemaHelp = `usage: apierr schema [-o FILE]

Prints the JSON Schema (draft 2020-12) of a catalog file, errors.yaml: every
key, its type and what it means. Editors that speak the YAML language server
protocol complete and check a catalog that starts with

    # yaml-language-server: $schema=errors.schema.json

(apierr init writes both files). The loader checks more than a schema can
say; apierr lint has the last word.

flags:`

func runSchema(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("schema", flag.ContinueOnError)
	out := fs.String("o", "-", "write to `file` instead of stdout")
	if _, err := preamble(fs, schemaHelp, args, 0, "", stdout, stderr); err != nil {
		return err
	}
	return writeOutput(*out, apierr.CatalogSchema(), stdout)
}
