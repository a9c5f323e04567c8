package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/apierr/apierr"
)

const lintHelp = `usage: apierr lint FILE [--json] [--strict]

Loads the catalog FILE (- for stdin) and reports what is wrong with it.

Load errors (bad YAML, unknown keys, duplicate ids, a status outside
400-599, ...) are printed on stderr, one per line as file:line:col: message.
Lint findings (a retryable 4xx, a 429 not marked retryable, a code without
action or docs, ...) are printed on stdout. Warnings are findings that hurt
clients; info findings are advice for the docs. Translations beside FILE
(errors.de.yaml beside errors.yaml) load and lint with it: a tag that does not
parse or differs from the file name's, a translation of a code the catalog
does not have (load errors); a code or field message left untranslated, text
whose {placeholders} differ from the original (warnings).

Exit status: 0 when the catalog loads with no warning (info findings are
printed but pass, unless --strict), 1 on load errors or warnings, 2 on a
usage error or an unreadable FILE.

With --json, stdout is one JSON object instead:
  {"file": ..., "ok": bool, "errors": [{file, line, column, message}],
   "findings": [{file, line, column, code, rule, severity, message}]}

flags:`

func runLint(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("lint", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print one JSON object on stdout")
	strict := fs.Bool("strict", false, "fail on info findings too")
	pos, err := preamble(fs, lintHelp, args, 1, "catalog FILE", stdout, stderr)
	if err != nil {
		return err
	}
	path := pos[0]
	data, err := readInput(path, stdin)
	if err != nil {
		return usageError("%v", err)
	}
	report := lintReport{File: inputName(path), Errors: []loadProblem{}, Findings: []apierr.Finding{}}
	opts := loadOptions(inputName(path), stderr)
	if path != "-" {
		// The translations beside the catalog (errors.de.yaml) are linted
		// with it.
		tr, err := siblingTranslations(path)
		if err != nil {
			return usageError("%v", err)
		}
		opts = append(opts, tr...)
	}
	cat, loadErr := apierr.Load(data, inputName(path), opts...)
	if loadErr != nil {
		var les apierr.LoadErrors
		if errors.As(loadErr, &les) {
			for _, e := range les {
				report.Errors = append(report.Errors, loadProblem{e.File, e.Line, e.Column, e.Msg})
			}
		} else {
			report.Errors = append(report.Errors, loadProblem{File: inputName(path), Message: loadErr.Error()})
		}
	} else {
		report.Findings = append(report.Findings, cat.Lint()...)
	}
	failed := len(report.Errors) > 0
	for _, f := range report.Findings {
		if f.Severity == apierr.SeverityWarning || *strict {
			failed = true
		}
	}
	report.OK = !failed

	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			return err
		}
	} else {
		if loadErr != nil {
			printLoadErrors(stderr, loadErr)
		}
		for _, f := range report.Findings {
			fmt.Fprintln(stdout, f.String())
		}
	}
	if failed {
		return findings()
	}
	return nil
}

// lintReport is lint's --json output.
type lintReport struct {
	File     string           `json:"file"`
	OK       bool             `json:"ok"`
	Errors   []loadProblem    `json:"errors"`
	Findings []apierr.Finding `json:"findings"`
}

type loadProblem struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
}
