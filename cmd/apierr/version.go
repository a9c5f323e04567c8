package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
)

const versionHelp = `usage: apierr version

Prints this binary's module version (as go install recorded it, or
"(devel)" for a build from a checkout), the VCS revision when known, and
the Go version it was built with.

flags:`

// readBuildInfo is a seam for tests.
var readBuildInfo = debug.ReadBuildInfo

func runVersion(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	if _, err := preamble(fs, versionHelp, args, 0, "", stdout, stderr); err != nil {
		return err
	}
	bi, ok := readBuildInfo()
	if !ok {
		fmt.Fprintln(stdout, "apierr (unknown version: built without module information)")
		return nil
	}
	version := bi.Main.Version
	if version == "" {
		version = "(devel)"
	}
	line := "apierr " + version
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		line += " (" + rev + modified + ")"
	}
	fmt.Fprintf(stdout, "%s %s\n", line, bi.GoVersion)
	return nil
}
