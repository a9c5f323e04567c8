package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/apierr/apierr"
)

const explainHelp = `usage: apierr explain CODE [--catalog FILE]

Prints what CODE means in the catalog FILE (- for stdin; default: the
built-in default catalog): its status, action, retryable, condition, docs
permalink, message, when it fires, what caused it, the next step, and its
example body in the catalog's default format. CODE may also be given in
another case or as its docs slug.

Exit status: 0 when the code is found, 1 when it is not or the catalog does
not load, 2 on a usage error or an unreadable FILE.

flags:`

func runExplain(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	catalog := fs.String("catalog", "", "catalog `file` (- for stdin); default: the built-in default catalog")
	pos, err := preamble(fs, explainHelp, args, 1, "CODE", stdout, stderr)
	if err != nil {
		return err
	}
	code := pos[0]
	cat := apierr.Default()
	if *catalog != "" {
		cat, err = loadFile(*catalog, stdin, stderr)
	}
	if err != nil {
		return err
	}
	c := cat.Lookup(code)
	if c == nil {
		for _, k := range cat.Codes() {
			if strings.EqualFold(k.ID, code) || cat.Slug().Apply(k.ID) == code {
				c = k
			}
		}
	}
	if c == nil {
		return &exitError{code: 1, err: fmt.Errorf("code %q is not in catalog %s", code, catalogName(*catalog))}
	}
	fmt.Fprintf(stdout, "%s — %s\n\n", c.ID, orDefault(c.Title, c.ID))
	fmt.Fprintf(stdout, "  status     %d\n", c.Status)
	if c.Action != "" {
		fmt.Fprintf(stdout, "  action     %s\n", c.Action)
	}
	fmt.Fprintf(stdout, "  retryable  %v\n", c.Retryable)
	if c.Condition != "" {
		fmt.Fprintf(stdout, "  condition  %s\n", c.Condition)
	}
	if d := cat.DocsFor(c.ID); d != "" {
		fmt.Fprintf(stdout, "  docs       %s\n", d)
	}
	fmt.Fprintf(stdout, "\n%s\n", c.Message)
	for _, s := range [][2]string{{"When it fires", c.Docs.When}, {"What caused it", c.Docs.Cause}, {"Next step", c.Docs.Next}} {
		if s[1] != "" {
			fmt.Fprintf(stdout, "\n%s: %s\n", s[0], s[1])
		}
	}
	if len(c.ContextKeys) > 0 {
		fmt.Fprintf(stdout, "\nContext:\n")
		for _, k := range c.ContextKeys {
			fmt.Fprintf(stdout, "  %-14s %-8s %s\n", k.Name, orDefault(k.Type, "any"), k.Description)
		}
	}
	body := cat.Render(cat.Formats()[0], c.ExampleError())
	fmt.Fprintf(stdout, "\nExample body (%s):\n%s\n", cat.Formats()[0].ContentType(), indentJSON(body))
	return nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func catalogName(path string) string {
	if path == "" {
		return "(default)"
	}
	return inputName(path)
}
