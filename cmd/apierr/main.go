// Command apierr works with apierr error catalogs: it lints and explains
// them, generates docs, OpenAPI and Go code from them, probes live APIs, and
// runs the demo fax API.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/apierr/apierr"
)

// command is one subcommand; each lives in its own file.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

// commands is every subcommand, in the order help lists them.
var commands = []command{
	{"demo", "run the demo fax API (seed 000's contract) on this machine", runDemo},
	{"docs", "write the error reference: HTML or Markdown, permalinks, llms.txt", runDocs},
	{"explain", "show what a code means, and its example body", runExplain},
	{"init", "write a starter catalog (errors.yaml) and its schema", runInit},
	{"gen", "generate code from a catalog (gen go: typed constructors; gen ts: a TypeScript client)", runGen},
	{"lint", "check a catalog: load errors and advice", runLint},
	{"openapi", "write OpenAPI 3.1 components for a catalog's errors", runOpenAPI},
	{"probe", "check that a live API keeps its error contract", runProbe},
	{"schema", "print the JSON Schema of a catalog file, for editors", runSchema},
	{"version", "print this binary's version", runVersion},
}

// lookup returns the command called name, or nil.
func lookup(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

// exitError carries an exit code: 1 for findings, 2 for usage errors.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageError returns an error that exits 2.
func usageError(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

// findings returns an error that exits 1 without printing anything more.
func findings() error { return &exitError{code: 1} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "apierr:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "apierr:", err)
	return 1
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) > 1 {
			if c := lookup(args[1]); c != nil {
				return helped(c.run(ctx, []string{"--help"}, stdin, stdout, stderr))
			}
		}
		usage(stdout)
		if len(args) == 0 {
			return &exitError{code: 2}
		}
		return nil
	}
	c := lookup(args[0])
	if c == nil {
		usage(stderr)
		return usageError("unknown command %q", args[0])
	}
	return helped(c.run(ctx, args[1:], stdin, stdout, stderr))
}

// helped turns the flag.ErrHelp a command returns after printing its help
// into success (exit 0).
func helped(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: apierr <command> [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "apierr <command> --help" for a command's options.`)
}

// readInput reads a file argument, or stdin when it is "-".
func readInput(name string, stdin io.Reader) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(io.LimitReader(stdin, 16<<20))
	}
	b, err := os.ReadFile(name)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("cannot read %s: %v", name, pe.Err)
		}
		return nil, err
	}
	return b, nil
}

// inputName is how an input is named in messages.
func inputName(name string) string {
	if name == "-" {
		return "<stdin>"
	}
	return name
}

