package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/apierr/apierr"
)

const explainHelp = `usage: apierr explain CODE [--catalog FILE]

Prints what CODE means in the catalog FILE (- for stdin; default: the
built-in default catalog): its status, action, retryable, condition, docs
permalink, message, when it fires, what caused it, the next step, and its
example body in the catalog's default format. CODE may also be given in
another case or as its docs slug, by the built-in condition it answers
(rate_limited), or by its HTTP status as a number or a name (429,
too_many_requests); a misspelt CODE gets a "did you mean".

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
	c, also := findCode(cat, code)
	if c == nil {
		err := fmt.Errorf("code %q is not in catalog %s", code, catalogName(*catalog))
		if near := cat.Suggest(code); near != "" {
			err = fmt.Errorf("code %q is not in catalog %s (did you mean %q?)", code, catalogName(*catalog), near)
		}
		return &exitError{code: 1, err: err}
	}
	if len(also) > 0 {
		fmt.Fprintf(stderr, "apierr: notice: %q also names %s\n", code, strings.Join(also, ", "))
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

// commonNames are the names other APIs and people use for the built-in
// conditions; explain finds the code a catalog binds to them.
var commonNames = map[string]apierr.Condition{
	"rate_limit_exceeded": apierr.CondRateLimited, "rate_limit": apierr.CondRateLimited,
	"too_many_requests": apierr.CondRateLimited, "throttled": apierr.CondRateLimited, "throttling": apierr.CondRateLimited,
	"unauthorized": apierr.CondAuthMissing, "unauthenticated": apierr.CondAuthMissing,
	"authentication_required": apierr.CondAuthMissing, "missing_api_key": apierr.CondAuthMissing, "api_key_missing": apierr.CondAuthMissing,
	"invalid_api_key": apierr.CondAuthInvalid, "api_key_invalid": apierr.CondAuthInvalid,
	"invalid_credentials": apierr.CondAuthInvalid, "invalid_token": apierr.CondTokenInvalid,
	"permission_denied": apierr.CondForbidden, "access_denied": apierr.CondForbidden,
	"validation_error": apierr.CondValidationFailed, "unprocessable_entity": apierr.CondValidationFailed,
	"invalid_json": apierr.CondMalformedBody, "parse_error": apierr.CondMalformedBody, "bad_request": apierr.CondMalformedBody,
	"resource_not_found": apierr.CondNotFound, "route_not_found": apierr.CondEndpointNotFound, "no_route": apierr.CondEndpointNotFound,
	"request_entity_too_large": apierr.CondPayloadTooLarge,
	"internal_server_error":    apierr.CondInternal, "server_error": apierr.CondInternal,
	"service_unavailable": apierr.CondUnavailable, "maintenance": apierr.CondUnavailable,
	"gateway_timeout": apierr.CondTimeout, "request_timeout": apierr.CondTimeout,
	"insufficient_quota": apierr.CondQuotaExceeded, "limit_exceeded": apierr.CondQuotaExceeded,
}

// findCode finds the code a user means by name, in this order: its id; its
// id in another case or as its docs slug; the built-in condition it answers
// (rate_limited, not_found …) or a common name of that condition
// (rate_limit_exceeded, unauthorized …); its HTTP status as a number (429) or as the
// status's name in any case and separators (too_many_requests, "Not Found").
// A status several codes share returns the first and names the others.
func findCode(cat *apierr.Catalog, name string) (*apierr.Code, []string) {
	if c := cat.Lookup(name); c != nil {
		return c, nil
	}
	for _, k := range cat.Codes() {
		if strings.EqualFold(k.ID, name) || cat.Slug().Apply(k.ID) == name {
			return k, nil
		}
	}
	key := strings.ToLower(strings.NewReplacer("-", "_", " ", "_", ".", "_").Replace(name))
	cond := apierr.Condition(key)
	if !cond.Valid() {
		cond = commonNames[key]
	}
	if cond != "" {
		if c := cat.ForCondition(cond); c != nil {
			return c, nil
		}
	}
	status := statusByName(name)
	if status == 0 {
		return nil, nil
	}
	var first *apierr.Code
	var others []string
	for _, k := range cat.Codes() {
		if k.Status != status {
			continue
		}
		if first == nil {
			first = k
		} else {
			others = append(others, k.ID)
		}
	}
	return first, others
}

// statusByName maps "429", "too_many_requests", "Too Many Requests" or
// "too-many-requests" to 429; anything else to 0.
func statusByName(name string) int {
	if n, err := strconv.Atoi(name); err == nil && n >= 400 && n <= 599 {
		return n
	}
	norm := func(s string) string {
		return strings.ToLower(strings.NewReplacer(" ", "", "_", "", "-", "", "'", "").Replace(s))
	}
	want := norm(name)
	for st := 400; st <= 599; st++ {
		if t := http.StatusText(st); t != "" && norm(t) == want {
			return st
		}
	}
	return 0
}
