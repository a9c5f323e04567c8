package main

import (
	"bytes"
	"encoding/json"

	"github.com/apierr/apierr"
)

// exampleFormats makes the example APIs' formats known to the CLI, so their
// catalogs load by name.
func exampleFormats() []apierr.Option {
	return []apierr.Option{apierr.WithFormats(extraFormats...)}
}

// extraFormats is filled by the files that import example formats.
var extraFormats []apierr.Format

func indentJSON(b []byte) string {
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return string(b)
	}
	return out.String()
}