// parseFlags parses args with fs and returns the positional arguments.
// Flags may come before or after them ("docs FILE -o DIR"); "--" ends the
// flags and a lone "-" is a positional argument (stdin or stdout). --help
// prints help (the text, then the flags) to stdout and returns flag.ErrHelp,
// which the caller turns into a nil error (exit 0); a bad flag prints the
// problem and the help to stderr and returns a usage error (exit 2).
func parseFlags(fs *flag.FlagSet, help string, args []string, stdout, stderr io.Writer) ([]string, error) {
	fs.SetOutput(io.Discard)
	printHelp := func(w io.Writer) {
		fmt.Fprintln(w, strings.TrimRight(help, "\n"))
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				printHelp(stdout)
				return nil, flag.ErrHelp
			}
			printHelp(stderr)
			return nil, usageError("%s: %v", fs.Name(), err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// preamble is how every command starts: it parses args with fs (see
// parseFlags) and checks that there are exactly want positional arguments,
// each a what (see apierr NAME --help). After --help it returns
// flag.ErrHelp, which run turns into exit 0; a wrong count is a usage error.
func preamble(fs *flag.FlagSet, help string, args []string, want int, what string, stdout, stderr io.Writer) ([]string, error) {
	pos, err := parseFlags(fs, help, args, stdout, stderr)
	if err != nil {
		return nil, err
	}
	if len(pos) != want {
		name := fs.Name()
		switch want {
		case 0:
			return nil, usageError("%s takes no arguments, got %q", name, pos[0])
		case 1:
			return nil, usageError("%s needs exactly one %s, got %d arguments (see apierr %s --help)", name, what, len(pos), name)
		}
		return nil, usageError("%s needs %d %s arguments, got %d (see apierr %s --help)", name, want, what, len(pos), name)
	}
	return pos, nil
}

// loadOptions are the options every command loads a catalog with: the
// example APIs' formats by name, and any other format name as an opaque
// stand-in, with a notice on stderr, so that a catalog written for a server
// whose format this binary does not link can still be linted, explained and
// documented.
func loadOptions(file string, stderr io.Writer) []apierr.Option {
	return []apierr.Option{
		apierr.WithFormats(exampleFormats...),
		apierr.WithUnknownFormats(func(name string) apierr.Format {
			fmt.Fprintf(stderr, "apierr: notice: %s: format %q is not one this CLI knows; it is treated as opaque "+
				"(its members are not described and example bodies are shown in the envelope shape)\n", file, name)
			return apierr.Opaque(name)
		}),
	}
}

// loadFile loads the catalog at path ("-" for stdin) with loadOptions. An
// unreadable input is a usage error (exit 2); a catalog that does not load
// prints each problem as file:line:col: message on stderr and exits 1.
func loadFile(path string, stdin io.Reader, stderr io.Writer) (*apierr.Catalog, error) {
	data, err := readInput(path, stdin)
	if err != nil {
		return nil, usageError("%v", err)
	}
	opts := loadOptions(inputName(path), stderr)
	if path != "-" {
		tr, err := siblingTranslations(path)
		if err != nil {
			return nil, usageError("%v", err)
		}
		opts = append(opts, tr...)
	}
	cat, err := apierr.Load(data, inputName(path), opts...)
	if err != nil {
		printLoadErrors(stderr, err)
		return nil, findings()
	}
	return cat, nil
}

// siblingTranslations loads the translations beside the catalog file path,
// as apierr.LoadFile does (errors.de.yaml beside errors.yaml), each named
// by its path in load errors.
func siblingTranslations(path string) ([]apierr.Option, error) {
	dir, base := filepath.Split(path)
	ext := filepath.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	if ext == "" {
		return nil, nil
	}
	entries, err := os.ReadDir(filepath.Clean(dir + "."))
	if err != nil {
		return nil, fmt.Errorf("cannot read the translations beside %s: %v", path, unwrapPath(err))
	}
	var opts []apierr.Option
	for _, e := range entries {
		name := e.Name()
		tag := strings.TrimSuffix(strings.TrimPrefix(name, stem+"."), ext)
		if e.IsDir() || !strings.HasPrefix(name, stem+".") || !strings.HasSuffix(name, ext) ||
			tag == "" || strings.Contains(tag, ".") || len(name) <= len(stem)+len(ext)+1 {
			continue
		}
		file := filepath.Join(dir, name)
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %v", file, unwrapPath(err))
		}
		opts = append(opts, apierr.WithTranslation(data, file))
	}
	return opts, nil
}

// printLoadErrors writes each load problem on its own line, as compilers do.
func printLoadErrors(w io.Writer, err error) {
	var les apierr.LoadErrors
	if errors.As(err, &les) {
		for _, e := range les {
			fmt.Fprintln(w, strings.TrimPrefix(e.Error(), "apierr: "))
		}
		return
	}
	fmt.Fprintln(w, strings.TrimPrefix(err.Error(), "apierr: "))
}

// writeOutput writes data to path, or to stdout when path is "" or "-".
func writeOutput(path string, data []byte, stdout io.Writer) error {
	if path == "" || path == "-" {
		_, err := stdout.Write(data)
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return &exitError{code: 1, err: fmt.Errorf("cannot write %s: %v", path, pe.Err)}
		}
		return &exitError{code: 1, err: err}
	}
	return nil
}
