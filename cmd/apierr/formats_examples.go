package main

import (
	"github.com/apierr/apierr/examples/calls"
	"github.com/apierr/apierr/examples/campaigns"
	"github.com/apierr/apierr/examples/inbox"
	"github.com/apierr/apierr/examples/mail"
)

// The seed examples' formats, so `--catalog examples/<api>/errors.yaml` loads
// with the shape that API sends.
func init() {
	extraFormats = append(extraFormats, inbox.Format, inbox.SimpleFormat, mail.Format, calls.Format, campaigns.Format)
}
