package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/apierr/apierr/docgen"
)

const docsHelp = `usage: apierr docs FILE -o DIR [--format html|md] [--lang TAG]

Writes the error reference of the catalog FILE (- for stdin) into DIR, laid
out as the API serves it with docgen.Handler, ready for any static host:

  DIR/index.html               the reference page: body shape, status summary,
                               one section per code (anchor = the code's slug)
  DIR/llms.txt                 an llms.txt index (https://llmstxt.org)
  DIR/<docs path>/index.html   the reference page again, at the docs path
  DIR/<docs path>/<slug>/index.html
                               one permalink page per code

<docs path>/<slug> is the path of the catalog's docs_url with {slug} filled
(https://mintfax.com/docs/errors/{slug} gives docs/errors/<slug>/index.html);
a docs_url ending in an extension ({slug}.html) keeps it; a docs_url without
a placeholder is one page whose codes are anchors. With --format md the pages
are Markdown: index.md, <docs path>/index.md and <docs path>/<slug>.md.
With -o - the reference page alone is written to stdout. Output is
deterministic. Pages are self-contained: no script, no remote asset.

Translations beside FILE (errors.de.yaml, errors.fr.yaml beside errors.yaml)
are read too, and every page is then written once more per language under
<docs path>/<lang>/ (docs/errors/de/index.html,
docs/errors/de/<slug>/index.html, docs/errors/de/llms.txt, …; the base
language's as well). The language-neutral pages are in the base language:
a static host cannot negotiate Accept-Language, as the API's own
docgen.Handler does. Every page has <html lang>, hreflang alternates and a
language switcher. --lang TAG picks the language of the page -o - writes.

Exit status: 0 on success, 1 when the catalog does not load or DIR cannot be
written, 2 on a usage error.

flags:`

func runDocs(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("docs", flag.ContinueOnError)
	out := fs.String("o", "", "output `DIR` (- writes the reference page to stdout)")
	format := fs.String("format", "html", "`html` or md")
	lang := fs.String("lang", "", "with -o -: the `language` of the page (one the catalog has a translation into)")
	pos, err := preamble(fs, docsHelp, args, 1, "catalog FILE", stdout, stderr)
	if err != nil {
		return err
	}
	if *out == "" {
		return usageError("docs needs -o DIR (or -o - for stdout)")
	}
	if *format != "html" && *format != "md" {
		return usageError("docs: --format must be html or md, not %q", *format)
	}
	cat, err := loadFile(pos[0], stdin, stderr)
	if err != nil {
		return err
	}
	if *lang != "" {
		if *out != "-" {
			return usageError("docs: --lang picks the page -o - writes; with -o DIR every language is written")
		}
		view, ok := cat.Localized(*lang)
		if !ok {
			return usageError("docs: %s has no translation into %q (it has %s)", pos[0], *lang, strings.Join(cat.Languages(), ", "))
		}
		cat = view
	}
	if *out == "-" {
		page := docgen.HTML(cat)
		if *format == "md" {
			page = docgen.Markdown(cat)
		}
		return writeOutput("-", page, stdout)
	}
	files, err := docgen.Files(cat, *format)
	if err != nil {
		return usageError("%v", err)
	}
	for _, f := range files {
		path := filepath.Join(*out, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return &exitError{code: 1, err: fmt.Errorf("cannot create %s: %v", filepath.Dir(path), unwrapPath(err))}
		}
		if err := writeOutput(path, f.Data, stdout); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "apierr: wrote %d files to %s\n", len(files), *out)
	return nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
