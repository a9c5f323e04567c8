package main

import (
	"context"
	"flag"
	"io"

	"github.com/apierr/apierr"
)

const schemaHelp = `usage: apierr schema [-translation] [-o FILE]

Prints the JSON Schema (draft 2020-12) of a catalog file, errors.yaml: every
key, its type and what it means. Editors that speak the YAML language server
protocol complete and check a catalog that starts with

    # yaml-language-server: $schema=errors.schema.json

(apierr init writes both files). The loader checks more than a schema can
say; apierr lint has the last word.

With -translation it prints the schema of a translation file beside the
catalog (errors.de.yaml), for

    # yaml-language-server: $schema=errors.translation.schema.json

flags:`

func runSchema(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("schema", flag.ContinueOnError)
	out := fs.String("o", "-", "write to `file` instead of stdout")
	translation := fs.Bool("translation", false, "print the schema of a translation file (errors.de.yaml)")
	if _, err := preamble(fs, schemaHelp, args, 0, "", stdout, stderr); err != nil {
		return err
	}
	if *translation {
		return writeOutput(*out, apierr.TranslationSchema(), stdout)
	}
	return writeOutput(*out, apierr.CatalogSchema(), stdout)
}
