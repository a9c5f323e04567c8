package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/apierr/apierr"
)

func init() {
	register(&command{name: "explain", summary: "show what a code means, and its example body", run: runExplain})
}

func runExplain(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	catalog := fs.String("catalog", "", "catalog `file` (- for stdin); default: the built-in default catalog")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: apierr explain CODE [--catalog FILE]")
		fmt.Fprintln(stderr, "\nPrints a code's status, action, docs and example body.")
		fs.PrintDefaults()
	}
	code, rest := splitFirst(args)
	if err := fs.Parse(rest); err != nil {
		if err == flag.ErrHelp {
			return nil
		}
		return &exitError{code: 2}
	}
	if code == "" && fs.NArg() > 0 {
		code = fs.Arg(0)
	}
	if code == "" || code == "--help" || code == "-h" {
		fs.Usage()
		if code == "" {
			return usageError("explain needs a CODE")
		}
		return nil
	}
	cat, err := loadCatalog(*catalog, stdin)
	if err != nil {
		return err
	}
	c := cat.Lookup(code)
	if c == nil {
		for _, k := range cat.Codes() {
			if strings.EqualFold(k.ID, code) || cat.Slug.Apply(k.ID) == code {
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
	body := cat.Render(cat.Formats()[0], c.ExampleError())
	fmt.Fprintf(stdout, "\nExample body (%s):\n%s\n", cat.Formats()[0].ContentType(), indentJSON(body))
	return nil
}

// splitFirst takes the first non-flag argument out of args.
func splitFirst(args []string) (string, []string) {
	for i, a := range args {
		if !strings.HasPrefix(a, "-") || a == "-" {
			if i > 0 && strings.HasPrefix(args[i-1], "-") && !strings.Contains(args[i-1], "=") && takesValue(args[i-1]) {
				continue
			}
			return a, append(append([]string(nil), args[:i]...), args[i+1:]...)
		}
	}
	return "", args
}

func takesValue(flagArg string) bool {
	switch strings.TrimLeft(flagArg, "-") {
	case "catalog", "o", "format", "pkg", "key", "post", "burst", "timeout", "addr", "redis", "out":
		return true
	}
	return false
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

// loadCatalog loads path (or stdin for "-", or the default catalog for "").
func loadCatalog(path string, stdin io.Reader) (*apierr.Catalog, error) {
	if path == "" {
		return apierr.Default(), nil
	}
	data, err := readInput(path, stdin)
	if err != nil {
		return nil, &exitError{code: 2, err: err}
	}
	cat, err := apierr.Load(data, inputName(path), exampleFormats()...)
	if err != nil {
		return nil, &exitError{code: 1, err: err}
	}
	return cat, nil
}
