package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/apierr/apierr"
)

const initHelp = `usage: apierr init [--name NAME] [--docs-url URL] [--force] [DIR]

Writes a starter catalog, DIR/errors.yaml (DIR defaults to the current
directory), and beside it errors.schema.json, the schema its first line
points editors at. The catalog loads and lints clean as written: one
business error with documented context, a rate-limit code bound to the
limiter's condition, and comments saying what each key is for. It refuses
to overwrite either file unless --force is given.

flags:`

// starterCatalog is what apierr init writes; %s are the name and docs URL.
const starterCatalog = `# yaml-language-server: $schema=errors.schema.json
# The error catalog: every error this API sends. Reference of every key:
# apierr schema, or schema/README.md in the apierr repository.
name: %s
# Where each code's docs live; {slug} becomes e.g. insufficient-balance.
# Serve them from the API itself with docgen.Handler.
docs_url: %s
codes:
  # A business error the handlers return: apierr.New("insufficient_balance").
  insufficient_balance:
    status: 402
    title: Insufficient balance
    message: Not enough credits to complete this operation.
    action: top_up_balance
    context:
      available: {type: integer, required: true, description: Credits available.}
      required: {type: integer, required: true, description: Credits the operation needs.}
    docs:
      when: An operation costs more credits than the account holds.
      cause: The balance was spent, or the operation is larger than expected.
      next: Top up the balance, then send the request again.
    example:
      context: {available: 3, required: 5}
  # A code for a built-in condition: the rate limiter raises rate_limited
  # and this code answers it. Conditions this file does not bind (a router
  # 404, a malformed body …) answer with apierr's default codes.
  rate_limit_exceeded:
    status: 429
    title: Rate limit exceeded
    message: Too many requests in too short a time.
    action: wait_and_retry
    retryable: true
    condition: rate_limited
    context:
      retry_after: {type: integer, description: "Seconds to wait, as in the Retry-After header."}
    docs:
      when: The caller sent more requests than its rate limit allows.
      cause: A burst of traffic, or a retry loop without backoff.
      next: Wait Retry-After seconds, then retry with exponential backoff.
`

func runInit(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("init", flag.ContinueOnError)
	name := flags.String("name", "My API", "the API's `name`")
	docsURL := flags.String("docs-url", "/errors/{slug}", "the docs `URL` template ({slug} or {code})")
	force := flags.Bool("force", false, "overwrite existing files")
	pos, err := parseFlags(flags, initHelp, args, stdout, stderr)
	if err != nil {
		return err
	}
	dir := "."
	switch len(pos) {
	case 0:
	case 1:
		dir = pos[0]
	default:
		return usageError("init takes at most one DIR, got %d arguments", len(pos))
	}
	if strings.ContainsAny(*name, "\n\r") || strings.ContainsAny(*docsURL, "\n\r ") {
		return usageError("init: --name and --docs-url must be one line (and the URL without spaces)")
	}
	catalog := []byte(fmt.Sprintf(starterCatalog, yamlScalar(*name), yamlScalar(*docsURL)))
	// What init writes must load and lint clean, whatever the flags said.
	cat, err := apierr.Load(catalog, "errors.yaml")
	if err != nil {
		printLoadErrors(stderr, err)
		return usageError("init: the catalog would not load with these flags")
	}
	if fs := cat.Lint(); len(fs) > 0 {
		return fmt.Errorf("init: the starter catalog has lint findings (a bug): %v", fs)
	}
	files := []struct {
		name string
		data []byte
	}{{"errors.yaml", catalog}, {"errors.schema.json", apierr.CatalogSchema()}}
	if !*force {
		for _, f := range files {
			p := filepath.Join(dir, f.name)
			if _, err := os.Stat(p); err == nil {
				return &exitError{code: 1, err: fmt.Errorf("init: %s exists (use --force to overwrite)", p)}
			} else if !errors.Is(err, fs.ErrNotExist) {
				return &exitError{code: 1, err: fmt.Errorf("init: %v", err)}
			}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return &exitError{code: 1, err: fmt.Errorf("init: %v", err)}
	}
	for _, f := range files {
		if err := writeOutput(filepath.Join(dir, f.name), f.data, stdout); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "wrote %s and %s\nnext: apierr lint %s, then apierr docs %s -o site\n",
		filepath.Join(dir, "errors.yaml"), filepath.Join(dir, "errors.schema.json"),
		filepath.Join(dir, "errors.yaml"), filepath.Join(dir, "errors.yaml"))
	return nil
}

// yamlScalar quotes s as a YAML double-quoted scalar.
func yamlScalar(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}
