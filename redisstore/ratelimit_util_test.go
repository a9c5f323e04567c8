package redisstore_test

import (
	"errors"
	"time"

	"github.com/apierr/apierr"
)

func asErr(err error, target **apierr.Error) bool { return errors.As(err, target) }

// rlTestTimeout bounds Redis calls in tests that are not about outages: long
// enough that a loaded CI machine never turns a slow reply into a failure
// (a stopped server still fails at once: connection refused).
const rlTestTimeout = 5 * time.Second

// rlOutageTimeout bounds calls in outage tests: every call to a stopped
// server may take this long (go-redis retries the dial until the deadline).
const rlOutageTimeout = time.Second
