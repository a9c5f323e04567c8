package main

import (
	"github.com/apierr/apierr"
	"github.com/apierr/apierr/examples/calls"
	"github.com/apierr/apierr/examples/campaigns"
	"github.com/apierr/apierr/examples/inbox"
	"github.com/apierr/apierr/examples/mail"
)

// exampleFormats are the seed examples' formats, so `--catalog
// examples/<api>/errors.yaml` loads with the shape that API sends.
var exampleFormats = []apierr.Format{inbox.Format, inbox.SimpleFormat, mail.Format, calls.Format, campaigns.Format}
