package apierr

import (
	"fmt"
	"strings"
)

// LoadError is one problem in a catalog, with its position.
type LoadError struct {
	File   string
	Line   int
	Column int
	Msg    string
}

// Error reads like a compiler message:
//
//	apierr: errors.yaml:12:5: duplicate code "not_found" (first at 4:3)
func (e *LoadError) Error() string {
	file := e.File
	if file == "" {
		file = "catalog"
	}
	if e.Line > 0 {
		return fmt.Sprintf("apierr: %s:%d:%d: %s", file, e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("apierr: %s: %s", file, e.Msg)
}

// LoadErrors is every problem found in one catalog, in file order.
type LoadErrors []*LoadError

func (es LoadErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Unwrap lets errors.As find each *LoadError.
func (es LoadErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}
